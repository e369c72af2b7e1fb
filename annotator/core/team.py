"""Team work values and rules: roles, permissions, members, assignments, the change feed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum

from annotator.core.annotation import CURATION_ANNOTATOR
from annotator.core.errors import TeamError
from annotator.core.ids import DocumentId
from annotator.core.text import plural


class Role(StrEnum):
    MANAGER = "manager"
    CURATOR = "curator"
    ANNOTATOR = "annotator"

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls(text.strip().lower())
        except ValueError:
            known = ", ".join(r.value for r in cls)
            raise TeamError(f"unknown role {text!r} (known: {known})", code="ANN211") from None


class Permission(Enum):
    """What a service may ask for with ``Project.require``."""

    EDIT_OTHERS = "change other annotators' annotations"
    CURATE = "edit the curated layer"
    EDIT_SCHEMA = "change the schema"
    ASSIGN = "assign documents"
    ADD_DOCUMENTS = "add documents"
    MANAGE = "change roles and project settings"


GRANTS: Mapping[Role, frozenset[Permission]] = {
    Role.MANAGER: frozenset(Permission),
    Role.CURATOR: frozenset({Permission.EDIT_OTHERS, Permission.CURATE}),
    Role.ANNOTATOR: frozenset(),
}


def roles_allowed(permission: Permission) -> tuple[Role, ...]:
    """The roles that have ``permission``, most powerful first."""
    return tuple(role for role in Role if permission in GRANTS[role])


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is working and with which role; ``managed`` is False while the project is not a
    team yet (no manager, or the manager alone): everything is allowed, as before team mode."""

    name: str
    role: Role = Role.MANAGER
    managed: bool = False

    def allows(self, permission: Permission) -> bool:
        return not self.managed or permission in GRANTS[self.role]

    def may_edit_layer(self, owner: str) -> bool:
        """May this person add, change or delete an annotation made by ``owner``?"""
        if owner == CURATION_ANNOTATOR:
            return self.allows(Permission.CURATE)
        return owner == self.name or self.allows(Permission.EDIT_OTHERS)

    @property
    def sees_everything(self) -> bool:
        return self.allows(Permission.EDIT_OTHERS)


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    role: Role
    is_curation: bool = False
    assigned: int = 0
    """Documents assigned to this member."""


class AssignmentState(StrEnum):
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"assigned": "Assigned", "in_progress": "In progress", "done": "Done"}[self.value]


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One document in an annotator's queue."""

    document_id: DocumentId
    title: str
    state: AssignmentState
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DocumentChange:
    """One committed change to a document's annotations or status, and who made it."""

    log_id: int
    document_id: DocumentId
    annotator: str
    own: bool = False
    """Made by this very process (not merely by the same annotator name elsewhere)."""


def distribute(
    documents: Sequence[DocumentId],
    annotators: Sequence[str],
    per_document: int,
    existing: Mapping[DocumentId, Iterable[str]],
    load: Mapping[str, int],
) -> list[tuple[DocumentId, str]]:
    """New (document, annotator) pairs giving each document ``per_document`` annotators, each
    time taking those with the fewest documents (ties: the order given)."""
    if per_document < 1:
        raise TeamError("each document needs at least one annotator", code="ANN212")
    if per_document > len(annotators):
        raise TeamError(
            f"{plural(per_document, 'annotator')} per document, but only {len(annotators)} named",
            code="ANN212",
        )
    counts = {name: load.get(name, 0) for name in annotators}
    order = {name: i for i, name in enumerate(annotators)}
    pairs: list[tuple[DocumentId, str]] = []
    for document_id in documents:
        have = set(existing.get(document_id, ()))
        missing = per_document - len(have & set(annotators))
        candidates = sorted(
            (name for name in annotators if name not in have),
            key=lambda name: (counts[name], order[name]),
        )
        for name in candidates[: max(missing, 0)]:
            pairs.append((document_id, name))
            counts[name] += 1
    return pairs
