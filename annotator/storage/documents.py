"""Document queries: insert with provenance, fetch, page and filter by id in SQL, set status."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.engine import Connection

from annotator.core.document import (
    Document,
    DocumentDraft,
    DocumentFilter,
    DocumentStatus,
    DocumentSummary,
)
from annotator.core.errors import StaleDataError
from annotator.core.ids import DocumentId
from annotator.storage.rows import chunks, document_from_row
from annotator.storage.tables import (
    annotators,
    assignments,
    document_signatures,
    document_sources,
    documents,
    spans,
)


def _filtered(query: Select[Any], where: DocumentFilter) -> Select[Any]:
    if where.status is not None:
        query = query.where(documents.c.status == where.status.value)
    if where.assigned_to:
        mine = (
            select(assignments.c.document_id)
            .join(annotators, annotators.c.id == assignments.c.annotator_id)
            .where(annotators.c.name == where.assigned_to)
        )
        query = query.where(documents.c.id.in_(mine))
    if where.title_contains:
        pattern = "%" + _escape_like(where.title_contains.lower()) + "%"
        query = query.where(func.lower(documents.c.title).like(pattern, escape="\\"))
    return query


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def insert_documents(
    connection: Connection,
    drafts: Sequence[tuple[DocumentDraft, str]],
    now: datetime,
    signatures: Sequence[bytes] | None = None,
) -> list[DocumentId]:
    """Insert drafts (with their origin keys, and MinHash signatures when given) in batches;
    returns the new ids in order."""
    ids: list[DocumentId] = []
    for batch in chunks(drafts):
        for draft, origin in batch:
            result = connection.execute(
                documents.insert().values(
                    external_id=draft.external_id,
                    title=draft.title,
                    source=draft.source,
                    url=draft.url,
                    published=draft.published,
                    text=draft.text,
                    length=len(draft.text),
                    content_hash=draft.content_hash,
                    metadata=dict(draft.metadata),
                    origin=origin,
                    status=DocumentStatus.NEW.value,
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            ids.append(DocumentId(int(key[0])))
        sources = [
            {
                "document_id": document_id,
                "name": draft.raw.name,
                "media_type": draft.raw.media_type,
                "content": draft.raw.content,
            }
            for document_id, (draft, _) in zip(ids[-len(batch) :], batch, strict=True)
            if draft.raw is not None
        ]
        if sources:
            connection.execute(document_sources.insert(), sources)
    if signatures is not None:
        rows = [
            {"document_id": document_id, "signature": signature}
            for document_id, signature in zip(ids, signatures, strict=True)
            if signature
        ]
        if rows:
            connection.execute(document_signatures.insert(), rows)
    return ids


def iter_fingerprints(connection: Connection) -> Iterator[tuple[DocumentId, str, bytes]]:
    """Every document's id, content hash and signature (empty when it has none), by id."""
    query = (
        select(documents.c.id, documents.c.content_hash, document_signatures.c.signature)
        .select_from(documents.outerjoin(document_signatures))
        .order_by(documents.c.id)
    )
    for document_id, digest, signature in connection.execute(query):
        yield DocumentId(document_id), digest, signature or b""


