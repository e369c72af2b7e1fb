"""Annotate all occurrences: find a string in one document or the whole project, review the
hits, and label the accepted ones in one edit.

Undo across documents: the accepted hits of every document become ONE :class:`Batch` of
``AddSpan`` edits, applied in one transaction; its inverse removes them all, so the window
records a bulk accept as a single undo step (on the stack of the document open at the time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from annotator.core.edits import AddSpan, AppliedEdit, Batch, Edit
from annotator.core.errors import UserError
from annotator.core.ids import DocumentId
from annotator.core.occurrences import Query, find_occurrences
from annotator.core.schema import AttributeValue
from annotator.core.text import plural
from annotator.services.project import Project
from annotator.storage.texts import LabelledText

CONTEXT_CHARS = 48
"""Characters of text shown on each side of a hit in the review list."""
MAX_HITS = 20_000
"""A search stops after this many hits (the review list says so)."""


class Scope(StrEnum):
    DOCUMENT = "this document"
    PROJECT = "whole project"


@dataclass(frozen=True, slots=True)
class Hit:
    """One occurrence: where it is, what it says, and the text around it (one line)."""

    document_id: DocumentId
    document_title: str
    start: int
    end: int
    text: str
    left: str
    right: str
    overlaps_label: bool = False
    """A span of the wanted label already overlaps it (partly): reviewed as rejected first."""


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: tuple[Hit, ...]
    documents_searched: int
    truncated: bool
    """True when the search stopped at ``limit`` hits."""

    @property
    def documents_hit(self) -> int:
        return len({hit.document_id for hit in self.hits})

    def summary(self) -> str:
        """``"3 hits in 2 documents (8 searched)"``, or where a one-document search looked."""
        searched = plural(self.documents_searched, "document")
        if not self.hits:
            return f"no new occurrence in {searched}"
        hits = plural(len(self.hits), "hit")
        if self.documents_hit == self.documents_searched:
            return f"{hits} in {searched}"
        found_in = plural(self.documents_hit, "document")
        return f"{hits} in {found_in} ({self.documents_searched:,} searched)"


def iter_hits(
    documents: Iterable[LabelledText], query: Query, *, snap: bool = False
) -> Iterator[Hit]:
    """The hits in each document, skipping ranges that already carry a span of the label."""
    pattern = query.pattern()
    for document in documents:
        text = document.text
        taken = document.label_ranges
        for start, end in find_occurrences(text, query, skip=taken, snap=snap, pattern=pattern):
            yield Hit(
                document.document_id,
                document.title,
                start,
                end,
                text[start:end],
                _one_line(text[max(0, start - CONTEXT_CHARS) : start]),
                _one_line(text[end : end + CONTEXT_CHARS]),
                any(s < end and start < e for s, e in taken),
            )


def search(
    project: Project,
    query: Query,
    label: str,
    *,
    scope: Scope = Scope.DOCUMENT,
    document_id: DocumentId | None = None,
    snap: bool = False,
    limit: int = MAX_HITS,
    progress: Callable[[int], bool] | None = None,
) -> SearchResult:
    """Find ``query`` in one document (``document_id``) or in every document of the project,
    streamed in batches. ``progress(documents searched)`` may return False to stop early.
    Ranges the project's annotator already labelled are left out (others' layers are not:
    two annotators may label the same words)."""
    if project.schema.label(label) is None:
        raise UserError(f"unknown label {label!r}", code="ANN262")
    query.pattern()  # an invalid query fails before any document is read
    if scope is Scope.DOCUMENT:
        if document_id is None:
            raise UserError("no document is open to search in", code="ANN263")
        annotated = project.annotated(document_id)
        ranges = tuple(
            (s.start, s.end)
            for s in annotated.spans
            if s.label == label and s.annotator == project.annotator
        )
        document = annotated.document
        documents: Iterable[LabelledText] = [
            LabelledText(document.id, document.title, document.text, ranges)
        ]
    else:
        documents = project.database.iter_labelled_texts(label, project.annotator)
    counted = _Counted(documents)
    hits: list[Hit] = []
    truncated = False
    for hit in iter_hits(counted, query, snap=snap):
        if len(hits) >= limit:
            truncated = True
            break
        hits.append(hit)
        if progress is not None and not progress(counted.count):
            break
    return SearchResult(tuple(hits), counted.count, truncated)


def accept_edit(
    project: Project,
    hits: Sequence[Hit],
    label: str,
    attributes: Mapping[str, AttributeValue] | None = None,
    annotator: str = "",
    attributes_for: Callable[[Hit], Mapping[str, AttributeValue]] | None = None,
) -> Edit | None:
    """The one edit that labels ``hits`` (``None`` if nothing is left to add): hits repeated,
    or already carrying a ``label`` span of the same annotator now, are left out."""
    if project.schema.label(label) is None:
        raise UserError(f"unknown label {label!r}", code="ANN262")
    by_document: dict[DocumentId, set[tuple[int, int]]] = {}
    for hit in hits:
        by_document.setdefault(hit.document_id, set())
    owner = annotator or project.annotator
    for document_id, taken in by_document.items():
        taken.update(
            (s.start, s.end)
            for s in project.spans(document_id)
            if s.label == label and s.annotator == owner
        )
    edits: list[Edit] = []
    for hit in sorted(hits, key=lambda h: (h.document_id, h.start, h.end)):
        taken = by_document[hit.document_id]
        if (hit.start, hit.end) in taken:
            continue
        taken.add((hit.start, hit.end))
        values = dict(attributes or {})
        if attributes_for is not None:
            values.update(attributes_for(hit))
        edits.append(AddSpan(hit.document_id, label, hit.start, hit.end, values, annotator))
    if not edits:
        return None
    documents = len({e.document_id for e in edits if isinstance(e, AddSpan)})
    where = f" in {plural(documents, 'document')}" if documents > 1 else ""
    return Batch(tuple(edits), f"Annotate {len(edits)} × {label}{where}")


def accept(
    project: Project,
    hits: Sequence[Hit],
    label: str,
    attributes: Mapping[str, AttributeValue] | None = None,
    annotator: str = "",
) -> AppliedEdit | None:
    """Label ``hits`` as ``label`` in one transaction; the inverse removes them all."""
    edit = accept_edit(project, hits, label, attributes, annotator)
    return project.apply(edit) if edit is not None else None


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


class _Counted:
    """An iterable of documents that counts how many were taken."""

    def __init__(self, documents: Iterable[LabelledText]) -> None:
        self._documents = documents
        self.count = 0

    def __iter__(self) -> Iterator[LabelledText]:
        for document in self._documents:
            self.count += 1
            yield document
