"""A project's database: opened (and migrated) once, one transaction per call."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.changes import ChangeSet
from annotator.core.document import (
    Document,
    DocumentDraft,
    DocumentFilter,
    DocumentStatus,
    DocumentSummary,
)
from annotator.core.edits import AppliedEdit, Edit, EditApplier
from annotator.core.errors import AnnotatorError, ConnectionLostError, DatabaseError
from annotator.core.guarded_store import GuardedStore
from annotator.core.ids import DocumentId
from annotator.core.interchange import AnnotatedDraft
from annotator.core.plain_draft import PlainDraft
from annotator.core.schema import LabelSchema
from annotator.core.span_outline import SpanOutline
from annotator.core.statistics import ProjectStatistics
from annotator.core.team import AssignmentState, DocumentChange, Identity, Member, QueueItem, Role
from annotator.storage import documents as document_queries
from annotator.storage import layers
from annotator.storage import team as team_queries
from annotator.storage.annotated_import import StoredAnnotations, store_batch
from annotator.storage.annotation_store import SqlAnnotationStore
from annotator.storage.annotators import AnnotatorCache
from annotator.storage.bulk import DraftWithSpans, insert_all
from annotator.storage.bulk_read import AnnotationReader
from annotator.storage.document_claims import ClaimedBatch, claim_and_insert
from annotator.storage.engine import WRITE, display_url, make_engine, resolve_url
from annotator.storage.import_log import ImportLog
from annotator.storage.layers import LayerWriter
from annotator.storage.migrate import current_revision, upgrade
from annotator.storage.rewrite import AnnotationSlice, load_slice, write_changes
from annotator.storage.rows import chunks
from annotator.storage.schema_record import Publication, publish_schema
from annotator.storage.schema_record import schema_record as read_schema_record
from annotator.storage.schema_record import schema_revision as read_schema_revision
from annotator.storage.shared_documents import shared_document_ids
from annotator.storage.span_outline import read_outline, read_spans
from annotator.storage.statistics import project_statistics
from annotator.storage.texts import LabelledText, plain_texts_after, texts_after

__all__ = ["ProjectDatabase"]

T = TypeVar("T")


class ProjectDatabase:
    """Everything the services need from the database; SQL stays behind these methods."""

    def __init__(self, engine: Engine, url: URL, created: bool) -> None:
        self._engine = engine
        self.url = url
        self.created = created
        """True when this open created the database (a new project: import its seed files)."""
        self._annotators = AnnotatorCache()
        self._own_log_ids: set[int] = set()
        """edit_log rows this process wrote, so its own edits are not taken for others'."""

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
            if _lost(error):
                raise ConnectionLostError(
                    f"lost the connection to {self.display_url}: {_reason(error)}"
                ) from error
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
            if isinstance(error, OperationalError | DBAPIError) and _lost(error):
                raise ConnectionLostError(
                    f"lost the connection to {self.display_url}, nothing was saved: "
                    f"{_reason(error)}"
                ) from error
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

    @contextmanager
    def annotation_writer(
        self,
        now: datetime,
        actor: str = "",
        publish: Callable[[], Publication | None] = lambda: None,
    ) -> Iterator[Callable[[Sequence[AnnotatedDraft | PlainDraft]], list[StoredAnnotations]]]:
        """One transaction for a whole annotation import: batches are written as they come
        (memory stays flat) and committed together, or rolled back together on any error;
        the edit log names ``actor``. What ``publish`` returns once the batches are written
        (labels the import added) becomes the schema of record in the same transaction."""
        with self._write() as connection:
            actor_id = self._annotators.id_for(connection, actor)
            log = ImportLog(connection, actor_id, now)

            def write(items: Sequence[AnnotatedDraft | PlainDraft]) -> list[StoredAnnotations]:
                stored = store_batch(connection, items, self._annotators, now)
                log.batch(stored)
                return stored

            yield write
            schema = publish()
            if schema is not None:
                schema.revision = publish_schema(connection, schema.text, schema.expected)
            self._own_log_ids.update(log.finish())

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

    # -- annotations ----------------------------------------------------------------------------

    def annotated(self, document_id: DocumentId) -> AnnotatedDocument | None:
        def work() -> AnnotatedDocument | None:
            with self._read() as connection:
                document = document_queries.get_document(connection, document_id)
                if document is None:
                    return None
                found = self._annotations(self._reader(connection), [document_id])
                span_list, relation_list = found.get(document_id, ([], []))
                return AnnotatedDocument(document, tuple(span_list), tuple(relation_list))

        return self._retrying(work)

    def outlined(
        self, document_id: DocumentId, owner: str | None = None
    ) -> tuple[Document, SpanOutline, list[Relation]] | None:
        """A document, the outline of its spans (``owner``'s only when given) and its
        relations, in one transaction."""

        def work() -> tuple[Document, SpanOutline, list[Relation]] | None:
            with self._read() as connection:
                document = document_queries.get_document(connection, document_id)
                if document is None:
                    return None
                outline = read_outline(connection, document_id, owner)
                relations = self._reader(connection).relations([document_id])[document_id]
                return document, outline, relations

        return self._retrying(work)

    def spans_by_id(self, ids: Sequence[int]) -> list[Span]:
        """The spans of ``ids`` that exist, in no particular order."""

        def work() -> list[Span]:
            with self._read() as connection:
                return read_spans(
                    connection, ids, lambda i: self._annotators.name_of(connection, i)
                )

        return self._retrying(work)

    def spans(self, document_id: DocumentId) -> list[Span]:
        """One document's spans ordered by (start, end, id)."""
        with self._read() as connection:
            return self._reader(connection).spans([document_id])[document_id]

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
                reader = self._reader(connection)
                found = reader.documents(id_batch)
                annotations = self._annotations(reader, id_batch)
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
        self, reader: AnnotationReader, ids: Sequence[DocumentId]
    ) -> dict[DocumentId, tuple[list[Span], list[Relation]]]:
        span_lists = reader.spans(ids)
        relation_lists = reader.relations(ids)
        return {i: (span_lists[i], relation_lists[i]) for i in ids}

    def _reader(self, connection: Connection) -> AnnotationReader:
        return AnnotationReader(connection, lambda i: self._annotators.name_of(connection, i))

    def apply(self, edit: Edit, schema: LabelSchema, now: datetime, actor: str = "") -> AppliedEdit:
        """Apply an edit in one transaction: all of it is committed, or none of it. The
        actor's role is read in the same transaction and checked on every write."""

        def work() -> AppliedEdit:
            with self._write() as connection:
                store = SqlAnnotationStore(connection, self._annotators)
                guarded = GuardedStore(store, team_queries.identity(connection, actor))
                applied = EditApplier(guarded, schema, now).apply(edit)
                touched = applied.changes.document_ids
                started = document_queries.mark_started(
                    connection, store.documents_not_started(touched), now
                )
                self._log(connection, touched, actor, now)
                if started:
                    changes = replace(applied.changes, documents_started=tuple(started))
                    applied = replace(applied, changes=changes)
                return applied

        return self._retrying(work)

    def _log(
        self, connection: Connection, ids: Iterable[DocumentId], actor: str, now: datetime
    ) -> None:
        annotator_id = self._annotators.id_for(connection, actor)
        self._own_log_ids.update(team_queries.log_changes(connection, ids, annotator_id, now))

    def _retrying(self, work: Callable[[], T]) -> T:
        """Run ``work`` again, once, when it failed because the connection had been dropped
        (a server restart or a terminated backend): the pool then hands out a fresh one."""
        try:
            return work()
        except DatabaseError as error:
            cause = error.__cause__
            if not (isinstance(cause, DBAPIError) and cause.connection_invalidated):
                raise
            return work()

    def ping(self) -> None:
        """One round trip; raises DatabaseError while the server is unreachable."""
        self._retrying(self._ping)

    def _ping(self) -> None:
        with self._read() as connection:
            connection.exec_driver_sql("SELECT 1")

    # -- team -----------------------------------------------------------------------------------

    def join(self, name: str) -> Identity:
        with self._write() as connection:
            return team_queries.join(connection, name, self._annotators)

    def identity(self, name: str) -> Identity:
        with self._read() as connection:
            return team_queries.identity(connection, name)

    def members(self) -> list[Member]:
        with self._read() as connection:
            return team_queries.members(connection)

    def set_role(self, name: str, role: Role) -> None:
        with self._write() as connection:
            team_queries.set_role(connection, name, role, self._annotators)

    def setting(self, key: str) -> str | None:
        with self._read() as connection:
            return team_queries.setting(connection, key)

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as connection:
            team_queries.set_setting(connection, key, value)

    def existing_ids(self, ids: Sequence[DocumentId]) -> set[DocumentId]:
        with self._read() as connection:
            return document_queries.existing_ids(connection, ids)

    def assignees(self, ids: Sequence[DocumentId]) -> dict[DocumentId, set[str]]:
        with self._read() as connection:
            return team_queries.assignees(connection, ids)

    def assignment_load(self) -> dict[str, int]:
        with self._read() as connection:
            return team_queries.load(connection)

    def assign(self, pairs: Sequence[tuple[DocumentId, str]], now: datetime) -> int:
        with self._write() as connection:
            return team_queries.assign(connection, pairs, self._annotators, now)

    def unassign(self, ids: Sequence[DocumentId], name: str) -> int:
        with self._write() as connection:
            return team_queries.unassign(connection, ids, name, self._annotators)

    def queue(self, name: str) -> list[QueueItem]:
        with self._read() as connection:
            return team_queries.queue(connection, name)

    def set_assignment_state(
        self,
        document_id: DocumentId,
        name: str,
        state: AssignmentState,
        now: datetime,
        only_from: AssignmentState | None = None,
    ) -> bool:
        with self._write() as connection:
            return team_queries.set_state(
                connection, document_id, name, state, now, only_from=only_from
            )

    def layer_has_spans(self, name: str) -> bool:
        with self._read() as connection:
            return team_queries.layer_has_spans(connection, name)

    def layer_names(self) -> list[str]:
        with self._read() as connection:
            return team_queries.layer_names(connection)

    def last_change(self) -> int:
        with self._read() as connection:
            return team_queries.last_change(connection)

    def changes_after(self, after: int, limit: int = 1000) -> list[DocumentChange]:
        """Edit log rows after ``after`` (oldest first), each named by who made it."""

        def work() -> list[DocumentChange]:
            with self._read() as connection:
                rows = team_queries.changes_after(connection, after, limit)
                name = self._annotators.name_of
                return [
                    DocumentChange(i, d, name(connection, a), i in self._own_log_ids)
                    for i, d, a in rows
                ]

        return self._retrying(work)

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

    def annotation_slice(
        self, labels: Collection[str], relation_types: Collection[str]
    ) -> AnnotationSlice:
        """The spans with ``labels``, and the relations of ``relation_types`` or touching them."""
        with self._read() as connection:
            return load_slice(connection, self._annotators, labels, relation_types)

    def rewrite_annotations(
        self,
        labels: Collection[str],
        relation_types: Collection[str],
        compute: Callable[[AnnotationSlice], ChangeSet],
        now: datetime,
        before_commit: Callable[[ChangeSet], None] = lambda _changes: None,
        actor: str = "",
        publish: Publication | None = None,
    ) -> ChangeSet:
        """Read the annotations with ``labels`` (and relations of ``relation_types``), write what
        ``compute`` makes of them, store ``publish`` as the schema of record, and call
        ``before_commit`` with what was written, all in one transaction: if anything raises,
        nothing is saved (schema changes)."""
        with self._write() as connection:
            found = load_slice(connection, self._annotators, labels, relation_types)
            written = write_changes(connection, self._annotators, compute(found), now)
            self._log(connection, written.document_ids, actor, now)
            if publish is not None:
                publish.revision = publish_schema(connection, publish.text, publish.expected)
            before_commit(written)
            return written

    def schema_revision(self) -> int | None:
        """The revision of the team's schema of record (None: none published); one query."""
        with self._read() as connection:
            return read_schema_revision(connection)

    def schema_record(self) -> tuple[int, str] | None:
        """The revision and text of the team's schema of record, or None."""
        with self._read() as connection:
            return read_schema_record(connection)

    @contextmanager
    def layer_writer(self, now: datetime) -> Iterator[LayerWriter]:
        """One transaction for reading and replacing annotators' layers (package merges)."""
        with self._write() as connection:
            yield LayerWriter(connection, self._annotators, now)

    def meta_values(self, keys: Sequence[str]) -> dict[str, str]:
        with self._read() as connection:
            return layers.meta_values(connection, keys)

    def set_meta_values(self, values: Mapping[str, str]) -> None:
        with self._write() as connection:
            for key, value in values.items():
                layers.set_meta(connection, key, value)

    def ensure_curation_annotator(self, name: str) -> None:
        """Create the curated layer's pseudo-annotator (``is_curation``) if it is missing."""
        with self._write() as connection:
            self._annotators.ensure_curation(connection, name)

    def statistics(self) -> ProjectStatistics:
        with self._read() as connection:
            return project_statistics(connection)


def _lost(error: DBAPIError) -> bool:
    """A dropped or refused server connection (not a lock, a constraint or a full disk)."""
    if error.connection_invalidated:
        return True
    original = getattr(error, "orig", None)
    if original is None or type(original).__module__.split(".")[0] != "psycopg":
        return False
    state = getattr(original, "sqlstate", None)
    return isinstance(error, OperationalError) and (
        state is None or state.startswith(("08", "57P"))
    )


def _reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip().splitlines()
    return text[0] if text else type(error).__name__