def existing_hashes(connection: Connection, hashes: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for batch in chunks(sorted(set(hashes))):
        found.update(
            connection.execute(
                select(documents.c.content_hash).where(documents.c.content_hash.in_(batch))
            ).scalars()
        )
    return found


def existing_origins(connection: Connection, origins: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for batch in chunks(sorted(set(origins))):
        found.update(
            connection.execute(
                select(documents.c.origin).where(documents.c.origin.in_(batch))
            ).scalars()
        )
    return found


def get_document(connection: Connection, document_id: DocumentId) -> Document | None:
    row = connection.execute(select(documents).where(documents.c.id == document_id)).first()
    return document_from_row(row) if row else None


def existing_ids(connection: Connection, ids: Sequence[DocumentId]) -> set[DocumentId]:
    """Which of ``ids`` are documents (ids only: no text is read)."""
    found: set[DocumentId] = set()
    for batch in chunks(ids):
        query = select(documents.c.id).where(documents.c.id.in_(batch))
        found.update(DocumentId(i) for i in connection.execute(query).scalars())
    return found


def document_ids(connection: Connection, where: DocumentFilter) -> list[DocumentId]:
    query = _filtered(select(documents.c.id), where).order_by(documents.c.id)
    return list(connection.execute(query).scalars().all())  # ids: no per-row DocumentId call


def ids_among(
    connection: Connection, where: DocumentFilter, ids: Iterable[DocumentId]
) -> list[DocumentId]:
    """Those of ``ids`` that match ``where``, by id (new documents a list may show)."""
    found: list[DocumentId] = []
    for batch in chunks(sorted(set(ids))):
        query = _filtered(select(documents.c.id), where).where(documents.c.id.in_(batch))
        found += [DocumentId(i) for i in connection.execute(query).scalars()]
    return sorted(found)


def count_documents(connection: Connection, where: DocumentFilter) -> int:
    query = _filtered(select(func.count()).select_from(documents), where)
    return int(connection.execute(query).scalar_one())


def summaries(
    connection: Connection, ids: Sequence[DocumentId], only_annotator: str | None = None
) -> list[DocumentSummary]:
    """Rows for a list view, in the order of ``ids``; missing ids are left out. With
    ``only_annotator`` the span counts count only that annotator's spans (blind annotation)."""
    by_id: dict[int, DocumentSummary] = {}
    counted = select(func.count()).where(spans.c.document_id == documents.c.id)
    if only_annotator is not None:
        owner = select(annotators.c.id).where(annotators.c.name == only_annotator)
        counted = counted.where(spans.c.annotator_id == owner.scalar_subquery())
    span_count = counted.correlate(documents).scalar_subquery()
    for batch in chunks(ids):
        query = select(
            documents.c.id,
            documents.c.title,
            documents.c.source,
            documents.c.published,
            documents.c.status,
            documents.c.length,
            func.substr(documents.c.text, 1, 200).label("text_head"),
            span_count.label("span_count"),
        ).where(documents.c.id.in_(batch))
        for row in connection.execute(query):
            by_id[row.id] = DocumentSummary(
                id=DocumentId(row.id),
                title=row.title or _first_line(row.text_head),
                source=row.source,
                published=row.published,
                status=DocumentStatus(row.status),
                span_count=row.span_count,
                length=row.length,
            )
    return [by_id[i] for i in ids if i in by_id]


def page(
    connection: Connection,
    where: DocumentFilter,
    after: DocumentId | None,
    limit: int,
    only_annotator: str | None = None,
) -> list[DocumentSummary]:
    """The next ``limit`` documents with an id above ``after`` (keyset paging in SQL)."""
    query = _filtered(select(documents.c.id), where)
    if after is not None:
        query = query.where(documents.c.id > after)
    ids = [
        DocumentId(i)
        for i in connection.execute(query.order_by(documents.c.id).limit(limit)).scalars()
    ]
    return summaries(connection, ids, only_annotator)


def set_status(
    connection: Connection,
    document_id: DocumentId,
    status: DocumentStatus,
    expected_version: int | None,
    now: datetime,
) -> Document:
    current = get_document(connection, document_id)
    if current is None:
        raise StaleDataError(f"document {document_id} no longer exists", code="ANN161")
    version = current.version if expected_version is None else expected_version
    result = connection.execute(
        documents.update()
        .where(and_(documents.c.id == document_id, documents.c.version == version))
        .values(status=status.value, version=version + 1, updated_at=now)
    )
    if result.rowcount != 1:
        raise StaleDataError(
            f"document {document_id} was changed by someone else; reload to see it",
            code="ANN162",
        )
    updated = get_document(connection, document_id)
    assert updated is not None
    return updated


def _first_line(text: str) -> str:
    line = text.strip().split("\n", 1)[0]
    return line[:80] + ("…" if len(line) > 80 else "")


def mark_started(
    connection: Connection, ids: Sequence[DocumentId], now: datetime
) -> list[DocumentId]:
    """Move documents that are still new to in progress; returns those that moved."""
    for document_id in ids:
        connection.execute(_START, {"document_id": document_id, "now": now})
    return list(ids)


_START = (
    documents.update()
    .where(
        documents.c.id == bindparam("document_id"), documents.c.status == DocumentStatus.NEW.value
    )
    .values(
        status=DocumentStatus.IN_PROGRESS.value,
        version=documents.c.version + 1,
        updated_at=bindparam("now", type_=documents.c.updated_at.type),
    )
)
