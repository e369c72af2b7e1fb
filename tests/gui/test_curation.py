"""The curation view driven with real key presses and mouse clicks; the curated layer is read
back from the database through a second Project after each step."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.core.annotation import CURATION_ANNOTATOR
from annotator.core.edits import AddRelation, AddSpan
from annotator.core.ids import DocumentId
from annotator.core.offsets import OffsetConverter
from annotator.gui.curation import CurationDialog
from annotator.gui.viewer import DocumentViewer
from annotator.services.project import Project
from tests.gui.workspace import ARTICLES, make_project, make_window, press

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
TEXT = ARTICLES[0]["text"]
DOC = DocumentId(1)


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def annotate(folder: Path) -> None:
    """Two annotators, agreeing on two spans and disagreeing on three."""
    spans = [
        ("ana", "LOCATION", "Brennick"),
        ("bob", "LOCATION", "Brennick"),
        ("ana", "ACTOR", "The army"),
        ("bob", "ACTOR", "The army"),
        ("ana", "CASUALTY_FIGURE", "At least seven people"),
        ("bob", "CASUALTY_FIGURE", "seven people"),
        ("bob", "ACTOR", "the health directorate"),
        ("ana", "ACTOR", "Kell Valley Defence Front"),
    ]
    with Project.open(folder) as project:
        for who, label, word in spans:
            project.apply(AddSpan(DOC, label, *at(word), {}, who))


def curated(folder: Path) -> set[tuple[str, str]]:
    with Project.open(folder) as project:
        return {
            (s.label, TEXT[s.start : s.end])
            for s in project.spans(DOC)
            if s.annotator == CURATION_ANNOTATOR
        }


def click_text(qtbot: QtBot, viewer: DocumentViewer, offset: int) -> None:
    cursor = QTextCursor(viewer.document())
    cursor.setPosition(OffsetConverter(TEXT).cp_to_utf16(offset))
    viewer.setTextCursor(cursor)
    viewer.ensureCursorVisible()
    rect = viewer.cursorRect(cursor)
    qtbot.mouseClick(
        viewer.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 3, rect.center().y())
    )


def test_curate_with_keys_and_clicks(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(tmp_path / "proj")
    annotate(folder)
    window = make_window(qtbot, tmp_path / "config", folder)
    assert window.current is not None
    assert window.current.id == DOC

    press(qtbot, window, Qt.Key.Key_C, CTRL | SHIFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CurationDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, CurationDialog)
    assert [p.title.text() for p in dialog.panes] == ["1  ana", "2  bob"]
    assert dialog.table.rowCount() == 3
    assert dialog.table.currentRow() == 0
    assert len(dialog.panes[0].viewer.extraSelections()) == 3  # disagreements marked
    table = dialog.table
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.waitUntil(table.hasFocus)

    qtbot.keyClick(table, Qt.Key.Key_A)  # auto-merge what both agree on
    assert curated(folder) == {("LOCATION", "Brennick"), ("ACTOR", "The army")}

    qtbot.keyClick(table, Qt.Key.Key_2)  # bob's casualty figure; moves on to the next row
    assert ("CASUALTY_FIGURE", "seven people") in curated(folder)
    assert table.currentRow() == 1
    assert table.item(0, table.columnCount() - 1).text() == "✓ bob"
    qtbot.keyClick(table, Qt.Key.Key_2)  # bob's "the health directorate"
    assert ("ACTOR", "the health directorate") in curated(folder)
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert table.currentRow() == 1
    qtbot.keyClick(table, Qt.Key.Key_0)  # keep nothing for it after all
    assert ("ACTOR", "the health directorate") not in curated(folder)
    assert table.currentRow() == 2
    qtbot.keyClick(table, Qt.Key.Key_Up)
    qtbot.keyClick(table, Qt.Key.Key_Up)
    qtbot.keyClick(table, Qt.Key.Key_1)  # ana's version replaces bob's
    assert ("CASUALTY_FIGURE", "At least seven people") in curated(folder)
    assert ("CASUALTY_FIGURE", "seven people") not in curated(folder)

    # a click on ana's span in her pane goes to that disagreement
    kell = at("Kell Valley Defence Front")
    click_text(qtbot, dialog.panes[0].viewer, kell[0] + 2)
    assert table.currentRow() == 2
    qtbot.keyClick(table, Qt.Key.Key_1)
    assert ("ACTOR", "Kell Valley Defence Front") in curated(folder)
    curated_pane = dialog.curated_pane.viewer
    assert {(s.label, s.start) for s in curated_pane.shapes()} >= {("ACTOR", kell[0])}

    qtbot.keyClick(table, Qt.Key.Key_Z, CTRL)  # undo, one step per choice
    assert ("ACTOR", "Kell Valley Defence Front") not in curated(folder)
    qtbot.mouseClick(dialog.auto_button, Qt.MouseButton.LeftButton)  # nothing new to merge
    assert curated(folder) == {
        ("LOCATION", "Brennick"),
        ("ACTOR", "The army"),
        ("CASUALTY_FIGURE", "At least seven people"),
    }
    assert "3 disagreements" in dialog.summary.text()
    # the main window shows the curated layer's spans too
    dialog.close()
    assert sum(1 for s in window.current.spans.values() if s.annotator == CURATION_ANNOTATOR) == 3


def test_a_relation_disagreement_reads_source_type_target_and_marks_its_ends(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = make_project(tmp_path / "proj")
    figure, front = at("At least seven people"), at("Kell Valley Defence Front")
    with Project.open(folder) as project:
        ids = {}
        for who in ("ana", "bob"):
            ids[who] = [
                project.apply(AddSpan(DOC, label, *where, {}, who)).changes.spans_added[0].id
                for label, where in (("CASUALTY_FIGURE", figure), ("ACTOR", front))
            ]
        project.apply(AddRelation(DOC, "AFFECTS", *ids["ana"], "ana"))
    window = make_window(qtbot, tmp_path / "config", folder)
    press(qtbot, window, Qt.Key.Key_C, CTRL | SHIFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CurationDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, CurationDialog)
    table = dialog.table
    assert table.rowCount() == 1
    row = [table.item(0, column).text() for column in range(table.columnCount())]
    assert row == [
        "At least seven people —AFFECTS→ Kell Valley Defence Front",
        "At least seven people —AFFECTS→ Kell Valley Defence Front",
        "(nothing)",
        "—",
    ]
    marked = dialog.panes[1].viewer.extraSelections()
    assert [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in marked] == [
        figure,
        front,
    ]  # the two ends, not the paragraph between them (ASCII text: UTF-16 = code points)
    assert "2 annotators · 2 agreed · 1 disagreement," in dialog.summary.text()
    click_text(qtbot, dialog.panes[0].viewer, front[0] + 2)
    assert table.currentRow() == 0
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_1)
    with Project.open(folder) as project:
        curated_relations = [
            r for r in project.annotated(DOC).relations if r.annotator == CURATION_ANNOTATOR
        ]
    assert [r.type for r in curated_relations] == ["AFFECTS"]


def test_one_annotator_has_nothing_to_compare(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(tmp_path / "proj")
    with Project.open(folder) as project:
        project.apply(AddSpan(DOC, "LOCATION", *at("Brennick"), {}, "ana"))
    window = make_window(qtbot, tmp_path / "config", folder)
    press(qtbot, window, Qt.Key.Key_C, CTRL | SHIFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CurationDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, CurationDialog)
    assert dialog.summary.text() == "1 annotator: nothing to compare · curated layer: 0 spans"
