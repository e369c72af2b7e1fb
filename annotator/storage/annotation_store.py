"""The edit applier's store over one database transaction, with optimistic locking."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy.engine import Connection, CursorResult, Row
from sqlalchemy.exc import IntegrityError

from annotator.core.annotation import NEW_RELATION, NEW_SPAN, Relation, Span
from annotator.core.errors import EditError, StaleDataError
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.storage import statements as sql
from annotator.storage.annotators import AnnotatorCache
from annotator.storage.rows import fragments_value, relation_from_row, span_from_row


class SqlAnnotationStore:
    """Reads and writes single spans and relations by id; every write checks the version."""

    def __init__(self, connection: Connection, annotators: AnnotatorCache) -> None:
        self._connection = connection
        self._annotators = annotators
        self._documents: dict[DocumentId, tuple[int, str]] = {}

    def document_length(self, document_id: DocumentId) -> int | None:
        found = self._document(document_id)
        return found[0] if found else None

    def documents_not_started(self, ids: Iterable[DocumentId]) -> list[DocumentId]:
        """Of ``ids``, those still new (read once per transaction together with the length)."""
        return [i for i in ids if (found := self._document(i)) and found[1] == "new"]

    def _document(self, document_id: DocumentId) -> tuple[int, str] | None:
        if document_id not in self._documents:
            row = self._connection.execute(sql.DOCUMENT_LENGTH_STATUS, {"id": document_id}).first()
            if row is None:
                return None
            self._documents[document_id] = (row.length, row.status)
        return self._documents[document_id]

    def get_span(self, span_id: SpanId) -> Span | None:
        row = self._connection.execute(sql.SPAN_BY_ID, {"id": span_id}).first()
        return self._span(row) if row else None

    def find_span(
        self, document_id: DocumentId, label: str, start: int, end: int, annotator: str
    ) -> Span | None:
        rows = self._connection.execute(
            sql.SPAN_BY_EXTENT,
            {"document_id": document_id, "start": start, "end": end, "label": label},
        )
        for row in rows:
            span = self._span(row)
            if span.annotator == annotator:
                return span
        return None

    def get_relation(self, relation_id: RelationId) -> Relation | None:
        row = self._connection.execute(sql.RELATION_BY_ID, {"id": relation_id}).first()
        return self._relation(row) if row else None

    def relations_of_span(self, span_id: SpanId) -> list[Relation]:
        rows = self._connection.execute(sql.RELATIONS_OF_SPAN, {"id": span_id})
        return [self._relation(row) for row in rows]

    def find_relation(self, type_: str, source: SpanId, target: SpanId) -> Relation | None:
        row = self._connection.execute(
            sql.RELATION_BY_ENDS, {"type": type_, "source": source, "target": target}
        ).first()
        return self._relation(row) if row else None

    def _span(self, row: Row[Any]) -> Span:
        return span_from_row(row, self._annotators.name_of(self._connection, row.annotator_id))

    def _relation(self, row: Row[Any]) -> Relation:
        return relation_from_row(row, self._annotators.name_of(self._connection, row.annotator_id))

    def insert_span(self, span: Span) -> Span:
        values: dict[str, Any] = {
            "document_id": span.document_id,
            "label": span.label,
            "start_offset": span.start,
            "end_offset": span.end,
            "attributes": dict(span.attributes),
            "annotator_id": self._annotators.id_for(self._connection, span.annotator),
            "created_at": span.created_at,
            "updated_at": span.updated_at,
            "version": 1,
            "fragments": fragments_value(span),
            "comment": span.comment or None,
        }
        if span.id != NEW_SPAN:
            values["id"] = span.id
        try:
            result = self._connection.execute(sql.INSERT_SPAN, values)
        except IntegrityError as error:
            raise EditError(f"cannot store the span: {error.orig}", code="ANN158") from None
        new_id = SpanId(span.id if span.id != NEW_SPAN else _new_id(result))
        return replace(span, id=new_id, version=1)

    def update_span(self, before: Span, after: Span) -> Span:
        result = self._connection.execute(
            sql.UPDATE_SPAN,
            {
                "span_id": before.id,
                "old_version": before.version,
                "label": after.label,
                "start": after.start,
                "end": after.end,
                "attributes": dict(after.attributes),
                "fragments": fragments_value(after),
                "comment": after.comment or None,
                "updated_at": after.updated_at,
                "new_version": before.version + 1,
            },
        )
        if result.rowcount != 1:
            raise StaleDataError(
                f"span {before.id} was changed by someone else; reload to see it", code="ANN162"
            )
        return replace(after, version=before.version + 1)

    def delete_span(self, span: Span) -> None:
        result = self._connection.execute(
            sql.DELETE_SPAN, {"span_id": span.id, "old_version": span.version}
        )
        if result.rowcount != 1:
            raise StaleDataError(
                f"span {span.id} was changed or deleted by someone else", code="ANN162"
            )

    def insert_relation(self, relation: Relation) -> Relation:
        values: dict[str, Any] = {
            "document_id": relation.document_id,
            "type": relation.type,
            "source_id": relation.source,
            "target_id": relation.target,
            "annotator_id": self._annotators.id_for(self._connection, relation.annotator),
            "created_at": relation.created_at,
            "updated_at": relation.updated_at,
            "version": 1,
            "comment": relation.comment or None,
        }
        if relation.id != NEW_RELATION:
            values["id"] = relation.id
        try:
            result = self._connection.execute(sql.INSERT_RELATION, values)
        except IntegrityError as error:
            raise EditError(f"cannot store the relation: {error.orig}", code="ANN158") from None
        new_id = RelationId(relation.id if relation.id != NEW_RELATION else _new_id(result))
        return replace(relation, id=new_id, version=1)

    def update_relation(self, before: Relation, after: Relation) -> Relation:
        result = self._connection.execute(
            sql.UPDATE_RELATION,
            {
                "relation_id": before.id,
                "old_version": before.version,
                "type": after.type,
                "comment": after.comment or None,
                "updated_at": after.updated_at,
                "new_version": before.version + 1,
            },
        )
        if result.rowcount != 1:
            raise StaleDataError(
                f"relation {before.id} was changed by someone else; reload to see it",
                code="ANN162",
            )
        return replace(after, version=before.version + 1)

    def delete_relation(self, relation: Relation) -> None:
        result = self._connection.execute(
            sql.DELETE_RELATION, {"relation_id": relation.id, "old_version": relation.version}
        )
        if result.rowcount != 1:
            raise StaleDataError(
                f"relation {relation.id} was changed or deleted by someone else", code="ANN162"
            )


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
