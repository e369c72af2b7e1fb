"""Bytes to text: BOMs, UTF-8, UTF-16 without BOM, legacy single-byte encodings, binary refusal."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from annotator.ingest.items import FailureCode, RefusedError

SAMPLE_BYTES = 64 * 1024
"""How much of a streamed file is looked at to choose its encoding."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip file"),
    (b"PK\x03\x04", "a zip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I
)
_WESTERN = {"cp1252", "iso8859-1", "iso8859-15", "ascii"}
_UTF8 = {"utf_8", "utf-8", "utf8"}


def bom_encoding(head: bytes) -> str | None:
    """The codec (one that drops the BOM when decoding) named by a byte order mark, if any."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    return None


def binary_kind(head: bytes) -> str | None:
    """What binary data looks like (``"a PDF document"``), or None when it may be text."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a BOM shows NUL bytes on one side of mostly-ASCII characters."""
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 8:
        return None
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.4 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.4 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def _decodes(sample: bytes, codec: str, *, complete: bool) -> bool:
    try:
        codecs.getincrementaldecoder(codec)().decode(sample, final=complete)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _declared_charset(sample: bytes) -> str | None:
    match = _META_CHARSET.search(sample[:8192])
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None


def _guess_legacy(sample: bytes) -> str | None:
    """charset-normalizer's choice, except that cp1252 wins a near tie: short Western texts
    score the same in cp1250, cp1252 and cp1257, and cp1252 is by far the likeliest."""
    results = from_bytes(sample)
    best = results.best()
    if best is None:
        return None
    for match in results:
        close = match.chaos <= best.chaos + 0.01 and match.coherence >= best.coherence - 0.1
        if close and codecs.lookup(match.encoding).name in _WESTERN:
            return "cp1252"
    return codecs.lookup(best.encoding).name


def detect_encoding(sample: bytes, *, complete: bool, html: bool = False) -> str:
    """Choose the codec for ``sample`` (the whole file when ``complete``, else its start).

    Order: BOM, UTF-16 without BOM, valid UTF-8, the HTML ``<meta charset>``, then
    charset-normalizer for legacy encodings. Raises ``RefusedError`` for binary data.
    """
    codec = bom_encoding(sample)
    if codec is not None:
        return codec
    kind = binary_kind(sample)
    if kind is not None:
        raise RefusedError(f"refused binary file: this looks like {kind}", FailureCode.BINARY)
    if b"\x00" in sample:
        codec = _utf16_without_bom(sample)
        if codec is not None:
            return codec
        raise RefusedError("refused binary file: it contains NUL bytes", FailureCode.BINARY)
    if _decodes(sample, "utf-8", complete=complete):
        return "utf-8"
    if html:
        declared = _declared_charset(sample)
        if declared is not None and _decodes(sample, declared, complete=complete):
            return declared
    guess = _guess_legacy(sample if complete else sample[:SAMPLE_BYTES])
    if guess is None:
        raise RefusedError(
            "refused: not text in any encoding that could be detected", FailureCode.BINARY
        )
    return guess


def decode_document(data: bytes, *, html: bool = False) -> str:
    """Decode a whole file; raises ``RefusedError`` for binary or undecodable data."""
    codec = detect_encoding(data, complete=True, html=html)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise RefusedError(
            f"refused: cannot decode as {codec} at byte offset {exc.start}", FailureCode.BINARY
        ) from exc


def decode_fragment(raw: bytes, codec: str) -> str:
    """Decode one line or record of a streamed file whose encoding was chosen from its start.

    A line that is not valid in the file's encoding (a legacy byte after an ASCII start) is
    decoded on its own; raises ``RefusedError`` when that fails too.
    """
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        if codecs.lookup(codec).name.replace("-", "_") not in _UTF8:
            raise RefusedError(
                f"cannot decode as {codec} at byte {exc.start} of the record", FailureCode.BINARY
            ) from exc
    if b"\x00" in raw:
        raise RefusedError("refused binary data: the record contains NUL bytes", FailureCode.BINARY)
    for candidate in ("cp1252", _guess_legacy(raw)):
        if candidate is not None and _decodes(raw, candidate, complete=True):
            return raw.decode(candidate)
    raise RefusedError("cannot decode the record in any detected encoding", FailureCode.BINARY)
