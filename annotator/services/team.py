"""Team use cases: members and roles, blind annotation, assignments and queues, the change feed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.core.annotation import CURATION_ANNOTATOR
from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.errors import TeamError
from annotator.core.ids import DocumentId
from annotator.core.team import (
    AssignmentState,
    DocumentChange,
    Member,
    Permission,
    QueueItem,
    Role,
    distribute,
)
from annotator.services.project import BLIND_SETTING

if TYPE_CHECKING:
    from annotator.services.project import Project


def members(project: Project) -> list[Member]:
    """Everyone who has opened the project or was added, with their role and load."""
    return [m for m in project.database.members() if m.name != CURATION_ANNOTATOR]


def add_member(project: Project, name: str, role: Role = Role.ANNOTATOR) -> Member:
    project.require(Permission.MANAGE)
    name = _checked_name(name)
    project.database.set_role(name, role)
    return Member(name, role)


def set_role(project: Project, name: str, role: Role) -> Member:
    """Change a member's role (managers only); the project always keeps one manager."""
    project.require(Permission.MANAGE)
    name = _checked_name(name)
    current = {m.name: m for m in project.database.members()}
    if name not in current:
        raise TeamError(f"{name} is not a member of this project", code="ANN213")
    managers = [m for m in current.values() if m.role is Role.MANAGER]
    if role is not Role.MANAGER and [m.name for m in managers] == [name]:
        raise TeamError(
            f"{name} is the only manager: make someone else manager first", code="ANN214"
        )
    project.database.set_role(name, role)
    project.refresh_identity()
    return Member(name, role)


def set_blind(project: Project, on: bool) -> None:
    """Blind annotation on or off for the whole team (managers only)."""
    project.require(Permission.MANAGE)
    project.database.set_setting(BLIND_SETTING, "on" if on else "off")


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise TeamError("an annotator needs a name", code="ANN215")
    if name == CURATION_ANNOTATOR:
        raise TeamError(f"{name!r} is reserved for the curated layer", code="ANN215")
    if len(name) > 200:
        raise TeamError("an annotator's name is at most 200 characters", code="ANN215")
    return name


# -- assignment ---------------------------------------------------------------------------------


def documents_with_status(project: Project, status: DocumentStatus | None) -> list[DocumentId]:
    return project.document_ids(DocumentFilter(status=status))


def assign(
    project: Project,
    documents: Sequence[DocumentId],
    annotators: Sequence[str],
    per_document: int | None = None,
) -> int:
    """Assign documents: to every one of ``annotators``, or with ``per_document`` to that many
    of them each, taking those with the fewest documents first. Returns the new assignments."""
    project.require(Permission.ASSIGN)
    names = list(dict.fromkeys(_checked_name(name) for name in annotators))
    if not names:
        raise TeamError("name at least one annotator to assign documents to", code="ANN216")
    unknown = sorted(set(documents) - set(project.database.existing_ids(documents)))
    if unknown:
        shown = ", ".join(str(i) for i in unknown[:10])
        raise TeamError(f"no documents with ids {shown}", code="ANN217")
    if per_document is None:
        pairs = [(document_id, name) for document_id in documents for name in names]
    else:
        existing = project.database.assignees(documents)
        pairs = distribute(
            documents, names, per_document, existing, project.database.assignment_load()
        )
    return project.database.assign(pairs, project.now())


def unassign(project: Project, documents: Sequence[DocumentId], annotator: str) -> int:
    project.require(Permission.ASSIGN)
    return project.database.unassign(documents, annotator)


def assignees(project: Project, documents: Sequence[DocumentId]) -> dict[DocumentId, set[str]]:
    return project.database.assignees(documents)


def queue(project: Project, annotator: str | None = None) -> list[QueueItem]:
    """The documents assigned to ``annotator`` (default: the project's), with their state."""
    return project.database.queue(project.annotator if annotator is None else annotator)


def start_work(project: Project, document_id: DocumentId) -> bool:
    """Opening an assigned document moves it from assigned to in progress."""
    if not project.annotator:
        return False
    return project.database.set_assignment_state(
        document_id,
        project.annotator,
        AssignmentState.IN_PROGRESS,
        project.now(),
        only_from=AssignmentState.ASSIGNED,
    )


def finish_work(project: Project, document_id: DocumentId) -> bool:
    """Mark the annotator's own assignment of a document done."""
    if not project.annotator:
        return False
    return project.database.set_assignment_state(
        document_id, project.annotator, AssignmentState.DONE, project.now()
    )


# -- the change feed ----------------------------------------------------------------------------


class ChangeFeed:
    """Polls the edit log for changes made elsewhere.

    On PostgreSQL, log ids come from a sequence and transactions commit in any order: a
    transaction holding id 41 may commit after one holding 42 was seen. So each poll looks back
    ``lookback`` ids and skips those already seen; a late commit is found on the next poll.
    An article import logs a batch of new documents in one statement (200 ids at once), so
    the look back spans several batches, not just a few edits.
    """

    def __init__(self, project: Project, lookback: int = 1000) -> None:
        self._project = project
        self._lookback = lookback
        self.last_id = project.last_change_id()
        found = self._window()
        self._seen = {change.log_id for change in found}
        if found:
            self.last_id = max(self.last_id, found[-1].log_id)

    def _window(self) -> list[DocumentChange]:
        _, found = self._project.changes_since(max(self.last_id - self._lookback, 0), 5000)
        return found

    def poll(self) -> list[DocumentChange]:
        """New changes since the last poll, oldest first (this process's own included)."""
        found = self._window()
        fresh = [change for change in found if change.log_id not in self._seen]
        self._seen.update(change.log_id for change in fresh)
        if found:
            self.last_id = max(self.last_id, found[-1].log_id)
        floor = self.last_id - self._lookback
        self._seen = {log_id for log_id in self._seen if log_id > floor}
        return fresh
