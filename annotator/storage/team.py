"""Team queries: members and roles, identity bootstrap, settings, assignments, the edit log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import and_, bindparam, false, func, select, text
from sqlalchemy.engine import Connection

from annotator.core.annotation import CURATION_ANNOTATOR
from annotator.core.errors import EditLogIdsError
from annotator.core.ids import DocumentId
from annotator.core.team import AssignmentState, Identity, Member, QueueItem, Role
from annotator.storage.annotators import AnnotatorCache
from annotator.storage.fast_insert import driver_cursor
from annotator.storage.rows import chunks
from annotator.storage.tables import (
    annotators,
    assignments,
    documents,
    edit_log,
    meta,
    spans,
)

MANAGER = Role.MANAGER.value

_ROLE_OF = select(annotators.c.role).where(annotators.c.name == bindparam("name"))
_HAS_MANAGER = select(func.count()).select_from(annotators).where(annotators.c.role == MANAGER)
_MEMBERS = (
    select(func.count())
    .select_from(annotators)
    .where(annotators.c.name != CURATION_ANNOTATOR, annotators.c.is_curation == false())
)
_IDENTITY = select(
    _HAS_MANAGER.scalar_subquery().label("managers"),
    _MEMBERS.scalar_subquery().label("members"),
    _ROLE_OF.scalar_subquery().label("role"),
)
_LOG = edit_log.insert().returning(edit_log.c.id)
_MAX_ROWID = 2**63 - 1


def identity(connection: Connection, name: str) -> Identity:
    """Who ``name`` is in this project right now (one round trip; called per edit). Roles
    apply once there is a team: a manager and at least one other member; until then a project
    is one person's, and everything is allowed, as before team mode."""
    managers, members, role = connection.execute(_IDENTITY, {"name": name}).one()
    if not managers or members < 2:
        return Identity(name)
    return Identity(name, Role(role) if role and name else Role.ANNOTATOR, True)


def join(connection: Connection, name: str, cache: AnnotatorCache) -> Identity:
    """Record ``name`` as a member; the first named person in a project without a manager
    becomes its manager. Writers are serialized (PostgreSQL table lock, SQLite's BEGIN
    IMMEDIATE) so that two first openers cannot both become manager."""
    if not name:
        return identity(connection, name)
    has_manager = bool(connection.execute(_HAS_MANAGER).scalar_one())
    if not has_manager and connection.dialect.name == "postgresql":
        connection.execute(text("LOCK TABLE annotators IN SHARE ROW EXCLUSIVE MODE"))
    cache.id_for(connection, name)
    if not connection.execute(_HAS_MANAGER).scalar_one() and name != CURATION_ANNOTATOR:
        connection.execute(
            annotators.update().where(annotators.c.name == name).values(role=MANAGER)
        )
    return identity(connection, name)


def members(connection: Connection) -> list[Member]:
    load = (
        select(assignments.c.annotator_id, func.count().label("n"))
        .group_by(assignments.c.annotator_id)
        .subquery()
    )
    rows = connection.execute(
        select(annotators.c.name, annotators.c.role, annotators.c.is_curation, load.c.n)
        .select_from(annotators.outerjoin(load, load.c.annotator_id == annotators.c.id))
        .order_by(annotators.c.name)
    )
    return [
        Member(row.name, Role(row.role), bool(row.is_curation), int(row.n or 0)) for row in rows
    ]


def set_role(connection: Connection, name: str, role: Role, cache: AnnotatorCache) -> None:
    cache.id_for(connection, name)
    connection.execute(annotators.update().where(annotators.c.name == name).values(role=role.value))


def count_managers(connection: Connection) -> int:
    return int(connection.execute(_HAS_MANAGER).scalar_one())


# -- settings -----------------------------------------------------------------------------------


def setting(connection: Connection, key: str) -> str | None:
    value: str | None = connection.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
    return value


def set_setting(connection: Connection, key: str, value: str) -> None:
    connection.execute(meta.delete().where(meta.c.key == key))
    connection.execute(meta.insert().values(key=key, value=value))


# -- assignments --------------------------------------------------------------------------------


def assignees(connection: Connection, ids: Sequence[DocumentId]) -> dict[DocumentId, set[str]]:
    found: dict[DocumentId, set[str]] = {}
    for batch in chunks(ids):
        rows = connection.execute(
            select(assignments.c.document_id, annotators.c.name)
            .join(annotators, annotators.c.id == assignments.c.annotator_id)
            .where(assignments.c.document_id.in_(batch))
        )
        for document_id, name in rows:
            found.setdefault(DocumentId(document_id), set()).add(name)
    return found


def load(connection: Connection) -> dict[str, int]:
    rows = connection.execute(
        select(annotators.c.name, func.count())
        .join(assignments, assignments.c.annotator_id == annotators.c.id)
        .group_by(annotators.c.name)
    )
    return {name: int(n) for name, n in rows}


def assign(
    connection: Connection,
    pairs: Iterable[tuple[DocumentId, str]],
    cache: AnnotatorCache,
    now: datetime,
) -> int:
    """Add assignments (those that exist are kept as they are); returns how many are new."""
    existing = assignees(connection, sorted({d for d, _ in pairs}))
    rows: list[dict[str, Any]] = []
    for document_id, name in pairs:
        if name in existing.get(document_id, set()):
            continue
        existing.setdefault(document_id, set()).add(name)
        rows.append(
            {
                "document_id": document_id,
                "annotator_id": cache.id_for(connection, name),
                "state": AssignmentState.ASSIGNED.value,
                "assigned_at": now,
                "updated_at": now,
            }
        )
    for batch in chunks(rows):
        connection.execute(assignments.insert(), list(batch))
    return len(rows)


