"""Fragments and comments in the window: a discontinuous span made with mouse drags and +,
a fragment removed from the context menu, undo and redo, comments written from the keyboard
and shown in tooltips, panels and the header; the database is read back after each step."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.core.annotation import AnnotatedDocument
from annotator.core.ids import DocumentId
from annotator.gui.comment_dialog import CommentDialog
from annotator.gui.main_window import MainWindow
from annotator.gui.relations_panel import COMMENT as RELATION_COMMENT
from annotator.gui.span_panel import COMMENT
from annotator.services.project import Project
from tests.gui.workspace import drag, focus_text, make_project, make_window, point_at, press

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CLAIM = "At least seven people were killed"
SOURCE = "the health directorate said"


def stored(folder: Path, document_id: int = 1) -> AnnotatedDocument:
    with Project.open(folder) as project:
        return project.annotated(DocumentId(document_id))


def pieces_in_db(folder: Path) -> list[tuple[str, tuple[tuple[int, int], ...]]]:
    return sorted((s.label, s.pieces) for s in stored(folder).spans)


def between(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def answer(qtbot: QtBot, comment: str, done: list[str]) -> None:
    """Type ``comment`` into the comment dialog once it is up, and save with Ctrl+Enter."""

    def fill() -> None:
        shown = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, CommentDialog) and w.isVisible()
        ]
        if not shown:
            QTimer.singleShot(20, fill)
            return
        dialog = shown[0]
        dialog.edit.selectAll()
        qtbot.keyClick(dialog.edit, Qt.Key.Key_Delete)
        qtbot.keyClicks(dialog.edit, comment)
        qtbot.keyClick(dialog.edit, Qt.Key.Key_Return, CTRL)
        done.append(comment)

    QTimer.singleShot(0, fill)


def make(qtbot: QtBot, tmp_path: Path) -> tuple[MainWindow, Path]:
    folder = make_project(tmp_path / "proj")
    window = make_window(qtbot, tmp_path / "config", folder)
    return window, folder


def test_add_a_fragment_with_the_mouse_and_plus_remove_it_undo_redo(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, folder = make(qtbot, tmp_path)
    assert window.current is not None
    text = window.current.text
    claim, source = between(text, CLAIM), between(text, SOURCE)
    drag(qtbot, window, *claim)
    press(qtbot, window, "c")
    span_id = window.viewer.selected_span_id()
    assert span_id is not None
    drag(qtbot, window, *source)  # the span stays the target, outlined, while text is selected
    assert window.viewer.selected_span_id() is None
    assert window.viewer.fragment_target() == span_id
    press(qtbot, window, "+")
    assert pieces_in_db(folder) == [("CLAIM", (claim, source))]
    assert window.viewer.selected_span_id() == span_id
    span = window.viewer.span(span_id)
    assert span is not None
    assert span.pieces == (claim, source)
    row = window.spans.model.row_of(span_id)
    assert row is not None
    shown = window.spans.model.data(window.spans.model.index(row, 0))
    assert shown == f"{CLAIM} … {SOURCE}"

    # a click on a word between the pieces selects nothing; on the second piece, the span
    qtbot.mouseClick(
        window.viewer.viewport(), Qt.MouseButton.LeftButton, pos=point_at(window, claim[1] + 5)
    )
    assert window.viewer.selected_span_id() is None
    qtbot.mouseClick(
        window.viewer.viewport(), Qt.MouseButton.LeftButton, pos=point_at(window, source[0] + 5)
    )
    assert window.viewer.selected_span_id() == span_id
    assert "…" in window.viewer.tooltip_html(point_at(window, source[0] + 5))

    # overlapping pieces are refused with a message, nothing changes
    window.viewer.set_selection_offsets(claim[0], claim[0] + 8)
    press(qtbot, window, "+")
    assert "overlaps" in window.statusBar().currentMessage()
    assert pieces_in_db(folder) == [("CLAIM", (claim, source))]

    menu = window.viewer.context_menu(point_at(window, source[0] + 5))
    remove = next(a for a in menu.actions() if a.objectName() == "removeFragment")
    remove.trigger()
    menu.deleteLater()
    assert pieces_in_db(folder) == [("CLAIM", (claim,))]
    press(qtbot, window, "z", CTRL)
    assert pieces_in_db(folder) == [("CLAIM", (claim, source))]
    press(qtbot, window, "z", CTRL)
    assert pieces_in_db(folder) == [("CLAIM", (claim,))]
    press(qtbot, window, "z", CTRL | SHIFT)
    press(qtbot, window, "z", CTRL | SHIFT)
    assert pieces_in_db(folder) == [("CLAIM", (claim,))]
    span = window.viewer.span(span_id)
    assert span is not None
    assert span.fragments == ()


def test_the_context_menu_adds_a_fragment_to_the_outlined_span(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, folder = make(qtbot, tmp_path)
    assert window.current is not None
    text = window.current.text
    claim, source = between(text, CLAIM), between(text, SOURCE)
    window.viewer.set_selection_offsets(*claim)
    press(qtbot, window, "c")
    drag(qtbot, window, *source)
    menu = window.viewer.context_menu(point_at(window, source[0] + 3))
    add = next(a for a in menu.actions() if a.objectName() == "addFragment")
    add.trigger()
    menu.deleteLater()
    assert pieces_in_db(folder) == [("CLAIM", (claim, source))]


def test_comment_on_a_span_from_the_keyboard_shows_in_tooltip_and_panel(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, folder = make(qtbot, tmp_path)
    assert window.current is not None
    claim = between(window.current.text, CLAIM)
    window.viewer.set_selection_offsets(*claim)
    press(qtbot, window, "c")
    span_id = window.viewer.selected_span_id()
    assert span_id is not None
    done: list[str] = []
    answer(qtbot, "figure from the army", done)
    press(qtbot, window, "#")
    assert done == ["figure from the army"]
    focus_text(qtbot, window)
    assert [s.comment for s in stored(folder).spans] == ["figure from the army"]
    tooltip = window.viewer.tooltip_html(point_at(window, claim[0] + 3))
    assert "figure from the army" in tooltip
    row = window.spans.model.row_of(span_id)
    assert row is not None
    model = window.spans.model
    assert model.data(model.index(row, COMMENT)) == "figure from the army"
    press(qtbot, window, "z", CTRL)
    assert [s.comment for s in stored(folder).spans] == [""]
    assert "figure from the army" not in window.viewer.tooltip_html(point_at(window, claim[0] + 3))
    press(qtbot, window, "z", CTRL | SHIFT)
    assert [s.comment for s in stored(folder).spans] == ["figure from the army"]


def test_comments_on_a_relation_and_on_the_document(qtbot: QtBot, tmp_path: Path) -> None:
    window, folder = make(qtbot, tmp_path)
    assert window.current is not None
    text = window.current.text
    window.viewer.set_selection_offsets(*between(text, CLAIM))
    press(qtbot, window, "c")
    claim_id = window.viewer.selected_span_id()
    window.viewer.set_selection_offsets(*between(text, "the health directorate"))
    press(qtbot, window, "a")
    actor_id = window.viewer.selected_span_id()
    assert claim_id
    assert actor_id
    window.viewer.select_span(claim_id)
    press(qtbot, window, "r")
    target = point_at(window, text.index("health") + 2)
    qtbot.mouseClick(window.viewer.viewport(), Qt.MouseButton.LeftButton, pos=target)
    [relation] = window.current.relations.values()

    done: list[str] = []
    answer(qtbot, "attributed twice", done)
    menu = window.relations_dock.menu_for(relation)
    next(a for a in menu.actions() if a.objectName() == "commentRelation").trigger()
    menu.deleteLater()
    assert done == ["attributed twice"]
    assert [r.comment for r in stored(folder).relations] == ["attributed twice"]
    model = window.relations_dock.model
    assert model.data(model.index(0, RELATION_COMMENT)) == "attributed twice"
    label = window.viewer.relation_label_rect(int(relation.id))
    assert label is not None
    assert "attributed twice" in window.viewer.tooltip_html(label.center().toPoint())

    assert "Add a comment" in window.header.comment_text()
    answer(qtbot, "wire copy", done)
    window.header.comment.linkActivated.emit("comment")  # the link under the title
    assert stored(folder).document.comment == "wire copy"
    assert "wire copy" in window.header.comment_text()
    focus_text(qtbot, window)
    press(qtbot, window, "z", CTRL)
    assert stored(folder).document.comment == ""
    assert "Add a comment" in window.header.comment_text()
    answer(qtbot, "second look", done)
    window.commands.document_comment_action.trigger()
    assert stored(folder).document.comment == "second look"


def double_click(qtbot: QtBot, window: MainWindow, offset: int) -> None:
    """What a user's double click sends: press, release, double click, release."""
    viewport, at = window.viewer.viewport(), point_at(window, offset)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=at)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=at)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=at)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=at)


