"""Annotation values: spans over a document's text, relations between spans, annotators."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from annotator.core.document import Document
from annotator.core.ids import AnnotatorId, DocumentId, RelationId, SpanId
from annotator.core.schema import AttributeValue

NEW_SPAN = SpanId(0)
"""The id of a span not yet stored; storage assigns the real one."""
NEW_RELATION = RelationId(0)


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled range ``[start, end)`` of a document's text, in code points."""

    id: SpanId
    document_id: DocumentId
    label: str
    start: int
    end: int
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    annotator: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    fragments: tuple[tuple[int, int], ...] = ()
    """The pieces of a discontinuous span, ordered; ``start``/``end`` are then their hull.
    Empty for an ordinary (contiguous) span."""
    comment: str = ""

    def text(self, document_text: str) -> str:
        return document_text[self.start : self.end]

    @property
    def pieces(self) -> tuple[tuple[int, int], ...]:
        """The ranges the span covers: its fragments, or ``((start, end),)``."""
        return self.fragments or ((self.start, self.end),)

    def content(self) -> tuple[object, ...]:
        """What the span says, without bookkeeping (version, update time)."""
        return (
            self.id,
            self.document_id,
            self.label,
            self.start,
            self.end,
            tuple(sorted(self.attributes.items())),
            self.annotator,
            self.created_at,
            self.fragments,
            self.comment,
        )


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed, directed link from a source span to a target span of the same document."""

    id: RelationId
    document_id: DocumentId
    type: str
    source: SpanId
    target: SpanId
    annotator: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    comment: str = ""

    def content(self) -> tuple[object, ...]:
        return (
            self.id,
            self.document_id,
            self.type,
            self.source,
            self.target,
            self.annotator,
            self.created_at,
            self.comment,
        )


@dataclass(frozen=True, slots=True)
class Annotator:
    id: AnnotatorId
    name: str


@dataclass(frozen=True, slots=True)
class AnnotatedDocument:
    """A document with all its spans (ordered by start, end, id) and relations."""

    document: Document
    spans: tuple[Span, ...] = ()
    relations: tuple[Relation, ...] = ()


CURATION_ANNOTATOR = "curation"
"""Name of the pseudo-annotator that holds the curated layer (annotators.is_curation)."""
