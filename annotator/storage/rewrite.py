"""Rewriting many annotations at once (schema changes): read what a change can touch, write a
change set with version checks, all in the caller's transaction."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import Executable

from annotator.core.annotation import Relation, Span
from annotator.core.changes import ChangeSet
from annotator.core.errors import StaleDataError
from annotator.core.ids import SpanId
from annotator.storage import statements as sql
from annotator.storage.annotation_store import SqlAnnotationStore
from annotator.storage.annotators import AnnotatorCache
from annotator.storage.rows import chunks, fragments_value, relation_from_row, span_from_row
from annotator.storage.statements import SPAN_ROWS
from annotator.storage.tables import relations, spans


@dataclass(frozen=True, slots=True)
class AnnotationSlice:
    """Spans with some labels, the relations of some types or touching those spans, and the
    label of every span those relations link."""

    spans: tuple[Span, ...]
    relations: tuple[Relation, ...]
    end_labels: dict[SpanId, str]


def load_slice(
    connection: Connection,
    annotators: AnnotatorCache,
    labels: Collection[str],
    relation_types: Collection[str],
) -> AnnotationSlice:
    name = annotators.name_of
    span_list: list[Span] = []
    if labels:
        rows = connection.execute(
            SPAN_ROWS.where(spans.c.label.in_(sorted(labels))).order_by(
                spans.c.document_id, spans.c.start_offset, spans.c.end_offset, spans.c.id
            )
        )
        span_list = [span_from_row(row, name(connection, row[6])) for row in rows]
    conditions = []
    if relation_types:
        conditions.append(relations.c.type.in_(sorted(relation_types)))
    if labels:
        in_scope = select(spans.c.id).where(spans.c.label.in_(sorted(labels)))
        conditions.append(relations.c.source_id.in_(in_scope))
        conditions.append(relations.c.target_id.in_(in_scope))
    relation_list: list[Relation] = []
    end_labels: dict[SpanId, str] = {}
    if conditions:
        source = spans.alias("source_span")
        target = spans.alias("target_span")
        query = (
            select(relations, source.c.label, target.c.label)
            .join(source, source.c.id == relations.c.source_id)
            .join(target, target.c.id == relations.c.target_id)
            .where(or_(*conditions))
            .order_by(relations.c.id)
        )
        for row in connection.execute(query):
            relation = relation_from_row(row[:-2], name(connection, row.annotator_id))
            relation_list.append(relation)
            end_labels[relation.source] = row[-2]
            end_labels[relation.target] = row[-1]
    for span in span_list:
        end_labels[span.id] = span.label
    return AnnotationSlice(tuple(span_list), tuple(relation_list), end_labels)


def write_changes(
    connection: Connection, annotators: AnnotatorCache, changes: ChangeSet, now: datetime
) -> ChangeSet:
    """Write ``changes`` (updates and removals checked against the versions they name);
    returns them as written, with the ids and versions the database gave."""
    store = SqlAnnotationStore(connection, annotators)
    _many(
        connection,
        sql.DELETE_RELATION,
        [{"relation_id": r.id, "old_version": r.version} for r in changes.relations_removed],
    )
    _many(
        connection,
        sql.DELETE_SPAN,
        [{"span_id": s.id, "old_version": s.version} for s in changes.spans_removed],
    )
    spans_updated = tuple(
        (before, replace(after, updated_at=now, version=before.version + 1))
        for before, after in changes.spans_updated
    )
    _many(
        connection,
        sql.UPDATE_SPAN,
        [
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
                "new_version": after.version,
            }
            for before, after in spans_updated
        ],
    )
    spans_added = tuple(store.insert_span(span) for span in changes.spans_added)
    relations_updated = tuple(
        (before, store.update_relation(before, replace(after, updated_at=now)))
        for before, after in changes.relations_updated
    )
    relations_added = tuple(store.insert_relation(r) for r in changes.relations_added)
    return ChangeSet(
        spans_added,
        spans_updated,
        changes.spans_removed,
        relations_added,
        relations_updated,
        changes.relations_removed,
    )


def _many(connection: Connection, statement: Executable, rows: list[dict[str, Any]]) -> None:
    """Run ``statement`` for ``rows`` in batches; each row must match exactly one row (its id
    at the version it names), else someone else changed it and the transaction is refused."""
    for batch in chunks(rows):
        result = connection.execute(statement, list(batch))
        if result.rowcount != len(batch):
            raise StaleDataError(
                "annotations were changed by someone else meanwhile; nothing was changed, "
                "reload and try again",
                code="ANN162",
            )
