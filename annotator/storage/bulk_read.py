"""Reading documents, spans and relations many at a time, straight through the driver.

SQLAlchemy's per-row result processing, a Row per span and the frozen dataclass constructor
cost several times the query itself on a 55,000-span document (DEVELOPING.md, "Performance"),
so these readers fetch plain tuples from the DBAPI cursor, sort them in Python (the index
already yields them almost in order), parse each distinct timestamp once and build the values
with :func:`annotator.core.frozen.fast_constructor`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy.engine import Connection

from annotator.core.annotation import Relation, Span
from annotator.core.document import Document, DocumentStatus
from annotator.core.frozen import fast_constructor
from annotator.core.gc_pause import gc_paused
from annotator.core.ids import DocumentId
from annotator.storage.rows import chunks
from annotator.storage.tables import to_utc

_new_span = fast_constructor(Span)
_new_relation = fast_constructor(Relation)
_new_document = fast_constructor(Document)
_STATUSES = {status.value: status for status in DocumentStatus}


class _Stamps(dict[Any, datetime | None]):
    """Parsed timestamps by stored value: the spans of one edit or import share theirs."""

    def __missing__(self, key: Any) -> datetime | None:
        value = self[key] = to_utc(key)
        return value


class _Names(dict[Any, str]):
    """Annotator names by id, falling back to the project-wide cache for an unknown id."""

    def __init__(self, lookup: Callable[[int | None], str]) -> None:
        super().__init__({None: ""})
        self._lookup = lookup

    def __missing__(self, key: Any) -> str:
        value = self[key] = self._lookup(key)
        return value


def _json(value: Any) -> Any:
    """A JSON column read as text (both backends): decoded, with ``{}`` without a parse."""
    if value == "{}":
        return {}
    return json.loads(value) if isinstance(value, str) else value


def _placeholders(connection: Connection, count: int) -> str:
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * count)


def _text(connection: Connection, column: str) -> str:
    """The column as JSON text: PostgreSQL's driver would decode JSONB with a Python call per
    value, even for the usual ``{}`` and ``null``."""
    return f"{column}::text" if connection.dialect.name == "postgresql" else column


def _fetch(connection: Connection, query: str, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    sql = query.format(_placeholders(connection, len(ids)))
    result = connection.exec_driver_sql(sql, tuple(ids))
    try:
        rows = list(result.cursor.fetchall())
    finally:
        result.close()
    return rows


_SPAN_QUERY = (
    "SELECT id, document_id, label, start_offset, end_offset, NULLIF({attributes}, '{empty}'),"
    " annotator_id, created_at, NULLIF(updated_at, created_at), version,"
    " NULLIF({fragments}, 'null'), comment FROM spans WHERE document_id IN ({{}})"
)
"""The usual values come back as NULL, which the driver hands over without making an object:
no attributes (``{}``), never updated (``updated_at`` = ``created_at``), contiguous (fragments
``null``); that was a third of the fetch on SQLite."""
_DOCUMENT_QUERY = (
    "SELECT id, text, content_hash, title, source, url, published, {metadata}, external_id,"
    " status, version, created_at, comment FROM documents WHERE id IN ({{}})"
)
_RELATION_QUERY = (
    "SELECT id, document_id, type, source_id, target_id, annotator_id, created_at, updated_at,"
    " version, comment FROM relations WHERE document_id IN ({})"
)
_SPAN_ORDER = itemgetter(1, 3, 4, 0)
"""(document, start, end, id): the order of :attr:`AnnotatedDocument.spans`."""
_RELATION_ORDER = itemgetter(1, 0)
_DOCUMENT_OF = attrgetter("document_id")


class AnnotationReader:
    """Spans and relations of documents, grouped by document, over one connection; timestamps
    and annotator names are remembered across calls."""

    def __init__(self, connection: Connection, annotator_name: Callable[[int | None], str]):
        self._connection = connection
        self._stamps = _Stamps()
        self._names = _Names(annotator_name)
        self._document_query = _DOCUMENT_QUERY.format(metadata=_text(connection, "metadata"))
        self._span_query = _SPAN_QUERY.format(
            attributes=_text(connection, "attributes"),
            fragments=_text(connection, "fragments"),
            empty="{{}}",  # the JSON text {}, still to go through _fetch's format()
        )

    def documents(self, ids: Sequence[DocumentId]) -> dict[DocumentId, Document]:
        """The documents of ``ids`` that exist, by id."""
        found: dict[DocumentId, Document] = {}
        stamps, new = self._stamps, _new_document
        for batch in chunks(ids):
            for (
                id_,
                text,
                digest,
                title,
                source,
                url,
                published,
                metadata,
                external_id,
                status,
                version,
                created,
                comment,
            ) in _fetch(self._connection, self._document_query, batch):
                found[id_] = new(
                    id_,
                    text,
                    digest,
                    title,
                    source,
                    url,
                    date.fromisoformat(published) if isinstance(published, str) else published,
                    _json(metadata),
                    external_id,
                    _STATUSES[status],
                    version,
                    stamps[created],
                    comment or "",
                )
        return found

    def spans(self, ids: Sequence[DocumentId]) -> dict[DocumentId, list[Span]]:
        """Each document's spans ordered by (start, end, id); every id in ``ids`` is a key."""
        found: dict[DocumentId, list[Span]] = {i: [] for i in ids}
        stamps, names, new = self._stamps, self._names, _new_span
        with gc_paused():  # thousands of acyclic values: nothing for the collector to find
            for batch in chunks(ids):
                rows = _fetch(self._connection, self._span_query, batch)
                rows.sort(key=_SPAN_ORDER)
                spans = [
                    new(
                        id_,
                        document_id,
                        label,
                        start,
                        end,
                        {} if attributes is None else _json(attributes),
                        names[annotator_id],
                        created := stamps[created_value],
                        created if updated is None else stamps[updated],
                        version,
                        () if fragments is None else _pieces(fragments),
                        comment or "",
                    )
                    for (
                        id_,
                        document_id,
                        label,
                        start,
                        end,
                        attributes,
                        annotator_id,
                        created_value,
                        updated,
                        version,
                        fragments,
                        comment,
                    ) in rows
                ]
                for document_id, group in groupby(spans, _DOCUMENT_OF):
                    found[document_id].extend(group)
        return found

    def relations(self, ids: Sequence[DocumentId]) -> dict[DocumentId, list[Relation]]:
        """Each document's relations ordered by id; every id in ``ids`` is a key."""
        found: dict[DocumentId, list[Relation]] = {i: [] for i in ids}
        stamps, names, new = self._stamps, self._names, _new_relation
        for batch in chunks(ids):
            rows = _fetch(self._connection, _RELATION_QUERY, batch)
            rows.sort(key=_RELATION_ORDER)
            for (
                id_,
                document_id,
                type_,
                source,
                target,
                annotator_id,
                created,
                updated,
                version,
                comment,
            ) in rows:
                found[document_id].append(
                    new(
                        id_,
                        document_id,
                        type_,
                        source,
                        target,
                        names[annotator_id],
                        stamps[created],
                        stamps[updated],
                        version,
                        comment or "",
                    )
                )
        return found


def _pieces(fragments: Any) -> tuple[tuple[int, int], ...]:
    decoded = _json(fragments)
    return tuple((int(a), int(b)) for a, b in decoded) if decoded else ()
