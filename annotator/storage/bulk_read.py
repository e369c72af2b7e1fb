"""Reading documents, spans and relations many at a time, straight through the driver.

SQLAlchemy's per-row result processing, a Row per span and the frozen dataclass constructor
cost several times the query itself on a 55,000-span document (DEVELOPING.md, "Performance"),
so these readers go straight through the DBAPI cursor, sort in Python (the index already
yields rows almost in order), parse each distinct timestamp once and build the values with
:func:`annotator.core.frozen.fast_constructor`. Spans come one JSON array per document (see
:data:`_SPAN_ARRAYS`): the driver's per-row and per-value work was most of an export's reading.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

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


class _Labels(dict[str, str]):
    """One string object per label."""

    def __missing__(self, key: str) -> str:
        self[key] = key
        return key


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


def _fetch(connection: Connection, query: str, ids: Sequence[int]) -> list[Any]:
    """The rows of ``query`` with its ``<ids>`` standing for ``ids``."""
    sql = query.replace("<ids>", _placeholders(connection, len(ids)))
    result = connection.exec_driver_sql(sql, tuple(ids))
    try:
        rows = list(result.cursor.fetchall())
    finally:
        result.close()
    return rows


_SPAN_FIELDS = (
    "start_offset, end_offset, id, label, NULLIF({attributes}, '{{}}'), annotator_id,"
    " NULLIF({fragments}, 'null'), comment"
)
"""A span's columns, document aside, starting with (start, end, id): compared as they come they
sort into the order of :attr:`AnnotatedDocument.spans` (ids are unique), without a key per
span. The usual values come back as NULL, which costs the driver no object: no attributes
(``{}``), contiguous (fragments ``null``), no comment."""
_SPAN_TIMES = ", created_at, NULLIF(updated_at, created_at), version"
"""Read unless the caller says it needs no times (:meth:`AnnotationReader.spans`); an updated
time equal to the created one (never updated) comes back as NULL too."""
_SPAN_ARRAYS = {
    "sqlite": "SELECT document_id, json_group_array(json_array({fields})) FROM spans"
    " WHERE document_id IN (<ids>) GROUP BY document_id",
    "postgresql": "SELECT document_id, json_agg(json_build_array({fields}))::text FROM spans"
    " WHERE document_id IN (<ids>) GROUP BY document_id",
}
"""Each document's spans as one JSON array of arrays, decoded by orjson: the drivers' cost is
per row and per value (a tuple per row, an int or str object per value), and this is one row
of two values per document instead of one of nine to twelve per span. The JSON text columns
(attributes, fragments) go into it as strings, decoded as before; timestamps as ISO strings
(PostgreSQL: in the session's time zone, the same instant). Without SQLite's JSON functions
(a build without them) the rows are read one per span (:data:`_SPAN_ROWS`)."""
_SPAN_ROWS = "SELECT document_id, {fields} FROM spans WHERE document_id IN (<ids>)"
_DOCUMENT_QUERY = (
    "SELECT id, text, content_hash, title, source, url, published, {metadata}, external_id,"
    " status, version, created_at, comment FROM documents WHERE id IN (<ids>)"
)
_RELATION_QUERY = (
    "SELECT id, document_id, type, source_id, target_id, annotator_id, comment{times}"
    " FROM relations WHERE document_id IN (<ids>)"
)
_RELATION_TIMES = ", created_at, updated_at, version"
_DOCUMENT_OF = itemgetter(0)
_WITHOUT_DOCUMENT = itemgetter(slice(1, None))
_RELATION_ORDER = itemgetter(1, 0)


class AnnotationReader:
    """Spans and relations of documents, grouped by document, over one connection; timestamps
    and annotator names are remembered across calls.

    ``times=False``: the caller reads no span's or relation's ``created_at``, ``updated_at``
    or ``version`` (an export to a format that writes none): they are not fetched, and are
    their defaults (``None``, ``None``, 1), as :func:`annotator.formats.workers.unpack_light`
    makes them. Such a caller only reads the spans, so they also share their label strings and
    one empty attributes dict: a batch of documents sent to an export worker pickles (and the
    worker unpickles) each once instead of once a span.
    """

    def __init__(
        self,
        connection: Connection,
        annotator_name: Callable[[int | None], str],
        *,
        times: bool = True,
    ):
        self._connection = connection
        self._stamps = _Stamps()
        self._names = _Names(annotator_name)
        self._times = times
        self._labels = _Labels()
        self._no_attributes: dict[str, Any] = {}
        self._document_query = _DOCUMENT_QUERY.format(metadata=_text(connection, "metadata"))
        fields = _SPAN_FIELDS.format(
            attributes=_text(connection, "attributes"), fragments=_text(connection, "fragments")
        ) + (_SPAN_TIMES if times else "")
        arrays = _SPAN_ARRAYS.get(connection.dialect.name)
        self._span_arrays = (
            arrays.format(fields=fields) if arrays and _json_functions(connection) else None
        )
        self._span_rows = _SPAN_ROWS.format(fields=fields)
        self._relation_query = _RELATION_QUERY.format(times=_RELATION_TIMES if times else "")

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
        build = self._timed_spans if self._times else self._spans
        with gc_paused():  # thousands of acyclic values: nothing for the collector to find
            for document_id, fields in self._span_fields(ids):
                fields.sort()  # by (start, end, id): see _SPAN_FIELDS
                found[document_id] = build(document_id, fields)
        return found

    def _span_fields(self, ids: Sequence[DocumentId]) -> Iterator[tuple[DocumentId, list[Any]]]:
        """Each document that has spans, with its spans' fields (:data:`_SPAN_FIELDS`)."""
        for batch in chunks(ids):
            if self._span_arrays is not None:
                for document_id, array in _fetch(self._connection, self._span_arrays, batch):
                    yield document_id, orjson.loads(array)
            else:
                rows = _fetch(self._connection, self._span_rows, batch)
                rows.sort(key=_DOCUMENT_OF)
                for document_id, group in groupby(rows, _DOCUMENT_OF):
                    yield document_id, list(map(_WITHOUT_DOCUMENT, group))

    def _spans(self, document_id: DocumentId, fields: list[Any]) -> list[Span]:
        names, labels, empty, new = self._names, self._labels, self._no_attributes, _new_span
        return [
            new(
                id_,
                document_id,
                labels[label],
                start,
                end,
                empty if attributes is None else _json(attributes),
                names[annotator_id],
                None,
                None,
                1,
                () if fragments is None else _pieces(fragments),
                comment or "",
            )
            for start, end, id_, label, attributes, annotator_id, fragments, comment in fields
        ]

    def _timed_spans(self, document_id: DocumentId, fields: list[Any]) -> list[Span]:
        stamps, names, new = self._stamps, self._names, _new_span
        return [
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
                start,
                end,
                id_,
                label,
                attributes,
                annotator_id,
                fragments,
                comment,
                created_value,
                updated,
                version,
            ) in fields
        ]

    def relations(self, ids: Sequence[DocumentId]) -> dict[DocumentId, list[Relation]]:
        """Each document's relations ordered by id; every id in ``ids`` is a key."""
        found: dict[DocumentId, list[Relation]] = {i: [] for i in ids}
        stamps, names, new = self._stamps, self._names, _new_relation
        for batch in chunks(ids):
            rows = _fetch(self._connection, self._relation_query, batch)
            rows.sort(key=_RELATION_ORDER)
            for id_, document_id, type_, source, target, annotator_id, comment, *times in rows:
                created, updated, version = times if times else (None, None, 1)
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


def _json_functions(connection: Connection) -> bool:
    """Whether SQLite has its JSON functions (built in since 3.38, an option before); asked
    once per database connection."""
    if connection.dialect.name != "sqlite":
        return True
    known = connection.info.get(_JSON_FUNCTIONS)
    if known is None:
        try:
            connection.exec_driver_sql("SELECT json_group_array(json_array(1))").close()
            known = True
        except DBAPIError:
            known = False
        connection.info[_JSON_FUNCTIONS] = known
    return bool(known)


_JSON_FUNCTIONS = "annotator.json_functions"


def _pieces(fragments: Any) -> tuple[tuple[int, int], ...]:
    decoded = _json(fragments)
    return tuple((int(a), int(b)) for a, b in decoded) if decoded else ()
