"""The spaCy JSONL offsets format and the JSON record helpers it hosts."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.document import DocumentStatus
from annotator.core.interchange import AnnotatedDraft
from annotator.core.offsets import Unit
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import registry
from annotator.formats.base import ImportOptions, Loss
from annotator.formats.spacy_jsonl import (
    EXPORTER,
    IMPORTER,
    JsonStream,
    StreamError,
    iter_json_records,
)
from tests.formats.conftest import (
    ROUND_TRIP_TEXT,
    Export,
    draft_keys,
    original_keys,
    renumbered,
)


def read(path: Path, schema: LabelSchema, **options: object) -> list[AnnotatedDraft | Failure]:
    return list(IMPORTER.read(path, schema, ImportOptions(**options)))  # type: ignore[arg-type]


def test_registry_finds_the_module() -> None:
    assert registry.exporter("spacy-jsonl") is EXPORTER
    assert registry.importer("spacy-jsonl") is IMPORTER


def test_export_shape_and_losses(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    path, losses = export(EXPORTER, [document], "train.jsonl", schema)
    (line,) = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["text"] == ROUND_TRIP_TEXT
    assert {"start": 57, "end": 69, "label": "CASUALTY_FIGURE", "text": "12 civilians"} in record[
        "spans"
    ]
    assert record["meta"]["title"] == "Document 1"
    assert losses.counts == {Loss.ATTRIBUTES: 7, Loss.RELATIONS: 2}
    assert EXPORTER.losses(iter([document]), schema).counts == losses.counts


def test_spacy_char_span_takes_every_offset(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    spacy = pytest.importorskip("spacy")
    path, _ = export(EXPORTER, [document], "train.jsonl", schema)
    nlp = spacy.blank("en")
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        doc = nlp.make_doc(record["text"])
        for raw in record["spans"]:
            span = doc.char_span(raw["start"], raw["end"], label=raw["label"])
            assert span is not None, raw  # strict alignment: on token boundaries
            assert span.text == raw["text"]


def test_round_trip_keeps_what_the_format_carries(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    item = replace(
        document,
        document=replace(
            document.document, status=DocumentStatus.IN_PROGRESS, metadata={"lang": "en"}
        ),
    )
    path, _ = export(EXPORTER, [item, renumbered(item, 2)], "train.jsonl", schema)
    drafts = read(path, schema)
    assert len(drafts) == 2
    for draft in drafts:
        assert isinstance(draft, AnnotatedDraft)
        assert draft.draft.text == ROUND_TRIP_TEXT
        assert draft_keys(draft) == original_keys(item, attributes=False)
        assert draft.status is DocumentStatus.IN_PROGRESS
        assert draft.draft.metadata == {"lang": "en"}
        assert draft.note == ""


def test_a_broken_line_fails_with_file_and_line_and_the_rest_imports(
    tmp_path: Path, schema: LabelSchema
) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"text": "Rebels shelled Aleppo.", "spans": [{"start": 15, "end": 21, '
        '"label": "LOCATION"}]}\n'
        '{"text": "broken", "spans": [\n'
        "\n"
        '{"text": "Homs", "spans": [[0, 4, "LOCATION"]]}\n'
        '{"text": "Homs", "spans": [{"start": 0, "end": 9, "label": "LOCATION"}]}\n'
        '["not", "an", "object"]\n',
        encoding="utf-8",
    )
    results = read(path, schema)
    assert [type(r).__name__ for r in results] == [
        "AnnotatedDraft",
        "Failure",
        "AnnotatedDraft",
        "Failure",
        "Failure",
    ]
    broken, outside, not_object = results[1], results[3], results[4]
    assert isinstance(broken, Failure)
    assert isinstance(outside, Failure)
    assert isinstance(not_object, Failure)
    assert (broken.file, broken.line) == (str(path), 2)
    assert "not valid JSON" in broken.reason
    assert outside.line == 5
    assert "out of range" in outside.reason
    assert not_object.line == 6
    first = results[0]
    assert isinstance(first, AnnotatedDraft)
    assert first.origin == f"{path}:1"


def test_utf16_offsets_with_surface_text_are_detected(tmp_path: Path, schema: LabelSchema) -> None:
    path = tmp_path / "utf16.jsonl"
    record = {
        "text": ROUND_TRIP_TEXT,
        "spans": [{"start": 58, "end": 70, "label": "CASUALTY_FIGURE", "text": "12 civilians"}],
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (draft,) = read(path, schema)
    assert isinstance(draft, AnnotatedDraft)
    assert [(s.start, s.end) for s in draft.spans] == [(57, 69)]
    assert "UTF-16" in draft.note
    (declared,) = read(path, schema, offset_unit=Unit.UTF16)
    assert isinstance(declared, AnnotatedDraft)
    assert [(s.start, s.end) for s in declared.spans] == [(57, 69)]
    assert declared.note == ""


def test_json_stream_reads_arrays_and_pretty_objects_with_lines() -> None:
    text = '[\n  {"a": 1},\n  {"b": "x\\ny"}\n]\n{\n  "c": [1, 2]\n}\n'
    values = list(JsonStream(io.StringIO(text)).values())
    assert values == [(2, {"a": 1}), (3, {"b": "x\ny"}), (5, {"c": [1, 2]})]
    with pytest.raises(StreamError) as caught:
        list(JsonStream(io.StringIO('[\n{"a": 1},\n{"a" 2}\n]')).values())
    assert caught.value.line == 3


@pytest.mark.parametrize(
    "text",
    [
        '[\n{"a": 1},\n{"b": [2, {"c": 3}]}\n]\n',  # one object per line (the fast path)
        '[\r\n{"a": 1} , \r\n{"b": [2, {"c": 3}]}\r\n]',  # CRLF, spaces around commas
        '[{"a": 1}, {"b": [2, {"c": 3}]}]\n',  # minified
        '[\n{"a": 1}, {"b": [2, {"c": 3}]}\n]',  # two on one line
        '[\n{"a": 1},\n{"b": [2, {"c": 3}]}]',  # the last closes the array on its line
    ],
)
def test_json_stream_reads_every_layout_of_an_array_alike(text: str) -> None:
    assert [value for _, value in JsonStream(io.StringIO(text)).values()] == json.loads(text)


def test_json_stream_lines_and_values_json_alone_reads() -> None:
    text = '[\n{"big": 123456789012345678901234567890},\n{"nan": NaN},\n{"a": 1}\n]\n'
    values = list(JsonStream(io.StringIO(text)).values())
    assert values[0] == (2, {"big": 123456789012345678901234567890})
    assert values[1][0] == 3
    assert values[2] == (4, {"a": 1})


def test_json_stream_handles_values_larger_than_its_chunk() -> None:
    big = {"text": "é" * 300_000, "n": 123456789}
    text = "[" + json.dumps(big) + ",\n" + json.dumps(big) + "]"
    stream = JsonStream(io.StringIO(text))
    stream._CHUNK = 1000
    values = list(stream.values())
    assert [line for line, _ in values] == [1, 2]
    assert all(value == big for _, value in values)


def test_iter_json_records_pretty_file_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "pretty.json"
    path.write_text('\ufeff{\n  "text": "a"\n}\n', encoding="utf-8")
    assert list(iter_json_records(path)) == [(1, {"text": "a"})]
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"text": "\xff"}\n')
    (failure,) = list(iter_json_records(bad))
    assert isinstance(failure, Failure)
    assert "not UTF-8" in failure.reason