def test_a_double_clicked_word_is_added_to_the_clicked_span_with_plus(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, folder = make(qtbot, tmp_path)
    assert window.current is not None
    text = window.current.text
    place, day = between(text, "Brennick"), between(text, "Tuesday")
    drag(qtbot, window, *place)
    press(qtbot, window, "l")
    span_id = window.viewer.selected_span_id()
    assert span_id is not None
    window.viewer.select_span(None)
    qtbot.mouseClick(
        window.viewer.viewport(), Qt.MouseButton.LeftButton, pos=point_at(window, place[0] + 2)
    )
    assert window.viewer.selected_span_id() == span_id
    double_click(qtbot, window, day[0] + 2)  # the word selects like a drag over it would
    assert window.viewer.selection_offsets() == day
    assert window.viewer.fragment_target() == span_id
    press(qtbot, window, "+")
    assert pieces_in_db(folder) == [("LOCATION", (place, day))]


def test_a_double_click_on_a_word_inside_another_span_selects_text_not_that_span(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, _ = make(qtbot, tmp_path)
    assert window.current is not None
    text = window.current.text
    place, claim = between(text, "Brennick"), between(text, CLAIM)
    for (start, end), key in ((place, "l"), (claim, "c")):
        drag(qtbot, window, start, end)
        press(qtbot, window, key)
    qtbot.mouseClick(
        window.viewer.viewport(), Qt.MouseButton.LeftButton, pos=point_at(window, place[0] + 2)
    )
    place_id = window.viewer.selected_span_id()
    seven = between(text, "seven")
    double_click(qtbot, window, seven[0] + 2)
    assert window.viewer.selection_offsets() == seven
    assert window.viewer.fragment_target() == place_id
    day = between(text, "Tuesday")
    qtbot.mouseClick(
        window.viewer.viewport(), Qt.MouseButton.LeftButton, pos=point_at(window, day[0] + 2)
    )
    double_click(qtbot, window, seven[0] + 2)  # nothing was selected: nothing becomes the target
    assert window.viewer.selection_offsets() == seven
    assert window.viewer.fragment_target() is None


def test_a_single_click_on_plain_text_still_deselects(qtbot: QtBot, tmp_path: Path) -> None:
    window, _ = make(qtbot, tmp_path)
    assert window.current is not None
    place = between(window.current.text, "Brennick")
    drag(qtbot, window, *place)
    press(qtbot, window, "l")
    assert window.viewer.selected_span_id() is not None
    day = between(window.current.text, "Tuesday")
    qtbot.mouseClick(
        window.viewer.viewport(), Qt.MouseButton.LeftButton, pos=point_at(window, day[0] + 2)
    )
    assert window.viewer.selected_span_id() is None
    assert window.viewer.fragment_target() is None
