"""Small pieces shared by the dialogs."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from annotator.services.formats import FormatDescription


def muted_colour(widget: QWidget) -> QColor:
    """Text colour for explanations: between the text and the background of the theme."""
    palette = widget.palette()
    text = palette.color(QPalette.ColorRole.WindowText)
    back = palette.color(QPalette.ColorRole.Window)
    return QColor(
        (text.red() * 3 + back.red() * 2) // 5,
        (text.green() * 3 + back.green() * 2) // 5,
        (text.blue() * 3 + back.blue() * 2) // 5,
    )


class WrappedLabel(QLabel):
    """A word-wrapped label that asks for the height its text needs at its current width.

    A plain wrapped QLabel reports a size hint for a guessed width (a third of its text's
    length or so); QFormLayout uses that height, so a two-line note gets three lines of space.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        width = self.width()
        if width > 40 and self.text():
            return QSize(hint.width(), self.heightForWidth(width))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()


def note_label(text: str = "") -> QLabel:
    """A small explanatory line in a muted colour (readable in both themes)."""
    label = WrappedLabel(text)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, muted_colour(label))
    label.setPalette(palette)
    return label


def format_combo(formats: Sequence[FormatDescription], name: str) -> QComboBox:
    """A combo box of formats by title, each with its description as the tooltip."""
    box = QComboBox()
    box.setObjectName(name)
    for info in formats:
        box.addItem(info.title, info.name)
        box.setItemData(box.count() - 1, info.description, Qt.ItemDataRole.ToolTipRole)
    return box
