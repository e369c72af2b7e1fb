"""A table whose columns always fit its width: no sideways scrolling when the width changes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTableView

STRETCH_SHARE = 0.25
"""The least part of the width the stretching column (the title) keeps."""


class ColumnFit(QObject):
    """Keeps a table's columns inside its viewport. One column stretches over what the others
    leave; when the others' own widths would leave it less than :data:`STRETCH_SHARE` of the
    width (a narrow dock, or the vertical scroll bar appearing as rows arrive), they shrink in
    proportion (their text is elided) instead of the table overflowing and scrolling sideways.
    A column the user resizes keeps that width as its own; once the mouse lets go of its edge
    the columns fit again (the title gave way while dragging)."""

    def __init__(self, view: QTableView, stretch: int) -> None:
        super().__init__(view)
        self._view = view
        self._stretch = stretch
        header = view.horizontalHeader()
        self._own = {
            column: header.sectionSize(column)
            for column in range(header.count())
            if column != stretch
        }
        self._fitting = False
        header.sectionResized.connect(self._resized)
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)
        self._header_viewport = header.viewport()
        self._header_viewport.installEventFilter(self)
        self._dragged = False

    def own_width(self, column: int) -> int:
        """The width ``column`` has when there is room for it."""
        return self._own[column]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self.fit()
        elif (
            event.type() == QEvent.Type.MouseButtonRelease
            and watched is self._header_viewport
            and self._dragged
        ):
            self._dragged = False
            QTimer.singleShot(0, self.fit)  # after the header ends the drag
        return False

    def fit(self) -> None:
        header = self._view.horizontalHeader()
        width = self._view.viewport().width()
        shown = [c for c in self._own if not header.isSectionHidden(c)]
        wanted = sum(self._own[c] for c in shown)
        least = header.minimumSectionSize()
        room = width - max(int(width * STRETCH_SHARE), least)
        scale = min(1.0, room / wanted) if wanted > 0 else 1.0
        self._fitting = True
        try:
            for column in shown:
                header.resizeSection(column, max(least, int(self._own[column] * scale)))
        finally:
            self._fitting = False

    def _resized(self, column: int, old: int, new: int) -> None:
        if self._fitting or column == self._stretch:
            return
        if old == 0 or new == 0:  # shown or hidden (the header menu): the others make room
            QTimer.singleShot(0, self.fit)
        elif QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self._own[column] = new  # the user dragged its edge (Qt also reports its own)
            self._dragged = True
