"""Storing imported annotated documents in batches: new documents, or spans added to the
documents that already hold the same text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.engine import Connection

from annotator.core.document import DocumentStatus
from annotator.core.ids import DocumentId
from annotator.core.interchange import AnnotatedDraft
from annotator.storage.annotators import AnnotatorCache
from annotator.storage.fast_insert import insert_rows
from annotator.storage.rows import chunks
from annotator.storage.tables import documents, relations, spans


@dataclass(frozen=True, slots=True)
class StoredAnnotations:
    document_id: DocumentId
    created: bool
    spans_added: int
    spans_skipped: int
    relations_added: int


def store_batch(
    connection: Connection,
    items: Sequence[AnnotatedDraft],
    annotators: AnnotatorCache,
    now: datetime,
) -> list[StoredAnnotations]:
    """Store a batch with a handful of statements whatever its size: documents, spans and
    relations each go in with one executemany. Spans already present with the same label,
    extent and annotator are not added twice (each annotator has their own layer: two may mark
    the same words); relations already present are not either."""
    known = _documents_by_hash(connection, [item.draft.content_hash for item in items])
    new_items = [item for item in items if item.draft.content_hash not in known]
    new_ids = _insert_documents(connection, _first_of_each_text(new_items), now)
    known.update(new_ids)
    created = set(new_ids.values())
    existing = sorted({known[item.draft.content_hash] for item in items} - created)
    present = _present_spans(connection, existing)
    present_links = _present_relations(connection, existing)

    span_rows: list[dict[str, Any]] = []
    span_keys: list[tuple[int, str]] = []  # (item index, key) of each row
    ids_by_key: list[dict[str, int]] = [{} for _ in items]
    counts = [[0, 0, 0] for _ in items]  # added, skipped, relations
    for index, item in enumerate(items):
        document_id = known[item.draft.content_hash]
        seen = present.setdefault(document_id, {})
        for record in item.spans:
            annotator_id = annotators.id_for(connection, record.annotator)
            extent = (record.label, record.start, record.end, annotator_id)
            if extent in seen:
                if seen[extent] > 0:
                    ids_by_key[index][record.key] = seen[extent]
                counts[index][1] += 1
                continue
            seen[extent] = -len(span_rows) - 1  # placeholder until the insert gives an id
            span_keys.append((index, record.key))
            counts[index][0] += 1
            span_rows.append(
                {
                    "document_id": document_id,
                    "label": record.label,
                    "start_offset": record.start,
                    "end_offset": record.end,
                    "attributes": dict(record.attributes),
                    "annotator_id": annotator_id,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "fragments": [list(p) for p in record.fragments] if record.fragments else None,
                    "comment": record.note or None,
                }
            )
    need_ids = any(item.relations for item in items)
    new_span_ids = _insert_spans(connection, span_rows, need_ids)
    for (index, key), span_id in zip(span_keys, new_span_ids, strict=False):
        ids_by_key[index][key] = span_id
    link_rows: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        document_id = known[item.draft.content_hash]
        links = present_links.setdefault(document_id, set())
        for relation in item.relations:
            source = ids_by_key[index].get(relation.source)
            target = ids_by_key[index].get(relation.target)
            if source is None or target is None or source == target:
                continue
            link = (relation.type, source, target)
            if link in links:
                continue
            links.add(link)
            counts[index][2] += 1
            link_rows.append(
                {
                    "document_id": document_id,
                    "type": relation.type,
                    "source_id": source,
                    "target_id": target,
                    "annotator_id": annotators.id_for(connection, relation.annotator),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "comment": relation.note or None,
                }
            )
    if link_rows:
        insert_rows(connection, relations, link_rows)
    _comment_documents(connection, [(known[i.draft.content_hash], i.comment) for i in items])
    results = []
    first_use: set[DocumentId] = set()
    for index, item in enumerate(items):
        document_id = known[item.draft.content_hash]
        was_created = document_id in created and document_id not in first_use
        first_use.add(document_id)
        added, skipped, linked = counts[index]
        results.append(StoredAnnotations(document_id, was_created, added, skipped, linked))
    return results


def _first_of_each_text(items: Sequence[AnnotatedDraft]) -> list[AnnotatedDraft]:
    seen: set[str] = set()
    unique = []
    for item in items:
        if item.draft.content_hash not in seen:
            seen.add(item.draft.content_hash)
            unique.append(item)
    return unique


def _insert_documents(
    connection: Connection, items: Sequence[AnnotatedDraft], now: datetime
) -> dict[str, DocumentId]:
    if not items:
        return {}
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
            "status": (item.status or DocumentStatus.NEW).value,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "comment": item.comment or None,
        }
        for item in items
    ]
    # One executemany, then the ids by text: SQLite's RETURNING in parameter order costs one
    # statement per document. Every text here is new to the project (and unique in ``items``).
    insert_rows(connection, documents, rows)
    return _documents_by_hash(connection, [item.draft.content_hash for item in items])


def _insert_spans(connection: Connection, rows: list[dict[str, Any]], need_ids: bool) -> list[int]:
    if not rows:
        return []
    if need_ids:
        result = connection.execute(
            spans.insert().returning(spans.c.id, sort_by_parameter_order=True), rows
        )
        return [row[0] for row in result]
    insert_rows(connection, spans, rows)
    return []


def _comment_documents(connection: Connection, comments: Sequence[tuple[DocumentId, str]]) -> None:
    """Give documents the comment their import carries, where they have none yet."""
    rows = [{"document_id": i, "comment": c} for i, c in dict(comments).items() if c]
    if rows:
        connection.execute(
            documents.update()
            .where(
                and_(
                    documents.c.id == bindparam("document_id"),
                    func.coalesce(documents.c.comment, "") == "",
                )
            )
            .values(comment=bindparam("comment")),
            rows,
        )


def _documents_by_hash(connection: Connection, hashes: Sequence[str]) -> dict[str, DocumentId]:
    found: dict[str, DocumentId] = {}
    for batch in chunks(sorted(set(hashes))):
        for digest, document_id in connection.execute(
            select(documents.c.content_hash, documents.c.id)
            .where(documents.c.content_hash.in_(batch))
            .order_by(documents.c.id)
        ):
            found.setdefault(digest, DocumentId(document_id))
    return found


def _present_spans(
    connection: Connection, ids: Sequence[DocumentId]
) -> dict[DocumentId, dict[tuple[str, int, int, int | None], int]]:
    """Per document, the id of each span by (label, start, end, annotator id)."""
    found: dict[DocumentId, dict[tuple[str, int, int, int | None], int]] = {}
    for batch in chunks(ids):
        for span_id, document_id, label, start, end, annotator_id in connection.execute(
            select(
                spans.c.id,
                spans.c.document_id,
                spans.c.label,
                spans.c.start_offset,
                spans.c.end_offset,
                spans.c.annotator_id,
            ).where(spans.c.document_id.in_(batch))
        ):
            key = (label, start, end, annotator_id)
            found.setdefault(DocumentId(document_id), {})[key] = span_id
    return found


def _present_relations(
    connection: Connection, ids: Sequence[DocumentId]
) -> dict[DocumentId, set[tuple[str, int, int]]]:
    found: dict[DocumentId, set[tuple[str, int, int]]] = {}
    for batch in chunks(ids):
        for document_id, type_, source, target in connection.execute(
            select(
                relations.c.document_id,
                relations.c.type,
                relations.c.source_id,
                relations.c.target_id,
            ).where(relations.c.document_id.in_(batch))
        ):
            found.setdefault(DocumentId(document_id), set()).add((type_, source, target))
    return found
