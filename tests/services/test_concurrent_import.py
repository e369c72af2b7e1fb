"""Two members importing the same new texts at the same moment get one document per text, and
the documents each imports reach the other's change feed (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.reports import ImportReport
from annotator.core.team import Role
from annotator.services import team
from annotator.services.importing import ImportProgress, import_paths
from annotator.services.project import Project
from annotator.services.project_files import init_project

TEXTS = [
    "Rebels shelled Aleppo on Monday, officials in Damascus said.",
    "Flooding closed the port of Basra for a second week.",
    "The central bank in Ankara raised its main rate by two points.",
]


@pytest.fixture
def pair(tmp_path: Path, database_url: str) -> Iterator[tuple[Project, Project, Path]]:
    folder = tmp_path / "proj"
    init_project(folder, name="Team")
    ana = Project.open(folder, database_url=database_url, annotator="ana")
    bob = Project.open(folder, database_url=database_url, annotator="bob")
    team.set_role(ana, "bob", Role.MANAGER)  # in a team, adding documents is for managers
    articles = tmp_path / "articles.jsonl"
    articles.write_text("".join(json.dumps({"text": t}) + "\n" for t in TEXTS), encoding="utf-8")
    yield ana, bob, articles
    ana.close()
    bob.close()


def _together(
    pair: tuple[Project, Project, Path], keep_duplicates: bool = False
) -> list[ImportReport]:
    """Both import the file; neither stores a batch before both have checked every article
    against the texts the project held when their import started."""
    ana, bob, articles = pair
    checked = threading.Barrier(2, timeout=30)
    reports: dict[str, ImportReport] = {}
    errors: list[BaseException] = []

    def run(project: Project) -> None:
        def progress(step: ImportProgress) -> None:
            if step.done == len(TEXTS):
                checked.wait()

        try:
            reports[project.annotator] = import_paths(
                project, [articles], keep_duplicates=keep_duplicates, progress=progress
            )
        except BaseException as error:  # raised in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(p,)) for p in (ana, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    if errors:
        raise errors[0]
    return [reports["ana"], reports["bob"]]


def test_the_same_text_imported_at_the_same_moment_is_one_document(
    pair: tuple[Project, Project, Path],
) -> None:
    ana = pair[0]
    first, second = sorted(_together(pair), key=lambda r: -len(r.imported))
    assert len(first.imported) == len(TEXTS)
    assert second.imported == []
    ids = ana.document_ids()
    assert sorted(ids) == sorted(first.imported)
    assert [(s.duplicate_of, s.reason) for s in second.skipped] == [
        (i, f"same text as document {i}") for i in first.imported
    ]
    assert sorted(ana.document(i).text for i in ids) == sorted(TEXTS)  # type: ignore[union-attr]


def test_keep_duplicates_keeps_both(pair: tuple[Project, Project, Path]) -> None:
    reports = _together(pair, keep_duplicates=True)
    assert [len(r.imported) for r in reports] == [len(TEXTS), len(TEXTS)]
    assert len(pair[0].document_ids()) == 2 * len(TEXTS)


def test_an_import_reaches_the_other_members_change_feed(
    pair: tuple[Project, Project, Path],
) -> None:
    ana, bob, articles = pair
    feed = team.ChangeFeed(bob)
    report = import_paths(ana, [articles])
    changes = feed.poll()
    assert sorted(c.document_id for c in changes) == sorted(report.imported)
    assert {(c.annotator, c.own) for c in changes} == {("ana", False)}
    assert {c.own for c in team.ChangeFeed(ana).poll()} <= {True}
