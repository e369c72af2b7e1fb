"""Storing imported annotated documents: new documents, or spans added to existing ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from annotator.core.document import DocumentStatus
from annotator.core.ids import DocumentId
from annotator.core.interchange import AnnotatedDraft
from annotator.storage.annotators import AnnotatorCache
from annotator.storage.documents import insert_documents
from annotator.storage.tables import documents, relations, spans


@dataclass(frozen=True, slots=True)
class StoredAnnotations:
    document_id: DocumentId
    created: bool
    spans_added: int
    spans_skipped: int
    relations_added: int


def store_annotated(
    connection: Connection,
    item: AnnotatedDraft,
    existing: DocumentId | None,
    annotators: AnnotatorCache,
    now: datetime,
) -> StoredAnnotations:
    """Create the document (or use ``existing``), then add its spans and relations.

    Spans already present with the same label and extent are not added twice; relations
    between them still are, once.
    """
    if existing is None:
        [document_id] = insert_documents(connection, [(item.draft, item.origin)], now)
        if item.status is not None and item.status is not DocumentStatus.NEW:
            connection.execute(
                documents.update()
                .where(documents.c.id == document_id)
                .values(status=item.status.value)
            )
    else:
        document_id = existing
    present: dict[tuple[str, int, int], int] = {}
    if existing is not None:
        for span_id, label, start, end in connection.execute(
            select(spans.c.id, spans.c.label, spans.c.start_offset, spans.c.end_offset).where(
                spans.c.document_id == document_id
            )
        ):
            present[(label, start, end)] = span_id
    ids_by_key: dict[str, int] = {}
    fresh: list[dict[str, Any]] = []
    fresh_keys: list[str] = []
    skipped = 0
    for record in item.spans:
        extent = (record.label, record.start, record.end)
        if extent in present:
            ids_by_key[record.key] = present[extent]
            skipped += 1
            continue
        present[extent] = -1
        fresh_keys.append(record.key)
        fresh.append(
            {
                "document_id": document_id,
                "label": record.label,
                "start_offset": record.start,
                "end_offset": record.end,
                "attributes": dict(record.attributes),
                "annotator_id": annotators.id_for(connection, record.annotator),
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    if fresh:
        result = connection.execute(
            spans.insert().returning(spans.c.id, sort_by_parameter_order=True), fresh
        )
        for key, row in zip(fresh_keys, result, strict=True):
            ids_by_key[key] = row[0]
    links: dict[tuple[str, int, int], dict[str, Any]] = {}
    for relation in item.relations:
        source, target = ids_by_key.get(relation.source), ids_by_key.get(relation.target)
        if source is None or target is None or source == target:
            continue
        links[(relation.type, source, target)] = {
            "document_id": document_id,
            "type": relation.type,
            "source_id": source,
            "target_id": target,
            "annotator_id": annotators.id_for(connection, relation.annotator),
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
    if links and existing is not None:
        for type_, source, target in connection.execute(
            select(relations.c.type, relations.c.source_id, relations.c.target_id).where(
                relations.c.document_id == document_id
            )
        ):
            links.pop((type_, source, target), None)
    if links:
        connection.execute(relations.insert(), list(links.values()))
    return StoredAnnotations(document_id, existing is None, len(fresh), skipped, len(links))


def documents_by_hash(connection: Connection, hashes: Sequence[str]) -> dict[str, DocumentId]:
    found: dict[str, DocumentId] = {}
    for digest, document_id in connection.execute(
        select(documents.c.content_hash, documents.c.id)
        .where(documents.c.content_hash.in_(sorted(set(hashes))))
        .order_by(documents.c.id)
    ):
        found.setdefault(digest, DocumentId(document_id))
    return found
