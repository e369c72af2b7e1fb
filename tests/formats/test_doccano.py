"""doccano JSONL: both forms, UTF-16 or code points, doccano's own files, medkit's reader."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.document import DocumentStatus
from annotator.core.errors import UserError
from annotator.core.interchange import AnnotatedDraft
from annotator.core.offsets import Unit
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import registry
from annotator.formats.base import ExportOptions, ImportOptions, Loss
from annotator.formats.doccano import EXPORTER, IMPORTER, export_form
from tests.formats.conftest import (
    ROUND_TRIP_TEXT,
    Export,
    draft_keys,
    draft_relations,
    original_keys,
    original_relations,
)

UTF16 = ExportOptions(offset_unit=Unit.UTF16)
CODE_POINTS = ExportOptions(offset_unit=Unit.CODE_POINT)


def read(path: Path, schema: LabelSchema, **options: object) -> list[AnnotatedDraft | Failure]:
    return list(IMPORTER.read(path, schema, ImportOptions(**options)))  # type: ignore[arg-type]


def only_draft(results: list[AnnotatedDraft | Failure]) -> AnnotatedDraft:
    (draft,) = results
    assert isinstance(draft, AnnotatedDraft), draft
    return draft


def test_registry_finds_the_module_and_its_default_unit() -> None:
    assert registry.exporter("doccano") is EXPORTER
    assert registry.importer("doccano") is IMPORTER
    info = registry.format_info("doccano")
    assert info is not None
    assert info.default_unit is Unit.UTF16


def test_form_follows_the_schema_unless_chosen(schema: LabelSchema) -> None:
    assert export_form(schema, ExportOptions()) == "relation"
    no_relations = replace(schema, relation_types=())
    assert export_form(no_relations, ExportOptions()) == "sequence"
    chosen = ExportOptions(extra={"doccano_form": "sequence"})
    assert export_form(schema, chosen) == "sequence"
    with pytest.raises(UserError, match="doccano_form"):
        export_form(schema, ExportOptions(extra={"doccano_form": "tree"}))


def test_relation_form_in_utf16_units(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    path, losses = export(EXPORTER, [document], "doccano.jsonl", schema, UTF16)
    record = json.loads(path.read_text(encoding="utf-8"))
    extents = sorted((e["label"], e["start_offset"], e["end_offset"]) for e in record["entities"])
    # the UTF-16 column of the formats.md table
    assert extents == sorted(
        [
            ("ACTOR", 0, 6),
            ("LOCATION", 15, 21),
            ("ACTOR", 37, 49),
            ("CLAIM", 58, 92),
            ("CASUALTY_FIGURE", 58, 70),
            ("LOCATION", 79, 85),
        ]
    )
    ids = {e["id"]: e["label"] for e in record["entities"]}
    assert sorted((ids[r["from_id"]], r["type"], ids[r["to_id"]]) for r in record["relations"]) == [
        ("CASUALTY_FIGURE", "LOCATED_IN", "LOCATION"),
        ("CLAIM", "ATTRIBUTED_TO", "ACTOR"),
    ]
    assert record["title"] == "Document 1"
    assert record["status"] == "new"
    assert losses.counts == {Loss.ATTRIBUTES: 7, Loss.OVERLAPS: 3}
    assert "doccano drops them" in losses.notes[Loss.OVERLAPS]
    assert losses.examples[Loss.OVERLAPS] == [
        "doc-1: CASUALTY_FIGURE '12 civilians' overlaps CLAIM '12 civilians died in Aleppo’s east'"
    ]
    assert EXPORTER.losses(iter([document]), schema).counts == losses.counts


def test_sequence_form_in_code_points(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    options = ExportOptions(offset_unit=Unit.CODE_POINT, extra={"doccano_form": "sequence"})
    path, losses = export(EXPORTER, [document], "seq.jsonl", schema, options)
    record = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(tuple(x) for x in record["label"]) == sorted(
        (s.start, s.end, s.label) for s in document.spans
    )
    assert "entities" not in record
    assert losses.counts == {Loss.ATTRIBUTES: 7, Loss.OVERLAPS: 3, Loss.RELATIONS: 2}


@pytest.mark.parametrize("options", [UTF16, CODE_POINTS], ids=["utf16", "codepoints"])
def test_round_trip_detects_the_unit(
    export: Export, document: AnnotatedDocument, schema: LabelSchema, options: ExportOptions
) -> None:
    item = replace(
        document,
        document=replace(
            document.document, status=DocumentStatus.DONE, url="https://example.org/a"
        ),
    )
    path, _ = export(EXPORTER, [item], "doccano.jsonl", schema, options)
    draft = only_draft(read(path, schema))
    assert draft.draft.text == ROUND_TRIP_TEXT
    assert draft_keys(draft) == original_keys(item, attributes=False)
    assert draft_relations(draft) == original_relations(item)
    assert draft.status is DocumentStatus.DONE
    assert draft.draft.url == "https://example.org/a"
    if options.offset_unit is Unit.UTF16:
        assert draft.note == ""
    else:
        assert draft.note.startswith("offsets read as code points, not UTF-16 units")
    declared = only_draft(read(path, schema, offset_unit=options.offset_unit))
    assert draft_keys(declared) == draft_keys(draft)
    assert declared.note == ""


def test_declaring_the_wrong_unit_gives_other_spans(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    path, _ = export(EXPORTER, [document], "doccano.jsonl", schema, UTF16)
    wrong = only_draft(read(path, schema, offset_unit=Unit.CODE_POINT))
    assert ("CASUALTY_FIGURE", 58, 70, ()) in draft_keys(wrong)  # "2 civilians ": no text check


def test_the_sequence_form_reads_back_without_relations(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    options = ExportOptions(offset_unit=Unit.UTF16, extra={"doccano_form": "sequence"})
    path, _ = export(EXPORTER, [document], "seq.jsonl", schema, options)
    draft = only_draft(read(path, schema))
    assert draft_keys(draft) == original_keys(document, attributes=False)
    assert draft.relations == ()


def test_doccano_sequence_fixture(shared_fixtures: Path, schema: LabelSchema) -> None:
    path = shared_fixtures / "doccano" / "seq_labeling_import.jsonl"
    first, second, third = read(path, schema)
    assert isinstance(first, AnnotatedDraft)
    assert isinstance(second, AnnotatedDraft)
    assert first.draft.text == "exampleA"
    assert [(s.label, s.start, s.end) for s in first.spans] == [("LOC", 0, 1)]
    assert first.draft.metadata == {"wikiPageID": 1}
    assert second.spans == ()
    assert isinstance(third, Failure)  # no text on line 3, on purpose
    assert (third.file, third.line) == (str(path), 3)
    assert "no 'text'" in third.reason


def test_doccano_duplicate_spans_import_once(shared_fixtures: Path, schema: LabelSchema) -> None:
    draft = only_draft(read(shared_fixtures / "doccano" / "seq_labeling_overlapping.jsonl", schema))
    assert [(s.label, s.start, s.end) for s in draft.spans] == [("LOC", 0, 1)]


@pytest.mark.parametrize(
    "name", ["relation_extraction_import.jsonl", "relation_extraction_export_pretty.json"]
)
def test_doccano_relation_fixtures(shared_fixtures: Path, schema: LabelSchema, name: str) -> None:
    draft = only_draft(read(shared_fixtures / "doccano" / name, schema))
    text = draft.draft.text
    assert sorted((s.label, text[s.start : s.end]) for s in draft.spans) == [
        ("DATE", "September 4, 1998"),
        ("ORG", "Google"),
        ("PERSON", "Larry Page"),
        ("PERSON", "Sergey Brin"),
    ]
    assert sorted(
        (r.type, text[spans.start : spans.end])
        for r in draft.relations
        for spans in draft.spans
        if spans.key == r.target
    ) == [
        ("foundedAt", "September 4, 1998"),
        ("foundedBy", "Larry Page"),
        ("foundedBy", "Sergey Brin"),
    ]


def test_bad_records_fail_with_their_line_and_the_rest_imports(
    tmp_path: Path, schema: LabelSchema
) -> None:
    lines = [
        {"text": "Homs", "label": [[0, 4, "LOCATION"]]},
        '{"text": "broken", "label": [[0, 1, "X"]',
        {"text": "Homs", "label": [[3, 3, "LOCATION"]]},
        {"text": "Homs", "label": ["positive"]},
        {
            "text": "Homs",
            "entities": [{"id": 1, "label": "L", "start_offset": 0, "end_offset": 4}],
            "relations": [{"from_id": 1, "to_id": 9, "type": "R"}],
        },
        {"text": "Homs", "label": [[0, "x", "LOCATION"]]},
        {"text": "Aleppo", "label": [[0, 6, "LOCATION"]], "id": 41, "Comments": []},
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    results = read(path, schema)
    assert [r.line if isinstance(r, Failure) else None for r in results] == [
        None,
        2,
        3,
        4,
        5,
        6,
        None,
    ]
    reasons = [r.reason for r in results if isinstance(r, Failure)]
    assert "not valid JSON" in reasons[0]
    assert "empty" in reasons[1]
    assert "text classification" in reasons[2]
    assert "to_id 9 names no entity" in reasons[3]
    assert "whole number" in reasons[4]
    last = results[-1]
    assert isinstance(last, AnnotatedDraft)
    assert last.draft.external_id == "41"
    assert last.origin == f"{path}:7"


def test_medkit_reads_the_code_point_export(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    doccano = pytest.importorskip("medkit.io.doccano")
    path, _ = export(EXPORTER, [document], "medkit.jsonl", schema, CODE_POINTS)
    converter = doccano.DoccanoInputConverter(task=doccano.DoccanoTask.RELATION_EXTRACTION)
    (doc,) = converter.load_from_file(path)
    assert doc.text == ROUND_TRIP_TEXT
    entities = doc.anns.get_entities()
    assert sorted((e.label, e.text, e.spans[0].start, e.spans[0].end) for e in entities) == sorted(
        (s.label, ROUND_TRIP_TEXT[s.start : s.end], s.start, s.end) for s in document.spans
    )
    by_uid = {e.uid: e for e in entities}
    assert sorted(
        (r.label, by_uid[r.source_id].text, by_uid[r.target_id].text)
        for r in doc.anns.get_relations()
    ) == [
        ("ATTRIBUTED_TO", "12 civilians died in Aleppo’s east", "The ministry"),
        ("LOCATED_IN", "12 civilians", "Aleppo"),
    ]
    assert doc.metadata["title"] == "Document 1"

    sequence = ExportOptions(offset_unit=Unit.CODE_POINT, extra={"doccano_form": "sequence"})
    path, _ = export(EXPORTER, [document], "medkit-seq.jsonl", schema, sequence)
    converter = doccano.DoccanoInputConverter(task=doccano.DoccanoTask.SEQUENCE_LABELING)
    (doc,) = converter.load_from_file(path)
    assert sorted(e.text for e in doc.anns.get_entities()) == sorted(
        ROUND_TRIP_TEXT[s.start : s.end] for s in document.spans
    )


def test_medkit_misreads_utf16_offsets_after_the_emoji(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    """Why the code-point option exists: medkit slices Python strings with doccano's offsets."""
    doccano = pytest.importorskip("medkit.io.doccano")
    path, _ = export(EXPORTER, [document], "utf16.jsonl", schema, UTF16)
    converter = doccano.DoccanoInputConverter(task=doccano.DoccanoTask.RELATION_EXTRACTION)
    (doc,) = converter.load_from_file(path)
    texts = {e.text for e in doc.anns.get_entities()}
    assert "2 civilians " in texts
    assert "Rebels" in texts


