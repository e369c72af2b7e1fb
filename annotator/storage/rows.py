"""Mapping between database rows and core values (rows never leave storage)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy.engine import Row

from annotator.core.annotation import Relation, Span
from annotator.core.document import Document, DocumentStatus
from annotator.core.ids import DocumentId, RelationId, SpanId

T = TypeVar("T")

CHUNK = 500
"""Largest ``IN (...)`` list and insert batch; SQLite allows 32,766 host parameters."""


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def fragments_value(span: Span) -> list[list[int]] | None:
    """The ``spans.fragments`` column value: NULL for a contiguous span."""
    return [[start, end] for start, end in span.fragments] if span.fragments else None


def span_from_row(row: Sequence[Any], annotator: str) -> Span:
    """A span from a row of ``select(spans)`` (columns in table order; unpacked by position,
    which is several times faster than attribute access on a Row)."""
    (id_, document_id, label, start, end, attributes, _, created, updated, version, *notes) = row
    if isinstance(attributes, str):
        attributes = {} if attributes == "{}" else json.loads(attributes)
    fragments, comment = notes if notes else (None, None)
    if isinstance(fragments, str):
        fragments = None if fragments == "null" else json.loads(fragments)
    pieces = tuple((int(a), int(b)) for a, b in fragments) if fragments else ()
    return Span(
        SpanId(id_),
        DocumentId(document_id),
        label,
        start,
        end,
        attributes,
        annotator,
        created,
        updated,
        version,
        pieces,
        comment or "",
    )


def relation_from_row(row: Sequence[Any], annotator: str) -> Relation:
    """A relation from a row of ``select(relations)`` (columns in table order)."""
    (id_, document_id, type_, source, target, _, created, updated, version, *notes) = row
    return Relation(
        RelationId(id_),
        DocumentId(document_id),
        type_,
        SpanId(source),
        SpanId(target),
        annotator,
        created,
        updated,
        version,
        (notes[0] if notes else None) or "",
    )


def document_from_row(row: Row[Any]) -> Document:
    return Document(
        id=DocumentId(row.id),
        text=row.text,
        content_hash=row.content_hash,
        title=row.title,
        source=row.source,
        url=row.url,
        published=row.published,
        metadata=row.metadata,
        external_id=row.external_id,
        status=DocumentStatus(row.status),
        version=row.version,
        created_at=row.created_at,
        comment=getattr(row, "comment", None) or "",
    )
