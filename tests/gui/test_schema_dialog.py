"""Project › Schema…: rename and merge labels through the dialog, the confirmation shows the
counts, and Ctrl+Z in the main window puts schema, file and annotations back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.gui.schema_dialog import SchemaDialog
from annotator.services.project_files import read_project_config
from tests.gui.workspace import drag, focus_text, make_project, make_window, press, spans_in_db

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ARTICLES = [{"title": "One", "text": "Rebels from Brennick shelled Sarn and Vettrin."}]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p", ARTICLES)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, folder: Path) -> MainWindow:
    return make_window(qtbot, tmp_path / "config", folder)


def label_words(qtbot: QtBot, window: MainWindow, words: list[tuple[str, str]]) -> None:
    text = window.current.text
    for word, key in words:
        start = text.index(word)
        drag(qtbot, window, start, start + len(word))
        press(qtbot, window, key)


def open_schema(qtbot: QtBot, window: MainWindow) -> SchemaDialog:
    window.commands.schema_action.trigger()
    dialog = window.findChild(SchemaDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def answer(qtbot: QtBot, dialog: SchemaDialog, value: str) -> None:
    """Fill in the open question (text or choice) and press Enter."""

    def shown() -> list[QInputDialog]:
        return [d for d in dialog.findChildren(QInputDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1)
    question = shown()[0]
    question.setTextValue(value)
    question.accept()


def confirm(qtbot: QtBot, dialog: SchemaDialog) -> str:
    """The text of the confirmation, which is then accepted."""
    qtbot.waitUntil(lambda: dialog.confirmation is not None)
    box = dialog.confirmation
    assert isinstance(box, QMessageBox)
    text = f"{box.text()}\n{box.informativeText()}"
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    return text


def test_rename_then_merge_with_counts_and_undo(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    label_words(
        qtbot, window, [("Brennick", "l"), ("Sarn", "l"), ("Vettrin", "l"), ("Rebels", "a")]
    )
    toml_before = (folder / "project.toml").read_text(encoding="utf-8")
    dialog = open_schema(qtbot, window)
    assert dialog.labels.item(1, 0).text() == "LOCATION"
    assert dialog.labels.item(1, 2).text() == "3"

    dialog.select_label("LOCATION")
    qtbot.mouseClick(dialog.buttons["rename"], Qt.MouseButton.LeftButton)
    answer(qtbot, dialog, "PLACE")
    assert "3 spans relabelled" in confirm(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.labels.item(1, 0).text() == "PLACE")
    assert {s[0] for s in spans_in_db(folder, 1)} == {"PLACE", "ACTOR"}
    assert read_project_config(folder).schema.label("PLACE") is not None
    assert window.palette_dock.model.count("PLACE") == 3
    assert [a.text() for a in window.commands.label_actions][1] == "Label as PLACE"

    dialog.select_label("ACTOR")
    qtbot.mouseClick(dialog.buttons["merge"], Qt.MouseButton.LeftButton)
    answer(qtbot, dialog, "PLACE")
    text = confirm(qtbot, dialog)
    assert "1 span relabelled" in text
    assert "Merge label ACTOR into PLACE" in text
    assert [s[0] for s in spans_in_db(folder, 1)] == ["PLACE"] * 4
    assert read_project_config(folder).schema.label("ACTOR") is None
    assert dialog.labels.rowCount() == 3

    dialog.close()
    focus_text(qtbot, window)
    assert window.commands.undo_action.text() == "&Undo Merge label ACTOR into PLACE"
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert sorted(s[0] for s in spans_in_db(folder, 1)) == ["ACTOR", "PLACE", "PLACE", "PLACE"]
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert sorted(s[0] for s in spans_in_db(folder, 1)) == ["ACTOR"] + ["LOCATION"] * 3
    assert (folder / "project.toml").read_text(encoding="utf-8") == toml_before
    assert window.project.schema.label("LOCATION") is not None
    assert window.palette_dock.model.count("LOCATION") == 3
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)  # redo the rename
    assert read_project_config(folder).schema.label("PLACE") is not None
    assert {s[0] for s in spans_in_db(folder, 1)} == {"PLACE", "ACTOR"}
    # a label key still works after the changes
    label_words(qtbot, window, [("shelled", "l")])
    assert ("PLACE", 21, 28, {}) in spans_in_db(folder, 1)


def test_hotkey_collision_is_refused_and_a_change_without_impact_needs_no_confirmation(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    dialog = open_schema(qtbot, window)
    dialog.select_label("ACTOR")
    qtbot.mouseClick(dialog.buttons["hotkey"], Qt.MouseButton.LeftButton)
    answer(qtbot, dialog, "l")
    (question,) = [d for d in dialog.findChildren(QInputDialog) if d.isVisible()]
    assert "already used by LOCATION" in question.labelText()  # the prompt stays open
    answer(qtbot, dialog, "r")
    assert question.isVisible()
    assert "reserved" in question.labelText()
    assert "already used" not in question.labelText()
    assert dialog.findChild(QMessageBox, "errorMessage") is None
    assert read_project_config(folder).schema.label("ACTOR").hotkey == "a"
    buttons = question.findChild(QDialogButtonBox)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)  # Cancel closes it
    assert not question.isVisible()
    qtbot.mouseClick(dialog.buttons["hotkey"], Qt.MouseButton.LeftButton)
    answer(qtbot, dialog, "r")
    answer(qtbot, dialog, "x")
    assert dialog.confirmation is None
    qtbot.waitUntil(lambda: dialog.labels.item(0, 1).text() == "x")
    assert read_project_config(folder).schema.label("ACTOR").hotkey == "x"
    dialog.close()
    label_words(qtbot, window, [("Rebels", "x")])
    assert spans_in_db(folder, 1)[0][0] == "ACTOR"
    assert QApplication.activeModalWidget() is None


def test_delete_with_relabel_attributes_and_relation_types_through_their_dialogs(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    from annotator.gui.schema_change_dialogs import (
        AttributesDialog,
        DeleteLabelDialog,
        RelationTypeDialog,
    )

    label_words(qtbot, window, [("Brennick", "l"), ("Rebels", "a")])
    dialog = open_schema(qtbot, window)

    dialog.select_label("ACTOR")
    qtbot.mouseClick(dialog.buttons["attributes"], Qt.MouseButton.LeftButton)
    attributes = dialog.findChild(AttributesDialog)
    assert attributes is not None
    attributes.table.item(0, 0).setText("type")  # rename "kind"
    attributes.accept()
    assert read_project_config(folder).schema.label("ACTOR").attribute("type") is not None

    dialog.select_label("LOCATION")
    qtbot.mouseClick(dialog.buttons["delete"], Qt.MouseButton.LeftButton)
    delete = dialog.findChild(DeleteLabelDialog)
    assert delete is not None
    qtbot.mouseClick(delete.relabel, Qt.MouseButton.LeftButton)
    delete.target.setCurrentText("ACTOR")
    delete.accept()
    text = confirm(qtbot, dialog)
    assert "1 span relabelled" in text
    assert sorted(s[0] for s in spans_in_db(folder, 1)) == ["ACTOR", "ACTOR"]
    assert read_project_config(folder).schema.relation_type("LOCATED_IN") is not None

    qtbot.mouseClick(dialog.buttons["add_relation"], Qt.MouseButton.LeftButton)
    relation = dialog.findChild(RelationTypeDialog)
    assert relation is not None
    relation.name.setText("ALLIED_WITH")
    for widget in (relation.sources, relation.targets):
        widget.item(0).setCheckState(Qt.CheckState.Checked)  # ACTOR
    relation.accept()
    schema = read_project_config(folder).schema
    assert schema.relation_type("ALLIED_WITH").source_labels == {"ACTOR"}
    assert dialog.relations.rowCount() == len(schema.relation_types)
