"""What an annotation importer yields: a document with spans and relations keyed locally.

Imported files know nothing of our ids, so spans carry a key (``T3`` in brat, a region id in
Label Studio) that relations refer to. The import service stores them and assigns real ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from annotator.core.document import DocumentDraft, DocumentStatus
from annotator.core.schema import AttributeValue


class SpanRecord(NamedTuple):
    """One imported span. A named tuple, not a dataclass: an import makes hundreds of thousands,
    and a tuple is made several times faster and unpacks in one step (``key, label, start, end,
    attributes, annotator, note, fragments = record``). Change one with ``record._replace``."""

    key: str
    label: str
    start: int
    """Code points, already converted from the file's unit."""
    end: int
    attributes: Mapping[str, AttributeValue] = MappingProxyType({})
    annotator: str = ""
    note: str = ""
    """The annotator's comment on the span (brat ``#`` notes), stored as ``Span.comment``."""
    fragments: tuple[tuple[int, int], ...] = ()
    """For a discontinuous span: every ``(start, end)`` piece; ``start``/``end`` cover them all."""


def new_span_record(
    key: str,
    label: str,
    start: int,
    end: int,
    attributes: Mapping[str, AttributeValue],
    annotator: str,
    note: str,
    fragments: tuple[tuple[int, int], ...],
) -> SpanRecord:
    """``SpanRecord(key, label, start, end, attributes, annotator, note, fragments)`` with every
    field given, in order (kept for the importers that call it)."""
    return _make_span_record(
        SpanRecord, (key, label, start, end, attributes, annotator, note, fragments)
    )


_make_span_record = tuple.__new__


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
