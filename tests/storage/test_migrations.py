"""The Alembic migrations build exactly the schema that ``storage.tables`` declares."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from annotator.storage import migrate
from annotator.storage.engine import make_engine, resolve_url
from annotator.storage.tables import metadata


def test_migrations_match_the_declared_tables(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(resolve_url(database_url, tmp_path))
    migrate.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": False, "compare_server_default": False}
        )
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []


def test_every_migration_downgrades_and_upgrades_again(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(resolve_url(database_url, tmp_path))
    migrate.upgrade(engine)
    with engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "0003")
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()
