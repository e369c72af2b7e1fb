"""Documents in the project database: adding them, reading them, their status and texts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from annotator.core.document import (
    Document,
    DocumentDraft,
    DocumentFilter,
    DocumentStatus,
    DocumentSummary,
)
from annotator.core.ids import DocumentId
from annotator.core.statistics import ProjectStatistics
from annotator.core.team import AssignmentState
from annotator.storage import documents as document_queries
from annotator.storage import team as team_queries
from annotator.storage.bulk import DraftWithSpans, insert_all
from annotator.storage.connection import DatabaseConnection
from annotator.storage.document_claims import ClaimedBatch, claim_and_insert
from annotator.storage.statistics import project_statistics
from annotator.storage.texts import LabelledText, plain_texts_after, texts_after


class DocumentAccess(DatabaseConnection):
    """Adding, finding, listing and reading documents and their texts."""

    def add_documents(
        self,
        drafts: Sequence[tuple[DocumentDraft, str]],
        now: datetime,
        signatures: Sequence[bytes] | None = None,
    ) -> list[DocumentId]:
        """Insert drafts with their origin keys (and signatures) in one transaction."""
        return self.claim_documents(drafts, now, signatures, keep_duplicates=True).ids

    def claim_documents(
        self,
        drafts: Sequence[tuple[DocumentDraft, str]],
        now: datetime,
        signatures: Sequence[bytes] | None = None,
        actor: str = "",
        *,
        keep_duplicates: bool = False,
    ) -> ClaimedBatch:
        """Insert the drafts whose text is not in the project yet (checked under a lock in
        the same transaction), logged for the other windows' change feeds."""
        with self._write() as connection:
            actor_id = self._annotators.id_for(connection, actor)
            claimed = claim_and_insert(
                connection, drafts, now, signatures, actor_id, keep_duplicates=keep_duplicates
            )
            self._own_log_ids.update(claimed.log_ids)
            return claimed

    def fingerprints(self) -> list[tuple[DocumentId, str, bytes]]:
        """(id, content hash, MinHash signature) of every document, to check new ones against."""
        with self._read() as connection:
            return list(document_queries.iter_fingerprints(connection))

    def bulk_add(self, items: Iterable[DraftWithSpans], now: datetime) -> list[DocumentId]:
        """Insert many documents with their spans in one transaction (imports, benchmarks)."""
        with self._write() as connection:
            return insert_all(connection, items, self._annotators, now)

    def existing_hashes(self, hashes: Sequence[str]) -> set[str]:
        with self._read() as connection:
            return document_queries.existing_hashes(connection, hashes)

    def existing_origins(self, origins: Sequence[str]) -> set[str]:
        with self._read() as connection:
            return document_queries.existing_origins(connection, origins)

    def document(self, document_id: DocumentId) -> Document | None:
        with self._read() as connection:
            return document_queries.get_document(connection, document_id)

    def document_ids(self, where: DocumentFilter = DocumentFilter()) -> list[DocumentId]:
        with self._read() as connection:
            return document_queries.document_ids(connection, where)

    def ids_among(self, where: DocumentFilter, ids: Iterable[DocumentId]) -> list[DocumentId]:
        with self._read() as connection:
            return document_queries.ids_among(connection, where, ids)

    def count_documents(self, where: DocumentFilter = DocumentFilter()) -> int:
        with self._read() as connection:
            return document_queries.count_documents(connection, where)

    def summaries(
        self, ids: Sequence[DocumentId], only_annotator: str | None = None
    ) -> list[DocumentSummary]:
        with self._read() as connection:
            return document_queries.summaries(connection, ids, only_annotator)

    def page(
        self,
        where: DocumentFilter,
        after: DocumentId | None,
        limit: int,
        only_annotator: str | None = None,
    ) -> list[DocumentSummary]:
        with self._read() as connection:
            return document_queries.page(connection, where, after, limit, only_annotator)

    def set_status(
        self,
        document_id: DocumentId,
        status: DocumentStatus,
        expected_version: int | None,
        now: datetime,
        actor: str = "",
    ) -> Document:
        def work() -> Document:
            with self._write() as connection:
                document = document_queries.set_status(
                    connection, document_id, status, expected_version, now
                )
                self._log(connection, [document_id], actor, now)
                if actor and status in (DocumentStatus.IN_PROGRESS, DocumentStatus.DONE):
                    state = AssignmentState(status.value)
                    team_queries.set_state(connection, document_id, actor, state, now)
                return document

        return self._retrying(work)

    def existing_ids(self, ids: Sequence[DocumentId]) -> set[DocumentId]:
        with self._read() as connection:
            return document_queries.existing_ids(connection, ids)

    def iter_texts(self, batch: int = 500) -> Iterator[tuple[DocumentId, str]]:
        """Every document's id and text, by id, ``batch`` documents per short read."""
        after: DocumentId | None = None
        while True:
            with self._read() as connection:
                found = plain_texts_after(connection, after, batch)
            if not found:
                return
            yield from found
            after = found[-1][0]

    def iter_labelled_texts(
        self, label: str, annotator: str = "", batch: int = 500
    ) -> Iterator[LabelledText]:
        """Every document's text with the ranges of ``annotator``'s ``label`` spans, by id,
        ``batch`` documents per short read transaction."""
        after: DocumentId | None = None
        while True:
            with self._read() as connection:
                found = texts_after(connection, label, after, batch, annotator)
            if not found:
                return
            yield from found
            after = found[-1].document_id

    def statistics(self) -> ProjectStatistics:
        with self._read() as connection:
            return project_statistics(connection)
