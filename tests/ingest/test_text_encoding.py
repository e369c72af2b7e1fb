"""Character normalisation, encoding detection and dates."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from annotator.ingest import FailureCode, parse_date
from annotator.ingest.encoding import decode_document, decode_fragment, detect_encoding
from annotator.ingest.items import RefusedError
from annotator.ingest.normalize import normalize_text

from .conftest import run

LEGACY = "Café owners in Zürich said the “naïve” plan would cost €2,000 — or more."


def test_line_ends_become_lf() -> None:
    assert normalize_text("a\r\nb\rc\n\u2028d\u2029e\x0cf") == "a\nb\nc\n\nd\ne\nf"


def test_nfc() -> None:
    assert normalize_text("Cafe\u0301") == "Café"


def test_controls_and_boms_are_removed_tabs_kept() -> None:
    assert normalize_text("\ufeffa\x00b\x07c\x1bd\x7fe\x85\x9ff\tg\ufeffh") == "abcde\nf\tgh"


def test_nbsp_kept_by_default_or_made_a_space() -> None:
    assert normalize_text("10\u00a0km") == "10\u00a0km"
    assert normalize_text("10\u00a0km", nbsp="space") == "10 km"


def test_lone_surrogates_are_replaced() -> None:
    assert normalize_text("a\ud800b") == "a\ufffdb"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + LEGACY.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + LEGACY.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + LEGACY.encode("utf-16-be"), "utf-16"),
        (LEGACY.encode("utf-16-le"), "utf-16-le"),
        (LEGACY.encode("utf-8"), "utf-8"),
    ],
)
def test_unicode_encodings(data: bytes, expected: str) -> None:
    assert detect_encoding(data, complete=True) == expected
    assert decode_document(data) == LEGACY


def test_legacy_single_byte_is_detected() -> None:
    text = (LEGACY + " ") * 3
    assert decode_document(text.encode("cp1252")) == text


def test_html_meta_charset_is_used() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Café — “x”</p></body></html>'
    assert decode_document(page.encode("cp1252"), html=True) == page


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
        (b"abc\x00\x01\x02\x03\xff\xfe\x00\x10" * 20, "NUL bytes"),
    ],
)
def test_binary_is_refused(data: bytes, kind: str) -> None:
    with pytest.raises(RefusedError) as caught:
        decode_document(data)
    assert kind in caught.value.reason
    assert caught.value.code == FailureCode.BINARY


def test_a_legacy_line_in_a_utf8_stream_is_decoded_alone() -> None:
    assert decode_fragment("Café".encode("cp1252"), "utf-8") == "Café"


def test_files_in_each_encoding_import(tmp_path: Path) -> None:
    for name, encoding, bom in [
        ("utf8.txt", "utf-8", b""),
        ("utf8bom.txt", "utf-8", codecs.BOM_UTF8),
        ("utf16.txt", "utf-16-le", codecs.BOM_UTF16_LE),
        ("cp1252.txt", "cp1252", b""),
    ]:
        (tmp_path / name).write_bytes(bom + f"{LEGACY}\r\nNaïve, {LEGACY}".encode(encoding))
    documents, failures = run([tmp_path])
    assert failures == []
    assert [doc.draft.text for doc in documents] == [f"{LEGACY}\nNaïve, {LEGACY}"] * 4


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-06-28", date(2021, 6, 28)),
        ("2021-06-28T19:05:00Z", date(2021, 6, 28)),
        ("2021/06/28", date(2021, 6, 28)),
        ("20210628", date(2021, 6, 28)),
        ("Mon, 28 Jun 2021 19:05:00 +0000", date(2021, 6, 28)),
        ("June 28, 2021", date(2021, 6, 28)),
        ("Updated on: June 28, 2021 / 7:05 PM", date(2021, 6, 28)),
        ("28th June 2021", date(2021, 6, 28)),
        ("Sept. 3, 2021", date(2021, 9, 3)),
        ("28/06/2021", date(2021, 6, 28)),
        ("06/28/2021", date(2021, 6, 28)),
        ("03/04/2021", None),
        (1624906800, date(2021, 6, 28)),
        (1624906800000, date(2021, 6, 28)),
        ("yesterday", None),
        ("2021-02-30", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_date(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


def test_the_clean_ascii_fast_path_agrees_with_deleting_the_allowed_bytes() -> None:
    from annotator.ingest.normalize import _PRINTABLE_ASCII, _clean_ascii

    body = "A long enough article line.\tWith a tab.\n" * 40
    for code in range(0x80):
        for text in (body + chr(code) + body, chr(code) + body, body + chr(code)):
            expected = not text.encode("ascii").translate(None, _PRINTABLE_ASCII)
            assert _clean_ascii(text) is expected, code
            assert len(text) >= 1024
    assert not _clean_ascii(body + "é")
