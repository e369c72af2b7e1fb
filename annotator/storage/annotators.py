"""Annotator names and their ids, created on first use and cached (names never change)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import false, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from annotator.storage.tables import annotators


class AnnotatorCache:
    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._names: dict[int, str] = {}

    def reset(self) -> None:
        """Forget everything: a rolled-back transaction may have created ids that do not exist."""
        self._ids.clear()
        self._names.clear()

    def name_of(self, connection: Connection, annotator_id: int | None) -> str:
        if annotator_id is None:
            return ""
        if annotator_id not in self._names:
            self._load(connection)
        return self._names.get(annotator_id, "")

    def id_for(self, connection: Connection, name: str) -> int | None:
        if not name:
            return None
        if name in self._ids:
            return self._ids[name]
        insert = (
            postgresql.insert(annotators)
            if connection.dialect.name == "postgresql"
            else sqlite.insert(annotators)
        )
        connection.execute(
            insert.values(name=name, created_at=datetime.now(UTC)).on_conflict_do_nothing()
        )
        annotator_id: int = connection.execute(
            select(annotators.c.id).where(annotators.c.name == name)
        ).scalar_one()
        self._ids[name] = annotator_id
        self._names[annotator_id] = name
        return annotator_id

    def ensure_curation(self, connection: Connection, name: str) -> int:
        """The id of the pseudo-annotator holding the curated layer, created (or marked) with
        ``is_curation`` on first use."""
        annotator_id = self.id_for(connection, name)
        assert annotator_id is not None
        connection.execute(
            update(annotators)
            .where(annotators.c.id == annotator_id, annotators.c.is_curation == false())
            .values(is_curation=True)
        )
        return annotator_id

    def _load(self, connection: Connection) -> None:
        for annotator_id, name in connection.execute(select(annotators.c.id, annotators.c.name)):
            self._ids[name] = annotator_id
            self._names[annotator_id] = name
