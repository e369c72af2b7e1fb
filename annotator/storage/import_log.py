"""The edit log rows of one annotation import: one per document it changed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.engine import Connection

from annotator.core.ids import DocumentId
from annotator.storage.annotated_import import StoredAnnotations
from annotator.storage.team import log_changes


class ImportLog:
    """Collects the documents an import's batches changed and logs each once.

    On PostgreSQL the changes are logged last, just before the commit: log ids taken while the
    import ran would precede those of edits others commit meanwhile by more than the change
    feed looks back, and other machines would never see these changes. SQLite's write lock
    keeps every other writer out until the commit, so there each batch's changes are logged
    with it instead of all while the import ends (10,000 documents: 0.04 s)."""

    def __init__(self, connection: Connection, actor_id: int | None, now: datetime) -> None:
        self._connection = connection
        self._actor_id = actor_id
        self._now = now
        self._as_it_goes = connection.dialect.name == "sqlite"
        self._changed: set[DocumentId] = set()
        self._ids: list[int] = []

    def batch(self, stored: Iterable[StoredAnnotations]) -> None:
        """Note (on SQLite: log) the documents a batch created or added to."""
        touched = {s.document_id for s in stored if s.created or s.spans_added or s.relations_added}
        touched -= self._changed
        self._changed |= touched
        if self._as_it_goes and touched:
            self._ids += log_changes(self._connection, touched, self._actor_id, self._now)

    def finish(self) -> list[int]:
        """Log what is left (on PostgreSQL: everything); the ids of every row logged."""
        if not self._as_it_goes:
            self._ids = log_changes(self._connection, self._changed, self._actor_id, self._now)
        return self._ids
