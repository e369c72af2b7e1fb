"""Inserting many rows straight through the driver's executemany.

Core's per-row, per-column bind processing costs more than the inserts themselves on an import
of 200,000 spans. Here each column is converted the way its type binds it, but a timestamp is
converted once per distinct value (an import stamps every row with the same time) and JSON is
encoded once per value (orjson; ``{}`` for free). On SQLite a column that holds one value in
every row (the import's time, version 1, ``{}``, NULL) is written into the statement as a
literal instead of being bound row by row: binding a parameter costs the driver about as much
as SQLite's own work for it, and an import's spans vary in four columns out of eleven.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import JSON, LargeBinary, Table
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from annotator.storage.tables import UtcDateTime


def insert_rows(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    literals: bool = True,
) -> None:
    """``connection.execute(table.insert(), rows)`` with the same stored values, faster. Every
    row has the keys of the first. ``literals=False`` binds every value (see insert_columns)."""
    if not rows:
        return
    names = list(rows[0])
    # column by column: the comprehension and map run in C
    columns: list[Sequence[Any]] = [[row[name] for row in rows] for name in names]
    insert_columns(connection, table, names, columns, literals=literals)


def insert_tuples(
    connection: Connection,
    table: Table,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
) -> None:
    """:func:`insert_rows` for rows given as tuples of the columns ``names``, in that order;
    ``constants`` gives further columns the same value in every row."""
    if not rows:
        return
    columns: list[Sequence[Any]] = [list(column) for column in zip(*rows, strict=True)]
    extra = dict(constants or {})
    columns.extend([value] * len(rows) for value in extra.values())
    insert_columns(connection, table, [*names, *extra], columns)


def insert_columns(
    connection: Connection,
    table: Table,
    names: Sequence[str],
    columns: list[Sequence[Any]],
    *,
    literals: bool = True,
    constants: Mapping[str, Any] | None = None,
    or_fail: bool = False,
) -> None:
    """Insert ``len(columns[0])`` rows given column by column (``columns[i]`` holds the values of
    ``names[i]``, Python values as Core would take them); ``constants`` gives further columns
    one value for every row (converted once, never scanned).

    ``literals=False`` for a caller that inserts batch after batch with values that differ
    between batches (a time per batch): with literals every batch is a new SQL text, and the
    driver keeps up to 128 prepared statements, each holding a copy of the values last bound
    to it (its batch's texts: 70 MB after 30,000 articles).

    ``or_fail=True`` (SQLite) writes ``INSERT OR FAIL``, for a caller whose transaction is
    rolled back on any error: a row that breaks a constraint then ends the statement without
    undoing the rows before it, so SQLite keeps no statement journal (the original of every
    page the statement changes; past 64 KiB a temporary file, written page by page: about one
    16 KB page an article for the random content-hash index of ``documents``). A table with
    foreign keys needs the journal anyway (SQLite counts their violations per statement)."""
    if not columns or not columns[0]:
        return
    sqlite = connection.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    places: list[str] = []
    bound: list[Sequence[Any]] = []
    count = len(columns[0])
    fixed = dict(constants or {})
    given: list[tuple[str, Sequence[Any]]] = list(zip(names, columns, strict=True))
    given += [(name, [value]) for name, value in fixed.items()]
    for name, column in given:
        kind = table.c[name].type
        values = _converted(kind, column, connection)
        literal = _literal(values) if sqlite and literals else None
        if literal is not None:
            places.append(literal)
            continue
        places.append(mark if sqlite or not isinstance(kind, JSON) else f"CAST({mark} AS JSONB)")
        bound.append(list(values) * count if name in fixed else values)
    quote = connection.dialect.identifier_preparer.quote
    every = ", ".join(quote(name) for name in [*names, *fixed])
    verb = "INSERT OR FAIL" if sqlite and or_fail else "INSERT"
    head = f"{verb} INTO {quote(table.name)} ({every}) VALUES "
    row = f"({', '.join(places)})"
    if not sqlite or not bound:
        parameters = list(zip(*bound, strict=True)) if bound else [()] * count
        connection.exec_driver_sql(head + row, parameters)
        return
    with driver_cursor(connection) as cursor:
        _sqlite_insert(cursor, head, row, bound, count)


def _sqlite_insert(
    cursor: Any, head: str, row: str, bound: list[Sequence[Any]], count: int
) -> None:
    # Many rows a statement: one step of the driver per hundreds of rows instead of per row.
    per = max(1, min(_ROWS_A_STATEMENT, _SQLITE_PARAMETERS // len(bound)))
    # the parameters row after row, interleaved by slice assignment (no tuple per row)
    interleaved: list[Any] = [None] * (count * len(bound))
    for place, values in enumerate(bound):
        if len(values) != count:
            raise ValueError(f"{len(values)} values for {count} rows")
        interleaved[place :: len(bound)] = values
    flat = tuple(interleaved)
    width = per * len(bound)
    whole = count // per * per * len(bound)
    if whole:
        cursor.executemany(
            head + ", ".join([row] * per), [flat[i : i + width] for i in range(0, whole, width)]
        )
    if whole == len(flat):
        return
    # The rows left over in statements of a few rows, then one: SQL texts the driver has
    # prepared before (compiling a statement of as many rows as are left costs more than
    # running it: 0.5 ms for 80 rows of spans, against 0.04 ms prepared).
    rest = flat[whole:]
    few = min(_FEW_ROWS, per) * len(bound)
    end = len(rest) // few * few
    if end:
        cursor.executemany(
            head + ", ".join([row] * (few // len(bound))),
            [rest[i : i + few] for i in range(0, end, few)],
        )
    if end < len(rest):
        one = len(bound)
        cursor.executemany(head + row, [rest[i : i + one] for i in range(end, len(rest), one)])


@contextmanager
def driver_cursor(connection: Connection) -> Iterator[Any]:
    """The driver's own cursor, in the connection's transaction: no per-statement work of
    Core's (about 60 us a statement, as much as inserting 100 spans). A driver error leaves
    as the DBAPIError Core would raise, so callers handle it as before."""
    dbapi = connection.dialect.dbapi
    assert dbapi is not None
    cursor = connection.connection.cursor()
    try:
        yield cursor
    except dbapi.Error as error:
        raise DBAPIError.instance(
            None, None, error, dbapi.Error, dialect=connection.dialect
        ) from error
    finally:
        cursor.close()


def insert_returning(
    connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]
) -> list[int]:
    """PostgreSQL (psycopg 3): :func:`insert_rows` returning the new ids in the order of
    ``rows`` (see :func:`insert_columns_returning`)."""
    if not rows:
        return []
    names = list(rows[0])
    columns: list[Sequence[Any]] = [[row[name] for row in rows] for name in names]
    return insert_columns_returning(connection, table, names, columns)


def insert_columns_returning(
    connection: Connection,
    table: Table,
    names: Sequence[str],
    columns: list[Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
) -> list[int]:
    """PostgreSQL (psycopg 3): :func:`insert_columns` returning the new ids in row order,
    through the driver's ``executemany(..., returning=True)`` (one short statement psycopg
    prepares once; Core's ``RETURNING`` in row order binds every value in Python again, and a
    statement of many rows makes psycopg parse every placeholder: both cost five times as
    much). ``constants`` are bound in every row."""
    if not columns or not columns[0]:
        return []
    count = len(columns[0])
    fixed = dict(constants or {})
    names = [*names, *fixed]
    columns = [*columns, *([value] * count for value in fixed.values())]
    kinds = [table.c[name].type for name in names]
    bound = [
        _converted(kind, column, connection) for kind, column in zip(kinds, columns, strict=True)
    ]
    places = ", ".join("CAST(%s AS JSONB)" if isinstance(k, JSON) else "%s" for k in kinds)
    quote = connection.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
        f"VALUES ({places}) RETURNING {quote('id')}"
    )
    ids: list[int] = []
    with driver_cursor(connection) as cursor:  # a driver error leaves as Core's DBAPIError
        cursor.executemany(sql, list(zip(*bound, strict=True)), returning=True)
        while True:
            ids.extend(int(row[0]) for row in cursor.fetchall())
            if not cursor.nextset():
                return ids


_ROWS_A_STATEMENT = 200
_PLAIN_BYTES = frozenset({bytes, type(None)})
_FEW_ROWS = 10
_SQLITE_PARAMETERS = 999
"""The smallest limit on parameters a statement a SQLite build may have (3.32 raised it)."""


def _converted(kind: Any, column: Sequence[Any], connection: Connection) -> Sequence[Any]:
    """The column's values as the driver takes them."""
    if isinstance(kind, JSON):
        if column.count(None) == len(column):
            return ["null"] * len(column)
        if not any(column) and all(issubclass(t, Mapping) for t in set(map(type, column))):
            return ["{}"] * len(column)  # the usual attributes: all empty
        return list(map(json_text, column))
    if isinstance(kind, UtcDateTime):
        return list(map(_Stamps(kind, connection).__getitem__, column))
    sqlite = connection.dialect.name == "sqlite"
    if sqlite and isinstance(kind, LargeBinary) and set(map(type, column)) <= _PLAIN_BYTES:
        return column  # sqlite3 binds bytes as a BLOB; Core would wrap each in a memoryview
    process: Callable[[Any], Any] | None = kind.bind_processor(connection.dialect)
    return column if process is None else list(map(process, column))


