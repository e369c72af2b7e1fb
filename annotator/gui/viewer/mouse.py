"""The viewer's mouse: a click selects the span or relation label there (cycling overlapping
spans), a drag selects text, a double click a word, and the pointer shows what a click would
hit; while linking, the pointer and clicks pick the relation's target instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from annotator.core.snapping import word_at

if TYPE_CHECKING:
    from annotator.gui.viewer.viewer import DocumentViewer

Base = Callable[[QMouseEvent], None]
"""The text widget's own handler for the event (text selection, caret)."""


class ViewerMouse:
    """Mouse presses, moves, releases and double clicks on one viewer's viewport.

    Each method gets the event and the base class's handler for it, and calls that handler
    when the text widget should see the event too.
    """

    def __init__(self, viewer: DocumentViewer) -> None:
        self._viewer = viewer
        self._press: QPointF | None = None
        """Where the left button went down, until it comes up."""
        self._dragged = False
        self._double_clicked = False
        self._target_before: int | None = None
        """The span a fragment would go to before this press: a double click selects a word
        as a drag does, so the click it starts with must not change that span."""

    def press(self, event: QMouseEvent, base: Base) -> None:
        viewer = self._viewer
        if viewer.is_linking():
            if event.button() == Qt.MouseButton.LeftButton:
                target = viewer.link_candidate_at(event.position())
                if target is not None:
                    viewer.linkTargetChosen.emit(target, event.globalPosition().toPoint())
            elif event.button() == Qt.MouseButton.RightButton:
                viewer.linkCancelled.emit()
            event.accept()
            return
        self._press = None
        self._dragged = False
        self._double_clicked = False
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            self._target_before = viewer.fragment_target()
            if not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                # a press inside the selection would start dragging the text out
                viewer.clear_selection()
        base(event)

    def move(self, event: QMouseEvent, base: Base) -> None:
        viewer = self._viewer
        if viewer.is_linking():
            viewer.move_link_pointer(event.position())
            event.accept()
            return
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            moved = (event.position() - self._press).manhattanLength()
            if moved >= QApplication.startDragDistance():
                self._dragged = True
        elif not event.buttons():
            _, bar = viewer.hit(event.position()) if viewer.has_spans() else (None, None)
            on_label = bar is None and viewer.relation_label_at(event.position()) is not None
            shape = (
                Qt.CursorShape.PointingHandCursor if bar or on_label else Qt.CursorShape.IBeamCursor
            )
            if viewer.viewport().cursor().shape() != shape:
                viewer.viewport().setCursor(shape)
        base(event)

    def release(self, event: QMouseEvent, base: Base) -> None:
        if self._viewer.is_linking():
            event.accept()
            return
        base(event)
        if (
            event.button() == Qt.MouseButton.LeftButton
            and self._press is not None
            and not self._dragged
            and not self._double_clicked
            and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self._click(self._press)
        self._press = None

    def _click(self, point: QPointF) -> None:
        """A click without a drag: select the relation whose label is there, or the span
        there, cycling through overlaps."""
        viewer = self._viewer
        relation = viewer.relation_label_at(point)
        if relation is not None:
            viewer.select_relation(relation, scroll=False)
            return
        offset, bar = viewer.hit(point)
        if bar is not None:
            viewer.select_span(bar, scroll=False)
            return
        ids = viewer.spans_at(offset) if offset is not None else []
        if not ids:
            viewer.select_span(None)
            viewer.select_relation(None)
            return
        current = viewer.selected_span_id()
        if current in ids:
            viewer.select_span(ids[(ids.index(current) + 1) % len(ids)], scroll=False)
        else:
            viewer.select_span(ids[0], scroll=False)

    def double_click(self, event: QMouseEvent, base: Base) -> None:
        viewer = self._viewer
        if viewer.is_linking():
            event.accept()
            return
        base(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._double_clicked = True
        offset = viewer.offset_at(event.position())
        if offset is None:
            return
        start, end = word_at(viewer.document_text(), offset)
        if start < end:
            before = self._target_before
            if viewer.fragment_target() != before:
                viewer.select_span(before, scroll=False)  # undo what the first click did
            viewer.set_selection_offsets(start, end)  # the selected span becomes the target


__all__ = ["ViewerMouse"]
