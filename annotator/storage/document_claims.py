"""New documents claimed under a lock: one text becomes one document however many import it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Connection

from annotator.core.document import DocumentDraft
from annotator.core.ids import DocumentId
from annotator.storage.article_insert import insert_articles
from annotator.storage.rows import chunks
from annotator.storage.team import log_changes

LOCK_SPACE = 0x414E4E  # "ANN": the first key of the two-key advisory lock
"""The second key is the oid of the project's ``documents`` table, so projects in other
schemas of the same database do not wait for each other."""
_LOCK = "SELECT pg_advisory_xact_lock(%s, CAST(CAST('documents' AS regclass) AS oid)::int)"


@dataclass(slots=True)
class ClaimedBatch:
    """What storing a batch of new documents did."""

    ids: list[DocumentId] = field(default_factory=list)
    """The new documents, in the order of the drafts that were kept."""
    taken: list[tuple[str, DocumentId]] = field(default_factory=list)
    """(origin, document) of each draft dropped: its text was committed meanwhile."""
    log_ids: list[int] = field(default_factory=list)
    """The edit log rows that tell the other windows about the new documents."""


def lock_documents(connection: Connection) -> None:
    """Serialise adders of documents until this transaction ends. PostgreSQL: an advisory
    transaction lock; SQLite: nothing to do, a write transaction begins with BEGIN IMMEDIATE
    (see storage/engine.py), which already keeps every other writer out."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(_LOCK, (LOCK_SPACE,))


def documents_by_hash(connection: Connection, hashes: Sequence[str]) -> dict[str, DocumentId]:
    """The first (oldest) document holding each of these texts, by content hash."""
    found: dict[str, DocumentId] = {}
    mark = "?" if connection.dialect.name == "sqlite" else "%s"
    for batch in chunks(sorted(set(hashes))):
        sql = (
            "SELECT content_hash, min(id) FROM documents "
            f"WHERE content_hash IN ({', '.join([mark] * len(batch))}) GROUP BY content_hash"
        )
        for digest, document_id in connection.exec_driver_sql(sql, tuple(batch)):
            found[digest] = DocumentId(document_id)
    return found


def claim_and_insert(
    connection: Connection,
    drafts: Sequence[tuple[DocumentDraft, str]],
    now: datetime,
    signatures: Sequence[bytes] | None,
    annotator_id: int | None,
    *,
    keep_duplicates: bool,
) -> ClaimedBatch:
    """Insert the drafts whose text no committed document holds (all with
    ``keep_duplicates``), then log one edit per new document, in the caller's transaction.
    The check runs under :func:`lock_documents`, so a text another importer commits at the
    same moment is found here, or finds this batch's documents."""
    claimed = ClaimedBatch()
    if not drafts:
        return claimed
    if not keep_duplicates:
        lock_documents(connection)
        known = documents_by_hash(connection, [draft.content_hash for draft, _ in drafts])
        if known:
            kept = [i for i, (draft, _) in enumerate(drafts) if draft.content_hash not in known]
            claimed.taken = [
                (origin, known[draft.content_hash])
                for draft, origin in drafts
                if draft.content_hash in known
            ]
            drafts = [drafts[i] for i in kept]
            if signatures is not None:
                signatures = [signatures[i] for i in kept]
    claimed.ids = insert_articles(connection, drafts, now, signatures)
    if claimed.ids:
        claimed.log_ids = log_changes(connection, claimed.ids, annotator_id, now)
    return claimed
