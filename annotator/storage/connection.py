"""The project database's connection: opening it, read and write transactions, retrying once
after a dropped connection, and errors that name the database."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Self, TypeVar

from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from annotator.core.errors import AnnotatorError, ConnectionLostError, DatabaseError
from annotator.core.ids import DocumentId
from annotator.storage import team as team_queries
from annotator.storage.annotators import AnnotatorCache
from annotator.storage.engine import WRITE, display_url, make_engine, resolve_url
from annotator.storage.migrate import current_revision, upgrade

T = TypeVar("T")


class DatabaseConnection:
    """The engine and the transactions the parts of :class:`ProjectDatabase` run their queries
    in; what this process logged, so that its own edits are not taken for others'."""

    def __init__(self, engine: Engine, url: URL, created: bool) -> None:
        self._engine = engine
        self.url = url
        self.created = created
        """True when this open created the database (a new project: import its seed files)."""
        self._annotators = AnnotatorCache()
        self._own_log_ids: set[int] = set()
        """edit_log rows this process wrote, so its own edits are not taken for others'."""

    @classmethod
    def open(cls, url: str, project_dir: Path) -> Self:
        """Connect, create or upgrade the schema; errors say which database and why."""
        resolved = resolve_url(url, project_dir)
        engine = make_engine(resolved)
        try:
            created = current_revision(engine) is None
            upgrade(engine)
        except AnnotatorError:
            engine.dispose()
            raise
        except SQLAlchemyError as error:
            engine.dispose()
            raise DatabaseError(
                f"cannot open the database {display_url(resolved)}: {_reason(error)}",
                code="ANN184",
            ) from error
        return cls(engine, resolved, created)

    @property
    def display_url(self) -> str:
        return display_url(self.url)

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def close(self) -> None:
        self._engine.dispose()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as connection, connection.begin():
                yield connection
        except (OperationalError, DBAPIError) as error:
            if _lost(error):
                raise ConnectionLostError(
                    f"lost the connection to {self.display_url}: {_reason(error)}"
                ) from error
            raise DatabaseError(
                f"reading {self.display_url} failed: {_reason(error)}", code="ANN185"
            ) from error

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as plain:
                connection = plain.execution_options(**WRITE)
                with connection.begin():
                    yield connection
        except BaseException as error:
            self._annotators.reset()
            if isinstance(error, OperationalError | DBAPIError) and _lost(error):
                raise ConnectionLostError(
                    f"lost the connection to {self.display_url}, nothing was saved: "
                    f"{_reason(error)}"
                ) from error
            if isinstance(error, OperationalError | DBAPIError):
                raise DatabaseError(
                    f"writing to {self.display_url} failed, nothing was saved: {_reason(error)}",
                    code="ANN186",
                ) from error
            raise

    def _retrying(self, work: Callable[[], T]) -> T:
        """Run ``work`` again, once, when it failed because the connection had been dropped
        (a server restart or a terminated backend): the pool then hands out a fresh one."""
        try:
            return work()
        except DatabaseError as error:
            cause = error.__cause__
            if not (isinstance(cause, DBAPIError) and cause.connection_invalidated):
                raise
            return work()

    def ping(self) -> None:
        """One round trip; raises DatabaseError while the server is unreachable."""
        self._retrying(self._ping)

    def _ping(self) -> None:
        with self._read() as connection:
            connection.exec_driver_sql("SELECT 1")

    def _log(
        self, connection: Connection, ids: Iterable[DocumentId], actor: str, now: datetime
    ) -> None:
        annotator_id = self._annotators.id_for(connection, actor)
        self._own_log_ids.update(team_queries.log_changes(connection, ids, annotator_id, now))


def _lost(error: DBAPIError) -> bool:
    """A dropped or refused server connection (not a lock, a constraint or a full disk)."""
    if error.connection_invalidated:
        return True
    original = getattr(error, "orig", None)
    if original is None or type(original).__module__.split(".")[0] != "psycopg":
        return False
    state = getattr(original, "sqlstate", None)
    return isinstance(error, OperationalError) and (
        state is None or state.startswith(("08", "57P"))
    )


def _reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip().splitlines()
    return text[0] if text else type(error).__name__
