"""Schema changes on a project with annotations (SQLite and PostgreSQL): preview, migrate,
rewrite project.toml, undo and redo."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.edits import AddRelation, AddSpan, SetAttribute
from annotator.core.errors import StaleDataError
from annotator.core.ids import DocumentId
from annotator.core.schema import AttributeDefinition, AttributeType, Label, RelationType
from annotator.core.schema_changes import (
    AddLabel,
    DeleteLabel,
    MergeLabels,
    RecolourLabel,
    RenameLabel,
    SchemaChangeError,
    SetAttributes,
    SetHotkey,
    SetRelationType,
)
from annotator.services.importing import import_paths
from annotator.services.project import Project
from annotator.services.project_files import init_project, read_project_config
from annotator.services.schema_editing import apply, apply_step, preview

TEXT = "Rebels said the army shelled Aleppo. Five civilians died in Aleppo."
#       0     6    11  15  19   25      33   38   43        53 56 59    65


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Iterator[Project]:
    folder = tmp_path / "proj"
    init_project(folder, name="Test")
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"title": "One", "text": TEXT}), encoding="utf-8")
    with Project.open(folder, database_url=database_url) as opened:
        import_paths(opened, [source])
        yield opened


def annotate(project: Project) -> DocumentId:
    document_id = project.document_ids()[0]
    rebels = project.apply(AddSpan(document_id, "ACTOR", 0, 6, {"kind": "non-state armed group"}))
    army = project.apply(AddSpan(document_id, "ACTOR", 16, 20, {"kind": "state"}))
    claim = project.apply(AddSpan(document_id, "CLAIM", 12, 35, {"certainty": "reported"}))
    aleppo = project.apply(AddSpan(document_id, "LOCATION", 29, 35))
    project.apply(AddSpan(document_id, "ACTOR", 29, 35))  # the same text as an ACTOR too
    project.apply(AddSpan(document_id, "LOCATION", 60, 66))
    figure = project.apply(AddSpan(document_id, "CASUALTY_FIGURE", 37, 52, {"count": 5}))
    ids = {
        name: applied.changes.spans_added[0].id
        for name, applied in (
            ("rebels", rebels),
            ("army", army),
            ("claim", claim),
            ("aleppo", aleppo),
            ("figure", figure),
        )
    }
    project.apply(AddRelation(document_id, "ATTRIBUTED_TO", ids["claim"], ids["rebels"]))
    project.apply(AddRelation(document_id, "LOCATED_IN", ids["army"], ids["aleppo"]))
    project.apply(AddRelation(document_id, "LOCATED_IN", ids["figure"], ids["aleppo"]))
    return document_id


def snapshot(project: Project, document_id: DocumentId) -> tuple[list[tuple], list[tuple]]:
    annotated = project.annotated(document_id)
    by_id = {s.id: s for s in annotated.spans}
    spans = sorted(
        (s.label, s.start, s.end, tuple(sorted(s.attributes.items()))) for s in annotated.spans
    )
    relations = sorted(
        (
            r.type,
            by_id[r.source].label,
            by_id[r.source].start,
            by_id[r.target].label,
            by_id[r.target].start,
        )
        for r in annotated.relations
    )
    return spans, relations


def file_schema(project: Project):  # type: ignore[no-untyped-def]
    return read_project_config(project.folder).schema


def test_rename_relabels_spans_and_relation_types_and_undo_restores_file_and_db(
    project: Project,
) -> None:
    document_id = annotate(project)
    before = snapshot(project, document_id)
    toml_before = (project.folder / "project.toml").read_text(encoding="utf-8")
    change = RenameLabel("LOCATION", "PLACE")
    impact = preview(project, change)
    assert impact.spans_relabelled == 2
    assert impact.spans_removed == impact.relations_removed == 0
    assert impact.documents == 1
    edit = apply(project, change)
    assert edit.impact == impact
    assert len(edit.changes.spans_updated) == 2
    spans, relations = snapshot(project, document_id)
    assert ("PLACE", 29, 35, ()) in spans
    assert not any(s[0] == "LOCATION" for s in spans)
    assert ("LOCATED_IN", "ACTOR", 16, "PLACE", 29) in relations
    assert project.schema.label("PLACE") is not None
    assert file_schema(project) == project.schema
    assert project.schema.relation_type("LOCATED_IN").target_labels == {"PLACE"}

    undone = apply_step(project, edit.inverse)
    assert snapshot(project, document_id) == before
    assert (project.folder / "project.toml").read_text(encoding="utf-8") == toml_before
    assert project.schema == edit.before
    apply_step(project, undone.inverse)  # redo
    assert snapshot(project, document_id) == (spans, relations)
    assert file_schema(project).label("PLACE") is not None


def test_merge_moves_relations_to_the_identical_span_and_drops_attributes(
    project: Project,
) -> None:
    document_id = annotate(project)
    before = snapshot(project, document_id)
    change = MergeLabels("LOCATION", "ACTOR")
    impact = preview(project, change)
    assert impact.spans_merged == 1  # Aleppo was an ACTOR already
    assert impact.spans_relabelled == 1  # the second Aleppo
    assert impact.relations_moved == 2
    assert impact.relations_removed == 0
    lines = " ".join(impact.lines())
    assert "1 span merged" in lines
    assert "2 relations moved" in lines
    edit = apply(project, change)
    spans, relations = snapshot(project, document_id)
    assert [s for s in spans if s[1] == 29] == [("ACTOR", 29, 35, ())]
    assert ("ACTOR", 60, 66, ()) in spans
    assert ("LOCATED_IN", "ACTOR", 16, "ACTOR", 29) in relations
    assert ("LOCATED_IN", "CASUALTY_FIGURE", 37, "ACTOR", 29) in relations
    assert project.schema.label("LOCATION") is None
    assert file_schema(project).label("LOCATION") is None
    apply_step(project, edit.inverse)
    assert snapshot(project, document_id) == before
    assert file_schema(project).label("LOCATION") is not None


def test_merge_counts_attribute_values_that_do_not_fit(project: Project) -> None:
    document_id = annotate(project)
    impact = preview(project, MergeLabels("ACTOR", "CLAIM"))
    assert impact.attribute_values_dropped == 2  # "kind" of two ACTOR spans
    assert impact.spans_relabelled == 3
    assert impact.relations_removed == 0  # relation types now allow CLAIM where ACTOR was
    apply(project, MergeLabels("ACTOR", "CLAIM"))
    spans, relations = snapshot(project, document_id)
    assert ("CLAIM", 0, 6, ()) in spans
    assert ("ATTRIBUTED_TO", "CLAIM", 12, "CLAIM", 0) in relations


def test_delete_removes_spans_and_their_relations_or_relabels_them(project: Project) -> None:
    document_id = annotate(project)
    before = snapshot(project, document_id)
    impact = preview(project, DeleteLabel("LOCATION"))
    assert impact.spans_removed == 2
    assert impact.relations_removed == 2
    edit = apply(project, DeleteLabel("LOCATION"))
    spans, relations = snapshot(project, document_id)
    assert not any(s[0] == "LOCATION" for s in spans)
    assert relations == [("ATTRIBUTED_TO", "CLAIM", 12, "ACTOR", 0)]
    # LOCATED_IN lost all its targets: the relation type went with the label
    assert project.schema.relation_type("LOCATED_IN") is None
    apply_step(project, edit.inverse)
    assert snapshot(project, document_id) == before

    relabel = DeleteLabel("CASUALTY_FIGURE", relabel_to="ACTOR")
    impact = preview(project, relabel)
    assert impact.spans_relabelled == 1
    assert impact.attribute_values_dropped == 1  # count
    apply(project, relabel)
    spans, relations = snapshot(project, document_id)
    assert ("ACTOR", 37, 52, ()) in spans
    assert ("LOCATED_IN", "ACTOR", 37, "LOCATION", 29) in relations


def test_attribute_rename_and_narrowed_choices(project: Project) -> None:
    document_id = annotate(project)
    change = SetAttributes(
        "ACTOR",
        (AttributeDefinition("type", AttributeType.CHOICE, ("state", "other")),),
        {"kind": "type"},
    )
    impact = preview(project, change)
    assert impact.attribute_values_changed == 1  # "state" moves to "type"
    assert impact.attribute_values_dropped == 1  # "non-state armed group" is no longer a choice
    edit = apply(project, change)
    spans, _ = snapshot(project, document_id)
    assert ("ACTOR", 16, 20, (("type", "state"),)) in spans
    assert ("ACTOR", 0, 6, ()) in spans
    apply_step(project, edit.inverse)
    spans, _ = snapshot(project, document_id)
    assert ("ACTOR", 0, 6, (("kind", "non-state armed group"),)) in spans


def test_relation_type_changes(project: Project) -> None:
    document_id = annotate(project)
    narrowed = RelationType("LOCATED_IN", frozenset({"ACTOR"}), frozenset({"LOCATION"}))
    impact = preview(project, SetRelationType("LOCATED_IN", narrowed))
    assert impact.relations_removed == 1  # the casualty figure's
    renamed = RelationType("SAID_BY", frozenset({"CLAIM"}), frozenset({"ACTOR"}))
    edit = apply(project, SetRelationType("ATTRIBUTED_TO", renamed))
    assert edit.impact.relations_retyped == 1
    _, relations = snapshot(project, document_id)
    assert ("SAID_BY", "CLAIM", 12, "ACTOR", 0) in relations
    assert file_schema(project).relation_type("SAID_BY") is not None
    edit = apply(project, SetRelationType("SAID_BY", None))
    assert edit.impact.relations_removed == 1
    added = RelationType("NEAR", frozenset({"LOCATION"}), frozenset({"LOCATION"}))
    assert not preview(project, SetRelationType(None, added)).touches_annotations
    apply(project, SetRelationType(None, added))
    assert file_schema(project).relation_type("NEAR") is not None


def test_changes_without_annotation_impact_and_refused_ones(project: Project) -> None:
    annotate(project)
    apply(project, AddLabel(Label("WEAPON", "#123456", "w")))
    apply(project, RecolourLabel("ACTOR", "#abcdef"))
    edit = apply(project, SetHotkey("ACTOR", "x"))
    assert not edit.impact.touches_annotations
    schema = file_schema(project)
    assert schema.label("WEAPON").hotkey == "w"
    assert schema.label("ACTOR").color == "#ABCDEF"
    assert schema.label("ACTOR").hotkey == "x"
    apply_step(project, edit.inverse)
    assert file_schema(project).label("ACTOR").hotkey == "a"
    for change, code in (
        (SetHotkey("ACTOR", "l"), "ANN277"),  # LOCATION's
        (SetHotkey("ACTOR", "r"), "ANN277"),  # reserved
        (RenameLabel("ACTOR", "LOCATION"), "ANN275"),
        (RenameLabel("ACTOR", "two words"), "ANN275"),
        (RenameLabel("NOPE", "X"), "ANN274"),
        (MergeLabels("ACTOR", "ACTOR"), "ANN272"),
        (RecolourLabel("ACTOR", "red"), "ANN276"),
    ):
        with pytest.raises(SchemaChangeError) as caught:
            preview(project, change)
        assert caught.value.code == code


def test_undo_after_someone_changed_a_span_fails_and_changes_nothing(project: Project) -> None:
    document_id = annotate(project)
    edit = apply(project, RenameLabel("LOCATION", "PLACE"))
    changed = snapshot(project, document_id)
    place = next(s for s in project.spans(document_id) if s.label == "PLACE")
    project.apply(SetAttribute(place.id, "x", None))  # bumps the version
    toml = (project.folder / "project.toml").read_text(encoding="utf-8")
    with pytest.raises(StaleDataError):
        apply_step(project, edit.inverse)
    assert snapshot(project, document_id) == changed
    assert (project.folder / "project.toml").read_text(encoding="utf-8") == toml
    assert project.schema.label("PLACE") is not None


def layers(project: Project, document_id: DocumentId) -> dict[str, list[tuple[str, int, int]]]:
    found: dict[str, list[tuple[str, int, int]]] = {}
    for span in project.annotated(document_id).spans:
        found.setdefault(span.annotator, []).append((span.label, span.start, span.end))
    return {name: sorted(spans) for name, spans in found.items()}


def mark_by_everyone(project: Project) -> DocumentId:
    """amira, ben and cy each mark the same two places as LOCATION and link an ACTOR to the
    first; ben also has the first one as an ACTOR (a real twin within his own layer)."""
    document_id = project.document_ids()[0]
    for name in ("amira", "ben", "cy"):
        project.set_annotator(name)
        army = project.apply(AddSpan(document_id, "ACTOR", 16, 20)).changes.spans_added[0]
        aleppo = project.apply(AddSpan(document_id, "LOCATION", 29, 35)).changes.spans_added[0]
        project.apply(AddSpan(document_id, "LOCATION", 60, 66))
        project.apply(AddRelation(document_id, "LOCATED_IN", army.id, aleppo.id))
    project.set_annotator("ben")
    project.apply(AddSpan(document_id, "ACTOR", 29, 35))
    project.set_annotator("amira")
    return document_id


def relation_annotators(project: Project, document_id: DocumentId) -> list[tuple[str, str, str]]:
    annotated = project.annotated(document_id)
    by_id = {s.id: s for s in annotated.spans}
    return sorted(
        (r.annotator, by_id[r.source].annotator, by_id[r.target].annotator)
        for r in annotated.relations
    )


def test_rename_keeps_every_annotators_spans(project: Project) -> None:
    document_id = mark_by_everyone(project)
    impact = preview(project, RenameLabel("LOCATION", "PLACE"))
    assert (impact.spans_relabelled, impact.spans_merged, impact.spans_removed) == (6, 0, 0)
    assert impact.relations_moved == impact.relations_removed == 0
    apply(project, RenameLabel("LOCATION", "PLACE"))
    found = layers(project, document_id)
    for name in ("amira", "cy"):
        assert found[name] == [("ACTOR", 16, 20), ("PLACE", 29, 35), ("PLACE", 60, 66)]
    assert ("PLACE", 29, 35) in found["ben"]
    assert ("ACTOR", 29, 35) in found["ben"]
    assert relation_annotators(project, document_id) == [
        (name, name, name) for name in ("amira", "ben", "cy")
    ]


def test_merge_and_delete_relabel_merge_twins_only_within_one_layer(project: Project) -> None:
    document_id = mark_by_everyone(project)
    impact = preview(project, MergeLabels("LOCATION", "ACTOR"))
    assert (impact.spans_relabelled, impact.spans_merged) == (5, 1)  # ben's Aleppo twin
    apply(project, MergeLabels("LOCATION", "ACTOR"))
    found = layers(project, document_id)
    assert {name: len(spans) for name, spans in found.items()} == {"amira": 3, "ben": 3, "cy": 3}
    assert relation_annotators(project, document_id) == [
        (name, name, name) for name in ("amira", "ben", "cy")
    ]


def test_delete_with_relabel_keeps_other_layers(project: Project) -> None:
    document_id = mark_by_everyone(project)
    impact = preview(project, DeleteLabel("LOCATION", relabel_to="ACTOR"))
    assert (impact.spans_relabelled, impact.spans_merged) == (5, 1)
    apply(project, DeleteLabel("LOCATION", relabel_to="ACTOR"))
    found = layers(project, document_id)
    assert {name: len(spans) for name, spans in found.items()} == {"amira": 3, "ben": 3, "cy": 3}
    assert relation_annotators(project, document_id) == [
        (name, name, name) for name in ("amira", "ben", "cy")
    ]
