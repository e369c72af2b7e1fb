"""Streaming document texts: with the ranges of one label's spans (annotate-all searches), or
alone (matching a text rebuilt from tokens)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from annotator.core.ids import DocumentId
from annotator.storage.tables import annotators, documents, spans


@dataclass(frozen=True, slots=True)
class LabelledText:
    document_id: DocumentId
    title: str
    text: str
    label_ranges: tuple[tuple[int, int], ...]
    """Where spans of the label asked for already are."""


def texts_after(
    connection: Connection, label: str, after: DocumentId | None, limit: int, annotator: str = ""
) -> list[LabelledText]:
    """The next ``limit`` documents by id after ``after`` (two queries, only the columns a
    search reads), with the ranges of ``annotator``'s spans of ``label`` (each annotator has
    their own layer; ``""``: the unattributed spans)."""
    query = select(documents.c.id, documents.c.title, documents.c.text).order_by(documents.c.id)
    if after is not None:
        query = query.where(documents.c.id > after)
    rows = connection.execute(query.limit(limit)).all()
    if not rows:
        return []
    first, last = rows[0][0], rows[-1][0]
    ranges: dict[int, list[tuple[int, int]]] = {}
    owner = (
        spans.c.annotator_id.in_(select(annotators.c.id).where(annotators.c.name == annotator))
        if annotator
        else spans.c.annotator_id.is_(None)
    )
    span_rows = connection.execute(
        select(spans.c.document_id, spans.c.start_offset, spans.c.end_offset).where(
            spans.c.label == label, spans.c.document_id.between(first, last), owner
        )
    )
    for document_id, start, end in span_rows:
        ranges.setdefault(document_id, []).append((start, end))
    return [
        LabelledText(DocumentId(i), title or "", text, tuple(sorted(ranges.get(i, ()))))
        for i, title, text in rows
    ]


def plain_texts_after(
    connection: Connection, after: DocumentId | None, limit: int
) -> list[tuple[DocumentId, str]]:
    """The next ``limit`` documents' ids and texts by id after ``after``."""
    query = select(documents.c.id, documents.c.text).order_by(documents.c.id)
    if after is not None:
        query = query.where(documents.c.id > after)
    return [(DocumentId(i), text) for i, text in connection.execute(query.limit(limit))]
