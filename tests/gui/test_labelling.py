"""Labelling with the mouse and keyboard: every span checked in the database afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from tests.gui.workspace import (
    ARTICLES,
    drag,
    make_project,
    make_window,
    point_at,
    press,
    spans_in_db,
)

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, folder: Path) -> MainWindow:
    return make_window(qtbot, tmp_path / "config", folder)


def text_of(window: MainWindow) -> str:
    assert window.current is not None
    return window.current.text


def test_opens_first_document(window: MainWindow) -> None:
    assert window.current is not None
    assert window.current.id == 1
    assert window.header.title.text() == ARTICLES[0]["title"]
    assert "Meridian Wire" in window.header.meta_text()
    assert "https://example.org/a1" in window.header.meta_text()


def test_drag_and_hotkey_creates_a_snapped_span(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    text = text_of(window)
    start = text.index("Brennick")
    drag(qtbot, window, start + 2, start + 5)  # a piece of the word: snaps to all of it
    assert window.viewer.selection_offsets() == (start + 2, start + 5)
    press(qtbot, window, "l")
    assert spans_in_db(folder, 1) == [("LOCATION", start, start + len("Brennick"), {})]
    assert window.statusBar().currentMessage() == "Saved: Add LOCATION span"
    assert window.palette_dock.model.count("LOCATION") == 1
    assert window.spans.model.rowCount() == 1
    span = window.current.spans if window.current else {}
    assert [s.annotator for s in span.values()] == ["tester"]


def test_drag_after_emoji_and_flag_stores_the_characters_seen(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    window.open_document(2)  # type: ignore[arg-type]
    text = text_of(window)
    start = text.index("Mence")
    drag(qtbot, window, start, start + len("Mence"))
    assert window.viewer.selection_offsets() == (start, start + 5)
    press(qtbot, window, "a")
    assert spans_in_db(folder, 2) == [("ACTOR", start, start + 5, {})]
    assert text[start : start + 5] == "Mence"
    # across the non-breaking space: "said\u00a0twelve" is two words joined by NBSP
    twelve = text.index("twelve")
    drag(qtbot, window, twelve, twelve + len("twelve"))
    press(qtbot, window, "f")
    stored = [s for s in spans_in_db(folder, 2) if s[0] == "CASUALTY_FIGURE"]
    prefilled = {"count": 12, "qualifier": "exact", "outcome": "injured"}  # "twelve were hurt"
    assert stored == [("CASUALTY_FIGURE", twelve, twelve + 6, prefilled)]


def test_double_click_and_hotkey(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    text = text_of(window)
    start = text.index("army")
    qtbot.mouseDClick(
        window.viewer.viewport(), Qt.MouseButton.LeftButton, pos=point_at(window, start + 1)
    )
    assert window.viewer.selection_offsets() == (start, start + 4)
    press(qtbot, window, "a")
    assert spans_in_db(folder, 1) == [("ACTOR", start, start + 4, {})]


def test_palette_click_applies_the_label(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    text = text_of(window)
    start = text.index("Tuesday")
    window.viewer.set_selection_offsets(start, start + 7)
    view = window.palette_dock.view
    row = [label.name for label in window.project.schema.labels].index("CLAIM")  # type: ignore[union-attr]
    rect = view.visualRect(window.palette_dock.model.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert spans_in_db(folder, 1) == [("CLAIM", start, start + 7, {})]
    assert window.palette_dock.model.count("CLAIM") == 1


def test_relabel_delete_and_keys_only_touch_the_selected_span(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    text = text_of(window)
    start = text.index("Kell")
    drag(qtbot, window, start, start + len("Kell Valley Defence Front"))
    press(qtbot, window, "l")
    (span_id,) = window.current.spans if window.current else {}
    assert window.viewer.selected_span_id() == span_id  # the new span is selected
    press(qtbot, window, "a")  # another label's key relabels it
    assert spans_in_db(folder, 1) == [("ACTOR", start, start + 25, {})]
    assert window.palette_dock.model.count("LOCATION") == 0
    assert window.palette_dock.model.count("ACTOR") == 1
    press(qtbot, window, Qt.Key.Key_Delete)
    assert spans_in_db(folder, 1) == []
    assert window.spans.model.rowCount() == 0
    assert window.attributes.form.span is None


def test_overlapping_spans(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    text = text_of(window)
    start = text.index("Kell")
    window.viewer.set_selection_offsets(start, start + len("Kell Valley Defence Front"))
    press(qtbot, window, "a")
    window.viewer.set_selection_offsets(start, start + len("Kell Valley"))
    press(qtbot, window, "l")
    assert sorted(spans_in_db(folder, 1)) == [
        ("ACTOR", start, start + 25, {}),
        ("LOCATION", start, start + 11, {}),
    ]


def test_keys_move_the_edges_by_word_and_character(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    text = text_of(window)
    start = text.index("Valley")
    window.viewer.set_selection_offsets(start, start + len("Valley"))
    press(qtbot, window, "l")
    kell = text.index("Kell")
    press(qtbot, window, Qt.Key.Key_Left, ALT)  # start one word left
    assert spans_in_db(folder, 1) == [("LOCATION", kell, start + 6, {})]
    press(qtbot, window, Qt.Key.Key_Right, ALT | SHIFT)  # end one word right
    assert spans_in_db(folder, 1) == [("LOCATION", kell, start + 14, {})]
    press(qtbot, window, Qt.Key.Key_Left, CTRL | ALT | SHIFT)  # end one character left
    assert spans_in_db(folder, 1) == [("LOCATION", kell, start + 13, {})]
    press(qtbot, window, Qt.Key.Key_Right, CTRL | ALT)  # start one character right
    assert spans_in_db(folder, 1) == [("LOCATION", kell + 1, start + 13, {})]
    assert window.spans.model.rowCount() == 1


def test_undo_and_redo_round_trip(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    text = text_of(window)
    start = text.index("army")
    window.viewer.set_selection_offsets(start, start + 4)
    press(qtbot, window, "a")
    added = [("ACTOR", start, start + 4, {})]
    assert spans_in_db(folder, 1) == added
    press(qtbot, window, "l")  # relabel
    relabelled = [("LOCATION", start, start + 4, {})]
    assert spans_in_db(folder, 1) == relabelled
    assert window.commands.undo_action.text() == "&Undo Relabel span as LOCATION"
    assert window.commands.undo_action.isEnabled()

    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert spans_in_db(folder, 1) == added
    assert window.statusBar().currentMessage() == "Saved: Undo Relabel span as LOCATION"
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert spans_in_db(folder, 1) == []
    assert window.spans.model.rowCount() == 0
    assert not window.commands.undo_action.isEnabled()

    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert spans_in_db(folder, 1) == added
    press(qtbot, window, Qt.Key.Key_Y, CTRL)
    assert spans_in_db(folder, 1) == relabelled
    assert window.palette_dock.model.count("LOCATION") == 1
    assert window.palette_dock.model.count("ACTOR") == 0
    assert not window.commands.redo_action.isEnabled()

    # delete and undo brings the same span (same id) back
    (span_id,) = window.current.spans if window.current else {}
    window.viewer.select_span(span_id)
    press(qtbot, window, Qt.Key.Key_Delete)
    assert spans_in_db(folder, 1) == []
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert spans_in_db(folder, 1) == relabelled
    assert list(window.current.spans) == [span_id]  # type: ignore[union-attr]


def test_one_undo_stack_per_document(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    text = text_of(window)
    window.viewer.set_selection_offsets(0, 8)
    press(qtbot, window, "f")
    press(qtbot, window, Qt.Key.Key_Down, ALT)  # next document
    assert window.current is not None
    assert window.current.id == 2
    assert not window.commands.undo_action.isEnabled()
    press(qtbot, window, Qt.Key.Key_Up, ALT)
    assert window.commands.undo_action.isEnabled()
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert spans_in_db(folder, 1) == []
    assert text.startswith("At least")


def test_character_precision_keeps_the_selected_characters(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    text = text_of(window)
    start = text.index("Brennick")
    window.commands.precision_action.trigger()
    assert window.settings.character_precision
    window.viewer.set_selection_offsets(start + 2, start + 5)
    press(qtbot, window, "l")
    assert spans_in_db(folder, 1) == [("LOCATION", start + 2, start + 5, {})]


def test_whitespace_only_selection_makes_nothing(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    text = text_of(window)
    gap = text.index("\n\n")
    window.viewer.set_selection_offsets(gap, gap + 2)
    press(qtbot, window, "l")
    assert spans_in_db(folder, 1) == []
    assert "whitespace" in window.statusBar().currentMessage()


def test_label_keys_type_into_the_search_box(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    window.viewer.set_selection_offsets(0, 8)
    search = window.documents.search
    search.setFocus()
    qtbot.keyClicks(search, "la")
    assert search.text() == "la"
    assert spans_in_db(folder, 1) == []


def test_keys_work_from_the_span_list(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    text = text_of(window)
    start = text.index("army")
    window.viewer.set_selection_offsets(start, start + 4)
    press(qtbot, window, "a")
    view = window.spans.view
    rect = view.visualRect(window.spans.model.index(0, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.hasFocus()
    qtbot.keyClick(view, "l")  # relabel from the list
    assert spans_in_db(folder, 1) == [("LOCATION", start, start + 4, {})]
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert spans_in_db(folder, 1) == []


def test_next_document_from_the_list_gives_the_text_the_keyboard(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.documents.view.setFocus()
    qtbot.keyClick(window.documents.view, Qt.Key.Key_Down, ALT)
    assert window.current is not None
    assert window.current.id == 2
    assert window.viewer.hasFocus()


def test_resizing_keeps_the_resized_span_selected(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    text = text_of(window)
    seven = text.index("seven")
    brennick = text.index("Brennick")
    window.viewer.set_selection_offsets(seven, seven + len("seven people"))
    press(qtbot, window, "f")
    window.viewer.set_selection_offsets(brennick, brennick + len("Brennick"))
    press(qtbot, window, "l")
    press(qtbot, window, Qt.Key.Key_Right, ALT | SHIFT)  # "Brennick on"
    selected = window.labelling.selected_span()
    assert selected is not None
    assert (selected.start, selected.end) == (brennick, brennick + len("Brennick on"))
    assert window.attributes.form.span is not None
    assert window.attributes.form.span.id == selected.id
    row = window.spans.view.currentIndex().row()
    assert window.spans.model.span_at(row) == selected
    press(qtbot, window, Qt.Key.Key_Left, ALT | SHIFT)  # back to "Brennick", not the figure
    assert [span[:3] for span in sorted(spans_in_db(folder, 1))] == [
        ("CASUALTY_FIGURE", seven, seven + len("seven people")),
        ("LOCATION", brennick, brennick + len("Brennick")),
    ]
    for _word in range(6):  # the start moves left past the figure's: the row moves up
        press(qtbot, window, Qt.Key.Key_Left, ALT)
    selected = window.labelling.selected_span()
    assert selected is not None
    assert selected.label == "LOCATION"
    assert selected.start < seven
    assert window.spans.model.span_at(window.spans.view.currentIndex().row()) == selected
    assert window.attributes.form.span is not None
    assert window.attributes.form.span.id == selected.id
