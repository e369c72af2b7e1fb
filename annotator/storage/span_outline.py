"""Reading a document's span outline from the covering index, and full spans by id.

Opening a document in the window needs every span's extent and label (to paint, count and
hit-test) but the other columns only for the spans the user looks at. ``(start, end, id,
label)`` come from ``ix_spans_document_extent`` without visiting the table (SQLite: the rowid
is the id), as plain tuples from the DBAPI cursor; the few discontinuous spans are found
through the partial index ``ix_spans_document_pieced``. See DEVELOPING.md, "Performance".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.engine import Connection

from annotator.core.annotation import Span
from annotator.core.ids import DocumentId
from annotator.core.span_outline import SpanOutline
from annotator.storage.rows import chunks, span_from_row
from annotator.storage.tables import PIECED_POSTGRESQL, PIECED_SQLITE, to_utc

_OWNER = " AND annotator_id = (SELECT id FROM annotators WHERE name = {mark})"
_UNNAMED = " AND annotator_id IS NULL"


def _mark(connection: Connection) -> str:
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def _rows(connection: Connection, sql: str, params: tuple[Any, ...]) -> list[Any]:
    result = connection.exec_driver_sql(sql, params)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def read_outline(connection: Connection, document_id: DocumentId, owner: str | None) -> SpanOutline:
    """The outline of a document's spans (only ``owner``'s when given)."""
    mark = _mark(connection)
    params: tuple[Any, ...] = (document_id,)
    owned = ""
    if owner == "":
        owned = _UNNAMED  # the unnamed layer: spans without an annotator row
    elif owner is not None:
        owned = _OWNER.format(mark=mark)
        params = (document_id, owner)
    rows = _rows(
        connection,
        f"SELECT start_offset, end_offset, id, label FROM spans WHERE document_id = {mark}{owned}",
        params,
    )
    rows.sort()  # the index yields (start, end, label, id) order: nearly sorted already
    entries = [(start, end, id_) for start, end, id_, _ in rows]
    labels = {id_: label for _, _, id_, label in rows}
    pieced = PIECED_POSTGRESQL if connection.dialect.name == "postgresql" else PIECED_SQLITE
    fragments = "fragments::text" if connection.dialect.name == "postgresql" else "fragments"
    found = _rows(
        connection,
        f"SELECT id, {fragments} FROM spans WHERE document_id = {mark} AND {pieced}{owned}",
        params,
    )
    pieces = {}
    for id_, value in found:
        decoded = json.loads(value) if isinstance(value, str) else value
        if decoded:
            pieces[id_] = tuple((int(a), int(b)) for a, b in decoded)
    return SpanOutline(entries, labels, pieces)


def read_spans(
    connection: Connection, ids: Sequence[int], name_of: Callable[[int | None], str]
) -> list[Span]:
    """The spans of ``ids`` that exist, in no particular order."""
    postgres = connection.dialect.name == "postgresql"
    attributes = "attributes::text" if postgres else "attributes"
    fragments = "fragments::text" if postgres else "fragments"
    found: list[Span] = []
    mark = _mark(connection)
    for batch in chunks(ids):
        marks = ", ".join([mark] * len(batch))
        rows = _rows(
            connection,
            f"SELECT id, document_id, label, start_offset, end_offset, {attributes},"
            f" annotator_id, created_at, updated_at, version, {fragments}, comment"
            f" FROM spans WHERE id IN ({marks})",
            tuple(batch),
        )
        for row in rows:
            created, updated = to_utc(row[7]), to_utc(row[8])
            found.append(span_from_row((*row[:7], created, updated, *row[9:]), name_of(row[6])))
    return found


__all__ = ["read_outline", "read_spans"]
