"""The attribute form: one SetAttribute edit per change, made through the real widgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from annotator.gui.attribute_form import OptionalSpinBox
from annotator.gui.main_window import MainWindow
from tests.gui.workspace import ALL_TYPES_SCHEMA, make_project, make_window, press, spans_in_db

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p", schema_toml=ALL_TYPES_SCHEMA)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, folder: Path) -> MainWindow:
    window = make_window(qtbot, tmp_path / "config", folder)
    window.viewer.set_selection_offsets(0, 8)  # "At least"
    press(qtbot, window, "e")
    assert window.attributes.form.span is not None
    return window


def attributes(folder: Path) -> dict[str, object]:
    ((_label, _start, _end, found),) = spans_in_db(folder, 1)
    return found


def test_form_has_one_editor_per_attribute(window: MainWindow) -> None:
    form = window.attributes.form
    assert isinstance(form.editor("kind"), QComboBox)
    assert isinstance(form.editor("deaths"), QSpinBox)
    assert isinstance(form.editor("note"), QLineEdit)
    assert isinstance(form.editor("confirmed"), QCheckBox)
    assert "EVENT" in form.title.text()


def test_choice(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    combo = window.attributes.form.editor("kind")
    assert isinstance(combo, QComboBox)
    assert combo.currentText() == ""
    combo.setCurrentIndex(combo.findText("protest"))
    assert attributes(folder) == {"kind": "protest"}
    assert window.statusBar().currentMessage() == "Saved: Set kind"
    assert window.spans.model.index(0, 2).data() == "kind=protest"
    combo.setCurrentIndex(0)  # the empty entry removes it
    assert attributes(folder) == {}


def test_integer_with_keyboard_and_not_set(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    spin = window.attributes.form.editor("deaths")
    assert isinstance(spin, OptionalSpinBox)
    assert spin.text() == "not set"
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "17")
    assert attributes(folder) == {}  # keyboard tracking off: nothing until Enter
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert attributes(folder) == {"deaths": 17}
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert attributes(folder) == {"deaths": 18}
    spin.set_optional_value(None)  # what the clear button does
    assert attributes(folder) == {}
    spin.stepBy(1)  # the first step from "not set" lands on 0
    assert attributes(folder) == {"deaths": 0}


def test_text_commits_on_editing_finished(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    line = window.attributes.form.editor("note")
    assert isinstance(line, QLineEdit)
    line.setFocus()
    qtbot.keyClicks(line, "eyewitness")
    assert attributes(folder) == {}
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert attributes(folder) == {"note": "eyewitness"}
    qtbot.keyClick(line, Qt.Key.Key_Return)  # no change: no second edit
    assert window.stacks.group.activeStack().count() == 2  # add span, set note


def test_flag(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    check = window.attributes.form.editor("confirmed")
    assert isinstance(check, QCheckBox)
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=check.rect().center())
    assert attributes(folder) == {"confirmed": True}
    check.setChecked(False)
    assert attributes(folder) == {}


def test_undo_of_an_attribute_updates_the_form(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    combo = window.attributes.form.editor("kind")
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findText("attack"))
    combo.setCurrentIndex(combo.findText("protest"))
    assert window.commands.undo_action.text() == "&Undo Set kind"
    window.commands.undo_action.trigger()
    assert attributes(folder) == {"kind": "attack"}
    assert combo.currentText() == "attack"
    window.commands.undo_action.trigger()
    assert attributes(folder) == {}
    assert combo.currentText() == ""
    window.commands.redo_action.trigger()
    window.commands.redo_action.trigger()
    assert attributes(folder) == {"kind": "protest"}
    assert combo.currentText() == "protest"


def test_selecting_spans_switches_the_form(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    text = window.current.text if window.current else ""
    start = text.index("Brennick")
    window.viewer.set_selection_offsets(start, start + 8)
    press(qtbot, window, "p")
    form = window.attributes.form
    assert form.span is not None
    assert form.span.label == "PLACE"
    assert "no attributes" in form.findChildren(type(form.title))[-1].text()
    first = window.spans.model.span_at(0)
    assert first is not None
    assert first.label == "EVENT"
    view = window.spans.view
    rect = view.visualRect(window.spans.model.index(0, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert form.span is not None
    assert form.span.id == first.id
    assert window.viewer.selected_span_id() == first.id
    assert isinstance(form.editor("kind"), QComboBox)
