"""Mapping between database rows and core values (rows never leave storage)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
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


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def span_from_row(row: Row[Any], annotator: str) -> Span:
    return Span(
        id=SpanId(row.id),
        document_id=DocumentId(row.document_id),
        label=row.label,
        start=row.start_offset,
        end=row.end_offset,
        attributes=row.attributes,
        annotator=annotator,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        version=row.version,
    )


def relation_from_row(row: Row[Any], annotator: str) -> Relation:
    return Relation(
        id=RelationId(row.id),
        document_id=DocumentId(row.document_id),
        type=row.type,
        source=SpanId(row.source_id),
        target=SpanId(row.target_id),
        annotator=annotator,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        version=row.version,
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
        created_at=aware(row.created_at),
    )
