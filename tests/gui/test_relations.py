"""Relations in the window: link with the mouse and the keyboard, retype, delete, undo and redo;
the database is read back through a second Project after each step."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.core.ids import DocumentId
from annotator.gui.main_window import MainWindow
from annotator.gui.relations_panel import BY
from annotator.services.project import Project
from tests.gui.workspace import make_project, make_window, point_at, press

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

TWO_TYPES_SCHEMA = """
[project]
name = "two relation types for one pair"

[database]
url = "sqlite:///annotations.sqlite"

[[labels]]
name = "CLAIM"
color = "#E69F00"
hotkey = "c"

[[labels]]
name = "ACTOR"
color = "#0072B2"
hotkey = "a"

[[relations]]
name = "ATTRIBUTED_TO"
source = ["CLAIM"]
target = ["ACTOR"]

[[relations]]
name = "DENIED_BY"
source = ["CLAIM"]
target = ["ACTOR"]
"""


def relations_in_db(folder: Path, document_id: int = 1) -> list[tuple[str, str, str]]:
    """(type, source text, target text) of the document's relations, as stored."""
    with Project.open(folder) as project:
        annotated = project.annotated(DocumentId(document_id))
        text = annotated.document.text
        spans = {s.id: text[s.start : s.end] for s in annotated.spans}
        return sorted((r.type, spans[r.source], spans[r.target]) for r in annotated.relations)


def span_texts_in_db(folder: Path, document_id: int = 1) -> list[str]:
    with Project.open(folder) as project:
        text = project.document(DocumentId(document_id)).text
        return sorted(text[s.start : s.end] for s in project.spans(DocumentId(document_id)))


def add_span(qtbot: QtBot, window: MainWindow, phrase: str, key: str) -> int:
    """Select ``phrase`` in the open document, press a label key; the new span's id."""
    assert window.current is not None
    start = window.current.text.index(phrase)
    window.viewer.set_selection_offsets(start, start + len(phrase))
    press(qtbot, window, key)
    span_id = window.viewer.selected_span_id()
    assert span_id is not None
    return span_id


def click(qtbot: QtBot, window: MainWindow, point: QPoint) -> None:
    qtbot.mouseClick(window.viewer.viewport(), Qt.MouseButton.LeftButton, pos=point)


def click_text(qtbot: QtBot, window: MainWindow, phrase: str) -> None:
    assert window.current is not None
    click(qtbot, window, point_at(window, window.current.text.index(phrase) + 2))


CLAIM = "At least seven people were killed in Brennick on Tuesday"
SPEAKER = "health directorate"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, folder: Path) -> MainWindow:
    window = make_window(qtbot, tmp_path / "config", folder)
    add_span(qtbot, window, CLAIM, "c")
    add_span(qtbot, window, SPEAKER, "a")
    add_span(qtbot, window, "army", "a")
    add_span(qtbot, window, "Brennick", "l")
    return window


def spans_by_text(window: MainWindow) -> dict[str, int]:
    assert window.current is not None
    text = window.current.text
    return {text[s.start : s.end]: int(s.id) for s in window.current.spans.values()}


