"""A small dialog to write, change or remove a comment on a span, a relation or a document."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class CommentDialog(QDialog):
    """The comment in a text box; Ctrl+Enter saves, Escape cancels, Remove empties it."""

    def __init__(self, what: str, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commentDialog")
        self.setWindowTitle("Comment")
        self.setModal(True)
        label = QLabel(what)
        label.setWordWrap(True)
        self.edit = QPlainTextEdit(current)
        self.edit.setObjectName("commentEdit")
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumSize(360, 110)
        self.edit.setPlaceholderText("A note for yourself and the other annotators")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        remove = buttons.addButton("&Remove", QDialogButtonBox.ButtonRole.DestructiveRole)
        remove.setObjectName("removeComment")
        remove.setEnabled(bool(current))
        remove.clicked.connect(self._remove)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.edit.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(buttons)
        cursor = self.edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.edit.setTextCursor(cursor)
        self.edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Enter in the text box saves (the box would take it as a line break)."""
        if (
            watched is self.edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def comment(self) -> str:
        """The comment as written, without surrounding blank space."""
        return self.edit.toPlainText().strip()

    def _remove(self) -> None:
        self.edit.clear()
        self.accept()


def ask_comment(parent: QWidget | None, what: str, current: str) -> str | None:
    """The new comment (``""``: remove it), or None when the user cancelled."""
    dialog = CommentDialog(what, current, parent)
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.comment() if accepted else None
    finally:
        dialog.deleteLater()
