"""One annotator's layer of one document, read and replaced whole inside a transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.engine import Connection

from annotator.core.annotation import Relation, Span
from annotator.core.document import DocumentDraft, DocumentStatus
from annotator.core.ids import DocumentId, SpanId
from annotator.storage.annotators import AnnotatorCache
from annotator.storage.document_claims import lock_documents
from annotator.storage.documents import insert_documents, mark_started
from annotator.storage.rows import chunks, fragments_value, relation_from_row, span_from_row
from annotator.storage.statements import SPAN_ROWS
from annotator.storage.tables import documents, meta, relations, spans
from annotator.storage.team import log_changes


class LayerWriter:
    """What merging a package needs, on one connection inside one transaction."""

    def __init__(self, connection: Connection, annotators: AnnotatorCache, now: datetime) -> None:
        self._connection = connection
        self._annotators = annotators
        self._now = now

    def document_by_hash(self, content_hash: str) -> DocumentId | None:
        """The first document with this text, locked until the transaction ends (PostgreSQL)."""
        lock_documents(self._connection)  # a text another merge or import is adding waits
        query = (
            select(documents.c.id)
            .where(documents.c.content_hash == content_hash)
            .order_by(documents.c.id)
            .limit(1)
        )
        if self._connection.dialect.name == "postgresql":
            query = query.with_for_update()
        found = self._connection.execute(query).scalar()
        return DocumentId(found) if found is not None else None

    def add_document(self, draft: DocumentDraft, origin: str, status: DocumentStatus) -> DocumentId:
        (document_id,) = insert_documents(self._connection, [(draft, origin)], self._now)
        if status is not DocumentStatus.NEW:
            self._connection.execute(
                update(documents).where(documents.c.id == document_id).values(status=status.value)
            )
        return document_id

    def layer(self, document_id: DocumentId, annotator: str) -> tuple[list[Span], list[Relation]]:
        annotator_id = self._annotators.id_for(self._connection, annotator)
        span_rows = self._connection.execute(
            SPAN_ROWS.where(
                and_(spans.c.document_id == document_id, spans.c.annotator_id == annotator_id)
            ).order_by(spans.c.start_offset, spans.c.end_offset, spans.c.id)
        ).all()
        relation_rows = self._connection.execute(
            select(relations)
            .where(
                and_(
                    relations.c.document_id == document_id,
                    relations.c.annotator_id == annotator_id,
                )
            )
            .order_by(relations.c.id)
        ).all()
        return (
            [span_from_row(row, annotator) for row in span_rows],
            [relation_from_row(row, annotator) for row in relation_rows],
        )

    def replace_layer(
        self,
        document_id: DocumentId,
        annotator: str,
        new_spans: Sequence[Span],
        new_relations: Sequence[Relation],
    ) -> None:
        """Delete the annotator's spans and relations on the document and insert these (their
        ids are only used to link relations to spans)."""
        annotator_id = self._annotators.id_for(self._connection, annotator)
        self._connection.execute(
            delete(relations).where(
                relations.c.document_id == document_id, relations.c.annotator_id == annotator_id
            )
        )
        old_span_ids = select(spans.c.id).where(
            and_(spans.c.document_id == document_id, spans.c.annotator_id == annotator_id)
        )
        self._connection.execute(
            delete(relations).where(
                relations.c.source_id.in_(old_span_ids) | relations.c.target_id.in_(old_span_ids)
            )
        )
        removed = self._connection.execute(
            delete(spans).where(
                and_(spans.c.document_id == document_id, spans.c.annotator_id == annotator_id)
            )
        ).rowcount
        span_rows: list[dict[str, Any]] = [
            {
                "document_id": document_id,
                "label": span.label,
                "start_offset": span.start,
                "end_offset": span.end,
                "attributes": dict(span.attributes),
                "annotator_id": annotator_id,
                "created_at": span.created_at or self._now,
                "updated_at": self._now,
                "version": 1,
                "fragments": fragments_value(span),
                "comment": span.comment or None,
            }
            for span in new_spans
        ]
        ids: dict[SpanId, int] = {}
        if span_rows:
            result = self._connection.execute(
                spans.insert().returning(spans.c.id, sort_by_parameter_order=True), span_rows
            )
            ids = {span.id: row[0] for span, row in zip(new_spans, result, strict=True)}
        rows = [
            {
                "document_id": document_id,
                "type": relation.type,
                "source_id": ids[relation.source],
                "target_id": ids[relation.target],
                "annotator_id": annotator_id,
                "created_at": relation.created_at or self._now,
                "updated_at": self._now,
                "version": 1,
                "comment": relation.comment or None,
            }
            for relation in new_relations
            if relation.source in ids and relation.target in ids
        ]
        if rows:
            self._connection.execute(relations.insert(), rows)
        if removed or new_spans:
            # like any other write: annotations on a new document start it
            mark_started(self._connection, [document_id], self._now)
        # Open windows poll the edit log: a merged layer must show up there like any edit.
        log_changes(self._connection, [document_id], annotator_id, self._now)

    def meta(self, key: str) -> str | None:
        found = self._connection.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
        return str(found) if found is not None else None

    def set_meta(self, key: str, value: str) -> None:
        set_meta(self._connection, key, value)


def set_meta(connection: Connection, key: str, value: str) -> None:
    changed = connection.execute(update(meta).where(meta.c.key == key).values(value=value))
    if changed.rowcount == 0:
        connection.execute(meta.insert().values(key=key, value=value))


def meta_values(connection: Connection, keys: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for batch in chunks(keys):
        query = select(meta.c.key, meta.c.value).where(meta.c.key.in_(batch))
        for key, value in connection.execute(query):
            found[key] = value
    return found
