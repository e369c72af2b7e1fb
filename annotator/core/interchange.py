"""What an annotation importer yields: a document with spans and relations keyed locally.

Imported files know nothing of our ids, so spans carry a key (``T3`` in brat, a region id in
Label Studio) that relations refer to. The import service stores them and assigns real ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from annotator.core.document import DocumentDraft, DocumentStatus
from annotator.core.frozen import fast_constructor
from annotator.core.schema import AttributeValue


@dataclass(frozen=True, slots=True)
class SpanRecord:
    key: str
    label: str
    start: int
    """Code points, already converted from the file's unit."""
    end: int
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    annotator: str = ""
    note: str = ""
    """The annotator's comment on the span (brat ``#`` notes), stored as ``Span.comment``."""
    fragments: tuple[tuple[int, int], ...] = ()
    """For a discontinuous span: every ``(start, end)`` piece; ``start``/``end`` cover them all."""


new_span_record = fast_constructor(SpanRecord)
"""``SpanRecord(key, label, start, end, attributes, annotator, note, fragments)`` with every field
given, in order: for importers that make one per span (see :mod:`annotator.core.frozen`)."""


@dataclass(frozen=True, slots=True)
class RelationRecord:
    type: str
    source: str
    """The key of the source span."""
    target: str
    annotator: str = ""
    note: str = ""
    """The annotator's comment on the relation, stored as ``Relation.comment``."""


@dataclass(frozen=True, slots=True)
class AnnotatedDraft:
    """One imported document: its text and metadata, spans and relations, and where it came
    from (``file`` or ``file:line``) for reports."""

    draft: DocumentDraft
    origin: str
    spans: tuple[SpanRecord, ...] = ()
    relations: tuple[RelationRecord, ...] = ()
    status: DocumentStatus | None = None
    note: str = ""
    """What the import report should say about this document (e.g. the offset unit found)."""
    comment: str = ""
    """The annotator's comment on the whole document, stored as ``Document.comment``."""
