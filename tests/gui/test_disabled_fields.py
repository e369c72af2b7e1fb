"""A disabled text field looks disabled in both themes (the Import Annotations dialog's Layer
and Label feature fields are disabled for formats without typed layers)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from annotator.gui.theme import ThemeManager


def background(field: QLineEdit) -> QColor:
    image = field.grab().toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_disabled_line_edits_are_drawn_differently(qtbot: QtBot, mode: str) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme = ThemeManager(app, mode)
    theme.apply()
    try:
        enabled, disabled = QLineEdit(), QLineEdit()
        disabled.setEnabled(False)
        for field in (enabled, disabled):
            qtbot.addWidget(field)
            field.resize(200, 28)
            field.show()
            qtbot.waitExposed(field)
        assert background(enabled) != background(disabled)
    finally:
        ThemeManager(app, "light").apply()
