"""A plain-text widget whose text can be selected and copied but never changed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit


class ReadOnlyText(QPlainTextEdit):
    """``QPlainTextEdit`` with every way of changing the text shut: the base of the viewer."""

    def _make_read_only(self) -> None:
        """Read-only, selectable by mouse and keyboard, no drops, Tab moves the focus, lines
        wrap at the widget's width (call once the document is set)."""
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setAcceptDrops(False)
        self.viewport().setAcceptDrops(False)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setCursorWidth(1)

    def insertPlainText(self, text: str) -> None:
        """Does nothing: the text of a document never changes."""

    def appendPlainText(self, text: str) -> None:
        """Does nothing: the text of a document never changes."""

    def appendHtml(self, text: str) -> None:
        """Does nothing: the text of a document never changes."""

    def paste(self) -> None:
        """Does nothing: the text of a document never changes."""

    def cut(self) -> None:
        """Copies (the text of a document never changes)."""
        self.copy()

    def canInsertFromMimeData(self, source: object) -> bool:  # noqa: ARG002
        return False

    def insertFromMimeData(self, source: object) -> None:  # noqa: ARG002
        return


__all__ = ["ReadOnlyText"]
