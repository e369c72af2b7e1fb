"""Label Studio JSON and its labelling config, checked with label-studio-sdk."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.document import DocumentStatus
from annotator.core.errors import UserError
from annotator.core.interchange import AnnotatedDraft
from annotator.core.offsets import OffsetConverter, Unit
from annotator.core.reports import Failure
from annotator.core.schema import AttributeDefinition, AttributeType, Label, LabelSchema
from annotator.formats import registry
from annotator.formats.base import ExportOptions, ImportOptions, Loss
from annotator.formats.label_studio import (
    EXPORTER,
    IMPORTER,
    attribute_controls,
    labeling_config,
)
from tests.formats.conftest import (
    ROUND_TRIP_TEXT,
    Export,
    draft_keys,
    draft_relations,
    make_document,
    original_keys,
    original_relations,
    renumbered,
)

PREDICTIONS = ExportOptions(as_predictions=True)


def read(path: Path, schema: LabelSchema, **options: Any) -> list[AnnotatedDraft | Failure]:
    return list(IMPORTER.read(path, schema, ImportOptions(**options)))


def only_draft(results: list[AnnotatedDraft | Failure]) -> AnnotatedDraft:
    (draft,) = results
    assert isinstance(draft, AnnotatedDraft), draft
    return draft


def config_path(path: Path) -> Path:
    return path.with_name(path.stem + "-config.xml")


def test_registry_finds_the_module() -> None:
    assert registry.exporter("label-studio") is EXPORTER
    assert registry.importer("label-studio") is IMPORTER


def test_export_writes_tasks_and_the_config_beside_them(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    path, losses = export(EXPORTER, [document], "tasks.json", schema)
    assert losses.empty
    assert config_path(path).read_text(encoding="utf-8") == labeling_config(schema)
    (task,) = json.loads(path.read_text(encoding="utf-8"))
    assert task["data"]["text"] == ROUND_TRIP_TEXT
    assert task["data"]["title"] == "Document 1"
    (annotation,) = task["annotations"]
    results = annotation["result"]
    labels = [r for r in results if r["type"] == "labels"]
    for result in labels:
        value = result["value"]
        assert ROUND_TRIP_TEXT[value["start"] : value["end"]] == value["text"]  # code points
    kinds = {r["type"] for r in results}
    assert kinds == {"labels", "choices", "number", "textarea", "relation"}
    relations = [r for r in results if r["type"] == "relation"]
    assert all(r["direction"] == "right" for r in relations)
    ids = {r["id"] for r in labels}
    assert all(r["from_id"] in ids and r["to_id"] in ids for r in relations)
    assert EXPORTER.losses(iter([document]), schema).empty


def test_the_sdk_accepts_the_config_and_every_annotation_and_prediction(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    interface_module = pytest.importorskip("label_studio_sdk.label_interface")
    for options, key in ((ExportOptions(), "annotations"), (PREDICTIONS, "predictions")):
        path, _ = export(
            EXPORTER, [document, renumbered(document, 2)], "tasks.json", schema, options
        )
        interface = interface_module.LabelInterface(config_path(path).read_text(encoding="utf-8"))
        interface.validate()
        tasks = json.loads(path.read_text(encoding="utf-8"))
        assert len(tasks) == 2
        for task in tasks:
            assert "annotations" not in task or key == "annotations"
            for entry in task[key]:
                assert interface.validate_prediction(entry, return_errors=True) == []
                assert interface.validate_annotation(entry)


def test_the_sdk_validator_does_not_check_the_text(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    """formats.md: Label Studio's validator accepts a wrong value.text; our importer does not."""
    interface_module = pytest.importorskip("label_studio_sdk.label_interface")
    path, _ = export(EXPORTER, [document], "tasks.json", schema)
    interface = interface_module.LabelInterface(config_path(path).read_text(encoding="utf-8"))
    (task,) = json.loads(path.read_text(encoding="utf-8"))
    task["annotations"][0]["result"][0]["value"]["text"] = "Damascus"
    assert interface.validate_prediction(task["annotations"][0], return_errors=True) == []
    path.write_text(json.dumps([task]), encoding="utf-8")
    (failure,) = read(path, schema)
    assert isinstance(failure, Failure)
    assert "'Damascus' is not at offsets 0-6" in failure.reason
    assert failure.line == 1


