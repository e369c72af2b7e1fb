"""Opening a document as the window does (outline + spans on demand), on SQLite and PostgreSQL:
the same spans, labels, pieces and relations as ``Project.annotated``, blind annotation
included, and full spans by id with every column."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.document import DocumentDraft
from annotator.core.edits import AddRelation, AddSpan, Batch, RemoveSpan
from annotator.core.errors import ProjectError
from annotator.core.ids import DocumentId, SpanId
from annotator.core.span_outline import SpanOutline
from annotator.services import team
from annotator.services.document_view import load_spans, open_document
from annotator.services.project import Project
from annotator.services.project_files import init_project
from annotator.storage.bulk import DraftWithSpans, SpanDraft

TEXT = "Rebels shelled Aleppo on Monday, officials in Damascus said. The army denied it."
DOC = DocumentId(1)


@pytest.fixture
def projects(tmp_path: Path, database_url: str) -> Iterator[dict[str, Project]]:
    """ana (manager, first to open) and bob on one database with two documents."""
    folder = tmp_path / "proj"
    init_project(folder, name="View")
    opened = {
        name: Project.open(folder, database_url=database_url, annotator=name)
        for name in ("ana", "bob")
    }
    opened["ana"].database.add_documents(
        [(DocumentDraft(f"{TEXT} ({i})", title=f"Doc {i}"), f"d{i}") for i in range(2)],
        opened["ana"].now(),
    )
    yield opened
    for project in opened.values():
        project.close()


def at(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def annotate(ana: Project, bob: Project) -> None:
    ana.apply(
        Batch(
            (
                AddSpan(
                    DOC, "ACTOR", *at("Rebels"), {"kind": "non-state armed group"}, comment="who?"
                ),
                AddSpan(DOC, "LOCATION", *at("Aleppo")),
                AddSpan(
                    DOC,
                    "CLAIM",
                    at("Rebels")[0],
                    at("Monday")[1],
                    fragments=(at("Rebels shelled"), at("on Monday")),
                ),
                AddSpan(DocumentId(2), "ACTOR", *at("Rebels")),
            )
        )
    )
    bob.apply(AddSpan(DOC, "LOCATION", *at("Damascus"), comment="the capital"))
    spans = {s.label + str(s.start): s.id for s in ana.annotated(DOC).spans}
    ana.apply(AddRelation(DOC, "LOCATED_IN", spans["ACTOR0"], spans["LOCATION15"]))
    mine = {s.start: s.id for s in bob.annotated(DOC).spans if s.annotator == "bob"}
    bob.apply(AddRelation(DOC, "LOCATED_IN", spans["ACTOR0"], mine[at("Damascus")[0]]))


def test_the_outline_has_what_annotated_has(projects: dict[str, Project]) -> None:
    ana, bob = projects["ana"], projects["bob"]
    annotate(ana, bob)
    full = ana.annotated(DOC)
    view = open_document(ana, DOC)
    assert view.document == full.document
    assert view.outline == SpanOutline.from_spans(full.spans)
    assert [e[2] for e in view.outline.entries] == [int(s.id) for s in full.spans]
    claim = next(s for s in full.spans if s.label == "CLAIM")
    assert view.outline.pieces == {int(claim.id): claim.fragments}
    assert view.outline.counts() == {"ACTOR": 1, "LOCATION": 2, "CLAIM": 1}
    assert view.relations == full.relations
    # every column of every span, by id
    loaded = load_spans(ana, [e[2] for e in reversed(view.outline.entries)])
    assert sorted(loaded, key=lambda s: (s.start, s.end, s.id)) == list(full.spans)
    assert load_spans(ana, [999_999]) == []


def test_blind_annotation_opens_only_ones_own_layer(projects: dict[str, Project]) -> None:
    ana, bob = projects["ana"], projects["bob"]
    annotate(ana, bob)
    team.set_blind(ana, True)
    expected = bob.annotated(DOC)
    view = open_document(bob, DOC)
    assert [s.annotator for s in expected.spans] == ["bob"]
    assert view.outline == SpanOutline.from_spans(expected.spans)
    assert view.relations == expected.relations == ()  # its source is ana's span
    others = [e[2] for e in open_document(ana, DOC).outline.entries]
    assert [s.annotator for s in load_spans(bob, others)] == ["bob"]
    assert len(open_document(ana, DOC).outline) == 4  # the manager sees everyone's


def test_an_edit_is_read_back_and_a_missing_document_is_an_error(
    projects: dict[str, Project],
) -> None:
    ana = projects["ana"]
    assert open_document(ana, DOC).outline == SpanOutline()
    added = ana.apply(AddSpan(DOC, "ACTOR", *at("The army"))).changes.spans_added[0]
    assert open_document(ana, DOC).outline.labels == {int(added.id): "ACTOR"}
    ana.apply(RemoveSpan(SpanId(added.id)))
    assert len(open_document(ana, DOC).outline) == 0
    with pytest.raises(ProjectError) as caught:
        open_document(ana, DocumentId(99))
    assert caught.value.code == "ANN320"


def test_bulk_imported_pieces_stored_as_sql_null_or_json(projects: dict[str, Project]) -> None:
    """The bulk path stores a contiguous span's fragments as SQL NULL, edits as JSON null:
    both read as contiguous, and bulk-imported pieces are found."""
    ana = projects["ana"]
    ana.database.bulk_add(
        [
            DraftWithSpans(
                DocumentDraft(TEXT, title="bulk"),
                "bulk:1",
                (
                    SpanDraft("ACTOR", *at("Rebels")),
                    SpanDraft(
                        "CLAIM",
                        at("Rebels")[0],
                        at("Aleppo")[1],
                        fragments=(at("Rebels"), at("Aleppo")),
                    ),
                ),
            )
        ],
        ana.now(),
    )
    document_id = ana.document_ids()[-1]
    ana.apply(AddSpan(document_id, "LOCATION", *at("Damascus")))
    full = ana.annotated(document_id)
    assert open_document(ana, document_id).outline == SpanOutline.from_spans(full.spans)
    assert len(open_document(ana, document_id).outline.pieces) == 1
