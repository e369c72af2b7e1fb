"""Bring a project database to the current schema with Alembic; refuse one that is newer."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from annotator import __version__
from annotator.core.errors import DatabaseVersionError
from annotator.storage.tables import meta

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Upgrade to ``target`` (the newest by default), refusing databases from a newer program."""
    scripts = ScriptDirectory.from_config(alembic_config())
    current = current_revision(engine)
    if current is not None and _unknown(scripts, current):
        raise DatabaseVersionError(
            f"this project database (schema {current}) was written by annotator "
            f"{_written_by(engine) or 'a newer version'}; this is annotator {__version__}. "
            "Upgrade annotator to open it.",
            code="ANN171",
        )
    if current == target or (target == "head" and current == scripts.get_current_head()):
        return
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), target)
        if target == "head":
            _record_version(connection)


def _unknown(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is None
    except Exception:  # alembic raises several kinds of errors for an unknown revision
        return True


def _written_by(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return connection.execute(
                select(meta.c.value).where(meta.c.key == "app_version")
            ).scalar_one_or_none()
    except SQLAlchemyError:
        return None


def _record_version(connection: Connection) -> None:
    connection.execute(meta.delete().where(meta.c.key == "app_version"))
    connection.execute(meta.insert().values(key="app_version", value=__version__))