def _literal(values: Sequence[Any]) -> str | None:
    """SQL for the one value every row has, when it has one that is safe to write as text."""
    first = values[0]
    kind = type(first)
    if (
        kind not in (str, int, type(None))
        or values[-1] != first
        or values[len(values) // 2] != first
    ):
        return None  # the usual varying column, told without a scan
    if values.count(first) != len(values):
        return None
    if len(set(map(type, values))) != 1:  # 1 == True == 1.0 for count
        return None
    if first is None:
        return "NULL"
    if kind is int:
        return str(first)
    if "\x00" in first or len(first) > 200:
        return None
    return "'" + str(first).replace("'", "''") + "'"


def json_text(value: Any) -> str:
    """What the JSON column type binds (``None`` is JSON ``null``), ``{}`` without encoding.
    orjson writes it compactly; what it would write differently from ``json`` (NaN and
    Infinity as ``null``) or cannot write (integers beyond 64 bits, non-text keys, mappings
    that are not dicts) is written by ``json``. Either way the text reads back as the value."""
    if value is None:
        return "null"
    if not value and (type(value) is dict or isinstance(value, Mapping)):
        return "{}"
    try:
        text = orjson.dumps(value)
    except TypeError:
        return json.dumps(_plain(value))
    if b"null" in text and _has_non_finite(value):
        return json.dumps(value)
    return text.decode("utf-8")


def _has_non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, Mapping):
        return any(_has_non_finite(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_non_finite(item) for item in value)
    return False


def _plain(value: Any) -> Any:
    """Mappings as dicts, all the way down, for ``json``."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


class _Stamps(dict[Any, Any]):
    def __init__(self, kind: UtcDateTime, connection: Connection) -> None:
        super().__init__()
        self._kind = kind
        self._dialect = connection.dialect

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self._kind.process_bind_param(key, self._dialect)
        return value
