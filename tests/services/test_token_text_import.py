"""CoNLL and Hugging Face exports imported back into their project update its documents: the
text rebuilt from tokens is matched to the stored one ignoring whitespace."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.document import DocumentDraft
from annotator.core.edits import AddSpan
from annotator.core.ids import DocumentId
from annotator.core.interchange import AnnotatedDraft, SpanRecord
from annotator.core.plain_draft import PlainDraft
from annotator.services.annotation_import import import_annotations
from annotator.services.exporting import export_project
from annotator.services.importing import import_paths
from annotator.services.project import Project
from annotator.services.token_texts import TokenTextMatcher, squeezed, squeezed_length

TEXT = "Rebels shelled Aleppo, on Tuesday.\n\nThe ministry said 12 civilians died."
OTHER = "Nothing in this one was ever exported."


@pytest.mark.parametrize(("format_name", "out"), [("conll", "x.conll"), ("huggingface", "x.jsonl")])
def test_an_export_imported_back_updates_the_same_documents(
    tmp_path: Path, database_url: str, format_name: str, out: str
) -> None:
    project = Project.create(tmp_path / "p", database_url=database_url)
    try:
        (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
        (tmp_path / "b.txt").write_text(OTHER, encoding="utf-8")
        [doc, other] = import_paths(project, [tmp_path / "a.txt", tmp_path / "b.txt"]).imported
        project.apply(AddSpan(doc, "ACTOR", 0, 6, {}, "ana"))
        project.apply(AddSpan(doc, "LOCATION", 15, 21, {}, "ana"))
        exported = export_project(project, format_name, tmp_path / out)
        assert exported.spans == 2
        report = import_annotations(project, format_name, tmp_path / out)
        assert (report.created, sorted(report.updated)) == ([], sorted([doc, other]))
        assert report.spans == 2  # in the importing annotator's layer: CoNLL names nobody
        extents = sorted((s.label, s.start, s.end, s.annotator) for s in project.spans(doc))
        assert extents == [
            ("ACTOR", 0, 6, ""),
            ("ACTOR", 0, 6, "ana"),
            ("LOCATION", 15, 21, ""),
            ("LOCATION", 15, 21, "ana"),
        ]
        assert project.count_documents() == 2
        assert "matched to the project's by text, ignoring whitespace" in report.summary()

        elsewhere = Project.create(tmp_path / "q")
        try:
            report = import_annotations(elsewhere, format_name, tmp_path / out)
        finally:
            elsewhere.close()
        assert (len(report.created), report.spans) == (2, 2)
        assert "created: " in report.summary()
        assert "no document of the project has that text, even ignoring whitespace" in (
            report.summary()
        )
    finally:
        project.close()


def test_a_text_two_documents_share_but_for_whitespace_matches_neither() -> None:
    stored = {DocumentId(1): "Aleppo, today.", DocumentId(2): "Aleppo,\ntoday.", DocumentId(3): "x"}
    matcher = TokenTextMatcher(lambda: stored.items(), stored.get)
    draft = AnnotatedDraft(DocumentDraft("Aleppo , today ."), "f:1")
    assert matcher.match(draft) is draft
    assert (matcher.matched, matcher.unmatched) == (0, 1)
    plain = PlainDraft(DocumentDraft("x"), "f:2", ("A",), (0,), (1,), "")
    assert matcher.match(plain) is plain
    assert matcher.matched == 1


def test_a_token_that_ends_in_whitespace_keeps_its_span_on_its_own_characters() -> None:
    """A Hugging Face token may hold whitespace ("Anna "): the span's end, on that whitespace,
    moves back onto the token's last character, not onto the next token's first."""
    stored = {DocumentId(1): "Anna met Bob."}
    matcher = TokenTextMatcher(lambda: stored.items(), stored.get)
    record = SpanRecord("0", "PER", 0, 5, {}, "", "", ((0, 5),))
    annotated = matcher.match(AnnotatedDraft(DocumentDraft("Anna  met Bob ."), "f:1", (record,)))
    assert isinstance(annotated, AnnotatedDraft)
    assert [(s.start, s.end, s.fragments) for s in annotated.spans] == [(0, 4, ((0, 4),))]
    plain = PlainDraft(DocumentDraft("Anna met  Bob ."), "f:2", ("PER", "X"), (0, 9), (4, 14), "")
    moved = matcher.match(plain)
    assert isinstance(moved, PlainDraft)
    assert (moved.starts, moved.ends) == ((0, 9), (4, 12))


def test_a_span_on_whitespace_alone_leaves_its_document_unmatched() -> None:
    """A span over a whitespace token has no place on the stored text: the document is not
    moved onto it (it was stored ending before it started)."""
    stored = {DocumentId(1): "Anna met Bob."}
    matcher = TokenTextMatcher(lambda: stored.items(), stored.get)
    plain = PlainDraft(DocumentDraft("Anna met Bob   ."), "f:1", ("PER", "X"), (0, 13), (4, 14), "")
    assert matcher.match(plain) is plain
    record = SpanRecord("0", "X", 13, 14)
    annotated = AnnotatedDraft(DocumentDraft("Anna met Bob   ."), "f:2", (record,))
    assert matcher.match(annotated) is annotated
    assert (matcher.matched, matcher.unmatched) == (0, 2)


def test_the_length_without_whitespace_is_that_of_the_squeezed_text() -> None:
    every_ascii = "".join(map(chr, range(128)))
    for text in ["", " ", every_ascii, every_ascii * 2 + "x y", "Ça\u00a0va\u2028 ", "a\x85b"]:
        assert squeezed_length(text) == len(squeezed(text))
