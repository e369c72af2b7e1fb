"""Annotate all occurrences in the window: a real key press opens the dialog, the review is
done with keys, Enter applies, and Ctrl+Z / Ctrl+Shift+Z undo and redo all of it at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.core.occurrences import MatchMode
from annotator.gui.annotate_all_dialog import AnnotateAllDialog
from annotator.gui.main_window import MainWindow
from tests.gui.workspace import drag, focus_text, make_project, make_window, press, spans_in_db

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ARTICLES = [
    {"title": "One", "text": "Shelling in Brennick. Brennick's mayor fled Brennick."},
    {"title": "Two", "text": "Aid reached Brennick on Friday."},
    {"title": "Three", "text": "Nothing about it here."},
    {"title": "Four", "text": "BRENNICK and brennick, said Brennick radio."},
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p", ARTICLES)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, folder: Path) -> MainWindow:
    return make_window(qtbot, tmp_path / "config", folder)


def open_dialog(qtbot: QtBot, window: MainWindow) -> AnnotateAllDialog:
    press(qtbot, window, Qt.Key.Key_A, CTRL | SHIFT)
    dialog = window.findChild(AnnotateAllDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def key(qtbot: QtBot, dialog: AnnotateAllDialog, which: Qt.Key | str, modifier=None) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(dialog.table, which, modifier or Qt.KeyboardModifier.NoModifier)


def test_review_from_the_keyboard_apply_and_undo_redo_as_one_step(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    text = window.current.text
    drag(qtbot, window, text.index("Brennick") + 1, text.index("Brennick") + 4)
    dialog = open_dialog(qtbot, window)
    assert dialog.query_edit.text() == "ren"  # the selection, as selected
    dialog.query_edit.setText("Brennick")
    qtbot.mouseClick(dialog.scope_project, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
    hits = [(h.document_title, h.start) for h in dialog.model.hits]
    # whole words, case-sensitive: "Brennick's" is one word, BRENNICK and brennick differ
    assert hits == [("One", 12), ("One", 44), ("Two", 12), ("Four", 28)]
    assert dialog.model.accepted == [True] * 4
    qtbot.waitUntil(dialog.table.hasFocus)
    key(qtbot, dialog, Qt.Key.Key_N)  # reject One@12, move on
    key(qtbot, dialog, Qt.Key.Key_Down)
    key(qtbot, dialog, Qt.Key.Key_Delete)  # reject Two@12
    assert dialog.model.accepted == [False, True, False, True]
    key(qtbot, dialog, Qt.Key.Key_Up)
    key(qtbot, dialog, Qt.Key.Key_Up)
    key(qtbot, dialog, Qt.Key.Key_Up)
    key(qtbot, dialog, Qt.Key.Key_Y)  # accept One@12 again
    assert dialog.model.accepted == [True, True, False, True]
    assert "3 accepted, 1 rejected" in dialog.summary.text()
    key(qtbot, dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert [s[:3] for s in spans_in_db(folder, 1)] == [("ACTOR", 12, 20), ("ACTOR", 44, 52)]
    assert spans_in_db(folder, 2) == []
    assert [s[:3] for s in spans_in_db(folder, 4)] == [("ACTOR", 28, 36)]
    assert len(window.current.spans) == 2  # the open document shows its new spans

    focus_text(qtbot, window)
    assert window.commands.undo_action.text().startswith("&Undo Annotate 3")
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert spans_in_db(folder, 1) == []
    assert spans_in_db(folder, 4) == []
    assert window.current.spans == {}
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert len(spans_in_db(folder, 1)) == 2
    assert len(spans_in_db(folder, 4)) == 1


def test_from_the_selected_span_ctrl_a_accepts_all_and_regex_errors_show(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    text = window.current.text
    drag(qtbot, window, text.index("Brennick"), text.index("Brennick") + 8)
    press(qtbot, window, "l")  # a LOCATION span, selected
    assert window.labelling.selected_span() is not None
    dialog = open_dialog(qtbot, window)
    assert dialog.query_edit.text() == "Brennick"
    assert dialog.label() == "LOCATION"
    # this document only, the labelled one skipped
    assert [h.start for h in dialog.model.hits] == [44]
    dialog.mode_buttons[dialog.query().mode.REGEX].setChecked(True)
    dialog.query_edit.setText("(Bren")
    assert not dialog.run_search()
    assert "ANN261" in dialog.summary.text()
    dialog.mode_buttons[dialog.query().mode.EXACT].setChecked(True)
    dialog.ignore_case.setChecked(True)
    dialog.query_edit.setText("brennick")
    qtbot.mouseClick(dialog.scope_project, Qt.MouseButton.LeftButton)
    assert dialog.run_search()
    assert len(dialog.model.hits) == 6
    key(qtbot, dialog, Qt.Key.Key_N)
    key(qtbot, dialog, Qt.Key.Key_A, CTRL)
    assert all(dialog.model.accepted)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert len(spans_in_db(folder, 4)) == 3
    assert len(spans_in_db(folder, 1)) == 3
    assert QApplication.activeModalWidget() is None


def test_casualty_figures_labelled_all_at_once_are_prefilled(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(
        tmp_path / "c",
        [
            {"title": "A", "text": "At least seven people were killed in Brennick."},
            {"title": "B", "text": "Officials said at least seven were wounded."},
        ],
    )
    window = make_window(qtbot, tmp_path / "config", folder)
    dialog = open_dialog(qtbot, window)
    dialog.query_edit.setText("at least seven")
    dialog.ignore_case.setChecked(True)
    dialog.scope_project.setChecked(True)
    dialog.label_combo.setCurrentText("CASUALTY_FIGURE")
    assert dialog.run_search()
    assert len(dialog.model.hits) == 2
    key(qtbot, dialog, Qt.Key.Key_Enter)
    assert spans_in_db(folder, 1) == [
        ("CASUALTY_FIGURE", 0, 14, {"count": 7, "qualifier": "at least", "outcome": "killed"})
    ]
    assert spans_in_db(folder, 2)[0][3]["outcome"] == "injured"


def test_label_as_starts_with_the_selected_span_or_the_last_label_used(
    qtbot: QtBot, window: MainWindow
) -> None:
    text = window.current.text  # "Shelling in Brennick. Brennick's mayor fled Brennick."
    drag(qtbot, window, text.index("Brennick. "), text.index("Brennick. ") + 8)
    press(qtbot, window, "l")
    drag(qtbot, window, 0, text.index("."))
    press(qtbot, window, "c")  # a CLAIM over "Shelling in Brennick", the last label used
    drag(qtbot, window, text.index("Brennick"), text.index("Brennick") + 8)  # inside the CLAIM
    dialog = open_dialog(qtbot, window)
    assert dialog.query_edit.text() == "Brennick"
    assert dialog.label() == "CLAIM"
    assert dialog.mode_buttons.keys() == {MatchMode.WHOLE_WORD, MatchMode.EXACT, MatchMode.REGEX}
    assert "2 hits in 1 document:" in dialog.summary.text()
    qtbot.mouseClick(dialog.scope_project, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
    assert "4 hits in 3 documents (4 searched)" in dialog.summary.text()
    dialog.label_combo.setCurrentText("ACTOR")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.labelling.last_label == "ACTOR"

    focus_text(qtbot, window)
    location = next(s for s in window.current.spans.values() if s.label == "LOCATION")
    window.viewer.select_span(int(location.id))
    dialog = open_dialog(qtbot, window)
    assert dialog.label() == "LOCATION"  # the selected span's label
