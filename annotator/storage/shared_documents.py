"""Which documents two or more annotators annotated: one grouped query over the spans."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from annotator.core.ids import DocumentId
from annotator.storage.tables import annotators, spans


def shared_document_ids(
    connection: Connection,
    names: Collection[str] | None,
    exclude: Collection[str] = (),
    at_least: int = 2,
) -> list[DocumentId]:
    """Ids of the documents holding spans of ``at_least`` distinct annotators among ``names``
    (default: every annotator not in ``exclude``), in id order."""
    query = (
        select(spans.c.document_id)
        .join(annotators, spans.c.annotator_id == annotators.c.id)
        .group_by(spans.c.document_id)
        .having(func.count(func.distinct(spans.c.annotator_id)) >= at_least)
        .order_by(spans.c.document_id)
    )
    if names is not None:
        query = query.where(annotators.c.name.in_(sorted(names)))
    elif exclude:
        query = query.where(annotators.c.name.not_in(sorted(exclude)))
    return [DocumentId(row[0]) for row in connection.execute(query)]
