"""Project statistics computed with aggregate queries."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from annotator.core.statistics import ProjectStatistics
from annotator.storage.tables import annotators, documents, relations, spans


def project_statistics(connection: Connection) -> ProjectStatistics:
    by_status = {
        status: int(count)
        for status, count in connection.execute(
            select(documents.c.status, func.count()).group_by(documents.c.status)
        )
    }
    by_label = {
        label: int(count)
        for label, count in connection.execute(
            select(spans.c.label, func.count()).group_by(spans.c.label).order_by(spans.c.label)
        )
    }
    by_annotator = {
        (name or "(unknown)"): int(count)
        for name, count in connection.execute(
            select(annotators.c.name, func.count())
            .select_from(spans.outerjoin(annotators, spans.c.annotator_id == annotators.c.id))
            .group_by(annotators.c.name)
            .order_by(annotators.c.name)
        )
    }
    by_type = {
        type_: int(count)
        for type_, count in connection.execute(
            select(relations.c.type, func.count())
            .group_by(relations.c.type)
            .order_by(relations.c.type)
        )
    }
    return ProjectStatistics(by_status, by_label, by_annotator, by_type)
