"""Team rules at the service level, on SQLite and PostgreSQL: identity, roles, blind annotation,
assignment and queues, the change feed, export layers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.annotation import CURATION_ANNOTATOR
from annotator.core.document import DocumentDraft, DocumentFilter, DocumentStatus
from annotator.core.edits import AddRelation, AddSpan, RelabelSpan, RemoveSpan, ResizeSpan
from annotator.core.errors import ConnectionLostError, PermissionDeniedError, TeamError
from annotator.core.ids import DocumentId
from annotator.core.team import AssignmentState, Permission, Role
from annotator.services import team
from annotator.services.exporting import (
    ExportSelection,
    export_project,
    preview_losses,
    selected_documents,
)
from annotator.services.project import Project
from annotator.services.project_files import init_project

TEXT = "Rebels shelled Aleppo on Monday, officials in Damascus said."


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "proj"
    init_project(path, name="Team")
    return path


@pytest.fixture
def opened(folder: Path, database_url: str) -> Iterator[dict[str, Project]]:
    """ana (manager: first to open), bob and cy (annotators), all on the same database."""
    projects: dict[str, Project] = {}
    for name in ("ana", "bob", "cy"):
        projects[name] = Project.open(folder, database_url=database_url, annotator=name)
    projects["ana"].database.add_documents(
        [(DocumentDraft(f"{TEXT} ({i})", title=f"Doc {i}"), f"d{i}") for i in range(6)],
        projects["ana"].now(),
    )
    yield projects
    for project in projects.values():
        project.close()


def doc(n: int) -> DocumentId:
    return DocumentId(n)


def add(project: Project, label: str, start: int, end: int, document: int = 1) -> int:
    applied = project.apply(AddSpan(doc(document), label, start, end))
    return int(applied.changes.spans_added[0].id)


def test_the_first_named_opener_becomes_manager_and_spans_carry_their_name(
    opened: dict[str, Project],
) -> None:
    ana, bob = opened["ana"], opened["bob"]
    assert ana.identity.role is Role.MANAGER
    assert not ana.identity.managed  # alone when she opened it: not a team yet
    assert ana.refresh_identity().managed
    assert bob.identity.role is Role.ANNOTATOR
    assert [(m.name, m.role) for m in team.members(ana)] == [
        ("ana", Role.MANAGER),
        ("bob", Role.ANNOTATOR),
        ("cy", Role.ANNOTATOR),
    ]
    add(ana, "ACTOR", 0, 6)
    add(bob, "ACTOR", 0, 6)  # the same words in bob's own layer: allowed
    assert sorted(s.annotator for s in ana.spans(doc(1))) == ["ana", "bob"]


def test_a_project_without_a_manager_allows_everything(folder: Path, database_url: str) -> None:
    with Project.open(folder, database_url=database_url) as anonymous:
        assert not anonymous.identity.managed
        anonymous.require(Permission.MANAGE)
        anonymous.database.add_documents([(DocumentDraft(TEXT), "x")], anonymous.now())
        span = anonymous.apply(AddSpan(doc(1), "ACTOR", 0, 6, annotator="zed"))
        anonymous.apply(RemoveSpan(span.changes.spans_added[0].id))


def test_annotators_cannot_change_others_work_or_the_curated_layer(
    opened: dict[str, Project],
) -> None:
    ana, bob, cy = opened["ana"], opened["bob"], opened["cy"]
    anas = add(ana, "ACTOR", 0, 6)
    bobs = add(bob, "LOCATION", 15, 21)
    for edit in (
        RelabelSpan(anas, "LOCATION"),
        ResizeSpan(anas, 0, 14),
        RemoveSpan(anas),
        AddSpan(doc(1), "ACTOR", 0, 6, annotator=CURATION_ANNOTATOR),
        AddSpan(doc(1), "CLAIM", 0, 21, annotator="ana"),
    ):
        with pytest.raises(PermissionDeniedError) as caught:
            bob.apply(edit)
        assert caught.value.code == "ANN201"
    with pytest.raises(PermissionDeniedError):
        bob.apply(AddRelation(doc(1), "LOCATED_IN", anas, bobs, annotator="ana"))
    assert {s.id: s.label for s in ana.spans(doc(1))} == {anas: "ACTOR", bobs: "LOCATION"}
    bob.apply(ResizeSpan(bobs, 15, 22))  # his own: fine
    team.set_role(ana, "cy", Role.CURATOR)
    cy.refresh_identity()
    cy.apply(RelabelSpan(bobs, "ACTOR"))  # curators may edit any layer
    curated = cy.apply(AddSpan(doc(1), "ACTOR", 0, 6, annotator=CURATION_ANNOTATOR))
    assert curated.changes.spans_added[0].annotator == CURATION_ANNOTATOR
    ana.apply(RemoveSpan(bobs))  # managers too


def test_only_managers_manage(opened: dict[str, Project]) -> None:
    ana, bob = opened["ana"], opened["bob"]
    for attempt in (
        lambda: team.set_role(bob, "bob", Role.MANAGER),
        lambda: team.add_member(bob, "dan"),
        lambda: team.assign(bob, [doc(1)], ["bob"]),
        lambda: team.set_blind(bob, True),
        lambda: bob.require(Permission.EDIT_SCHEMA),
    ):
        with pytest.raises(PermissionDeniedError) as caught:
            attempt()
        assert caught.value.code == "ANN202"
        assert str(caught.value).endswith("only a manager may [ANN202]")
    team.add_member(ana, "dan", Role.CURATOR)
    assert {m.name: m.role for m in team.members(ana)}["dan"] is Role.CURATOR
    with pytest.raises(TeamError) as last:
        team.set_role(ana, "ana", Role.ANNOTATOR)
    assert last.value.code == "ANN214"
    team.set_role(ana, "bob", Role.MANAGER)  # a role change is seen by bob's next check
    bob.require(Permission.MANAGE)
    team.set_role(bob, "ana", Role.ANNOTATOR)
    with pytest.raises(PermissionDeniedError):
        ana.require(Permission.ASSIGN)


def test_blind_annotation_hides_others_work_from_annotators_only(
    opened: dict[str, Project],
) -> None:
    ana, bob, cy = opened["ana"], opened["bob"], opened["cy"]
    add(ana, "ACTOR", 0, 6)
    add(bob, "LOCATION", 15, 21)
    add(cy, "ACTOR", 0, 6)
    assert not bob.blind
    assert len(bob.annotated(doc(1)).spans) == 3  # not blind: others' work is visible
    team.set_blind(ana, True)
    assert bob.blind
    assert [s.annotator for s in bob.annotated(doc(1)).spans] == ["bob"]
    assert [s.annotator for s in bob.spans(doc(1))] == ["bob"]
    assert [len(d.spans) for d in bob.iter_annotated()][:1] == [1]
    assert len(ana.annotated(doc(1)).spans) == 3  # the manager sees everyone's
    team.set_blind(ana, False)
    assert len(bob.annotated(doc(1)).spans) == 3


def test_blind_document_lists_count_only_the_spans_the_viewer_sees(
    opened: dict[str, Project],
) -> None:
    ana, bob, cy = opened["ana"], opened["bob"], opened["cy"]
    add(ana, "ACTOR", 0, 6)
    add(bob, "LOCATION", 15, 21)
    add(bob, "ACTOR", 0, 6, document=2)
    team.set_blind(ana, True)
    assert [s.span_count for s in cy.summaries([doc(1), doc(2)])] == [0, 0]
    assert [s.span_count for s in bob.page(limit=2)] == [1, 1]
    assert [s.span_count for s in ana.page(limit=2)] == [2, 1]  # the manager sees all
    team.set_blind(ana, False)
    assert [s.span_count for s in cy.summaries([doc(1), doc(2)])] == [2, 1]


def test_assignment_balances_and_queues_track_state(opened: dict[str, Project]) -> None:
    ana, bob, cy = opened["ana"], opened["bob"], opened["cy"]
    ids = ana.document_ids()
    assert team.assign(ana, ids[:2], ["bob"]) == 2
    assert team.assign(ana, ids[:2], ["bob"]) == 0  # already assigned: kept
    added = team.assign(ana, ids, ["bob", "cy", "ana"], per_document=2)
    load = {m.name: m.assigned for m in team.members(ana)}
    assert added == 12 - 2
    assert sum(load.values()) == 12
    assert max(load.values()) - min(load.values()) <= 1
    assert all(len(names) == 2 for names in team.assignees(ana, ids).values())
    with pytest.raises(TeamError):
        team.assign(ana, ids, ["bob"], per_document=2)
    with pytest.raises(TeamError):
        team.assign(ana, [doc(999)], ["bob"])
    queue = team.queue(bob)
    assert [i.state for i in queue] == [AssignmentState.ASSIGNED] * len(queue)
    first = queue[0].document_id
    assert team.start_work(bob, first)
    bob.set_status(queue[1].document_id, DocumentStatus.DONE)
    states = {i.document_id: i.state for i in team.queue(bob)}
    assert states[first] is AssignmentState.IN_PROGRESS
    assert states[queue[1].document_id] is AssignmentState.DONE
    assert team.queue(cy) == team.queue(ana, "cy")
    mine = bob.document_ids(DocumentFilter(assigned_to="bob"))
    assert mine == [i.document_id for i in queue]
    assert team.unassign(ana, [first], "bob") == 1
    assert first not in bob.document_ids(DocumentFilter(assigned_to="bob"))


def test_changes_since_names_who_changed_which_document(opened: dict[str, Project]) -> None:
    ana, bob = opened["ana"], opened["bob"]
    start = bob.last_change_id()
    feed = team.ChangeFeed(bob)
    add(ana, "ACTOR", 0, 6, document=2)
    add(bob, "ACTOR", 0, 6, document=3)
    ana.set_status(doc(4), DocumentStatus.DONE)
    last, changes = bob.changes_since(start)
    assert [(c.document_id, c.annotator, c.own) for c in changes] == [
        (doc(2), "ana", False),
        (doc(3), "bob", True),
        (doc(4), "ana", False),
    ]
    assert last == changes[-1].log_id
    assert bob.changes_since(last) == (last, [])
    assert [c.document_id for c in feed.poll()] == [doc(2), doc(3), doc(4)]
    assert feed.poll() == []
    _, for_ana = ana.changes_since(start)
    assert [c.own for c in for_ana] == [True, False, True]


def test_exports_choose_a_layer(opened: dict[str, Project]) -> None:
    ana, bob = opened["ana"], opened["bob"]
    add(ana, "ACTOR", 0, 6)
    add(bob, "LOCATION", 15, 21)

    def annotators(selection: ExportSelection) -> list[str]:
        found = next(selected_documents(ana, selection))
        return sorted(s.annotator for s in found.spans)

    assert annotators(ExportSelection()) == ["ana", "bob"]  # no curated layer yet: all
    assert annotators(ExportSelection(layer="bob")) == ["bob"]
    ana.apply(AddSpan(doc(1), "ACTOR", 0, 6, annotator=CURATION_ANNOTATOR))
    assert annotators(ExportSelection()) == [CURATION_ANNOTATOR]
    assert annotators(ExportSelection(layer="all")) == ["ana", "bob", CURATION_ANNOTATOR]
    assert annotators(ExportSelection(layer="curated")) == [CURATION_ANNOTATOR]


def test_the_default_layer_is_chosen_per_document_and_what_is_left_out_is_reported(
    opened: dict[str, Project], tmp_path: Path
) -> None:
    ana, bob = opened["ana"], opened["bob"]
    first = add(ana, "ACTOR", 0, 6)
    second = add(ana, "LOCATION", 15, 21)
    ana.apply(AddRelation(doc(1), "LOCATED_IN", first, second))
    add(bob, "LOCATION", 15, 21)
    add(ana, "ACTOR", 0, 6, document=2)
    add(bob, "ACTOR", 0, 6, document=2)
    ana.apply(AddSpan(doc(2), "ACTOR", 0, 6, annotator=CURATION_ANNOTATOR))  # doc 2 only

    by_document = {
        item.document.id: sorted(s.annotator for s in item.spans)
        for item in selected_documents(ana, ExportSelection())
    }
    assert by_document[doc(1)] == ["ana", "ana", "bob"]  # no curated layer here: all
    assert by_document[doc(2)] == [CURATION_ANNOTATOR]
    assert by_document[doc(3)] == []

    losses = preview_losses(ana, "jsonl")
    assert (losses.spans_left_out, losses.relations_left_out) == ({"ana": 1, "bob": 1}, {})
    assert losses.lines() == [
        "1 span of ana's layer not exported (not in the chosen layer)",
        "1 span of bob's layer not exported (not in the chosen layer)",
    ]
    report = export_project(ana, "jsonl", tmp_path / "out.jsonl")
    assert (report.spans, report.relations) == (4, 1)
    assert report.losses.spans_left_out == {"ana": 1, "bob": 1}
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [len(record["spans"]) for record in written[:2]] == [3, 1]

    curated = preview_losses(ana, "jsonl", ExportSelection(layer="curated"))
    assert curated.spans_left_out == {"ana": 3, "bob": 2}
    assert curated.relations_left_out == {"ana": 1}
    assert curated.left_out()[0] == (
        "3 spans and 1 relation of ana's layer not exported (not in the chosen layer)"
    )
    assert not curated.empty
    assert preview_losses(ana, "jsonl", ExportSelection(layer="all")).empty
    # blind: bob never sees the others' layers, so nothing of theirs is counted either
    team.set_blind(ana, True)
    assert preview_losses(bob, "jsonl", ExportSelection(layer="all")).empty


@pytest.mark.postgres
def test_a_terminated_connection_is_replaced_on_the_next_apply(
    folder: Path, postgres_url: str
) -> None:
    import psycopg

    from tests.conftest import _psycopg_conninfo

    with Project.open(folder, database_url=postgres_url, annotator="ana") as project:
        project.database.add_documents([(DocumentDraft(TEXT), "x")], project.now())
        add(project, "ACTOR", 0, 6)
        schema = dict(p.split("=", 1) for p in postgres_url.split("?", 1)[1].split("&"))
        with psycopg.connect(_psycopg_conninfo(postgres_url.split("?")[0]), autocommit=True) as c:
            killed = c.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s AND pid <> pg_backend_pid()",
                (schema["application_name"],),
            ).fetchall()
        assert killed  # the project's pooled connection is gone
        add(project, "LOCATION", 15, 21)
        assert len(project.spans(doc(1))) == 2


def test_of_several_first_openers_exactly_one_becomes_manager(
    folder: Path, database_url: str
) -> None:
    import threading

    Project.open(folder, database_url=database_url).close()  # create the database first
    barrier = threading.Barrier(4)
    roles: dict[str, Role] = {}

    def open_as(name: str) -> None:
        barrier.wait()
        with Project.open(folder, database_url=database_url, annotator=name) as project:
            roles[name] = project.identity.role

    threads = [threading.Thread(target=open_as, args=(f"p{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Project.open(folder, database_url=database_url) as project:
        managers = [m.name for m in team.members(project) if m.role is Role.MANAGER]
    assert len(managers) == 1
    assert len(roles) == 4


@pytest.mark.postgres
def test_while_the_server_is_unreachable_edits_fail_clearly_and_resume_after(
    folder: Path, postgres_url: str
) -> None:
    from sqlalchemy.engine import make_url

    from tests.tcp_proxy import TcpProxy

    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        with Project.open(folder, database_url=through, annotator="ana") as project:
            project.database.add_documents([(DocumentDraft(TEXT), "x")], project.now())
            add(project, "ACTOR", 0, 6)
            proxy.stop()  # the network goes away
            with pytest.raises(ConnectionLostError) as caught:
                add(project, "LOCATION", 15, 21)
            assert caught.value.code == "ANN203"
            assert "nothing was saved" in caught.value.message
            with pytest.raises(ConnectionLostError):
                project.ping()
            proxy.start()  # and comes back
            project.ping()
            add(project, "LOCATION", 15, 21)
            assert [s.label for s in project.spans(doc(1))] == ["ACTOR", "LOCATION"]
    finally:
        proxy.stop()
