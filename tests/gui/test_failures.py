"""Failures never close the window and never leave half an edit in the database."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.core.edits import RelabelSpan, RemoveSpan
from annotator.core.ids import SpanId
from annotator.gui.errors import CrashHandler
from annotator.gui.main_window import MainWindow
from annotator.services.project import Project
from tests.gui.workspace import make_project, make_window, press, spans_in_db

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, folder: Path) -> MainWindow:
    return make_window(qtbot, tmp_path / "config", folder)


def messages(window: MainWindow) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def make_span(qtbot: QtBot, window: MainWindow, word: str, key: str) -> SpanId:
    text = window.current.text if window.current else ""
    start = text.index(word)
    window.viewer.set_selection_offsets(start, start + len(word))
    press(qtbot, window, key)
    span_id = window.viewer.selected_span_id()
    assert span_id
    return SpanId(span_id)


def test_deleting_a_span_deleted_elsewhere(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    span_id = make_span(qtbot, window, "army", "a")
    kept = make_span(qtbot, window, "Brennick", "l")
    with Project.open(folder) as other:
        other.apply(RemoveSpan(span_id))
    before = spans_in_db(folder, 1)
    stack = window.stacks.group.activeStack()
    count = stack.count()

    window.viewer.select_span(span_id)
    press(qtbot, window, Qt.Key.Key_Delete)

    assert window.isVisible()
    assert spans_in_db(folder, 1) == before
    assert stack.count() == count  # the failed edit was not recorded
    assert "Delete span failed" in window.statusBar().currentMessage()
    (box,) = messages(window)
    assert "no longer exists" in box.text()
    assert "reloaded" in box.text()
    box.close()
    # the window now shows what the database holds, and keeps working
    assert window.current is not None
    assert list(window.current.spans) == [kept]
    assert window.spans.model.rowCount() == 1
    make_span(qtbot, window, "Tuesday", "c")
    assert len(spans_in_db(folder, 1)) == 2


def test_undo_after_someone_else_changed_the_span(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    span_id = make_span(qtbot, window, "army", "a")
    with Project.open(folder) as other:
        other.apply(RelabelSpan(span_id, "LOCATION"))
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert spans_in_db(folder, 1) == [("LOCATION", *spans_in_db(folder, 1)[0][1:])]
    assert window.isVisible()
    assert not window.commands.undo_action.isEnabled()  # the stale step was dropped
    (box,) = messages(window)
    assert "changed by someone else" in box.text()
    box.close()
    assert window.current is not None
    assert [s.label for s in window.current.spans.values()] == ["LOCATION"]


def test_an_invalid_edit_is_a_status_message(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    make_span(qtbot, window, "army", "a")
    text = window.current.text if window.current else ""
    start = text.index("army")
    window.viewer.set_selection_offsets(start, start + 4)
    press(qtbot, window, "a")  # the same span again
    assert len(spans_in_db(folder, 1)) == 1
    assert "ACTOR span already covers" in window.statusBar().currentMessage()
    assert messages(window) == []


@pytest.mark.qt_no_exception_capture
def test_unexpected_errors_show_a_dialog_and_keep_the_window(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log_file = tmp_path / "annotator.log"
    handler = CrashHandler(log_file, lambda: window)
    handler.install()
    try:

        def broken() -> None:
            raise RuntimeError("boom in a slot")

        with caplog.at_level(logging.ERROR, logger="annotator.gui"):
            QTimer.singleShot(0, broken)
            qtbot.waitUntil(lambda: handler.count == 1)
    finally:
        handler.uninstall()
    assert window.isVisible()
    (box,) = messages(window)
    assert str(log_file) in box.text()
    assert "boom in a slot" in box.text()
    assert "Traceback" in box.detailedText()
    assert any(r.exc_info and "boom in a slot" in str(r.exc_info[1]) for r in caplog.records)
    box.close()
