"""Curation on a real project (SQLite and PostgreSQL): units, accept, reject, auto-merge."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from annotator.core.annotation import CURATION_ANNOTATOR
from annotator.core.edits import AddRelation, AddSpan, Edit, RemoveSpan
from annotator.core.errors import CurationError
from annotator.core.ids import DocumentId
from annotator.services import curation
from annotator.services.importing import import_paths
from annotator.services.project import Project
from annotator.services.project_files import init_project
from annotator.storage.tables import annotators

TEXT = "The ministry said 12 civilians died in Aleppo on Monday, according to the rebels."
#       0123456789012345678901234567890123456789012345678901234567890123456789012345678901


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Iterator[Project]:
    folder = tmp_path / "proj"
    init_project(folder, name="Test")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    with Project.open(folder, database_url=database_url) as opened:
        import_paths(opened, [tmp_path / "a.txt"])
        yield opened


def doc(project: Project) -> DocumentId:
    (document_id,) = project.document_ids()
    return document_id


def add(project: Project, who: str, label: str, start: int, end: int, **attrs: object) -> int:
    edit = AddSpan(doc(project), label, start, end, attrs, who)  # type: ignore[arg-type]
    return int(project.apply(edit).changes.spans_added[0].id)


def curated(project: Project) -> set[tuple[str, int, int]]:
    spans = project.spans(doc(project))
    return {(s.label, s.start, s.end) for s in spans if s.annotator == CURATION_ANNOTATOR}


def two_annotators(project: Project) -> None:
    for who in ("ana", "bob"):
        add(project, who, "ACTOR", 0, 12, kind="official")  # "The ministry"
        add(project, who, "LOCATION", 39, 45)  # "Aleppo"
    add(project, "ana", "CASUALTY_FIGURE", 18, 30)  # "12 civilians"
    add(project, "bob", "CASUALTY_FIGURE", 18, 35)  # "12 civilians died"
    add(project, "bob", "ACTOR", 75, 81)  # "rebels": only bob


def test_units_of_a_document(project: Project) -> None:
    two_annotators(project)
    view = curation.load(project, doc(project))
    assert view.annotators == ("ana", "bob")
    assert [u.agreed for u in view.curation.units] == [True, False, True, False]
    figure = view.curation.units[1]
    assert [a.annotators for a in figure.alternatives] == [("ana",), ("bob",)]
    assert view.state(figure) is None


def test_auto_merge_then_accept_and_reject(project: Project) -> None:
    two_annotators(project)
    document_id = doc(project)
    changes = curation.auto_merge(project, document_id)
    assert len(changes.spans_added) == 2
    assert curated(project) == {("ACTOR", 0, 12), ("LOCATION", 39, 45)}
    assert curation.auto_merge(project, document_id).is_empty  # idempotent
    (merged,) = [s for s in project.spans(document_id) if s.label == "ACTOR" and s.start == 0][-1:]
    assert dict(merged.attributes) == {"kind": "official"}

    figure, rebels = curation.load(project, document_id).curation.disagreements
    curation.accept(project, document_id, figure, figure.alternative_of("bob"))
    assert ("CASUALTY_FIGURE", 18, 35) in curated(project)
    assert curation.accept(project, document_id, figure, figure.alternative_of("bob")).is_empty
    curation.accept(project, document_id, figure, figure.alternative_of("ana"))
    assert ("CASUALTY_FIGURE", 18, 30) in curated(project)
    assert ("CASUALTY_FIGURE", 18, 35) not in curated(project)
    assert curation.load(project, document_id).state(figure) == figure.alternative_of("ana")

    curation.accept(project, document_id, rebels, rebels.alternative_of("bob"))
    assert ("ACTOR", 75, 81) in curated(project)
    curation.reject(project, document_id, rebels)
    assert ("ACTOR", 75, 81) not in curated(project)
    # the annotators' own layers are untouched
    by = {s.annotator for s in project.spans(document_id)}
    assert by == {"ana", "bob", CURATION_ANNOTATOR}


def test_the_curated_layer_has_its_pseudo_annotator(project: Project, database_url: str) -> None:
    two_annotators(project)
    curation.auto_merge(project, doc(project))
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = select(annotators.c.name, annotators.c.is_curation)
            rows = {row[0]: row[1] for row in connection.execute(query)}
    finally:
        engine.dispose()
    assert rows == {"ana": False, "bob": False, CURATION_ANNOTATOR: True}


def test_a_relation_choice_brings_its_ends_along_and_undo_restores(project: Project) -> None:
    document_id = doc(project)
    figure = add(project, "ana", "CASUALTY_FIGURE", 18, 30)
    place = add(project, "ana", "LOCATION", 39, 45)
    project.apply(AddRelation(document_id, "LOCATED_IN", figure, place, "ana"))  # type: ignore[arg-type]
    add(project, "bob", "CASUALTY_FIGURE", 18, 30)
    add(project, "bob", "LOCATION", 39, 45)
    (unit,) = curation.load(project, document_id).curation.disagreements
    undo: list[Edit] = []
    while edit := curation.next_accept_edit(project, document_id, unit, unit.alternatives[0]):
        undo.append(project.apply(edit).inverse)
    assert len(undo) == 2
    assert curated(project) == {("CASUALTY_FIGURE", 18, 30), ("LOCATION", 39, 45)}
    relations = project.annotated(document_id).relations
    assert [r.annotator for r in relations].count(CURATION_ANNOTATOR) == 1
    for inverse in reversed(undo):
        project.apply(inverse)
    assert curated(project) == set()


def test_a_unit_that_changed_meanwhile_is_refused(project: Project) -> None:
    two_annotators(project)
    document_id = doc(project)
    figure = curation.load(project, document_id).curation.disagreements[0]
    ana_figure = next(s for s in project.spans(document_id) if s.label == "CASUALTY_FIGURE")
    project.apply(RemoveSpan(ana_figure.id))
    with pytest.raises(CurationError) as caught:
        curation.accept(project, document_id, figure, figure.alternatives[0])
    assert caught.value.code == "ANN241"
