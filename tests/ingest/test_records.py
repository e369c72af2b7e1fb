"""JSONL, JSON and CSV/TSV dumps: field detection, overrides, broken records, encodings."""

from __future__ import annotations

import codecs
import json
from datetime import date
from pathlib import Path

import pytest

from annotator.ingest import FailureCode, IngestOptions

from .conftest import run


def test_jsonl_with_odd_fields(fixtures: Path) -> None:
    path = fixtures / "odd_fields.jsonl"
    documents, failures = run([path])
    assert [d.line for d in documents] == [1, 6, 7]
    first = documents[0].draft
    assert first.title == "Ferry service to Inchmor restored after storm"
    assert first.text == (
        "Ferries to Inchmor resumed on Saturday after three days of cancellations.\n\n"
        "The operator said all sailings would run to timetable from Monday."
    )
    assert first.url == "https://news.example.net/ferry-restored"
    assert first.published == date(2022, 3, 5)
    assert first.source == "Island Courier"
    assert first.external_id == "6223a1f0c0ffee0001"
    assert dict(first.metadata) == {"section": "Transport", "word_count": 23}
    assert first.raw is not None
    assert json.loads(first.raw.content)["outlet"] == "Island Courier"
    library = documents[1].draft
    assert library.text.startswith("The central library will open until 9 p.m. on weekdays")
    assert (library.source, library.external_id, library.published) == (
        "Town Crier",
        "42",
        date(2022, 3, 7),
    )
    assert documents[2].draft.published == date(2022, 3, 9)
    assert documents[2].draft.source == "cityjournal.example.org"
    assert [(f.line, f.code) for f in failures] == [
        (2, FailureCode.MALFORMED),
        (4, FailureCode.MALFORMED),
        (5, FailureCode.NO_TEXT),
    ]
    assert failures[0].message.startswith(f"{path}:2: invalid JSON")
    assert documents[0].origin == f"{path}:1"


