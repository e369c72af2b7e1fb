"""Bulk loading: many documents with their spans in one transaction, inserted in batches."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from annotator.core.document import DocumentDraft, DocumentStatus
from annotator.core.ids import DocumentId
from annotator.core.schema import AttributeValue
from annotator.storage.annotators import AnnotatorCache
from annotator.storage.tables import documents, spans

SPAN_BATCH = 10_000


@dataclass(frozen=True, slots=True)
class SpanDraft:
    label: str
    start: int
    end: int
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    annotator: str = ""
    fragments: tuple[tuple[int, int], ...] = ()
    """The pieces of a discontinuous span (``start``/``end`` their hull); empty otherwise."""
    comment: str = ""


@dataclass(frozen=True, slots=True)
class DraftWithSpans:
    draft: DocumentDraft
    origin: str
    spans: Sequence[SpanDraft] = ()
    status: DocumentStatus = DocumentStatus.NEW


def bulk_insert(
    connection: Connection,
    items: Sequence[DraftWithSpans],
    annotators: AnnotatorCache,
    now: datetime,
) -> list[DocumentId]:
    """Insert documents (ids returned in order) and then all their spans with executemany."""
    if not items:
        return []
    rows = [
        {
            "external_id": item.draft.external_id,
            "title": item.draft.title,
            "source": item.draft.source,
            "url": item.draft.url,
            "published": item.draft.published,
            "text": item.draft.text,
            "length": len(item.draft.text),
            "content_hash": item.draft.content_hash,
            "metadata": dict(item.draft.metadata),
            "origin": item.origin,
            "status": item.status.value,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for item in items
    ]
    result = connection.execute(
        documents.insert().returning(documents.c.id, sort_by_parameter_order=True), rows
    )
    ids = [DocumentId(row[0]) for row in result]
    if connection.dialect.name == "sqlite":
        _sqlite_spans(connection, ids, items, annotators, now)
        return ids
    pending: list[dict[str, Any]] = []
    for document_id, item in zip(ids, items, strict=True):
        for span in item.spans:
            pending.append(
                {
                    "document_id": document_id,
                    "label": span.label,
                    "start_offset": span.start,
                    "end_offset": span.end,
                    "attributes": span.attributes,
                    "annotator_id": annotators.id_for(connection, span.annotator),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "fragments": [list(p) for p in span.fragments] if span.fragments else None,
                    "comment": span.comment or None,
                }
            )
            if len(pending) >= SPAN_BATCH:
                connection.execute(spans.insert(), pending)
                pending = []
    if pending:
        connection.execute(spans.insert(), pending)
    return ids


_SQLITE_SPAN_INSERT = (
    "INSERT INTO spans (document_id, label, start_offset, end_offset, attributes, annotator_id,"
    " created_at, updated_at, version, fragments, comment)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
)


def _sqlite_spans(
    connection: Connection,
    ids: Sequence[DocumentId],
    items: Sequence[DraftWithSpans],
    annotators: AnnotatorCache,
    now: datetime,
) -> None:
    """Spans straight through the driver's executemany: the per-row type processing of the
    Core path costs three times the insert itself. Values are bound exactly as the column types
    would bind them (the timestamp once, JSON text for the attributes)."""
    stamp = spans.c.created_at.type.bind_processor(connection.dialect)
    stamped = stamp(now) if stamp else now
    rows: list[tuple[Any, ...]] = []
    for document_id, item in zip(ids, items, strict=True):
        for span in item.spans:
            rows.append(
                (
                    document_id,
                    span.label,
                    span.start,
                    span.end,
                    json.dumps(span.attributes) if span.attributes else "{}",
                    annotators.id_for(connection, span.annotator),
                    stamped,
                    stamped,
                    json.dumps([list(p) for p in span.fragments]) if span.fragments else None,
                    span.comment or None,
                )
            )
    if rows:
        connection.exec_driver_sql(_SQLITE_SPAN_INSERT, rows)


def insert_all(
    connection: Connection,
    items: Iterable[DraftWithSpans],
    annotators: AnnotatorCache,
    now: datetime,
    batch: int = 1_000,
) -> list[DocumentId]:
    ids: list[DocumentId] = []
    chunk: list[DraftWithSpans] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= batch:
            ids.extend(bulk_insert(connection, chunk, annotators, now))
            chunk = []
    ids.extend(bulk_insert(connection, chunk, annotators, now))
    return ids
