"""Annotations in the project database: reading them, edits, imports, rewrites and layers."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime

from sqlalchemy.engine import Connection

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.changes import ChangeSet
from annotator.core.document import Document, DocumentFilter
from annotator.core.edits import AppliedEdit, Edit, EditApplier
from annotator.core.frozen import fast_constructor
from annotator.core.guarded_store import GuardedStore
from annotator.core.ids import DocumentId
from annotator.core.interchange import AnnotatedDraft
from annotator.core.plain_draft import PlainDraft
from annotator.core.schema import LabelSchema
from annotator.core.span_outline import SpanOutline
from annotator.storage import documents as document_queries
from annotator.storage import layers
from annotator.storage import team as team_queries
from annotator.storage.annotated_import import StoredAnnotations, store_batch
from annotator.storage.annotation_store import SqlAnnotationStore
from annotator.storage.bulk_read import AnnotationReader
from annotator.storage.connection import DatabaseConnection
from annotator.storage.import_log import ImportLog
from annotator.storage.layers import LayerWriter
from annotator.storage.rewrite import AnnotationSlice, load_slice, write_changes
from annotator.storage.rows import chunks
from annotator.storage.schema_record import Publication, publish_schema
from annotator.storage.shared_documents import shared_document_ids
from annotator.storage.span_outline import read_outline, read_spans

_new_annotated = fast_constructor(AnnotatedDocument)
"""Half the frozen dataclass's construction time, once per document of an export."""


class AnnotationAccess(DatabaseConnection):
    """Reading spans and relations, applying edits, writing imports, schema rewrites and layers."""

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
        self, where: DocumentFilter = DocumentFilter(), batch: int = 200, *, times: bool = True
    ) -> Iterator[AnnotatedDocument]:
        """Stream documents with their annotations: three queries per ``batch`` documents, and
        no transaction held open while the caller works on them. ``times=False``: spans and
        relations without their times and versions (see :class:`AnnotationReader`)."""
        with self._read() as connection:
            ids = document_queries.document_ids(connection, where)
        return self.iter_annotated_ids(ids, batch, times=times)

    def iter_annotated_ids(
        self, ids: Sequence[DocumentId], batch: int = 200, *, times: bool = True
    ) -> Iterator[AnnotatedDocument]:
        """:meth:`iter_annotated` for the documents ``ids`` (in that order; missing ones are
        left out)."""
        for id_batch in chunks(ids, batch):
            with self._read() as connection:
                reader = self._reader(connection, times=times)
                found = reader.documents(id_batch)
                annotations = self._annotations(reader, id_batch)
            for document_id in id_batch:
                document = found.get(document_id)
                if document is not None:
                    span_list, relation_list = annotations[document_id]
                    yield _new_annotated(document, tuple(span_list), tuple(relation_list))

    def shared_document_ids(
        self, names: Collection[str] | None, exclude: Collection[str] = ()
    ) -> list[DocumentId]:
        """Documents with spans by two or more annotators (of ``names``, or any not in
        ``exclude``)."""
        with self._read() as connection:
            return shared_document_ids(connection, names, exclude)

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

    def _reader(self, connection: Connection, *, times: bool = True) -> AnnotationReader:
        return AnnotationReader(
            connection, lambda i: self._annotators.name_of(connection, i), times=times
        )

    def _annotations(
        self, reader: AnnotationReader, ids: Sequence[DocumentId]
    ) -> dict[DocumentId, tuple[list[Span], list[Relation]]]:
        span_lists = reader.spans(ids)
        relation_lists = reader.relations(ids)
        return {i: (span_lists[i], relation_lists[i]) for i in ids}
