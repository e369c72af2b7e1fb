"""Painted agreement charts: the annotator x annotator heat map and the per-label bar chart."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QHelpEvent,
    QLinearGradient,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

VIRIDIS = (
    (0.0, QColor("#440154")),
    (0.25, QColor("#3b528b")),
    (0.5, QColor("#21918c")),
    (0.75, QColor("#5ec962")),
    (1.0, QColor("#fde725")),
)
"""A perceptually even, colour-blind-safe scale from 0 (dark violet) to 1 (yellow)."""


def scale_colour(value: float) -> QColor:
    """The colour of ``value`` on the scale; values below 0 get the colour of 0."""
    value = min(1.0, max(0.0, value))
    for (low, a), (high, b) in pairwise(VIRIDIS):
        if value <= high:
            t = (value - low) / (high - low)
            return QColor(
                round(a.red() + (b.red() - a.red()) * t),
                round(a.green() + (b.green() - a.green()) * t),
                round(a.blue() + (b.blue() - a.blue()) * t),
            )
    return QColor(VIRIDIS[-1][1])


def text_on(colour: QColor) -> QColor:
    """Black or white, whichever reads better on ``colour``."""
    luminance = 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue()
    return QColor("black") if luminance > 140 else QColor("white")


def number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


class HeatMap(QWidget):
    """A square matrix of values in [0, 1] (negative shown as 0) with the numbers in the cells,
    row and column names, and a colour legend on the right. ``None`` cells stay blank."""

    MARGIN = 8
    LEGEND_WIDTH = 18

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementHeatMap")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.names: list[str] = []
        self.values: list[list[float | None]] = []
        self.tips: list[list[str]] = []
        self.paints = 0
        self.setMouseTracking(True)

    def set_matrix(
        self,
        names: Sequence[str],
        values: Sequence[Sequence[float | None]],
        tips: Sequence[Sequence[str]] = (),
    ) -> None:
        """``tips[i][j]``: what the tooltip of a cell says (default: nothing)."""
        self.names = list(names)
        self.values = [list(row) for row in values]
        self.tips = [list(row) for row in tips]
        self.updateGeometry()
        self.update()

    def cell_at(self, point: QPointF) -> tuple[int, int] | None:
        for i in range(len(self.names)):
            for j in range(len(self.names)):
                if self.cell_rect(i, j).contains(point):
                    return i, j
        return None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self.cell_at(QPointF(event.pos()))
            tip = ""
            if cell is not None and cell[0] < len(self.tips) and cell[1] < len(self.tips[cell[0]]):
                tip = self.tips[cell[0]][cell[1]]
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def sizeHint(self) -> QSize:
        return QSize(480, 360)

    def _label_width(self) -> int:
        metrics = QFontMetrics(self.font())
        return max((metrics.horizontalAdvance(n) for n in self.names), default=0) + 12

    def _grid(self) -> tuple[float, float, float]:
        """Left and top of the grid and the side of one cell."""
        metrics = QFontMetrics(self.font())
        left = self.MARGIN + self._label_width()
        top = self.MARGIN + metrics.height() + 6
        count = max(1, len(self.names))
        legend = self.LEGEND_WIDTH + metrics.horizontalAdvance("0.00") + 24
        side = min(
            (self.width() - left - legend - self.MARGIN) / count,
            (self.height() - top - self.MARGIN) / count,
        )
        return left, top, max(side, 10.0)

    def cell_rect(self, row: int, column: int) -> QRectF:
        left, top, side = self._grid()
        return QRectF(left + column * side, top + row * side, side, side)

    def paintEvent(self, _event: QPaintEvent) -> None:
        self.paints += 1
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        if not self.names:
            painter.setPen(text_colour)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No pairs to show")
            return
        left, top, side = self._grid()
        metrics = QFontMetrics(self.font())
        for i, name in enumerate(self.names):
            painter.setPen(text_colour)
            row_box = QRectF(self.MARGIN, top + i * side, left - self.MARGIN - 6, side)
            painter.drawText(
                row_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name
            )
            column_box = QRectF(left + i * side, self.MARGIN, side, metrics.height() + 4)
            painter.drawText(
                column_box,
                Qt.AlignmentFlag.AlignCenter,
                metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(side) - 4),
            )
            for j in range(len(self.names)):
                value = (
                    self.values[i][j] if i < len(self.values) and j < len(self.values[i]) else None
                )
                cell = self.cell_rect(i, j).adjusted(1, 1, -1, -1)
                if value is None:
                    painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawRect(cell)
                    continue
                colour = scale_colour(value)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawRect(cell)
                painter.setPen(text_on(colour))
                painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, number(value))
        self._paint_legend(painter, left + len(self.names) * side + 16, top, side * len(self.names))

    def _paint_legend(self, painter: QPainter, x: float, top: float, height: float) -> None:
        bar = QRectF(x, top, self.LEGEND_WIDTH, height)
        gradient = QLinearGradient(bar.bottomLeft(), bar.topLeft())
        for stop, colour in VIRIDIS:
            gradient.setColorAt(stop, colour)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(gradient)
        painter.drawRect(bar)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        metrics = QFontMetrics(self.font())
        for value, text in ((1.0, "1.00"), (0.5, "0.50"), (0.0, "≤ 0")):
            y = bar.bottom() - value * bar.height()
            painter.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 4, y))
            painter.drawText(QPointF(bar.right() + 7, y + metrics.ascent() / 2 - 1), text)


class BarChart(QWidget):
    """One bar per label, its height the value (from -1 to 1, a line at 0), the value written
    above it, in the label's colour. A label without a value gets "—" and no bar."""

    MARGIN = 10

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementBarChart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.bars: list[tuple[str, float | None, QColor]] = []
        self.paints = 0

    def set_bars(self, bars: Sequence[tuple[str, float | None, QColor]]) -> None:
        self.bars = list(bars)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, 320)

    def _plot(self) -> QRectF:
        metrics = QFontMetrics(self.font())
        left = self.MARGIN + metrics.horizontalAdvance("-1.0") + 8
        top = self.MARGIN + metrics.height() + 4
        bottom = self.height() - self.MARGIN - metrics.height() - 6
        return QRectF(left, top, self.width() - left - self.MARGIN, max(20.0, bottom - top))

    def _low(self) -> float:
        """The bottom of the axis: 0, or -1 when a value is negative."""
        return -1.0 if any(v is not None and v < 0 for _, v, _ in self.bars) else 0.0

    def bar_rect(self, index: int) -> QRectF:
        """Where bar ``index`` is drawn (empty when it has no value)."""
        plot = self._plot()
        low = self._low()
        slot = plot.width() / max(1, len(self.bars))
        value = self.bars[index][1]
        if value is None:
            return QRectF()

        def y(v: float) -> float:
            return plot.bottom() - (v - low) / (1.0 - low) * plot.height()

        x = plot.left() + index * slot + slot * 0.2
        top, base = sorted((y(max(-1.0, min(1.0, value))), y(0.0)))
        return QRectF(x, top, slot * 0.6, max(base - top, 1.0))

    def paintEvent(self, _event: QPaintEvent) -> None:
        self.paints += 1
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        grid_colour = self.palette().color(QPalette.ColorRole.Mid)
        if not self.bars:
            painter.setPen(text_colour)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No labels to show")
            return
        plot = self._plot()
        low = self._low()
        metrics = QFontMetrics(self.font())
        ticks = (-1.0, -0.5, 0.0, 0.5, 1.0) if low < 0 else (0.0, 0.25, 0.5, 0.75, 1.0)
        for tick in ticks:
            y = plot.bottom() - (tick - low) / (1.0 - low) * plot.height()
            painter.setPen(text_colour if tick == 0 else grid_colour)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text_colour)
            label = f"{tick:g}"
            painter.drawText(
                QPointF(
                    plot.left() - metrics.horizontalAdvance(label) - 6, y + metrics.ascent() / 2 - 1
                ),
                label,
            )
        slot = plot.width() / len(self.bars)
        for index, (name, value, colour) in enumerate(self.bars):
            centre = plot.left() + (index + 0.5) * slot
            rect = self.bar_rect(index)
            if value is not None:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawRect(rect)
            painter.setPen(text_colour)
            zero = plot.bottom() - (0.0 - low) / (1.0 - low) * plot.height()
            above = (rect.top() if value is not None else zero) - 4
            text = number(value)
            painter.drawText(QPointF(centre - metrics.horizontalAdvance(text) / 2, above), text)
            shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(slot) - 4)
            painter.drawText(
                QPointF(
                    centre - metrics.horizontalAdvance(shown) / 2,
                    plot.bottom() + metrics.height() + 2,
                ),
                shown,
            )
