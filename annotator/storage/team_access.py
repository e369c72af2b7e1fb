"""The team in the project database: members, roles, assignments, the change feed, settings
and the schema of record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from annotator.core.ids import DocumentId
from annotator.core.team import AssignmentState, DocumentChange, Identity, Member, QueueItem, Role
from annotator.storage import team as team_queries
from annotator.storage.connection import DatabaseConnection
from annotator.storage.schema_record import schema_record as read_schema_record
from annotator.storage.schema_record import schema_revision as read_schema_revision


class TeamAccess(DatabaseConnection):
    """Members and roles, assignments and queues, the change feed, settings, the schema of
    record."""

    def join(self, name: str) -> Identity:
        with self._write() as connection:
            return team_queries.join(connection, name, self._annotators)

    def identity(self, name: str) -> Identity:
        with self._read() as connection:
            return team_queries.identity(connection, name)

    def members(self) -> list[Member]:
        with self._read() as connection:
            return team_queries.members(connection)

    def set_role(self, name: str, role: Role) -> None:
        with self._write() as connection:
            team_queries.set_role(connection, name, role, self._annotators)

    def setting(self, key: str) -> str | None:
        with self._read() as connection:
            return team_queries.setting(connection, key)

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as connection:
            team_queries.set_setting(connection, key, value)

    def assignees(self, ids: Sequence[DocumentId]) -> dict[DocumentId, set[str]]:
        with self._read() as connection:
            return team_queries.assignees(connection, ids)

    def assignment_load(self) -> dict[str, int]:
        with self._read() as connection:
            return team_queries.load(connection)

    def assign(self, pairs: Sequence[tuple[DocumentId, str]], now: datetime) -> int:
        with self._write() as connection:
            return team_queries.assign(connection, pairs, self._annotators, now)

    def unassign(self, ids: Sequence[DocumentId], name: str) -> int:
        with self._write() as connection:
            return team_queries.unassign(connection, ids, name, self._annotators)

    def queue(self, name: str) -> list[QueueItem]:
        with self._read() as connection:
            return team_queries.queue(connection, name)

    def set_assignment_state(
        self,
        document_id: DocumentId,
        name: str,
        state: AssignmentState,
        now: datetime,
        only_from: AssignmentState | None = None,
    ) -> bool:
        with self._write() as connection:
            return team_queries.set_state(
                connection, document_id, name, state, now, only_from=only_from
            )

    def layer_has_spans(self, name: str) -> bool:
        with self._read() as connection:
            return team_queries.layer_has_spans(connection, name)

    def layer_names(self) -> list[str]:
        with self._read() as connection:
            return team_queries.layer_names(connection)

    def last_change(self) -> int:
        with self._read() as connection:
            return team_queries.last_change(connection)

    def changes_after(self, after: int, limit: int = 1000) -> list[DocumentChange]:
        """Edit log rows after ``after`` (oldest first), each named by who made it."""

        def work() -> list[DocumentChange]:
            with self._read() as connection:
                rows = team_queries.changes_after(connection, after, limit)
                name = self._annotators.name_of
                return [
                    DocumentChange(i, d, name(connection, a), i in self._own_log_ids)
                    for i, d, a in rows
                ]

        return self._retrying(work)

    def schema_revision(self) -> int | None:
        """The revision of the team's schema of record (None: none published); one query."""
        with self._read() as connection:
            return read_schema_revision(connection)

    def schema_record(self) -> tuple[int, str] | None:
        """The revision and text of the team's schema of record, or None."""
        with self._read() as connection:
            return read_schema_record(connection)
