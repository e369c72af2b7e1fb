"""The viewer's keyboard and wheel: zoom, Escape clearing the selection, keys that steer a
relation's target while linking, and the keys left to the window's shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent

from annotator.gui.viewer.keys import (
    LINK_KEYS,
    is_plain_escape,
    passes_through,
    wheel_zoom,
    zoom_step,
)

if TYPE_CHECKING:
    from annotator.gui.viewer.viewer import DocumentViewer


class ViewerKeyboard:
    """Key presses, shortcut overrides, Tab and Ctrl+wheel on one viewer.

    Like :class:`~annotator.gui.viewer.mouse.ViewerMouse`, each method gets the base class's
    handler where the text widget should see the event too.
    """

    def __init__(self, viewer: DocumentViewer) -> None:
        self._viewer = viewer
        self._wheel_delta = 0
        """Wheel movement not yet a whole zoom step."""

    def overrides_shortcut(self, event: QKeyEvent) -> bool | None:
        """For a ShortcutOverride: True when the viewer takes the key, False when the window's
        shortcuts get it, None when the text widget decides."""
        if zoom_step(event) is not None or self._escape_clears(event) or self._linking_key(event):
            return True
        if passes_through(event):
            return False
        return None

    def key_press(self, event: QKeyEvent, base: Callable[[QKeyEvent], None]) -> None:
        viewer = self._viewer
        if self._linking_key(event):
            key = event.key()
            if key == Qt.Key.Key_Escape:
                viewer.linkCancelled.emit()
            elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                viewer.linkConfirmed.emit()
            else:
                viewer.linkCycle.emit(-1 if key == Qt.Key.Key_Backtab else 1)
            event.accept()
            return
        zoom = zoom_step(event)
        if zoom is not None:
            {1: viewer.zoom_in, -1: viewer.zoom_out, 0: viewer.reset_zoom}[zoom]()
            event.accept()
            return
        if self._escape_clears(event):
            if viewer.textCursor().hasSelection():
                viewer.clear_selection()
            elif viewer.selected_span_id() is not None:
                viewer.select_span(None)
            else:
                viewer.select_relation(None)
            event.accept()
            return
        if passes_through(event):
            event.ignore()
            return
        base(event)

    def tab(self, next: bool, base: Callable[[bool], bool]) -> bool:
        """Tab and Shift+Tab: the next or previous target while linking, else the focus."""
        if self._viewer.is_linking():
            self._viewer.linkCycle.emit(1 if next else -1)
            return True
        return base(next)

    def wheel(self, event: QWheelEvent, base: Callable[[QWheelEvent], None]) -> None:
        """Ctrl+wheel zooms, a step per notch; the wheel alone scrolls."""
        viewer = self._viewer
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps, self._wheel_delta = wheel_zoom(self._wheel_delta + event.angleDelta().y())
            for _ in range(abs(steps)):
                (viewer.zoom_in if steps > 0 else viewer.zoom_out)()
            event.accept()
            return
        base(event)

    def _linking_key(self, event: QKeyEvent) -> bool:
        return self._viewer.is_linking() and event.key() in LINK_KEYS

    def _escape_clears(self, event: QKeyEvent) -> bool:
        viewer = self._viewer
        return is_plain_escape(event) and (
            viewer.textCursor().hasSelection()
            or viewer.selected_span_id() is not None
            or viewer.selected_relation_id() is not None
        )


__all__ = ["ViewerKeyboard"]