def unassign(
    connection: Connection, ids: Sequence[DocumentId], name: str, cache: AnnotatorCache
) -> int:
    annotator_id = cache.id_for(connection, name)
    removed = 0
    for batch in chunks(ids):
        result = connection.execute(
            assignments.delete().where(
                and_(
                    assignments.c.annotator_id == annotator_id,
                    assignments.c.document_id.in_(batch),
                )
            )
        )
        removed += result.rowcount
    return removed


def queue(connection: Connection, name: str) -> list[QueueItem]:
    rows = connection.execute(
        select(
            assignments.c.document_id,
            documents.c.title,
            documents.c.text,
            assignments.c.state,
            assignments.c.updated_at,
        )
        .join(annotators, annotators.c.id == assignments.c.annotator_id)
        .join(documents, documents.c.id == assignments.c.document_id)
        .where(annotators.c.name == name)
        .order_by(assignments.c.document_id)
    )
    return [
        QueueItem(
            DocumentId(row.document_id),
            row.title or _first_line(row.text),
            AssignmentState(row.state),
            row.updated_at,
        )
        for row in rows
    ]


def set_state(
    connection: Connection,
    document_id: DocumentId,
    name: str,
    state: AssignmentState,
    now: datetime,
    *,
    only_from: AssignmentState | None = None,
) -> bool:
    """Move ``name``'s assignment of a document to ``state``; False when not assigned."""
    annotator_id = select(annotators.c.id).where(annotators.c.name == name).scalar_subquery()
    condition = and_(
        assignments.c.document_id == document_id, assignments.c.annotator_id == annotator_id
    )
    if only_from is not None:
        condition = and_(condition, assignments.c.state == only_from.value)
    result = connection.execute(
        assignments.update().where(condition).values(state=state.value, updated_at=now)
    )
    return result.rowcount > 0


def _first_line(text_: str) -> str:
    line = text_.strip().split("\n", 1)[0]
    return line[:80] + ("…" if len(line) > 80 else "")


# -- the edit log -------------------------------------------------------------------------------


def log_changes(
    connection: Connection, ids: Iterable[DocumentId], annotator_id: int | None, now: datetime
) -> list[int]:
    """One edit_log row per document changed in this transaction; returns their ids. One
    statement per thousand documents (an import changes ten thousand): driver SQL, since
    Core's executemany with RETURNING binds every row's timestamp and annotator anew."""
    ordered = sorted(ids)
    if not ordered:
        return []
    if len(ordered) == 1:
        row = {"document_id": ordered[0], "annotator_id": annotator_id, "at": now}
        return [int(connection.execute(_LOG, row).scalar_one())]
    at = edit_log.c.at.type.process_bind_param(now, connection.dialect)  # type: ignore[attr-defined]
    written: list[int] = []
    if connection.dialect.name == "postgresql":
        for batch in chunks(ordered, 10_000):
            result = connection.exec_driver_sql(
                "INSERT INTO edit_log (document_id, annotator_id, at) "
                "SELECT unnest(%s::bigint[]), %s::bigint, %s::timestamptz RETURNING id",
                (list(batch), annotator_id, at),
            )
            written += [int(row_id) for (row_id,) in result]
        return written
    # The ids follow the largest before (the rowid rule; the write transaction keeps other
    # writers out), as for new documents: no RETURNING row to fetch, one GIL round trip each.
    # The driver's cursor: no Core work per statement, no Rows to convert.
    with driver_cursor(connection) as cursor:
        before = cursor.execute("SELECT max(id) FROM edit_log").fetchone()[0] or 0
        consecutive = before + len(ordered) < _MAX_ROWID
        returning = "" if consecutive else " RETURNING id"
        for batch in chunks(ordered, 333):  # 999 parameters, the least a SQLite build allows
            values = ", ".join(["(?, ?, ?)"] * len(batch))
            parameters = tuple(chain.from_iterable((d, annotator_id, at) for d in batch))
            cursor.execute(
                f"INSERT INTO edit_log (document_id, annotator_id, at) VALUES {values}{returning}",
                parameters,
            )
            if not consecutive:
                written += [row_id for (row_id,) in cursor.fetchall()]
        if not consecutive:
            return written
        last = cursor.execute("SELECT last_insert_rowid()").fetchone()[0]
    if last != before + len(ordered):
        raise EditLogIdsError(
            f"edit log rows did not get consecutive ids ({before} + {len(ordered)} != {last})"
        )
    return list(range(before + 1, before + 1 + len(ordered)))


def last_change(connection: Connection) -> int:
    return int(connection.execute(select(func.coalesce(func.max(edit_log.c.id), 0))).scalar_one())


def changes_after(
    connection: Connection, after: int, limit: int
) -> list[tuple[int, DocumentId, int | None]]:
    rows = connection.execute(
        select(edit_log.c.id, edit_log.c.document_id, edit_log.c.annotator_id)
        .where(edit_log.c.id > after)
        .order_by(edit_log.c.id)
        .limit(limit)
    )
    return [(int(i), DocumentId(d), a) for i, d, a in rows]


# -- layers -------------------------------------------------------------------------------------


def layer_has_spans(connection: Connection, name: str) -> bool:
    found = connection.execute(
        select(spans.c.id)
        .join(annotators, annotators.c.id == spans.c.annotator_id)
        .where(annotators.c.name == name)
        .limit(1)
    ).first()
    return found is not None


def layer_names(connection: Connection) -> list[str]:
    """Annotators who made at least one span."""
    used = select(spans.c.annotator_id).distinct().subquery()
    rows = connection.execute(
        select(annotators.c.name)
        .join(used, used.c.annotator_id == annotators.c.id)
        .order_by(annotators.c.name)
    )
    return [name for (name,) in rows]
