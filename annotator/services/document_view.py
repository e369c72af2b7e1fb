"""Opening a document for the window: its text, the outline of its spans, its relations.

:meth:`Project.annotated` builds a full :class:`Span` for every span; on a 55,000-span document
that is most of the cost of opening it. The window needs full spans only for what the user
looks at (a tooltip, the span list rows on screen, the selected span, an edit), so it opens
the outline (:class:`SpanOutline`) and asks :func:`load_spans` for the rest on demand.
Blind annotation (only one's own layer) filters both exactly as ``Project.annotated`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.annotation import Relation, Span
from annotator.core.document import Document
from annotator.core.errors import ProjectError
from annotator.core.ids import DocumentId
from annotator.core.span_outline import SpanOutline
from annotator.services.project import Project


@dataclass(frozen=True, slots=True)
class DocumentView:
    """A document as the window opens it."""

    document: Document
    outline: SpanOutline
    relations: tuple[Relation, ...]


def open_document(project: Project, document_id: DocumentId) -> DocumentView:
    """The document, its spans' outline and its relations, as this annotator may see them."""
    owner = project.annotator if project.blinded() else None
    found = project.database.outlined(document_id, owner)
    if found is None:
        raise ProjectError(f"no document with id {document_id}", code="ANN320")
    document, outline, relations = found
    if owner is not None:
        kept = outline.labels
        relations = [
            r
            for r in relations
            if r.annotator == owner and int(r.source) in kept and int(r.target) in kept
        ]
    return DocumentView(document, outline, tuple(relations))


def load_spans(project: Project, ids: Sequence[int]) -> list[Span]:
    """Full spans by id (those that still exist; under blind annotation only one's own)."""
    found = project.database.spans_by_id(ids)
    if project.blinded():
        return [span for span in found if span.annotator == project.annotator]
    return found


__all__ = ["DocumentView", "load_spans", "open_document"]
