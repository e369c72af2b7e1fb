"""A project's database: opened (and migrated) once, one transaction per call."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.document import (
    Document,
    DocumentDraft,
    DocumentFilter,
    DocumentStatus,
    DocumentSummary,
)
from annotator.core.edits import AppliedEdit, Edit, EditApplier
from annotator.core.errors import AnnotatorError, DatabaseError
from annotator.core.ids import DocumentId
from annotator.core.interchange import AnnotatedDraft
from annotator.core.schema import LabelSchema
from annotator.core.statistics import ProjectStatistics
from annotator.storage import documents as document_queries
from annotator.storage.annotated_import import StoredAnnotations, store_batch
from annotator.storage.annotation_store import SqlAnnotationStore
from annotator.storage.annotators import AnnotatorCache
from annotator.storage.bulk import DraftWithSpans, insert_all
from annotator.storage.engine import WRITE, display_url, make_engine, resolve_url
from annotator.storage.migrate import current_revision, upgrade
from annotator.storage.rows import chunks, relation_from_row, span_from_row
from annotator.storage.shared_documents import shared_document_ids
from annotator.storage.statements import SPAN_ROWS, SPANS_OF_DOCUMENT
from annotator.storage.statistics import project_statistics
from annotator.storage.tables import relations, spans

__all__ = ["ProjectDatabase"]


class ProjectDatabase:
    """Everything the services need from the database; SQL stays behind these methods."""

    def __init__(self, engine: Engine, url: URL, created: bool) -> None:
        self._engine = engine
        self.url = url
        self.created = created
        """True when this open created the database (a new project: import its seed files)."""
        self._annotators = AnnotatorCache()

    @classmethod
    def open(cls, url: str, project_dir: Path) -> ProjectDatabase:
        """Connect, create or upgrade the schema; errors say which database and why."""
        resolved = resolve_url(url, project_dir)
        engine = make_engine(resolved)
        try:
            created = current_revision(engine) is None
            upgrade(engine)
        except AnnotatorError:
            engine.dispose()
            raise
        except SQLAlchemyError as error:
            engine.dispose()
            raise DatabaseError(
                f"cannot open the database {display_url(resolved)}: {_reason(error)}",
                code="ANN184",
            ) from error
        return cls(engine, resolved, created)

    @property
    def display_url(self) -> str:
        return display_url(self.url)

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def close(self) -> None:
        self._engine.dispose()

    # -- transactions ---------------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as connection, connection.begin():
                yield connection
        except (OperationalError, DBAPIError) as error:
            raise DatabaseError(
                f"reading {self.display_url} failed: {_reason(error)}", code="ANN185"
            ) from error

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as plain:
                connection = plain.execution_options(**WRITE)
                with connection.begin():
                    yield connection
        except BaseException as error:
            self._annotators.reset()
            if isinstance(error, OperationalError | DBAPIError):
                raise DatabaseError(
                    f"writing to {self.display_url} failed, nothing was saved: {_reason(error)}",
                    code="ANN186",
                ) from error
            raise

    # -- documents ------------------------------------------------------------------------------

    def add_documents(
        self,
        drafts: Sequence[tuple[DocumentDraft, str]],
        now: datetime,
        signatures: Sequence[bytes] | None = None,
    ) -> list[DocumentId]:
        """Insert drafts with their origin keys (and signatures) in one transaction."""
        with self._write() as connection:
            return document_queries.insert_documents(connection, drafts, now, signatures)

    def fingerprints(self) -> list[tuple[DocumentId, str, bytes]]:
        """(id, content hash, MinHash signature) of every document, to check new ones against."""
        with self._read() as connection:
            return list(document_queries.iter_fingerprints(connection))

    def bulk_add(self, items: Iterable[DraftWithSpans], now: datetime) -> list[DocumentId]:
        """Insert many documents with their spans in one transaction (imports, benchmarks)."""
        with self._write() as connection:
            return insert_all(connection, items, self._annotators, now)

    @contextmanager
    def annotation_writer(
        self, now: datetime
    ) -> Iterator[Callable[[Sequence[AnnotatedDraft]], list[StoredAnnotations]]]:
        """One transaction for a whole annotation import: batches are written as they come
        (memory stays flat) and committed together, or rolled back together on any error."""
        with self._write() as connection:
            yield lambda items: store_batch(connection, items, self._annotators, now)

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

    def count_documents(self, where: DocumentFilter = DocumentFilter()) -> int:
        with self._read() as connection:
            return document_queries.count_documents(connection, where)

    def summaries(self, ids: Sequence[DocumentId]) -> list[DocumentSummary]:
        with self._read() as connection:
            return document_queries.summaries(connection, ids)

    def page(
        self, where: DocumentFilter, after: DocumentId | None, limit: int
    ) -> list[DocumentSummary]:
        with self._read() as connection:
            return document_queries.page(connection, where, after, limit)

    def set_status(
        self,
        document_id: DocumentId,
        status: DocumentStatus,
        expected_version: int | None,
        now: datetime,
    ) -> Document:
        with self._write() as connection:
            return document_queries.set_status(
                connection, document_id, status, expected_version, now
            )

    # -- annotations ----------------------------------------------------------------------------

    def annotated(self, document_id: DocumentId) -> AnnotatedDocument | None:
        with self._read() as connection:
            document = document_queries.get_document(connection, document_id)
            if document is None:
                return None
            found = self._annotations(connection, [document_id])
            span_list, relation_list = found.get(document_id, ([], []))
            return AnnotatedDocument(document, tuple(span_list), tuple(relation_list))

    def spans(self, document_id: DocumentId) -> list[Span]:
        """One document's spans ordered by (start, end, id), read through the (document, start)
        index."""
        with self._read() as connection:
            rows = connection.execute(SPANS_OF_DOCUMENT, {"document_id": document_id}).all()
            name = self._annotators.name_of
            return [span_from_row(row, name(connection, row[6])) for row in rows]

    def iter_annotated(
        self, where: DocumentFilter = DocumentFilter(), batch: int = 200
    ) -> Iterator[AnnotatedDocument]:
        """Stream documents with their annotations: three queries per ``batch`` documents, and
        no transaction held open while the caller works on them."""
        return self.iter_annotated_ids(self.document_ids(where), batch)

    def iter_annotated_ids(
        self, ids: Sequence[DocumentId], batch: int = 200
    ) -> Iterator[AnnotatedDocument]:
        """:meth:`iter_annotated` for the documents ``ids`` (in that order; missing ones are
        left out)."""
        for id_batch in chunks(ids, batch):
            with self._read() as connection:
                found = document_queries.get_documents(connection, id_batch)
                annotations = self._annotations(connection, id_batch)
            for document_id in id_batch:
                document = found.get(document_id)
                if document is not None:
                    span_list, relation_list = annotations[document_id]
                    yield AnnotatedDocument(document, tuple(span_list), tuple(relation_list))

    def shared_document_ids(
        self, names: Collection[str] | None, exclude: Collection[str] = ()
    ) -> list[DocumentId]:
        """Documents with spans by two or more annotators (of ``names``, or any not in
        ``exclude``)."""
        with self._read() as connection:
            return shared_document_ids(connection, names, exclude)

    def _annotations(
        self, connection: Connection, ids: Sequence[DocumentId]
    ) -> dict[DocumentId, tuple[list[Span], list[Relation]]]:
        found: dict[DocumentId, tuple[list[Span], list[Relation]]] = {i: ([], []) for i in ids}
        name = self._annotators.name_of
        for batch in chunks(ids):
            span_rows = connection.execute(
                SPAN_ROWS.where(spans.c.document_id.in_(batch)).order_by(
                    spans.c.document_id, spans.c.start_offset, spans.c.end_offset, spans.c.id
                )
            ).all()
            for row in span_rows:
                found[row[1]][0].append(span_from_row(row, name(connection, row[6])))
            relation_rows = connection.execute(
                select(relations).where(relations.c.document_id.in_(batch)).order_by(relations.c.id)
            ).all()
            for row in relation_rows:
                found[row[1]][1].append(relation_from_row(row, name(connection, row[5])))
        return found

    def apply(self, edit: Edit, schema: LabelSchema, now: datetime) -> AppliedEdit:
        """Apply an edit in one transaction: all of it is committed, or none of it."""
        with self._write() as connection:
            store = SqlAnnotationStore(connection, self._annotators)
            applied = EditApplier(store, schema, now).apply(edit)
            started = document_queries.mark_started(
                connection, store.documents_not_started(applied.changes.document_ids), now
            )
            if started:
                changes = replace(applied.changes, documents_started=tuple(started))
                applied = replace(applied, changes=changes)
            return applied

    def statistics(self) -> ProjectStatistics:
        with self._read() as connection:
            return project_statistics(connection)


def _reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip().splitlines()
    return text[0] if text else type(error).__name__