def test_field_overrides_and_dotted_paths(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    record = {"a": {"b": "Body text here."}, "h": "Head", "meta": {"site": "S"}, "title": "x"}
    path.write_text(json.dumps(record) + "\n")
    options = IngestOptions(text_field="a.b", title_field="h", source_field="meta.site")
    (document,), failures = run([path], options)
    assert failures == []
    assert (document.draft.text, document.draft.title, document.draft.source) == (
        "Body text here.",
        "Head",
        "S",
    )
    assert document.draft.metadata == {"title": "x"}  # heads of dotted paths are consumed


def test_a_missing_overridden_field_fails_the_record(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text('{"text": "x"}\n')
    _, failures = run([path], IngestOptions(text_field="body"))
    assert [f.reason for f in failures] == ["field 'body' (set for text) is missing"]


def test_html_field_is_extracted_when_there_is_no_text(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    html = (
        "<html><head><title>Pier closed</title></head><body><article>"
        "<p>The pier was closed on Sunday after storm damage was found under the deck.</p>"
        "<p>Engineers will inspect it this week and report to the council on Friday.</p>"
        "</article></body></html>"
    )
    path.write_text(json.dumps({"raw_html": html, "url": "https://e.org/pier"}) + "\n")
    (document,), _ = run([path])
    assert document.draft.title == "Pier closed"
    assert document.draft.text.startswith("The pier was closed on Sunday")
    assert "raw_html" not in document.draft.metadata


def test_utf16_jsonl_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    lines = [
        json.dumps({"text": f"Élan numéro {n} à Zürich."}, ensure_ascii=False) for n in range(3)
    ]
    path.write_bytes(codecs.BOM_UTF16_LE + "\r\n".join(lines).encode("utf-16-le"))
    documents, failures = run([path])
    assert failures == []
    assert [d.draft.text for d in documents] == [f"Élan numéro {n} à Zürich." for n in range(3)]
    assert [d.line for d in documents] == [1, 2, 3]


def test_cp1252_line_in_utf8_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_bytes(b'{"text": "plain ascii"}\n' + '{"text": "café “quoted”"}\n'.encode("cp1252"))
    documents, failures = run([path])
    assert failures == []
    assert [d.draft.text for d in documents] == ["plain ascii", "café “quoted”"]


def test_csv_with_odd_fields(fixtures: Path) -> None:
    path = fixtures / "odd_fields.csv"
    documents, failures = run([path])
    assert [d.line for d in documents] == [2, 5]
    fees = documents[0].draft
    assert fees.title == "Harbour fees rise"
    assert fees.text == (
        "Mooring fees at the marina will rise by 4% from May.\n"
        "The harbour board said the increase covers dredging costs."
    )
    assert (fees.url, fees.published, fees.source) == (
        "https://example.org/fees",
        date(2022, 4, 1),
        "Coast News",
    )
    market = documents[1].draft
    assert market.text == 'The Saturday market returns to the square, organisers said "at last".'
    assert market.published is None
    assert market.metadata == {"Date Published": "01/04/2022"}
    assert market.raw is not None
    assert market.raw.content.decode("utf-8").startswith("Title;Story;Link")
    assert [(f.line, f.code) for f in failures] == [(4, FailureCode.MALFORMED)]
    assert "expected 5 fields, found 2" in failures[0].reason


def test_cp1252_csv(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    text = "title,body\nCafé,“Naïve” plans cost €5 — officials said.\n"
    path.write_bytes(text.encode("cp1252"))
    (document,), failures = run([path])
    assert failures == []
    assert (document.draft.title, document.draft.text) == (
        "Café",
        "“Naïve” plans cost €5 — officials said.",
    )


def test_tsv_has_no_quoting(tmp_path: Path) -> None:
    path = tmp_path / "dump.tsv"
    path.write_text('id\ttext\n1\t"Yes," she said.\n2\tSecond.\n')
    documents, failures = run([path])
    assert failures == []
    assert [d.draft.text for d in documents] == ['"Yes," she said.', "Second."]
    assert [d.draft.external_id for d in documents] == ["1", "2"]


def test_huge_csv_fields_are_read(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    body = "Word " * 60_000
    path.write_text(f'text\n"{body.strip()}."\n')
    (document,), failures = run([path])
    assert failures == []
    assert len(document.draft.text) == len(body)


def test_unclosed_quote_stops_the_file_at_the_record_limit(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text('text\n"Fine."\n"Never closed\n' + "more text\n" * 500)
    documents, failures = run([path], IngestOptions(max_record_bytes=1000))
    assert [d.draft.text for d in documents] == ["Fine."]
    assert [(f.line, f.code) for f in failures] == [(3, FailureCode.TOO_LARGE)]


def test_json_array_streamed(fixtures: Path) -> None:
    path = fixtures / "articles.json"
    documents, failures = run([path])
    assert [d.origin for d in documents] == [f"{path}[0]", f"{path}[1]"]
    assert [d.draft.published for d in documents] == [date(2022, 5, 2), date(2022, 5, 3)]
    assert [(f.origin, f.line, f.code) for f in failures] == [
        (f"{path}[2]", 4, FailureCode.NO_TEXT)
    ]


def test_json_array_with_a_syntax_error_keeps_what_came_before(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n{"text": "one"},\n{"text": "two"},\n{"text": oops}\n]')
    documents, failures = run([path])
    assert [d.draft.text for d in documents] == ["one", "two"]
    assert [(f.line, f.code) for f in failures] == [(4, FailureCode.MALFORMED)]


@pytest.mark.parametrize("chunk", [7, 64, 4096])
def test_json_elements_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr("annotator.ingest.jsonarray.CHUNK_BYTES", chunk)
    monkeypatch.setattr("annotator.ingest.jsonarray.SAMPLE_BYTES", chunk)
    records = [{"text": f"Artículo número {n}: " + "é" * n, "n": 10**n} for n in range(12)]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    documents, failures = run([path])
    assert failures == []
    assert [d.draft.metadata["n"] for d in documents] == [10**n for n in range(12)]


def test_concatenated_json_objects(tmp_path: Path) -> None:
    path = tmp_path / "objects.json"
    path.write_text('{"text": "one"}\n{"text": "two"} {"text": "three"}')
    documents, _ = run([path])
    assert [d.draft.text for d in documents] == ["one", "two", "three"]


def test_a_text_field_holding_an_object_is_named_with_its_text_paths(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    record = {"title": "T", "body": {"content": "Body text.", "words": 2, "lead": "L"}}
    path.write_text(json.dumps(record) + "\n")
    _, failures = run([path])
    assert [f.reason for f in failures] == [
        "field 'body' holds an object, not text (text inside it: body.content, body.lead; "
        "set the text field option to one of these)"
    ]
    (document,), failures = run([path], IngestOptions(text_field="body.content"))
    assert (failures, document.draft.text) == ([], "Body text.")


def test_an_overridden_dotted_text_field_is_named_in_full(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"a": {"b": [1, 2]}}) + "\n")
    _, failures = run([path], IngestOptions(text_field="a.b"))
    assert [f.reason for f in failures] == ["field 'a.b' holds a list, not text"]
