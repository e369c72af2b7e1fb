"""New articles inserted many rows per statement: documents, their raw sources, signatures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from annotator.core.document import DocumentDraft, DocumentStatus
from annotator.core.errors import DocumentIdsError
from annotator.core.ids import DocumentId
from annotator.storage.engine import SQLITE_CACHE_KIB
from annotator.storage.fast_insert import driver_cursor, insert_columns
from annotator.storage.tables import document_signatures, document_sources, documents

_INSERT = documents.insert().returning(documents.c.id, sort_by_parameter_order=True)
"""One statement for a whole batch; SQLAlchemy returns the new ids in the order of the rows."""
_MAX_ROWID = 2**63 - 1
IMPORT_CACHE_PAGES = 512
"""SQLite's page cache while articles are appended (2 MB of 4 KB pages, 8 MB of 16 KB ones):
new rows go to the ends of the tables and to a few index pages, so the 32 MB a document view
wants would only fill with pages written once (30 MB more resident memory during a large
import, no faster). Counted in pages, not bytes: a batch of 200 dirties about 300-400 pages
at 100,000 documents (the content-hash index's leaves are random), and with fewer pages than
that SQLite spills dirty pages to the WAL before the commit and reads them back (a 2 MB cache
of 16 KB pages: twice the WAL frames, two page reads an article)."""


def _row(draft: DocumentDraft, origin: str, now: datetime) -> dict[str, Any]:
    return {
        "external_id": draft.external_id,
        "title": draft.title,
        "source": draft.source,
        "url": draft.url,
        "published": draft.published,
        "text": draft.text,
        "length": len(draft.text),
        "content_hash": draft.content_hash,
        "metadata": dict(draft.metadata),
        "origin": origin,
        "status": DocumentStatus.NEW.value,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "comment": None,
    }


def insert_articles(
    connection: Connection,
    drafts: Sequence[tuple[DocumentDraft, str]],
    now: datetime,
    signatures: Sequence[bytes] | None = None,
) -> list[DocumentId]:
    """Insert drafts with their origin keys (and MinHash signatures when given); returns the new
    ids in order. The rows of ``documents.insert().values(...)`` one at a time, in a few
    statements: building and compiling a statement per row cost a millisecond per article."""
    if not drafts:
        return []
    if connection.dialect.name != "sqlite":
        return _insert(connection, drafts, now, signatures)
    _driver_scalar(connection, f"PRAGMA cache_size={IMPORT_CACHE_PAGES}")
    try:
        return _insert(connection, drafts, now, signatures)
    finally:
        _driver_scalar(connection, f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")


def _driver_scalar(connection: Connection, sql: str) -> Any:
    """The first value ``sql`` returns, if any, through the driver's cursor (Core's statement
    work costs about 60 us, four times a batch)."""
    with driver_cursor(connection) as cursor:
        row = cursor.execute(sql).fetchone()
    return None if row is None else row[0]


def _columns(
    drafts: Sequence[tuple[DocumentDraft, str]], now: datetime
) -> tuple[list[str], list[Sequence[Any]]]:
    """The values of ``_row`` column by column (no dict a row: a few microseconds an article)."""
    texts = [draft.text for draft, _ in drafts]
    count = len(drafts)
    columns: dict[str, Sequence[Any]] = {
        "external_id": [draft.external_id for draft, _ in drafts],
        "title": [draft.title for draft, _ in drafts],
        "source": [draft.source for draft, _ in drafts],
        "url": [draft.url for draft, _ in drafts],
        "published": [draft.published for draft, _ in drafts],
        "text": texts,
        "length": list(map(len, texts)),
        "content_hash": [draft.content_hash for draft, _ in drafts],
        "metadata": [dict(draft.metadata) for draft, _ in drafts],
        "origin": [origin for _, origin in drafts],
        "status": [DocumentStatus.NEW.value] * count,
        "version": [1] * count,
        "created_at": [now] * count,
        "updated_at": [now] * count,
        "comment": [None] * count,
    }
    return list(columns), list(columns.values())


def _insert(
    connection: Connection,
    drafts: Sequence[tuple[DocumentDraft, str]],
    now: datetime,
    signatures: Sequence[bytes] | None,
) -> list[DocumentId]:
    if connection.dialect.name == "sqlite":
        ids = _insert_sqlite(connection, drafts, now)
    else:
        rows = [_row(draft, origin, now) for draft, origin in drafts]
        ids = [DocumentId(int(row[0])) for row in connection.execute(_INSERT, rows)]
    raw = [(document_id, draft.raw) for document_id, (draft, _) in zip(ids, drafts, strict=True)]
    sources = [(document_id, source) for document_id, source in raw if source is not None]
    insert_columns(
        connection,
        document_sources,
        ["document_id", "name", "media_type", "content"],
        [
            [document_id for document_id, _ in sources],
            [source.name for _, source in sources],
            [source.media_type for _, source in sources],
            [source.content for _, source in sources],
        ],
    )
    if signatures is not None:
        marks = [
            (document_id, signature)
            for document_id, signature in zip(ids, signatures, strict=True)
            if signature
        ]
        insert_columns(
            connection,
            document_signatures,
            ["document_id", "signature"],
            [[document_id for document_id, _ in marks], [signature for _, signature in marks]],
        )
    return ids


def _insert_sqlite(
    connection: Connection, drafts: Sequence[tuple[DocumentDraft, str]], now: datetime
) -> list[DocumentId]:
    """The rows through the driver's ``executemany``; their ids follow the largest id before.

    SQLite gives a new row the largest rowid plus one (``documents.id`` is the rowid, without
    AUTOINCREMENT), and the write transaction (``BEGIN IMMEDIATE``) keeps every other writer
    out, so a batch gets consecutive ids. That is checked; SQLite picks a random free rowid only
    when the largest is 2**63 - 1, and then the slower statement that returns each id is used.
    """
    before = _driver_scalar(connection, "SELECT max(id) FROM documents") or 0
    count = len(drafts)
    if before + count >= _MAX_ROWID:
        rows = [_row(draft, origin, now) for draft, origin in drafts]
        return [DocumentId(int(row[0])) for row in connection.execute(_INSERT, rows)]
    names, columns = _columns(drafts, now)
    # every value bound: one SQL text for every batch; OR FAIL: no statement journal (an error
    # rolls the whole transaction back, see storage/connection.py)
    insert_columns(connection, documents, names, columns, literals=False, or_fail=True)
    last = _driver_scalar(connection, "SELECT last_insert_rowid()")
    if last != before + count:
        raise DocumentIdsError(
            f"new documents did not get consecutive ids ({before} + {count} != {last})"
        )
    return [DocumentId(before + 1 + offset) for offset in range(count)]
