"""Partial repaints of the viewer leave nothing behind.

``widget.grab()`` paints the widget afresh, so it cannot see a stale pixel. The offscreen
platform's ``QScreen.grabWindow`` returns the window's backing store instead: what partial
repaints left on screen. Comparing the two after an edit finds anything a too small repaint
region left behind.
"""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.core.changes import ChangeSet
from annotator.gui.viewer import DocumentViewer
from tests.gui.test_viewer import SCHEMA, TEXT, find, make_document, span


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def on_screen(viewer: DocumentViewer) -> QImage:
    screen = viewer.screen()
    return screen.grabWindow(viewer.winId()).toImage()


def stale_rows(viewer: DocumentViewer) -> list[int]:
    """Rows where what is on screen differs from a fresh paint of the viewer."""
    shown = on_screen(viewer)
    fresh = viewer.grab().toImage()
    assert shown.size() == fresh.size()
    return [
        y
        for y in range(fresh.height())
        if any(shown.pixel(x, y) != fresh.pixel(x, y) for x in range(fresh.width()))
    ]


def test_removing_the_selected_span_leaves_no_outline_behind(qtbot: QtBot) -> None:
    viewer = DocumentViewer()
    qtbot.addWidget(viewer)
    viewer.resize(700, 400)
    viewer.show()
    qtbot.waitExposed(viewer)
    # on the first line (top of the viewport) and on a later one, where the outline reaches
    # into the gap of the line above
    for part in ("Brennick", "Kell Valley"):
        selected = span(1, "LOCATION", *find(TEXT, part))
        viewer.set_document(make_document(TEXT), [selected], SCHEMA)
        viewer.select_span(1, scroll=False)
        viewer.viewport().update()  # the whole outline is on screen, as after any full paint
        settle()
        assert stale_rows(viewer) == []
        viewer.apply_changes(ChangeSet(spans_removed=(selected,)))  # e.g. Ctrl+Z
        settle()
        assert viewer.selected_span_id() is None
        assert stale_rows(viewer) == [], part
        viewer.clear_document()
        settle()


def test_selecting_and_deselecting_repaint_the_whole_outline(qtbot: QtBot) -> None:
    viewer = DocumentViewer()
    qtbot.addWidget(viewer)
    viewer.resize(700, 400)
    viewer.show()
    qtbot.waitExposed(viewer)
    spans = [span(1, "LOCATION", *find(TEXT, "Brennick")), span(2, "ACTOR", *find(TEXT, "army"))]
    viewer.set_document(make_document(TEXT), spans, SCHEMA)
    settle()
    for selected in (1, 2, None):
        viewer.select_span(selected, scroll=False)
        settle()
        assert stale_rows(viewer) == [], selected
