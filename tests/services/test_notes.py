"""Discontinuous spans and comments through the services: edits on SQLite and PostgreSQL, and
round trips through brat, BioC and the native JSONL, with what other formats lose reported."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.edits import (
    AddFragment,
    AddRelation,
    AddSpan,
    RemoveFragment,
    SetDocumentComment,
    SetRelationComment,
    SetSpanComment,
)
from annotator.core.errors import FragmentError, StaleDataError
from annotator.formats.base import Loss
from annotator.services.annotation_import import import_annotations
from annotator.services.exporting import export_project, preview_losses
from annotator.services.importing import import_paths
from annotator.services.project import Project

TEXT = "The ministry said on Monday, citing local officials, that 12 people died in Aleppo."
# "The ministry said ... that 12 people died": a claim in two pieces around the citation.
CLAIM_PIECES = ((0, 17), (53, 72))


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Iterator[Project]:
    project = Project.create(tmp_path / "source", database_url=database_url)
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    import_paths(project, [tmp_path / "a.txt"])
    yield project
    project.close()


def annotate(project: Project) -> AnnotatedDocument:
    [doc] = project.document_ids()
    claim = project.apply(AddSpan(doc, "CLAIM", 0, 17, {}, "ana")).changes.spans_added[0]
    project.apply(AddFragment(claim.id, *CLAIM_PIECES[1]))
    actor = project.apply(AddSpan(doc, "ACTOR", 36, 51, {}, "ana")).changes.spans_added[0]
    project.apply(SetSpanComment(actor.id, "unnamed: 'local officials'"))
    link = project.apply(AddRelation(doc, "ATTRIBUTED_TO", claim.id, actor.id, "ana"))
    project.apply(SetRelationComment(link.changes.relations_added[0].id, "indirect"))
    project.apply(SetDocumentComment(doc, "wire copy, check the figure"))
    return project.annotated(doc)


def test_fragments_and_comments_are_stored(project: Project) -> None:
    item = annotate(project)
    claim, actor = sorted(item.spans, key=lambda s: s.label)[::-1][:2]
    assert claim.label == "CLAIM"
    assert claim.pieces == CLAIM_PIECES
    assert (claim.start, claim.end) == (0, 72)
    assert actor.comment == "unnamed: 'local officials'"
    assert item.relations[0].comment == "indirect"
    assert item.document.comment == "wire copy, check the figure"
    with pytest.raises(FragmentError):
        project.apply(AddFragment(claim.id, 10, 20))
    project.apply(RemoveFragment(claim.id, *CLAIM_PIECES[1]))
    again = project.annotated(item.document.id)
    assert next(s for s in again.spans if s.id == claim.id).fragments == ()
    with pytest.raises(StaleDataError) as caught:
        project.apply(SetDocumentComment(item.document.id, "mine", expected="old"))
    assert caught.value.code == "ANN254"


def shape(item: AnnotatedDocument) -> list[object]:
    spans = {s.id: s for s in item.spans}
    return [
        sorted((s.label, s.pieces, s.comment) for s in item.spans),
        sorted(
            (r.type, spans[r.source].pieces, spans[r.target].pieces, r.comment)
            for r in item.relations
        ),
    ]


@pytest.mark.parametrize("format_name", ["jsonl", "brat", "bioc"])
def test_round_trip_keeps_pieces_and_comments(
    project: Project, tmp_path: Path, format_name: str
) -> None:
    original = annotate(project)
    out = tmp_path / ("export.jsonl" if format_name == "jsonl" else f"export-{format_name}")
    if format_name == "bioc":
        out = tmp_path / "export.xml"
    report = export_project(project, format_name, out)
    losses = report.losses.lines()
    if format_name == "brat":  # brat has no place for a note on a whole document
        assert report.losses.counts[Loss.NOTES] == 1
    else:
        assert losses == []
    target = Project.create(tmp_path / "target")
    try:
        imported = import_annotations(target, format_name, out)
        assert imported.failures == []
        [copy_id] = imported.created
        copy = target.annotated(copy_id)
        assert shape(copy) == shape(original)
        expected = "" if format_name == "brat" else original.document.comment
        assert copy.document.comment == expected
    finally:
        target.close()


def test_brat_lines_and_a_real_reader(project: Project, tmp_path: Path) -> None:
    annotate(project)
    out = tmp_path / "brat"
    export_project(project, "brat", out)
    [ann] = out.glob("*.ann")
    lines = ann.read_text(encoding="utf-8").splitlines()
    assert "T1\tCLAIM 0 17;53 72\tThe ministry said that 12 people died" in lines
    assert "#1\tAnnotatorNotes T2\tunnamed: 'local officials'" in lines
    assert "#2\tAnnotatorNotes R1\tindirect" in lines
    pytest.importorskip("bratly")
    from bratly import EntityAnnotation, NoteAnnotation
    from bratly.io import read_document_collection_from_folder

    with redirect_stdout(io.StringIO()):
        collection = read_document_collection_from_folder(str(out))
    assert collection is not None
    [document] = collection.documents
    assert document.check_ann_compatibility_with_txt()
    annotations = document.annotation_collections[0].get_annotations()
    [claim] = [a for a in annotations if isinstance(a, EntityAnnotation) and a.label == "CLAIM"]
    assert [(f.start, f.end) for f in claim.fragments] == list(CLAIM_PIECES)
    notes = [a for a in annotations if isinstance(a, NoteAnnotation)]
    assert sorted(n.value for n in notes) == ["indirect", "unnamed: 'local officials'"]


def test_bioc_library_validates_a_discontinuous_annotation(
    project: Project, tmp_path: Path
) -> None:
    annotate(project)
    bioc = pytest.importorskip("bioc")
    from bioc import biocxml

    out = tmp_path / "export.xml"
    export_project(project, "bioc", out)
    with out.open(encoding="utf-8") as handle:
        collection = biocxml.load(handle)
    bioc.validate(collection)
    claim = collection.documents[0].passages[0].annotations[0]
    assert [(loc.offset, loc.end) for loc in claim.locations] == list(CLAIM_PIECES)
    assert collection.documents[0].infons["annotator:comment"] == "wire copy, check the figure"


def test_formats_without_pieces_or_comments_report_them(project: Project) -> None:
    annotate(project)
    losses = preview_losses(project, "conll")
    assert losses.counts[Loss.DISCONTINUOUS] == 1
    assert losses.counts[Loss.NOTES] == 3  # the span's, the relation's, the document's
    assert any("hull" in line for line in losses.lines())
    assert preview_losses(project, "jsonl").empty
    assert preview_losses(project, "brat").counts == {Loss.NOTES: 1}


def test_formats_without_pieces_write_the_hull(project: Project, tmp_path: Path) -> None:
    annotate(project)
    out = tmp_path / "doccano.jsonl"
    report = export_project(project, "doccano", out)
    assert report.losses.counts[Loss.DISCONTINUOUS] == 1
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    claims = [
        (e["start_offset"], e["end_offset"]) for e in record["entities"] if e["label"] == "CLAIM"
    ]
    assert claims == [(0, CLAIM_PIECES[-1][1])]  # the hull: first piece to last
