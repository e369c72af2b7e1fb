"""A new CASUALTY_FIGURE span gets count, qualifier and outcome read from its text, in the same
undo step as the span itself."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from annotator.gui.attribute_form import OptionalSpinBox
from annotator.gui.labelling import prefilled_attributes
from annotator.services.project import Project
from tests.gui.workspace import (
    ALL_TYPES_SCHEMA,
    drag,
    make_project,
    make_window,
    press,
    spans_in_db,
)

CTRL = Qt.KeyboardModifier.ControlModifier


def test_prefill_on_creation_and_one_undo(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(tmp_path / "p")
    window = make_window(qtbot, tmp_path / "config", folder)
    drag(qtbot, window, 0, len("At least seven"))
    press(qtbot, window, "f")
    expected = {"count": 7, "qualifier": "at least", "outcome": "killed"}  # "... were killed"
    assert spans_in_db(folder, 1) == [("CASUALTY_FIGURE", 0, 14, expected)]
    form = window.attributes.form
    assert form.span is not None
    count = form.editor("count")
    assert isinstance(count, OptionalSpinBox)
    assert count.optional_value() == 7
    assert count.text() == "7"
    qualifier = form.editor("qualifier")
    assert isinstance(qualifier, QComboBox)
    assert qualifier.currentText() == "at least"
    outcome = form.editor("outcome")
    assert isinstance(outcome, QComboBox)
    assert outcome.currentText() == "killed"
    count_max = form.editor("count_max")
    assert isinstance(count_max, OptionalSpinBox)
    assert count_max.optional_value() is None
    assert window.commands.undo_action.text() == "&Undo Add CASUALTY_FIGURE span"

    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # one step removes the span with its attributes
    assert spans_in_db(folder, 1) == []
    assert not window.commands.undo_action.isEnabled()
    press(qtbot, window, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert spans_in_db(folder, 1) == [("CASUALTY_FIGURE", 0, 14, expected)]


def test_the_annotator_can_change_a_prefilled_value(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(tmp_path / "p")
    window = make_window(qtbot, tmp_path / "config", folder)
    drag(qtbot, window, 0, len("At least seven"))
    press(qtbot, window, "f")
    qualifier = window.attributes.form.editor("qualifier")
    assert isinstance(qualifier, QComboBox)
    qualifier.setCurrentIndex(qualifier.findText("about"))
    assert spans_in_db(folder, 1)[0][3]["qualifier"] == "about"


def test_other_labels_and_other_schemas_get_nothing(tmp_path: Path) -> None:
    text = "At least seven people were killed"
    folder = make_project(tmp_path / "p")
    with Project.open(folder) as project:
        schema = project.schema
    assert prefilled_attributes(schema, "ACTOR", text, 0, 14) == {}
    assert prefilled_attributes(schema, "CASUALTY_FIGURE", text, 0, 14) == {
        "count": 7,
        "qualifier": "at least",
        "outcome": "killed",
    }
    other = make_project(tmp_path / "q", schema_toml=ALL_TYPES_SCHEMA)
    with Project.open(other) as project:
        assert prefilled_attributes(project.schema, "CASUALTY_FIGURE", text, 0, 14) == {}
    assert prefilled_attributes(None, "CASUALTY_FIGURE", text, 0, 14) == {}


def test_attributes_of_other_types_or_choices_are_skipped(tmp_path: Path) -> None:
    schema_toml = """
[project]
name = "figures with other attributes"

[database]
url = "sqlite:///annotations.sqlite"

[[labels]]
name = "CASUALTY_FIGURE"
color = "#CC79A7"
hotkey = "f"
  [[labels.attributes]]
  name = "count"
  type = "text"
  [[labels.attributes]]
  name = "qualifier"
  type = "choice"
  choices = ["exact", "approximate"]
  [[labels.attributes]]
  name = "outcome"
  type = "choice"
  choices = ["killed", "injured"]
"""
    folder = make_project(tmp_path / "p", schema_toml=schema_toml)
    with Project.open(folder) as project:
        found = prefilled_attributes(
            project.schema, "CASUALTY_FIGURE", "at least seven were killed", 0, 14
        )
    assert found == {"outcome": "killed"}  # count is text, "at least" is not a choice