def test_the_sdk_converter_reads_the_export(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    converter_module = pytest.importorskip("label_studio_sdk.converter")
    path, _ = export(EXPORTER, [document], "tasks.json", schema)
    config = config_path(path).read_text(encoding="utf-8")
    converter = converter_module.Converter(config, project_dir=None, download_resources=False)
    (item,) = list(converter.iter_from_json_file(str(path)))
    assert item["input"]["text"] == ROUND_TRIP_TEXT
    regions = item["output"]["label"]
    assert sorted((r["labels"][0], r["start"], r["end"]) for r in regions) == sorted(
        (s.label, s.start, s.end) for s in document.spans
    )
    assert [r["number"] for r in item["output"]["count"]] == [12]
    assert [r["choices"] for r in item["output"]["disputed"]] == [["disputed"]]


@pytest.mark.parametrize(
    "options", [ExportOptions(), PREDICTIONS], ids=["annotations", "predictions"]
)
def test_round_trip_is_identical(
    export: Export, document: AnnotatedDocument, schema: LabelSchema, options: ExportOptions
) -> None:
    item = replace(
        document,
        document=replace(
            document.document,
            status=DocumentStatus.DONE,
            source="Reuters",
            metadata={"section": "world", "tags": ["syria"]},
        ),
    )
    path, _ = export(EXPORTER, [item], "tasks.json", schema, options)
    draft = only_draft(read(path, schema))
    assert draft.draft.text == ROUND_TRIP_TEXT
    assert draft_keys(draft) == original_keys(item)
    assert draft_relations(draft) == original_relations(item)
    assert draft.status is DocumentStatus.DONE
    assert draft.draft.source == "Reuters"
    assert draft.draft.metadata == {"section": "world", "tags": ["syria"]}
    assert draft.draft.external_id == ""  # our task id is not a foreign id
    assert draft.note == ""


def test_a_false_flag_and_an_unset_flag_stay_apart(export: Export, schema: LabelSchema) -> None:
    text = "They said so. They said it."
    item = make_document(text, [("CLAIM", 0, 13, {"disputed": False}), ("CLAIM", 14, 27, {})])
    path, _ = export(EXPORTER, [item], "flags.json", schema)
    draft = only_draft(read(path, schema))
    assert draft_keys(draft) == original_keys(item)


def test_a_done_document_without_spans_gets_an_empty_annotation(
    export: Export, schema: LabelSchema
) -> None:
    item = make_document("Nothing happened.", [])
    done = replace(item, document=replace(item.document, status=DocumentStatus.DONE))
    path, _ = export(EXPORTER, [item, done], "empty.json", schema)
    new_task, done_task = json.loads(path.read_text(encoding="utf-8"))
    assert new_task["annotations"] == []
    assert [a["result"] for a in done_task["annotations"]] == [[]]
    drafts = read(path, schema)
    assert [d.status for d in drafts if isinstance(d, AnnotatedDraft)] == [
        DocumentStatus.NEW,
        DocumentStatus.DONE,
    ]


def test_each_annotator_gets_an_annotation(export: Export, schema: LabelSchema) -> None:
    text = "The ministry said 12 civilians died."
    base = make_document(
        text,
        [
            ("ACTOR", 0, 12, {}),
            ("CLAIM", 13, 35, {}),
            ("ACTOR", 0, 12, {}),
            ("CLAIM", 13, 35, {}),
        ],
        [("ATTRIBUTED_TO", 2, 1), ("ATTRIBUTED_TO", 4, 1)],
    )
    by_id = {s.id: s for s in base.spans}
    names = {1: "ana", 2: "ana", 3: "ben", 4: "ben"}
    spans = tuple(replace(s, annotator=names[s.id]) for s in base.spans)
    relations = (
        replace(base.relations[0], annotator="ana"),
        replace(base.relations[1], annotator="ben"),
    )
    item = replace(base, spans=spans, relations=relations)
    assert by_id  # ids 1..4 as made
    path, losses = export(EXPORTER, [item], "two.json", schema)
    (task,) = json.loads(path.read_text(encoding="utf-8"))
    assert [a["annotator"] for a in task["annotations"]] == ["ana", "ben"]
    assert losses.counts == {Loss.RELATIONS: 1}  # ben's claim -> ana's actor crosses annotations
    draft = only_draft(read(path, schema))
    assert sorted((s.annotator, s.label) for s in draft.spans) == [
        ("ana", "ACTOR"),
        ("ana", "CLAIM"),
        ("ben", "ACTOR"),
        ("ben", "CLAIM"),
    ]
    assert len({s.key for s in draft.spans}) == 4  # region ids made unique per annotation
    assert [(r.type, r.annotator) for r in draft.relations] == [("ATTRIBUTED_TO", "ana")]


def test_attributes_without_a_control_are_reported(export: Export, schema: LabelSchema) -> None:
    item = make_document(
        "Homs was hit.", [("LOCATION", 0, 4, {"kind": "state"}), ("ACTOR", 5, 8, {"kind": "x"})]
    )
    path, losses = export(EXPORTER, [item], "lost.json", schema)
    assert losses.counts == {Loss.ATTRIBUTES: 2}
    assert any("not in the schema" in e for e in losses.examples[Loss.ATTRIBUTES])
    assert any("does not fit" in e for e in losses.examples[Loss.ATTRIBUTES])
    draft = only_draft(read(path, schema))
    assert draft_keys(draft) == [("ACTOR", 5, 8, ()), ("LOCATION", 0, 4, ())]


def test_attribute_control_names_never_clash() -> None:
    schema = LabelSchema(
        labels=(
            Label("A", "#111111", attributes=(AttributeDefinition("text", AttributeType.TEXT),)),
            Label(
                "B",
                "#222222",
                attributes=(AttributeDefinition("level", AttributeType.CHOICE, ("x", "y")),),
            ),
            Label(
                "C",
                "#333333",
                attributes=(AttributeDefinition("level", AttributeType.INTEGER),),
            ),
            Label(
                "D",
                "#444444",
                attributes=(AttributeDefinition("level", AttributeType.CHOICE, ("x", "y")),),
            ),
        )
    )
    controls = {(c.name, c.labels) for c in attribute_controls(schema)}
    assert controls == {("attr_text", ("A",)), ("level_B", ("B", "D")), ("level_C", ("C",))}
    interface_module = pytest.importorskip("label_studio_sdk.label_interface")
    interface_module.LabelInterface(labeling_config(schema)).validate()


def test_clashing_controls_round_trip(export: Export) -> None:
    schema = LabelSchema(
        labels=(
            Label("A", "#111111", attributes=(AttributeDefinition("text", AttributeType.TEXT),)),
            Label(
                "B", "#222222", attributes=(AttributeDefinition("level", AttributeType.INTEGER),)
            ),
            Label(
                "C",
                "#333333",
                attributes=(AttributeDefinition("level", AttributeType.CHOICE, ("x", "y")),),
            ),
        )
    )
    item = make_document(
        "one two three",
        [("A", 0, 3, {"text": "a note"}), ("B", 4, 7, {"level": 3}), ("C", 8, 13, {"level": "y"})],
    )
    path, losses = export(EXPORTER, [item], "clash.json", schema)
    assert losses.empty
    draft = only_draft(read(path, schema))
    assert draft_keys(draft) == original_keys(item)


def label_studio_task(**overrides: Any) -> dict[str, Any]:
    """A task as Label Studio itself exports it (ids, completed_by as a user id)."""
    task: dict[str, Any] = {
        "id": 7301,
        "data": {"text": ROUND_TRIP_TEXT, "source": "AFP"},
        "annotations": [
            {
                "id": 12,
                "completed_by": 3,
                "was_cancelled": False,
                "result": [
                    {
                        "id": "Xk2_aB91IS",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "origin": "manual",
                        "value": {
                            "start": 57,
                            "end": 69,
                            "text": "12 civilians",
                            "labels": ["CASUALTY_FIGURE"],
                        },
                    },
                    {
                        "id": "Xk2_aB91IS",
                        "from_name": "count",
                        "to_name": "text",
                        "type": "number",
                        "value": {"start": 57, "end": 69, "number": 12.0},
                    },
                    {
                        "id": "pQ0-l1",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {"start": 78, "end": 84, "text": "Aleppo", "labels": ["LOCATION"]},
                    },
                    {
                        "from_id": "pQ0-l1",
                        "to_id": "Xk2_aB91IS",
                        "type": "relation",
                        "direction": "left",
                        "labels": [],
                    },
                    {
                        "id": "doc-class",
                        "from_name": "sentiment",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": ["negative"]},
                    },
                ],
            },
            {"id": 13, "completed_by": 4, "was_cancelled": True, "result": []},
        ],
        "predictions": [{"model_version": "ner-v1", "result": []}],
    }
    task.update(overrides)
    return task


def test_a_task_as_label_studio_exports_it(tmp_path: Path, schema: LabelSchema) -> None:
    path = tmp_path / "project-1-at-2024.json"
    path.write_text(json.dumps([label_studio_task()], indent=2), encoding="utf-8")
    draft = only_draft(read(path, schema))
    assert [(s.label, s.start, s.end, dict(s.attributes), s.annotator) for s in draft.spans] == [
        ("CASUALTY_FIGURE", 57, 69, {"count": 12}, "label-studio user 3"),
        ("LOCATION", 78, 84, {}, "label-studio user 3"),
    ]
    (relation,) = draft.relations
    assert (relation.type, relation.source, relation.target) == ("related", "Xk2_aB91IS", "pQ0-l1")
    assert draft.draft.external_id == "7301"
    assert draft.draft.source == "AFP"
    predictions = only_draft(read(path, schema, extra={"label_studio_source": "predictions"}))
    assert predictions.spans == ()
    both = only_draft(read(path, schema, extra={"label_studio_source": "both"}))
    assert len(both.spans) == 2
    with pytest.raises(UserError, match="label_studio_source"):
        read(path, schema, extra={"label_studio_source": "drafts"})


def test_old_files_with_utf16_offsets_are_detected(tmp_path: Path, schema: LabelSchema) -> None:
    conv = OffsetConverter(ROUND_TRIP_TEXT)
    task = label_studio_task()
    for result in task["annotations"][0]["result"]:
        value = result.get("value", {})
        if "start" in value:
            value["start"] = conv.cp_to_utf16(value["start"])
            value["end"] = conv.cp_to_utf16(value["end"])
    path = tmp_path / "old.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    draft = only_draft(read(path, schema))
    assert [(s.start, s.end) for s in draft.spans] == [(57, 69), (78, 84)]
    assert draft.note.startswith("offsets read as UTF-16 units, not code points")


def test_export_in_utf16_for_old_label_studio(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    path, _ = export(
        EXPORTER, [document], "old.json", schema, ExportOptions(offset_unit=Unit.UTF16)
    )
    draft = only_draft(read(path, schema, offset_unit=Unit.UTF16))
    assert draft_keys(draft) == original_keys(document)
    assert draft.note == ""


def test_bad_tasks_fail_with_their_line_and_the_rest_imports(
    tmp_path: Path, schema: LabelSchema
) -> None:
    good = label_studio_task()
    no_text = {"id": 2, "data": {"title": "x", "n": 1}, "annotations": []}
    bad_relation = label_studio_task()
    bad_relation["annotations"][0]["result"][3]["to_id"] = "missing"
    tasks = [good, no_text, bad_relation, good]
    path = tmp_path / "tasks.json"
    path.write_text("[\n" + ",\n".join(json.dumps(t) for t in tasks) + "\n]\n", encoding="utf-8")
    results = read(path, schema)
    assert [r.line if isinstance(r, Failure) else None for r in results] == [None, 3, 4, None]
    reasons = [r.reason for r in results if isinstance(r, Failure)]
    assert "no 'text' text" in reasons[0]
    assert "region 'missing'" in reasons[1]
    first = results[0]
    assert isinstance(first, AnnotatedDraft)
    assert first.origin == f"{path}:2"


def test_a_syntax_error_ends_the_file_with_its_line(tmp_path: Path, schema: LabelSchema) -> None:
    path = tmp_path / "broken.json"
    path.write_text(
        "[\n" + json.dumps(label_studio_task()) + ",\n" + '{"data": {"text": "a"}, oops}\n]',
        encoding="utf-8",
    )
    first, failure = read(path, schema)
    assert isinstance(first, AnnotatedDraft)
    assert isinstance(failure, Failure)
    assert (failure.file, failure.line) == (str(path), 3)
    assert "not valid JSON" in failure.reason


def test_a_single_task_object_and_a_text_key_option(tmp_path: Path, schema: LabelSchema) -> None:
    path = tmp_path / "one.json"
    task = {
        "data": {"content": "Homs", "other": "x"},
        "annotations": [
            {
                "result": [
                    {
                        "id": "a",
                        "type": "labels",
                        "from_name": "l",
                        "to_name": "t",
                        "value": {
                            "start": 0,
                            "end": 4,
                            "text": "Homs",
                            "labels": ["LOCATION", "ACTOR"],
                        },
                    }
                ]
            }
        ],
    }
    path.write_text(json.dumps(task), encoding="utf-8")
    (failure,) = read(path, schema)
    assert isinstance(failure, Failure)
    assert "text_key" in failure.reason
    draft = only_draft(read(path, schema, extra={"text_key": "content"}))
    assert [(s.key, s.label) for s in draft.spans] == [("a", "LOCATION"), ("a#2", "ACTOR")]
    assert draft.draft.metadata == {"other": "x"}
    del task["data"]["other"]
    path.write_text(json.dumps(task), encoding="utf-8")
    alone = only_draft(read(path, schema))  # the only field of the data is the text
    assert alone.draft.text == "Homs"


def test_many_tasks_are_written_as_one_valid_array(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    items = [renumbered(document, n) for n in range(1, 201)]
    path, _ = export(EXPORTER, items, "many.json", schema)
    tasks = json.loads(path.read_text(encoding="utf-8"))
    assert [t["id"] for t in tasks] == list(range(1, 201))
    drafts = read(path, schema)
    assert len(drafts) == 200
    assert all(isinstance(d, AnnotatedDraft) for d in drafts)
    empty, _ = export(EXPORTER, [], "empty.json", schema)
    assert json.loads(empty.read_text(encoding="utf-8")) == []
    assert read(empty, schema) == []
