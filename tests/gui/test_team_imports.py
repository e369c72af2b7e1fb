"""Documents another member imports appear in the window's list at the next poll: new rows
inserted, the list not reloaded, the filter respected."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.core.document import DocumentStatus
from annotator.core.team import Role
from annotator.gui.document_list import TITLE
from annotator.gui.main_window import MainWindow
from annotator.services import team
from annotator.services.importing import import_paths
from annotator.services.project import Project
from tests.gui.workspace import make_project, make_window, write_articles

NEW = [
    {"title": "Flooding closes Basra port", "text": "Flooding closed the port of Basra again."},
    {"title": "Ankara raises rates", "text": "The central bank in Ankara raised its main rate."},
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, folder: Path) -> MainWindow:
    made = make_window(qtbot, tmp_path / "config", folder)  # "tester": the first, so manager
    made.team.timer.stop()  # the tests poll by hand
    return made


def _import_as_bob(folder: Path, tmp_path: Path) -> list[int]:
    with Project.open(folder, annotator="tester") as manager:
        team.add_member(manager, "bob", Role.MANAGER)
    with Project.open(folder, annotator="bob") as bob:
        report = import_paths(bob, [write_articles(tmp_path / "new.jsonl", NEW)])
    assert len(report.imported) == len(NEW)
    return list(report.imported)


def test_documents_imported_elsewhere_are_added_without_a_reload(
    qtbot: QtBot, window: MainWindow, folder: Path, tmp_path: Path
) -> None:
    model = window.documents.model
    before = list(model.ids())
    view = window.documents.view
    view.selectRow(0)
    assert model.summary(len(before) - 1) is not None  # the last page is cached
    resets: list[bool] = []
    inserted: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    new_ids = _import_as_bob(folder, tmp_path)
    window.team.poll()
    assert list(model.ids()) == before + new_ids
    assert inserted == [(len(before), len(before) + len(NEW) - 1)]
    assert resets == []
    titles = [model.index(row, TITLE).data() for row in range(len(before), model.rowCount())]
    assert titles == [article["title"] for article in NEW]
    assert view.currentIndex().row() == 0  # the selection stays where it was
    assert "2 new documents from bob" in window.statusBar().currentMessage()
    assert f"1&nbsp;of&nbsp;{len(before) + len(NEW)}" in window.header.meta.text()
    window.team.poll()  # nothing new: nothing added twice
    assert len(model.ids()) == len(before) + len(NEW)


def test_the_list_adds_only_new_documents_its_filter_shows(
    qtbot: QtBot, window: MainWindow, folder: Path, tmp_path: Path
) -> None:
    search = window.documents.search
    qtbot.keyClicks(search, "basra")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    model = window.documents.model
    assert list(model.ids()) == []
    new_ids = _import_as_bob(folder, tmp_path)
    window.team.poll()
    assert list(model.ids()) == new_ids[:1]
    assert model.index(0, TITLE).data() == "Flooding closes Basra port"


def test_a_document_newly_matching_the_filter_is_inserted_in_id_order(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    with Project.open(folder, annotator="tester") as manager:
        team.add_member(manager, "bob", Role.MANAGER)
    with Project.open(folder, annotator="bob") as bob:
        first, _, third = bob.document_ids()[:3]
        bob.set_status(third, DocumentStatus.DONE)
        box = window.documents.status_filter
        box.setCurrentIndex(box.findData(DocumentStatus.DONE.value))
        model = window.documents.model
        assert list(model.ids()) == [third]
        assert model.summary(0) is not None
        bob.set_status(first, DocumentStatus.DONE)  # elsewhere: this list learns by polling
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, start, end: inserted.append((start, end)))
    window.team.poll()
    assert list(model.ids()) == [first, third]
    assert inserted == [(0, 0)]
    assert [model.summary(row).id for row in range(2)] == [first, third]  # type: ignore[union-attr]
