"""Where team work meets the other features (SQLite and PostgreSQL): annotate-all and annotation
imports respect each annotator's own layer and the team's roles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.annotation import CURATION_ANNOTATOR
from annotator.core.document import DocumentDraft
from annotator.core.edits import AddSpan
from annotator.core.errors import PermissionDeniedError, TeamError, UserError
from annotator.core.ids import DocumentId
from annotator.core.occurrences import MatchMode, Query
from annotator.core.schema_changes import RenameLabel
from annotator.core.team import Role
from annotator.services import schema_editing, team
from annotator.services.agreement import measure
from annotator.services.annotate_all import Scope, accept, search
from annotator.services.annotation_import import import_annotations
from annotator.services.exporting import ExportSelection, selected_documents
from annotator.services.layers import layer_choices
from annotator.services.project import Project
from annotator.services.project_files import init_project, read_project_config

TEXT = "Rebels shelled Aleppo on Monday. The army said Aleppo was calm."


@pytest.fixture
def opened(tmp_path: Path, database_url: str) -> Iterator[dict[str, Project]]:
    """ana (manager: first to open) and bob (annotator) on one database with one document."""
    folder = tmp_path / "proj"
    init_project(folder, name="Team")
    projects = {
        name: Project.open(folder, database_url=database_url, annotator=name)
        for name in ("ana", "bob")
    }
    team.add_member(projects["ana"], "bob", Role.ANNOTATOR)
    projects["ana"].database.add_documents(
        [(DocumentDraft(TEXT, title="Doc"), "d1")], projects["ana"].now()
    )
    yield projects
    for project in projects.values():
        project.close()


DOC = DocumentId(1)
ALEPPO = Query("Aleppo", MatchMode.WHOLE_WORD)


def layers(project: Project) -> list[tuple[str, str, int, int]]:
    return sorted((s.annotator, s.label, s.start, s.end) for s in project.database.spans(DOC))


@pytest.mark.parametrize("scope", [Scope.DOCUMENT, Scope.PROJECT])
def test_annotate_all_labels_what_another_annotator_already_labelled(
    opened: dict[str, Project], scope: Scope
) -> None:
    ana, bob = opened["ana"], opened["bob"]
    bob.apply(AddSpan(DOC, "LOCATION", 15, 21))
    result = search(ana, ALEPPO, "LOCATION", scope=scope, document_id=DOC)
    assert [(h.start, h.overlaps_label) for h in result.hits] == [(15, False), (47, False)]
    applied = accept(ana, result.hits, "LOCATION")
    assert applied is not None
    assert layers(ana) == [
        ("ana", "LOCATION", 15, 21),
        ("ana", "LOCATION", 47, 53),
        ("bob", "LOCATION", 15, 21),
    ]
    # ana's own spans are still left out of a search
    assert search(ana, ALEPPO, "LOCATION", scope=scope, document_id=DOC).hits == ()


def write_jsonl(path: Path, spans: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"text": TEXT, "spans": spans}) + "\n", encoding="utf-8")
    return path


def test_an_import_keeps_each_annotators_span_where_two_marked_the_same_words(
    opened: dict[str, Project], tmp_path: Path
) -> None:
    ana = opened["ana"]
    ana.apply(AddSpan(DOC, "LOCATION", 15, 21))
    source = write_jsonl(
        tmp_path / "two.jsonl",
        [
            {"id": "a", "label": "LOCATION", "start": 15, "end": 21, "annotator": "ana"},
            {"id": "b", "label": "LOCATION", "start": 15, "end": 21, "annotator": "bob"},
            {"id": "c", "label": "LOCATION", "start": 47, "end": 53, "annotator": "bob"},
            {"id": "d", "label": "LOCATION", "start": 47, "end": 53, "annotator": "ana"},
        ],
    )
    report = import_annotations(ana, "jsonl", source)
    assert (report.spans, report.spans_already_there) == (3, 1)
    assert layers(ana) == [
        ("ana", "LOCATION", 15, 21),
        ("ana", "LOCATION", 47, 53),
        ("bob", "LOCATION", 15, 21),
        ("bob", "LOCATION", 47, 53),
    ]


def test_an_annotator_imports_into_their_own_layer_only(
    opened: dict[str, Project], tmp_path: Path
) -> None:
    bob = opened["bob"]
    unnamed = write_jsonl(
        tmp_path / "mine.jsonl", [{"id": "a", "label": "LOCATION", "start": 15, "end": 21}]
    )
    assert import_annotations(bob, "jsonl", unnamed).spans == 1
    assert layers(bob) == [("bob", "LOCATION", 15, 21)]  # stamped with who imported it
    others = write_jsonl(
        tmp_path / "others.jsonl",
        [{"id": "a", "label": "LOCATION", "start": 47, "end": 53, "annotator": "ana"}],
    )
    with pytest.raises(PermissionDeniedError) as refused:
        import_annotations(bob, "jsonl", others)
    assert refused.value.code == "ANN201"
    assert layers(bob) == [("bob", "LOCATION", 15, 21)]
    assert import_annotations(opened["ana"], "jsonl", others).spans == 1  # a manager may


def test_an_annotator_cannot_extend_the_schema_through_an_import(
    opened: dict[str, Project], tmp_path: Path
) -> None:
    bob = opened["bob"]
    source = write_jsonl(
        tmp_path / "new-label.jsonl", [{"id": "a", "label": "WEAPON", "start": 15, "end": 21}]
    )
    with pytest.raises(PermissionDeniedError) as refused:
        import_annotations(bob, "jsonl", source, add_labels=True)
    assert refused.value.code == "ANN202"
    assert bob.schema.label("WEAPON") is None
    assert layers(bob) == []


def test_a_schema_changed_by_another_process_is_read_before_changing_it_again(
    opened: dict[str, Project], database_url: str
) -> None:
    first = opened["ana"]
    with Project.open(first.folder, database_url=database_url, annotator="ana") as second:
        schema_editing.apply(first, RenameLabel("LOCATION", "PLACE"))
        assert second.reload_config()  # the window's poll finds the file changed
        assert second.schema.label("PLACE") is not None
        assert not second.reload_config()  # and only once
        schema_editing.apply(first, RenameLabel("ACTOR", "PERSON"))
        # a change made on a stale schema must not write the old labels back
        schema_editing.apply(second, RenameLabel("CLAIM", "STATEMENT"))
    names = {label.name for label in read_project_config(first.folder).schema.labels}
    assert {"PLACE", "PERSON", "STATEMENT"} <= names
    assert not {"LOCATION", "ACTOR", "CLAIM"} & names


def test_blind_annotators_do_not_see_agreement_but_curators_and_managers_do(
    opened: dict[str, Project],
) -> None:
    ana, bob = opened["ana"], opened["bob"]
    ana.apply(AddSpan(DOC, "LOCATION", 15, 21))
    bob.apply(AddSpan(DOC, "LOCATION", 47, 53))
    assert measure(bob).annotators == (
        "ana",
        "bob",
    )  # blind annotation off: everyone's work is visible
    team.set_blind(ana, True)
    with pytest.raises(PermissionDeniedError) as refused:
        measure(bob)
    assert refused.value.code == "ANN300"
    assert measure(ana).annotators == ("ana", "bob")


def test_a_blind_annotators_export_defaults_to_their_own_layer(
    opened: dict[str, Project],
) -> None:
    ana, bob = opened["ana"], opened["bob"]
    ana.apply(AddSpan(DOC, "LOCATION", 15, 21, annotator=CURATION_ANNOTATOR))
    ana.apply(AddSpan(DOC, "LOCATION", 47, 53))
    bob.apply(AddSpan(DOC, "ACTOR", 0, 6))
    team.set_blind(ana, True)

    def exported(project: Project, layer: str = "") -> list[tuple[str, str]]:
        [item] = selected_documents(project, ExportSelection(layer=layer))
        return sorted((s.annotator, s.label) for s in item.spans)

    assert exported(ana) == [(CURATION_ANNOTATOR, "LOCATION")]  # the curated layer
    assert exported(bob) == [("bob", "ACTOR")]  # not the curated layer he cannot see
    assert exported(bob, "all") == [("bob", "ACTOR")]
    assert layer_choices(bob) == ["all", "curated", "bob"]
    assert layer_choices(ana) == ["all", "curated", "ana", "bob"]


def test_an_export_of_a_layer_nobody_has_is_an_error(opened: dict[str, Project]) -> None:
    with pytest.raises(UserError) as unknown:
        list(selected_documents(opened["ana"], ExportSelection(layer="nobody")))
    assert unknown.value.code == "ANN301"
    assert "all, curated or one of ana, bob" in unknown.value.message
    assert list(selected_documents(opened["ana"], ExportSelection(layer="bob")))  # no spans yet


def test_nobody_works_as_the_curated_layer(opened: dict[str, Project], database_url: str) -> None:
    folder = opened["ana"].folder
    with pytest.raises(TeamError) as refused:
        Project.open(folder, database_url=database_url, annotator=CURATION_ANNOTATOR)
    assert refused.value.code == "ANN215"
    with pytest.raises(TeamError):
        opened["bob"].set_annotator(CURATION_ANNOTATOR)
    assert opened["bob"].annotator == "bob"


def test_every_document_of_an_import_has_its_layer_checked(
    opened: dict[str, Project], tmp_path: Path
) -> None:
    """Documents in a layer already let through are not checked again; one in another layer
    further on still refuses the whole import."""
    bob = opened["bob"]
    own = {"text": TEXT, "spans": [{"label": "LOCATION", "start": 15, "end": 21}]}
    also_own = {"text": TEXT, "spans": [{"label": "LOCATION", "start": 47, "end": 53}]}
    anas = {"text": TEXT, "spans": [{"label": "ACTOR", "start": 0, "end": 6, "annotator": "ana"}]}
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (own, also_own, anas)), "utf-8")
    with pytest.raises(PermissionDeniedError) as refused:
        import_annotations(bob, "jsonl", path)
    assert refused.value.code == "ANN201"
    assert "ana" in refused.value.message
    assert layers(bob) == []
