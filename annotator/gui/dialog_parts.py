"""Small pieces shared by the dialogs."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QWidget


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


def note_label(text: str = "") -> QLabel:
    """A small explanatory line in a muted colour (readable in both themes)."""
    label = QLabel(text)
    label.setWordWrap(True)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, muted_colour(label))
    label.setPalette(palette)
    return label