def test_a_broken_line_is_reported_with_its_line_and_column(
    tmp_path: Path, schema: LabelSchema
) -> None:
    path = tmp_path / "broken.jsonl"
    good = json.dumps({"text": "Aleppo", "label": [[0, 6, "LOCATION"]]})
    path.write_text(good + "\n" + '{"text": "tab\there", "label": []}\n' + good + "\n")
    failures = [r for r in read(path, schema) if isinstance(r, Failure)]
    assert [(f.line, f.reason) for f in failures] == [
        (2, "not valid JSON (Invalid control character at line 2, column 14)")
    ]
    first = tmp_path / "first.jsonl"
    first.write_text('  {"text": "x", "label": [[0, 1, "A"]],}\n' + good + "\n")
    (failure,) = [r for r in read(first, schema) if isinstance(r, Failure)]
    assert failure.reason == (
        "not valid JSON (Expecting property name enclosed in double quotes at line 1, column 40)"
    )


def test_a_syntax_error_in_a_json_array_says_line_and_column(
    tmp_path: Path, schema: LabelSchema
) -> None:
    path = tmp_path / "export.json"
    item = json.dumps({"text": "Aleppo", "label": [[0, 6, "LOCATION"]]}, indent=2)
    path.write_text("[\n" + item + ',\n  {"text": "a", "label": [1 2]}\n]\n')
    (failure,) = [r for r in read(path, schema) if isinstance(r, Failure)]
    line = 2 + item.count("\n") + 1
    assert (failure.line, failure.reason) == (
        line,
        f"not valid JSON (Expecting ',' delimiter at line {line}, column 29)",
    )
