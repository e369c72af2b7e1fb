"""Rejected ("keep nothing") and undecided disagreements look different in the curation
table (glyph, font and colour), the legend says which is which, and a rejection is still shown
when the curation view opens again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableWidgetItem
from pytestqt.qtbot import QtBot

from annotator.gui.curation import CurationDialog
from annotator.gui.main_window import MainWindow
from tests.gui.test_curation import CTRL, SHIFT, annotate, curated
from tests.gui.workspace import make_project, make_window, press


def open_curation(qtbot: QtBot, window: MainWindow) -> CurationDialog:
    press(qtbot, window, Qt.Key.Key_C, CTRL | SHIFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CurationDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, CurationDialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.table.setFocus()
    qtbot.waitUntil(dialog.table.hasFocus)
    return dialog


def look(item: QTableWidgetItem) -> tuple[str, bool, bool, bool, str]:
    font = item.font()
    return (
        item.text(),
        font.bold(),
        font.italic(),
        font.strikeOut(),
        item.foreground().color().name(),
    )


def test_rejected_and_undecided_look_different(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(tmp_path / "proj")
    annotate(folder)  # three disagreements, nothing curated yet
    window = make_window(qtbot, tmp_path / "config", folder)
    dialog = open_curation(qtbot, window)
    table = dialog.table
    last = table.columnCount() - 1
    assert [table.item(row, last).text() for row in range(3)] == ["—", "—", "—"]
    assert table.item(0, last).toolTip().startswith("Undecided")

    qtbot.keyClick(table, Qt.Key.Key_0)  # keep nothing of the casualty figure
    assert not any(label == "CASUALTY_FIGURE" for label, _ in curated(folder))
    rejected, undecided = table.item(0, last), table.item(1, last)
    assert rejected.text() == "✗ nothing kept"
    assert rejected.toolTip().startswith("Rejected")
    assert undecided.text() == "—"
    assert look(rejected)[1:4] != look(undecided)[1:4]  # not by colour alone
    assert look(rejected)[4] != look(undecided)[4]
    assert all(table.item(0, column).font().strikeOut() for column in (1, 2))
    assert not any(table.item(1, column).font().strikeOut() for column in (1, 2))

    table.setCurrentCell(1, 0)
    qtbot.keyClick(table, Qt.Key.Key_2)  # keep bob's version of the second
    kept = table.item(1, last)
    assert kept.text() == "✓ bob"
    assert kept.toolTip() == "Kept: the version of bob"
    colours = {look(table.item(row, last))[4] for row in range(3)}  # kept, rejected, undecided
    assert len(colours) == 3
    assert table.item(1, 2).font().bold()
    assert not table.item(1, 2).font().strikeOut()
    assert table.item(1, 1).font().strikeOut()  # ana's version was not kept

    legends = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("✗ nothing kept (rejected)" in text and "— undecided" in text for text in legends)

    dialog.close()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    window.commands.curate_action.trigger()
    again = QApplication.activeModalWidget()
    assert isinstance(again, CurationDialog)
    assert again.table.item(0, last).text() == "✗ nothing kept"  # remembered
    assert again.table.item(2, last).text() == "—"
