"""The guidelines dock renders guidelines.md and finds text in it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.services.resources import sample_project_dir
from tests.gui.workspace import make_project, make_window


def test_guidelines_render_and_find(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(tmp_path / "p")
    (folder / "guidelines.md").write_text(
        (sample_project_dir() / "guidelines.md").read_text("utf-8"), "utf-8"
    )
    window = make_window(qtbot, tmp_path / "config", folder)
    dock = window.guidelines
    assert "Annotation guidelines" in dock.browser.toPlainText()
    assert "#" not in dock.browser.toPlainText().splitlines()[0]  # rendered, not raw markdown

    window.commands.guidelines_action.trigger()  # F1: shows the dock and focuses the find box
    assert dock.isVisible()
    qtbot.waitUntil(dock.find_box.hasFocus)
    qtbot.keyClicks(dock.find_box, "casualty")
    hits = dock.hit_count()
    assert hits > 3
    assert len(dock.browser.extraSelections()) == hits
    assert dock.hits_label.text() == f"1 of {hits}"
    first = dock.browser.textCursor().selectionStart()
    qtbot.keyClick(dock.find_box, Qt.Key.Key_Return)
    assert dock.hits_label.text() == f"2 of {hits}"
    assert dock.browser.textCursor().selectionStart() > first
    dock.find_previous()
    dock.find_previous()
    assert dock.hits_label.text() == f"{hits} of {hits}"  # wraps around
    dock.browser.setFocus()
    qtbot.keyClick(dock.browser, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert dock.find_box.hasFocus()
    dock.find_box.setText("no such words anywhere")
    assert dock.hit_count() == 0
    assert dock.hits_label.text() == "no match"


def test_a_project_without_guidelines(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(tmp_path / "p")
    (folder / "guidelines.md").unlink()
    window = make_window(qtbot, tmp_path / "config", folder)
    assert "no `guidelines.md`" not in window.guidelines.browser.toPlainText()
    assert "no guidelines.md" in window.guidelines.browser.toPlainText()
