"""The team's schema of record in ``annotator_meta``: its text and a revision bumped on change."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from annotator.core.errors import StaleDataError
from annotator.storage.tables import meta

SCHEMA_KEY = "schema_json"
"""annotator_meta key: the schema of record as JSON (core.schema's mapping)."""
REVISION_KEY = "schema_revision"
"""annotator_meta key: an integer bumped every time the schema of record changes."""


@dataclass(slots=True)
class Publication:
    """A schema to publish with an annotation rewrite; ``revision`` is filled in on success."""

    text: str
    expected: int | None
    """The revision the change was made on (None: no schema of record yet)."""
    revision: int | None = None


def schema_revision(connection: Connection) -> int | None:
    """The revision of the schema of record; None while none has been published."""
    value = connection.execute(select(meta.c.value).where(meta.c.key == REVISION_KEY)).scalar()
    return None if value is None else int(value)


def schema_record(connection: Connection) -> tuple[int, str] | None:
    """The revision and text of the schema of record, or None."""
    rows = dict(
        connection.execute(
            select(meta.c.key, meta.c.value).where(meta.c.key.in_((SCHEMA_KEY, REVISION_KEY)))
        ).all()
    )
    if REVISION_KEY not in rows or SCHEMA_KEY not in rows:
        return None
    return int(rows[REVISION_KEY]), rows[SCHEMA_KEY]


def publish_schema(connection: Connection, text: str, expected: int | None) -> int:
    """Store ``text`` as the schema of record and return its new revision; refused when the
    record is no longer at revision ``expected`` (someone changed the schema meanwhile)."""
    current = connection.execute(
        select(meta.c.value).where(meta.c.key == REVISION_KEY).with_for_update()
    ).scalar()
    found = None if current is None else int(current)
    if found != expected:
        raise StaleDataError(
            "the schema was changed on another machine meanwhile; look at the new schema "
            "and make the change again",
            code="ANN315",
        )
    revision = (found or 0) + 1
    connection.execute(meta.delete().where(meta.c.key.in_((SCHEMA_KEY, REVISION_KEY))))
    connection.execute(
        meta.insert(),
        [{"key": SCHEMA_KEY, "value": text}, {"key": REVISION_KEY, "value": str(revision)}],
    )
    return revision
