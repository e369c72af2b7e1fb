"""In a team, the window refuses an article import by someone who is not a manager, saying
why, before any file is read; the manager's import goes through."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.core.team import Role
from annotator.services import team
from annotator.services.project import Project
from tests.gui.test_projects import drop
from tests.gui.workspace import ARTICLES, make_project, make_window, write_articles


def test_an_annotator_cannot_import_articles_into_a_team_project(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = make_project(tmp_path / "p", ARTICLES[:2])
    with Project.open(folder, annotator="ana") as manager:
        team.add_member(manager, "bob", Role.ANNOTATOR)
    window = make_window(qtbot, tmp_path / "config", folder, annotator="bob")
    window.importer.show_report = False
    source = write_articles(tmp_path / "more.jsonl", ARTICLES[2:])

    drop(window, [source])
    qtbot.waitUntil(lambda: bool(refusals(window)), timeout=5_000)
    assert not window.importer.running
    (box,) = refusals(window)
    assert box.windowTitle() == "Cannot import articles"
    assert "bob (annotator) may not add documents; only a manager may" in box.text()
    assert "Import refused" in window.statusBar().currentMessage()
    box.close()
    assert window.documents.model.rowCount() == 2

    window.set_annotator("ana")  # the manager
    with qtbot.waitSignal(window.importer.finished, timeout=30_000):
        assert window.import_paths([source])
    assert window.documents.model.rowCount() == 4
    assert not refusals(window)


def refusals(window: object) -> list[QMessageBox]:
    assert hasattr(window, "findChildren")
    return [b for b in window.findChildren(QMessageBox, "errorMessage") if b.isVisible()]