def test_link_with_the_mouse(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    ids = spans_by_text(window)
    window.viewer.select_span(ids[CLAIM])
    press(qtbot, window, "r")
    assert window.viewer.is_linking()
    assert window.viewer.viewport().cursor().shape() == Qt.CursorShape.CrossCursor
    assert "click the target span" in window.statusBar().currentMessage()
    qtbot.mouseMove(window.viewer.viewport(), point_at(window, 70))  # the rubber band follows
    click_text(qtbot, window, SPEAKER)
    assert not window.viewer.is_linking()
    assert relations_in_db(folder) == [("ATTRIBUTED_TO", CLAIM, SPEAKER)]
    assert window.statusBar().currentMessage() == "Saved: Add ATTRIBUTED_TO relation"
    # shown in the panel and drawn (and selected) in the viewer
    model = window.relations_dock.model
    assert model.rowCount() == 1
    assert [model.index(0, c).data() for c in range(3)] == [
        "At least seven people were killed in Brennick on …",  # long texts are shortened
        "ATTRIBUTED_TO",
        SPEAKER,
    ]
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == f"CLAIM: {CLAIM}"
    relation_id = window.viewer.selected_relation_id()
    assert relation_id is not None
    assert window.viewer.relation_label_rect(relation_id) is not None
    assert window.relations_dock.selected_relation_id() == relation_id

    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert relations_in_db(folder) == []
    assert model.rowCount() == 0
    assert window.viewer.relations() == []
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert relations_in_db(folder) == [("ATTRIBUTED_TO", CLAIM, SPEAKER)]
    assert model.rowCount() == 1


def test_link_with_the_keyboard(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    ids = spans_by_text(window)
    window.viewer.select_span(ids[CLAIM])
    press(qtbot, window, "R", SHIFT)
    assert window.viewer.is_linking()
    press(qtbot, window, Qt.Key.Key_Tab)  # nearest ACTOR first
    assert window.viewer.link_target() == ids[SPEAKER]
    press(qtbot, window, Qt.Key.Key_Tab)
    assert window.viewer.link_target() == ids["army"]
    press(qtbot, window, Qt.Key.Key_Backtab, SHIFT)
    assert window.viewer.link_target() == ids[SPEAKER]
    assert window.viewer.hasFocus()  # Tab did not move the focus away
    press(qtbot, window, Qt.Key.Key_Return)
    assert relations_in_db(folder) == [("ATTRIBUTED_TO", CLAIM, SPEAKER)]


def test_escape_cancels_and_the_context_menu_starts_linking(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    assert window.current is not None
    point = point_at(window, window.current.text.index(SPEAKER) + 1)
    menu = window.viewer.context_menu(point)
    link = next(a for a in menu.actions() if a.objectName() == "linkFromHere")
    assert link.text() == "Link from Here…"
    link.trigger()
    assert window.viewer.is_linking()
    assert window.viewer.linking_source() == spans_by_text(window)[SPEAKER]
    press(qtbot, window, Qt.Key.Key_Escape)
    assert not window.viewer.is_linking()
    assert window.statusBar().currentMessage() == "Linking cancelled."
    assert relations_in_db(folder) == []


def test_a_pair_the_schema_does_not_allow_is_refused(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    ids = spans_by_text(window)
    window.viewer.select_span(ids[CLAIM])
    press(qtbot, window, "r")
    click_text(qtbot, window, "Brennick")  # a LOCATION inside the claim
    message = window.statusBar().currentMessage()
    assert "No relation type links CLAIM to LOCATION" in message
    assert "CLAIM → ACTOR (ATTRIBUTED_TO)" in message
    assert relations_in_db(folder) == []
    assert window.viewer.is_linking()  # another target can still be clicked
    press(qtbot, window, Qt.Key.Key_Escape)
    # a label no relation starts from
    window.viewer.select_span(ids["Brennick"])
    press(qtbot, window, "r")
    assert not window.viewer.is_linking()
    assert window.statusBar().currentMessage() == "No relation type starts at a LOCATION span."
    assert relations_in_db(folder) == []


def test_click_a_label_then_delete_undo_redo(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    ids = spans_by_text(window)
    window.viewer.select_span(ids[CLAIM])
    press(qtbot, window, "r")
    click_text(qtbot, window, "army")
    assert relations_in_db(folder) == [("ATTRIBUTED_TO", CLAIM, "army")]
    relation_id = window.viewer.selected_relation_id()
    assert relation_id is not None
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.viewer.selected_relation_id() is None
    rect = window.viewer.relation_label_rect(relation_id)
    assert rect is not None
    click(qtbot, window, rect.center().toPoint())
    assert window.viewer.selected_relation_id() == relation_id
    assert window.relations_dock.selected_relation_id() == relation_id
    press(qtbot, window, Qt.Key.Key_Delete)
    assert relations_in_db(folder) == []
    assert len(span_texts_in_db(folder)) == 4  # the spans stay
    assert window.relations_dock.model.rowCount() == 0
    assert window.viewer.selected_relation_id() is None
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert relations_in_db(folder) == [("ATTRIBUTED_TO", CLAIM, "army")]
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert relations_in_db(folder) == []


def test_panel_row_selects_and_delete_there(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    ids = spans_by_text(window)
    window.viewer.select_span(ids[CLAIM])
    press(qtbot, window, "r")
    click_text(qtbot, window, SPEAKER)
    window.viewer.select_span(None)
    window.viewer.select_relation(None)
    dock = window.relations_dock
    view = dock.view
    row = view.visualRect(dock.model.index(0, 1))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=row.center())
    relation_id = window.viewer.selected_relation_id()
    assert relation_id is not None
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert relations_in_db(folder) == []
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert relations_in_db(folder) == [("ATTRIBUTED_TO", CLAIM, SPEAKER)]


def test_removing_a_span_removes_its_relations_and_undo_restores_both(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    ids = spans_by_text(window)
    window.viewer.select_span(ids[CLAIM])
    press(qtbot, window, "r")
    click_text(qtbot, window, SPEAKER)
    assert relations_in_db(folder) == [("ATTRIBUTED_TO", CLAIM, SPEAKER)]
    window.viewer.select_span(ids[SPEAKER])
    press(qtbot, window, Qt.Key.Key_Delete)
    assert SPEAKER not in span_texts_in_db(folder)
    assert relations_in_db(folder) == []
    assert window.relations_dock.model.rowCount() == 0
    assert window.viewer.relations() == []
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert SPEAKER in span_texts_in_db(folder)
    assert relations_in_db(folder) == [("ATTRIBUTED_TO", CLAIM, SPEAKER)]
    assert window.relations_dock.model.rowCount() == 1
    assert len(window.viewer.relations()) == 1
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert relations_in_db(folder) == []
    assert SPEAKER not in span_texts_in_db(folder)


def test_relations_panel_model(
    qtbot: QtBot, qtmodeltester: ModelTester, window: MainWindow, folder: Path
) -> None:
    model = window.relations_dock.model
    qtmodeltester.check(model)
    ids = spans_by_text(window)
    for target in (SPEAKER, "army"):
        window.viewer.select_span(ids[CLAIM])
        press(qtbot, window, "r")
        click_text(qtbot, window, target)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.headerData(BY, Qt.Orientation.Horizontal) == "By"
    assert [model.index(row, BY).data() for row in range(2)] == ["tester", "tester"]
    window.viewer.select_span(ids["army"])
    press(qtbot, window, Qt.Key.Key_Delete)  # rows go while the tester watches
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    qtmodeltester.check(model)
    assert model.rowCount() == 2


@pytest.fixture
def two_types(qtbot: QtBot, tmp_path: Path) -> tuple[MainWindow, Path]:
    folder = make_project(tmp_path / "q", schema_toml=TWO_TYPES_SCHEMA)
    window = make_window(qtbot, tmp_path / "config", folder)
    add_span(qtbot, window, CLAIM, "c")
    add_span(qtbot, window, SPEAKER, "a")
    return window, folder


def test_several_types_offer_a_menu_then_retype(
    qtbot: QtBot, two_types: tuple[MainWindow, Path]
) -> None:
    window, folder = two_types
    ids = spans_by_text(window)
    window.viewer.select_span(ids[CLAIM])
    press(qtbot, window, "r")
    click_text(qtbot, window, SPEAKER)
    menu = window.linking.type_menu
    assert isinstance(menu, QMenu)
    assert [a.text() for a in menu.actions()] == ["ATTRIBUTED_TO", "DENIED_BY"]
    assert relations_in_db(folder) == []  # nothing before a type is chosen
    menu.actions()[1].trigger()
    menu.hide()
    assert relations_in_db(folder) == [("DENIED_BY", CLAIM, SPEAKER)]

    relation_id = window.viewer.selected_relation_id()
    assert relation_id is not None
    relation = window.linking.relation(relation_id)
    assert relation is not None
    retype_menu = window.relations_dock.menu_for(relation).actions()[0].menu()
    assert retype_menu is not None
    choices = {a.text(): a for a in retype_menu.actions()}
    assert set(choices) == {"ATTRIBUTED_TO", "DENIED_BY"}
    assert not choices["DENIED_BY"].isEnabled()  # the current type
    choices["ATTRIBUTED_TO"].trigger()
    assert relations_in_db(folder) == [("ATTRIBUTED_TO", CLAIM, SPEAKER)]
    assert window.relations_dock.model.index(0, 1).data() == "ATTRIBUTED_TO"
    assert window.statusBar().currentMessage() == "Saved: Change relation to ATTRIBUTED_TO"
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert relations_in_db(folder) == [("DENIED_BY", CLAIM, SPEAKER)]
    assert window.relations_dock.model.index(0, 1).data() == "DENIED_BY"
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert relations_in_db(folder) == [("ATTRIBUTED_TO", CLAIM, SPEAKER)]
