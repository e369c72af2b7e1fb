"""Engines for SQLite and PostgreSQL: URL resolution, driver choice, per-connection pragmas."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError

from annotator.core.errors import DatabaseError

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_CACHE_KIB = 32_768
SQLITE_PAGE_SIZE = 16_384
"""The page size of a new project file (SQLite's default is 4,096). A news article is a few
kilobytes, so with 4 KB pages most of a document row's page is its text alone: an import wrote
about 11 pages an article, each once to the WAL and again at the checkpoint. An existing file
keeps the page size it was made with (a WAL database cannot change it, and it need not)."""


def resolve_url(url: str, project_dir: Path) -> URL:
    """Parse a database URL; a relative SQLite path is taken relative to the project folder."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseError(f"not a database URL: {url!r} ({error})", code="ANN181") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:":
            raise DatabaseError(
                "an in-memory SQLite database would lose every annotation; give a file path",
                code="ANN181",
            )
        path = Path(database)
        if not path.is_absolute():
            path = (project_dir / path).resolve()
        return parsed.set(drivername="sqlite+pysqlite", database=str(path))
    if backend == "postgresql":
        if parsed.get_driver_name() in ("psycopg2", "", None) or "+" not in parsed.drivername:
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed
    raise DatabaseError(
        f"unsupported database {backend!r}: use sqlite:///FILE or postgresql://...", code="ANN181"
    )


def display_url(url: URL) -> str:
    """The URL with any password masked, for messages and logs."""
    return url.render_as_string(hide_password=True)


def make_engine(url: URL) -> Engine:
    """Create an engine; SQLite connections get foreign keys, WAL, NORMAL sync, busy timeout,
    and a new SQLite file 16 KB pages."""
    if url.get_backend_name() == "sqlite":
        database = Path(url.database or "")
        if not database.parent.is_dir():
            raise DatabaseError(
                f"cannot create the database {database}: folder {database.parent} does not exist",
                code="ANN182",
            )
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise DatabaseError(
            "PostgreSQL needs the psycopg driver: pip install 'annotator[postgres]'",
            code="ANN183",
        ) from None
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4)


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Only takes effect on a new, empty file, and only before journal_mode=WAL creates it.
    cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # The default 2 MB page cache re-reads a 55,000-span document's rows from the OS on every
    # open (they are visited in index order, not file order). It grows only as pages are used.
    # (Memory-mapped I/O was no faster and made the process's resident size grow with the file.)
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


WRITE = {"annotator_write": True}
"""Execution options of a connection that will write: SQLite then takes the lock up front."""


def _sqlite_begin(connection: Any) -> None:
    # BEGIN IMMEDIATE makes two writers queue on busy_timeout instead of one failing with
    # "database is locked" when it upgrades from reading to writing mid-transaction.
    if connection.get_execution_options().get("annotator_write"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")
