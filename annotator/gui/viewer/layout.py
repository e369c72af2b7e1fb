"""A plain-text document layout with a gap under every line, where the span bars are drawn.

``QPlainTextDocumentLayout`` lays out only the blocks that are looked at (which keeps a 1M
character document fast) but ignores ``QTextBlockFormat.lineHeight`` and margins: its lines are
packed without a gap. This subclass moves the lines of a block apart after Qt laid them out and
reports a block that much taller. Qt reaches every block geometry through the virtual
``blockBoundingRect`` (painting, scrolling, hit testing, ``cursorRect``), so the override is
the one place the gap has to be added. A relayout by Qt (a resize, a font change) packs the
lines again; the next ``blockBoundingRect`` call notices and spaces them out again.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTextBlock, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout


class SpacedLayout(QPlainTextDocumentLayout):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._gap = 0.0

    @property
    def gap(self) -> float:
        return self._gap

    def set_gap(self, gap: float) -> None:
        """Space under each line in pixels; takes effect as blocks are next measured."""
        self._gap = float(gap)

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:
        rect = super().blockBoundingRect(block)
        gap = self._gap
        if not gap or not block.isValid() or not block.isVisible():
            return rect
        layout = block.layout()
        count = layout.lineCount()
        if count > 1:
            first = layout.lineAt(0)
            second = layout.lineAt(1)
            if second.y() != first.y() + first.height() + gap:
                y = first.y()
                for i in range(count):
                    line = layout.lineAt(i)
                    line.setPosition(QPointF(line.x(), y))
                    y += line.height() + gap
                rect = super().blockBoundingRect(block)
        return QRectF(rect.x(), rect.y(), rect.width(), rect.height() + gap)
