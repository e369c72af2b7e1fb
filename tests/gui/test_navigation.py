"""Moving between documents, marking them done, filtering and searching the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.core.document import DocumentStatus
from annotator.core.ids import DocumentId
from annotator.gui.document_list import SPANS, STATUS
from annotator.gui.main_window import MainWindow
from annotator.services.project import Project
from tests.gui.workspace import make_project, make_window, press

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, folder: Path) -> MainWindow:
    return make_window(qtbot, tmp_path / "config", folder)


def open_id(window: MainWindow) -> int | None:
    return int(window.current.id) if window.current else None


def statuses(folder: Path) -> dict[int, DocumentStatus]:
    with Project.open(folder) as project:
        return {int(s.id): s.status for s in project.page(limit=100)}


def test_next_and_previous_document(qtbot: QtBot, window: MainWindow) -> None:
    assert open_id(window) == 1
    press(qtbot, window, Qt.Key.Key_Down, ALT)
    assert open_id(window) == 2
    press(qtbot, window, Qt.Key.Key_PageDown, CTRL)
    assert open_id(window) == 3
    press(qtbot, window, Qt.Key.Key_Up, ALT)
    assert open_id(window) == 2
    assert window.documents.view.currentIndex().row() == 1
    assert "2 of 4" in window.header.meta_text()
    window.commands.next_action.trigger()
    window.commands.next_action.trigger()
    window.commands.next_action.trigger()  # past the end: stays on the last one
    assert open_id(window) == 4


def test_clicking_a_row_opens_its_document(qtbot: QtBot, window: MainWindow) -> None:
    view = window.documents.view
    rect = view.visualRect(window.documents.model.index(2, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert open_id(window) == 3


def test_mark_done_moves_to_the_next_unfinished(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    with Project.open(folder) as other:
        other.set_status(DocumentId(2), DocumentStatus.DONE)
    assert window.progress_label.text() == "Done 0 / 4 (0%)"  # read before the change
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    assert statuses(folder)[1] is DocumentStatus.DONE
    assert open_id(window) == 3  # 2 is done already
    assert window.progress_label.text() == "Done 2 / 4 (50%)"
    assert window.documents.model.index(0, STATUS).data() == "Done"
    press(qtbot, window, Qt.Key.Key_Enter, CTRL)
    assert open_id(window) == 4
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    assert open_id(window) == 4  # nothing left
    assert window.statusBar().currentMessage() == "Every document is done."
    assert set(statuses(folder).values()) == {DocumentStatus.DONE}
    window.commands.reopen_action.trigger()
    assert statuses(folder)[4] is DocumentStatus.IN_PROGRESS
    window.open_document(DocumentId(1))
    press(qtbot, window, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert open_id(window) == 4  # next unfinished wraps around


def test_a_span_updates_the_list_row_and_starts_the_document(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    model = window.documents.model
    assert model.index(0, STATUS).data() == "New"
    queries = model.queries
    window.viewer.set_selection_offsets(0, 8)
    press(qtbot, window, "f")
    assert model.index(0, SPANS).data() == 1
    assert model.index(0, STATUS).data() == "In progress"
    assert model.queries == queries + 1  # one row fetched again, not the page
    assert "In progress" in window.header.meta_text()
    assert statuses(folder)[1] is DocumentStatus.IN_PROGRESS


def test_filter_by_status_and_search_titles(qtbot: QtBot, window: MainWindow) -> None:
    window.mark_done_and_next()
    dock = window.documents
    dock.status_filter.setCurrentIndex(dock.status_filter.findText("Done"))
    assert dock.model.rowCount() == 1
    assert dock.model.document_id(0) == 1
    dock.status_filter.setCurrentIndex(dock.status_filter.findText("New"))
    assert dock.model.rowCount() == 3
    dock.status_filter.setCurrentIndex(0)
    qtbot.keyClicks(dock.search, "TRUCE")
    qtbot.keyClick(dock.search, Qt.Key.Key_Return)
    assert dock.model.rowCount() == 1
    assert dock.model.index(0, 0).data() == "Truce talks resume"
    dock.search.clear()
    qtbot.waitUntil(lambda: dock.model.rowCount() == 4)
    assert dock.view.currentIndex().row() == 1  # the open document is still marked
