"""Prodigy JSONL: spaCy's invariants on the tokens and spans, round trip, peer files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.interchange import AnnotatedDraft
from annotator.core.offsets import OffsetConverter
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import registry
from annotator.formats.base import ExportOptions, ImportOptions, Loss, LossReport
from annotator.formats.prodigy import EXPORTER, IMPORTER, to_record
from tests.formats.conftest import (
    ROUND_TRIP_TEXT,
    Export,
    draft_keys,
    draft_relations,
    make_document,
    original_keys,
    original_relations,
)


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_back(path: Path) -> list[AnnotatedDraft | Failure]:
    return list(IMPORTER.read(path, LabelSchema(), ImportOptions()))


def test_registry_finds_the_module() -> None:
    assert registry.exporter("prodigy") is EXPORTER
    assert registry.importer("prodigy") is IMPORTER


def check_prodigy_invariants(task: dict[str, Any]) -> None:
    """What Prodigy and spaCy rely on: tokens tile the text, spans sit on tokens."""
    text, tokens = task["text"], task["tokens"]
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    assert "".join(t["text"] + " " * t["ws"] for t in tokens) == text
    for token in tokens:
        assert text[token["start"] : token["end"]] == token["text"]
        if token["text"].isspace():
            assert token["ws"] is False  # whitespace beyond one space: a token, ws false
    for span in task["spans"]:
        first, last = tokens[span["token_start"]], tokens[span["token_end"]]  # inclusive end
        assert (first["start"], last["end"]) == (span["start"], span["end"])
        assert span["text"] == text[span["start"] : span["end"]]
    ends = {(s["start"], s["end"], s["label"]): s for s in task["spans"]}
    for relation in task["relations"]:
        for side in ("head", "child"):
            described = relation[f"{side}_span"]
            span = ends[(described["start"], described["end"], described["label"])]
            assert relation[side] == span["token_end"] == described["token_end"]


def test_export_keeps_spacy_invariants(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    spacy = pytest.importorskip("spacy")
    path, losses = export(EXPORTER, [document], "tasks.jsonl", schema)
    assert losses.empty
    (task,) = records(path)
    check_prodigy_invariants(task)
    assert task["answer"] == "accept"
    assert task["meta"] == {"id": "doc-1", "title": "Document 1"}
    assert {"text": "\n", "start": 36, "end": 37, "id": 8, "ws": False} in task["tokens"]
    claim = next(s for s in task["spans"] if s["label"] == "CLAIM")
    assert claim["attributes"] == {"certainty": "reported", "disputed": True}
    assert (claim["token_start"], claim["token_end"]) == (13, 19)
    located = next(r for r in task["relations"] if r["label"] == "LOCATED_IN")
    assert (located["head"], located["child"]) == (14, 17)
    nlp = spacy.blank("en")
    doc = spacy.tokens.Doc(
        nlp.vocab,
        words=[t["text"] for t in task["tokens"]],
        spaces=[t["ws"] for t in task["tokens"]],
    )
    assert doc.text == ROUND_TRIP_TEXT
    for span in task["spans"]:
        made = doc.char_span(span["start"], span["end"], label=span["label"])
        assert made is not None
        assert (made.start, made.end - 1) == (
            span["token_start"],
            span["token_end"],
        )


def test_round_trip_is_exact(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    path, _ = export(EXPORTER, [document], "tasks.jsonl", schema)
    (draft,) = read_back(path)
    assert isinstance(draft, AnnotatedDraft)
    assert draft.draft.text == ROUND_TRIP_TEXT
    assert draft_keys(draft) == original_keys(document)
    assert draft_relations(draft) == original_relations(document)
    assert (draft.draft.external_id, draft.draft.title) == ("doc-1", "Document 1")
    assert draft.origin == f"{path}:1"
    assert draft.note == ""


def test_spans_inside_tokens_split_them_or_are_widened(export: Export, schema: LabelSchema) -> None:
    item = make_document("Aleppo-based rebels  fled", [("LOCATION", 0, 6, {})])
    path, losses = export(EXPORTER, [item], "split.jsonl", schema)
    assert losses.empty
    (task,) = records(path)
    check_prodigy_invariants(task)
    assert [t["text"] for t in task["tokens"]] == ["Aleppo", "-based", "rebels", " ", "fled"]
    path, losses = export(
        EXPORTER, [item], "wide.jsonl", schema, ExportOptions(extra={"tokens": "expand"})
    )
    assert losses.counts == {Loss.UNALIGNED: 1}
    (task,) = records(path)
    check_prodigy_invariants(task)
    assert task["spans"][0]["text"] == "Aleppo-based"
    assert EXPORTER.losses([item], schema, ExportOptions(extra={"tokens": "expand"})).counts == {
        Loss.UNALIGNED: 1
    }


def test_peer_files_import(shared_fixtures: Path) -> None:
    folder = shared_fixtures / "prodigy"
    relations = read_back(folder / "rel_annotations.head3.jsonl")
    assert all(isinstance(x, AnnotatedDraft) for x in relations)
    drafts = [x for x in relations if isinstance(x, AnnotatedDraft)]
    assert [(len(d.spans), len(d.relations)) for d in drafts] == [(5, 4), (10, 9), (2, 1)]
    first = drafts[0]
    by_key = {s.key: first.draft.text[s.start : s.end] for s in first.spans}
    assert [(r.type, by_key[r.source], by_key[r.target]) for r in first.relations][:2] == [
        ("Pos-Reg", "Smad", "Id1"),
        ("Pos-Reg", "Smad", "Id1"),
    ]
    assert first.draft.metadata["source"].startswith("BioNLP 2011")
    fashion = read_back(folder / "fashion_brands_eval.head5.jsonl")
    assert len(fashion) == 5
    assert all(isinstance(x, AnnotatedDraft) for x in fashion)
    assert fashion[0].draft.metadata == {"section": "malefashionadvice"}  # type: ignore[union-attr]


def test_bad_records_fail_with_file_and_line_and_the_rest_imports(tmp_path: Path) -> None:
    text = "The ministry 🏛 said 12 civilians died."
    converter = OffsetConverter(text)
    utf16 = converter.span_to_utf16(20, 32)
    lines = [
        {"text": "Ann met Bob.", "spans": [{"start": 0, "end": 3, "label": "PER"}]},
        "{broken",
        {"text": "x", "answer": "reject"},
        {
            "text": "Ann met Bob.",
            "spans": [
                {"start": 8, "end": 11, "label": "PER", "text": "Bob"},
                {"start": 4, "end": 7, "label": "PER", "text": "Bob"},
                {"start": 9, "end": 99, "label": "PER"},
            ],
            "relations": [{"head": 0, "child": 2, "label": "KNOWS"}],
        },
        {
            "text": text,
            "spans": [{"start": utf16[0], "end": utf16[1], "label": "FIG", "text": "12 civilians"}],
        },
        {
            "text": "Ann met Bob.",
            "tokens": [{"text": "Ann", "start": 0, "end": 3, "id": 0}],
            "spans": [{"token_start": 0, "token_end": 0, "label": "PER"}],
            "relations": [{"head": 0, "child": 0, "label": "SELF"}],
        },
    ]
    path = tmp_path / "tasks.jsonl"
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    items = read_back(path)
    failures = [x for x in items if isinstance(x, Failure)]
    assert [(f.file, f.line) for f in failures] == [(str(path), n) for n in (2, 3, 4, 4, 4, 4)]
    assert "not valid JSON" in failures[0].reason
    assert "answer is 'reject'" in failures[1].reason
    assert "spans[1]: 4-7 ('met') does not fit the text or its 'text' 'Bob'" in failures[2].reason
    assert "spans[2]" in failures[3].reason
    assert "relations[0]: head 0 is not the last token of any span" in failures[4].reason
    assert "relations[0]: child 2 is not the last token of any span" in failures[5].reason
    drafts = [x for x in items if isinstance(x, AnnotatedDraft)]
    assert [draft_keys(d, attributes=False) for d in drafts] == [
        [("PER", 0, 3, ())],
        [("PER", 8, 11, ())],
        [("FIG", 20, 32, ())],
        [("PER", 0, 3, ())],
    ]
    assert drafts[2].note == "span offsets were in UTF-16 units"
    assert [(r.type, r.source, r.target) for r in drafts[3].relations] == [("SELF", "s1", "s1")]


@pytest.mark.parametrize("tokens", ["split", "expand"])
def test_a_line_is_the_json_of_the_task(
    export: Export, schema: LabelSchema, document: AnnotatedDocument, tokens: str
) -> None:
    """Each written line decodes to exactly the task :func:`to_record` builds."""
    odd = make_document('Odd "quotes"\\ and\ttabs\u2028 \x7f 🏛  ', [("ACTOR", 0, 3, {"k": 1})])
    options = ExportOptions(extra={"tokens": tokens})
    path, losses = export(EXPORTER, [document, odd], f"{tokens}.jsonl", schema, options)
    expected = LossReport()
    lines = path.read_text(encoding="utf-8").split("\n")  # not splitlines: U+2028 is in a text
    assert [json.loads(line) for line in lines if line] == [
        to_record(item, options, expected) for item in (document, odd)
    ]
    assert losses == expected


def test_a_broken_line_says_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a", "spans": [1 2]}\n', encoding="utf-8")
    (failure,) = [
        r for r in IMPORTER.read(path, LabelSchema(), ImportOptions()) if isinstance(r, Failure)
    ]
    assert failure.reason == "not valid JSON (Expecting ',' delimiter at line 1, column 27)"
