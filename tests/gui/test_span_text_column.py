"""The Spans panel keeps its Text column readable however narrow or wide the dock is."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from annotator.gui.span_panel import MIN_TEXT_WIDTH, TEXT, SpanListDock


def text_width(dock: SpanListDock) -> int:
    return dock.view.horizontalHeader().sectionSize(TEXT)


def others_width(dock: SpanListDock) -> int:
    header = dock.view.horizontalHeader()
    return sum(header.sectionSize(i) for i in range(header.count()) if i != TEXT)


@pytest.mark.parametrize("width", [250, 430])
def test_text_column_is_readable_when_the_dock_opens_narrow(qtbot: QtBot, width: int) -> None:
    # the window's saved layout gives the dock about 430 pixels: less than the other columns
    dock = SpanListDock()
    qtbot.addWidget(dock)
    dock.resize(width, 300)
    dock.show()
    qtbot.waitExposed(dock)
    qtbot.wait(50)
    assert text_width(dock) >= MIN_TEXT_WIDTH


def test_text_column_takes_the_room_a_wide_dock_has(qtbot: QtBot) -> None:
    dock = SpanListDock()
    qtbot.addWidget(dock)
    dock.resize(300, 300)
    dock.show()
    qtbot.waitExposed(dock)
    dock.resize(1000, 300)
    qtbot.waitUntil(lambda: dock.view.viewport().width() > 900)
    qtbot.waitUntil(lambda: text_width(dock) == dock.view.viewport().width() - others_width(dock))
