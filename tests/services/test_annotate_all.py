"""Annotate all occurrences over a real project (SQLite and PostgreSQL): search, accept, undo."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.edits import AddSpan
from annotator.core.errors import UserError
from annotator.core.occurrences import MatchMode, Query
from annotator.services.annotate_all import Scope, accept, search
from annotator.services.importing import import_paths
from annotator.services.project import Project
from annotator.services.project_files import init_project

ARTICLES = [
    ("Shelling near Aleppo", "Rebels shelled Aleppo on Monday. The army said Aleppo was calm."),
    ("Talks", "Officials from Aleppo met in Geneva.\nAleppo’s governor did not attend."),
    ("Unrelated", "Nothing happened in Homs."),
]


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Iterator[Project]:
    folder = tmp_path / "proj"
    init_project(folder, name="Test")
    source = tmp_path / "articles.jsonl"
    source.write_text(
        "\n".join(json.dumps({"title": t, "text": x}) for t, x in ARTICLES), encoding="utf-8"
    )
    with Project.open(folder, database_url=database_url) as opened:
        import_paths(opened, [source])
        yield opened


def ids_by_title(project: Project) -> dict[str, int]:
    return {s.title: s.id for s in project.page(limit=10)}


def test_search_the_whole_project_with_context_and_titles(project: Project) -> None:
    result = search(project, Query("Aleppo", MatchMode.WHOLE_WORD), "LOCATION", scope=Scope.PROJECT)
    assert result.documents_searched == 3
    assert result.summary() == "3 hits in 2 documents (3 searched)"
    assert not result.truncated
    assert [(h.document_title, h.text) for h in result.hits] == [
        ("Shelling near Aleppo", "Aleppo"),
        ("Shelling near Aleppo", "Aleppo"),
        ("Talks", "Aleppo"),
    ]  # "Aleppo’s" is one word, as the viewer snaps it
    first = result.hits[0]
    assert first.left == "Rebels shelled "
    assert first.right.startswith(" on Monday. The army")
    talks = result.hits[2]
    assert "\n" not in talks.right
    assert talks.right.startswith(" met in Geneva. Aleppo")


def test_accept_labels_every_hit_in_one_edit_and_undo_removes_them_all(project: Project) -> None:
    query = Query("aleppo", MatchMode.IGNORE_CASE)
    hits = search(project, query, "LOCATION", scope=Scope.PROJECT).hits
    assert len(hits) == 4
    applied = accept(project, hits, "LOCATION", annotator="ana")
    assert applied is not None
    assert len(applied.changes.spans_added) == 4
    assert len(applied.changes.document_ids) == 2
    ids = ids_by_title(project)
    spans = project.spans(ids["Talks"])
    assert [(s.label, s.start, s.end, s.annotator) for s in spans] == [
        ("LOCATION", 15, 21, "ana"),
        ("LOCATION", 37, 43, "ana"),
    ]
    # found again by ana: her labelled ranges are skipped (others' layers are not)
    assert len(search(project, query, "LOCATION", scope=Scope.PROJECT).hits) == 4
    project.set_annotator("ana")
    assert search(project, query, "LOCATION", scope=Scope.PROJECT).hits == ()
    assert len(search(project, query, "ACTOR", scope=Scope.PROJECT).hits) == 4

    undone = project.apply(applied.inverse)
    assert len(undone.changes.spans_removed) == 4
    assert project.spans(ids["Talks"]) == []
    redone = project.apply(undone.inverse)
    assert len(redone.changes.spans_added) == 4
    assert len(project.spans(ids["Shelling near Aleppo"])) == 2


def test_search_one_document_and_skip_hits_that_exist_when_accepting(project: Project) -> None:
    ids = ids_by_title(project)
    document_id = ids["Shelling near Aleppo"]
    result = search(
        project, Query("Aleppo"), "LOCATION", scope=Scope.DOCUMENT, document_id=document_id
    )
    assert [(h.start, h.end) for h in result.hits] == [(15, 21), (47, 53)]
    assert result.summary() == "2 hits in 1 document"
    single = search(project, Query("Geneva"), "LOCATION", scope=Scope.PROJECT)
    assert single.summary() == "1 hit in 1 document (3 searched)"
    none = search(
        project, Query("Paris"), "LOCATION", scope=Scope.DOCUMENT, document_id=document_id
    )
    assert none.summary() == "no new occurrence in 1 document"
    project.apply(AddSpan(document_id, "LOCATION", 15, 21))
    applied = accept(project, list(result.hits) * 2, "LOCATION")
    assert applied is not None
    assert [(s.start, s.end) for s in applied.changes.spans_added] == [(47, 53)]
    assert accept(project, result.hits, "LOCATION") is None


def test_hits_overlapping_a_span_of_the_label_are_flagged(project: Project) -> None:
    document_id = ids_by_title(project)["Shelling near Aleppo"]
    project.apply(AddSpan(document_id, "LOCATION", 15, 31))  # "Aleppo on Monday"
    hits = search(
        project, Query("Aleppo"), "LOCATION", scope=Scope.DOCUMENT, document_id=document_id
    ).hits
    assert [(h.start, h.overlaps_label) for h in hits] == [(15, True), (47, False)]


def test_limit_and_errors(project: Project) -> None:
    result = search(project, Query("a", MatchMode.EXACT), "ACTOR", scope=Scope.PROJECT, limit=3)
    assert len(result.hits) == 3
    assert result.truncated
    with pytest.raises(UserError) as caught:
        search(project, Query("(", MatchMode.REGEX), "ACTOR", scope=Scope.PROJECT)
    assert caught.value.code == "ANN261"
    with pytest.raises(UserError) as caught:
        search(project, Query("x"), "NOPE", scope=Scope.PROJECT)
    assert caught.value.code == "ANN262"
    with pytest.raises(UserError) as caught:
        search(project, Query("x"), "ACTOR", scope=Scope.DOCUMENT)
    assert caught.value.code == "ANN263"
