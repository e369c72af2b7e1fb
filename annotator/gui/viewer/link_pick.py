"""Choosing a relation's target with the mouse or the keyboard: the state of the choice and
the rubber band from the source span to the candidate (or the mouse)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from annotator.core.offsets import OffsetConverter
from annotator.gui.viewer.arcs import RelationArcs
from annotator.gui.viewer.overlay import VisibleLine
from annotator.gui.viewer.shapes import ViewerSpans


@dataclass(slots=True)
class LinkPick:
    """A choice in progress: from ``source``, to a span ``allowed`` accepts."""

    source: int
    allowed: Callable[[int], bool]
    target: int | None = None
    """The allowed candidate the line points at (mouse or keyboard), if any."""
    pos: QPointF | None = None
    """Where the mouse is, while it moves; None after a keyboard choice."""

    def candidate(self, ids: Sequence[int]) -> int | None:
        """Of the spans under the mouse (other than the source), the first allowed one, else
        the first one."""
        others = [i for i in ids if i != self.source]
        allowed = [i for i in others if self.allowed(i)]
        found = allowed or others
        return found[0] if found else None

    def move(self, pos: QPointF, candidate: int | None) -> Qt.CursorShape:
        """The mouse moved to ``pos`` over ``candidate``: the cursor to show there."""
        self.pos = pos
        ok = candidate is not None and self.allowed(candidate)
        self.target = candidate if ok else None
        if candidate is None:
            return Qt.CursorShape.CrossCursor
        return Qt.CursorShape.PointingHandCursor if ok else Qt.CursorShape.ForbiddenCursor


def paint_link(
    painter: QPainter,
    pick: LinkPick,
    spans: ViewerSpans,
    arcs: RelationArcs,
    lines: list[VisibleLine],
    converter: OffsetConverter,
    color: QColor,
) -> None:
    """The rubber band from the source span's nearest piece to the mouse or the target, and
    the target's pieces highlighted."""
    source = spans.get(pick.source)
    if source is None:
        return
    pieces = arcs.pieces(source, lines, converter)
    target = spans.get(pick.target) if pick.target is not None else None
    target_pieces = arcs.pieces(target, lines, converter) if target is not None else []
    end = pick.pos
    if end is None and target_pieces:
        piece = target_pieces[0]
        end = QPointF(piece.center, piece.line.top + piece.line.line.height() / 2)
    if not pieces or end is None:
        return
    piece = min(pieces, key=lambda p: abs(p.line.top - end.y()))
    start = QPointF(piece.center, piece.line.top + piece.line.line.height() / 2)
    rects = [QRectF(p.x1, p.line.top, p.x2 - p.x1, p.line.line.height()) for p in target_pieces]
    arcs.paint_rubber_band(painter, start, end, rects, color)


__all__ = ["LinkPick", "paint_link"]
