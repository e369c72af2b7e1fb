"""Relations drawn in the text: arcs from a source span to a target span, with the type's name.

The gap under every line holds, below the span bars, a band for relations (``band``):

- **same line**: the arc leaves the source just under its text, dips into the band and comes back
  up to the target with an arrow head; arcs nested in wider ones dip less deep, so parallel
  arcs stay apart;
- **different lines**: an S-curve from under the upper span down to the top of the lower span's
  text; between neighbouring lines it stays in the gap;
- the type's name sits on the arc in the band, on a halo (a rounded box in the page colour), so
  it stays readable where arcs cross; labels that would overlap are moved aside;
- several relations at one span leave it at slightly different points.

Only relations with at least one end on a visible line are drawn (the other end may be off
screen, the curve then leaves the viewport). Everything is computed from the visible lines at
paint time; the cost depends on what is on screen and on the relations of the visible spans.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)

from annotator.core.annotation import Relation
from annotator.core.offsets import OffsetConverter
from annotator.gui.viewer.overlay import VisibleLine
from annotator.gui.viewer.shapes import SpanLike, SpanLookup

ANCHOR_STEP = 6.0
"""Horizontal distance between the ends of relations that leave one span."""
ARROW = 6.0
LABEL_SCALE = 0.72
"""Size of the type names relative to the text font."""
OFF_SCREEN = 40.0


@dataclass(slots=True)
class Piece:
    """Where a span is on one visible line: x range, and the line."""

    x1: float
    x2: float
    line: VisibleLine
    index: int
    """The line's position in the visible lines."""

    @property
    def center(self) -> float:
        return (self.x1 + self.x2) / 2


@dataclass(slots=True)
class Arc:
    relation_id: int
    path: QPainterPath
    arrow: QPolygonF
    label: QRectF
    text: str
    selected: bool


def label_font(text_font: QFont) -> QFont:
    font = QFont(text_font)
    if font.pointSizeF() > 0:
        font.setPointSizeF(max(6.0, font.pointSizeF() * LABEL_SCALE))
    else:
        font.setPixelSize(max(8, round(font.pixelSize() * LABEL_SCALE)))
    font.setWeight(QFont.Weight.DemiBold)
    return font


def band_height(text_font: QFont) -> int:
    """The band under the bars that holds the arcs and their labels."""
    return round(QFontMetricsF(label_font(text_font)).height() * 1.5)


class RelationArcs:
    """The open document's relations, indexed by span, and how to draw them."""

    def __init__(self) -> None:
        self.relations: dict[int, Relation] = {}
        self.by_span: dict[int, set[int]] = {}
        self.selected: int | None = None
        self.font = QFont()
        self.band = 0.0
        """Height of the relation band (0: the schema has no relation types)."""
        self.bars = 0.0
        """Height of the part of the gap that holds the span bars, above the band."""

    # -- the index ------------------------------------------------------------------------------

    def load(self, relations: Iterable[Relation]) -> None:
        self.relations = {}
        self.by_span = {}
        for relation in relations:
            self.add(relation)
        if self.selected not in self.relations:
            self.selected = None

    def add(self, relation: Relation) -> None:
        self.remove(int(relation.id))
        self.relations[int(relation.id)] = relation
        for end in (relation.source, relation.target):
            self.by_span.setdefault(int(end), set()).add(int(relation.id))

    def remove(self, relation_id: int) -> Relation | None:
        relation = self.relations.pop(relation_id, None)
        if relation is not None:
            for end in (int(relation.source), int(relation.target)):
                ids = self.by_span.get(end)
                if ids is not None:
                    ids.discard(relation_id)
                    if not ids:
                        del self.by_span[end]
        return relation

    def of_span(self, span_id: int) -> list[Relation]:
        return [self.relations[i] for i in sorted(self.by_span.get(span_id, ()))]

    @staticmethod
    def extent(relation: Relation, spans: SpanLookup) -> tuple[int, int] | None:
        """The text range from the first to the last character of the two spans."""
        ends = [spans.get(int(relation.source)), spans.get(int(relation.target))]
        found = [span for span in ends if span is not None]
        if not found:
            return None
        return min(s.start for s in found), max(s.end for s in found)

    # -- geometry -------------------------------------------------------------------------------

    @staticmethod
    def pieces(
        span: SpanLike, lines: Sequence[VisibleLine], converter: OffsetConverter
    ) -> list[Piece]:
        """The parts of ``span`` (of each of its pieces) on the visible lines, top to bottom."""
        found: list[Piece] = []
        for start, end in span.pieces:
            s16 = converter.cp_to_utf16(start)
            e16 = converter.cp_to_utf16(end)
            for index, visible in enumerate(lines):
                block_pos = visible.block.position()
                line_start = block_pos + visible.line.textStart()
                line_end = line_start + visible.line.textLength()
                if s16 >= line_end or e16 <= line_start:
                    continue
                a = max(s16, line_start) - block_pos
                b = min(e16, line_end) - block_pos
                x1 = visible.origin.x() + _cursor_x(visible, a)
                x2 = visible.origin.x() + _cursor_x(visible, b)
                found.append(Piece(min(x1, x2), max(x1, x2), visible, index))
        return found

    def plan(
        self,
        lines: Sequence[VisibleLine],
        spans: SpanLookup,
        converter: OffsetConverter,
        to_cp: Callable[[int], int],
        height: float,
    ) -> list[Arc]:
        """The arcs of the relations with an end on ``lines`` (viewport coordinates)."""
        if not lines or not self.relations or not self.band:
            return []
        first = lines[0]
        last = lines[-1]
        low = to_cp(first.block.position() + first.line.textStart())
        high = to_cp(
            min(
                converter.utf16_length,
                last.block.position() + last.line.textStart() + last.line.textLength(),
            )
        )
        metrics = QFontMetricsF(self.font)
        label_h = metrics.height() + 2
        shown: list[tuple[Relation, SpanLike, SpanLike]] = []
        for relation in self.relations.values():
            source = spans.get(int(relation.source))
            target = spans.get(int(relation.target))
            if source is None or target is None:
                continue
            if (source.start < high and source.end > low) or (
                target.start < high and target.end > low
            ):
                shown.append((relation, source, target))
        if not shown:
            return []
        cache: dict[int, list[Piece]] = {}

        def pieces_of(span: SpanLike) -> list[Piece]:
            found = cache.get(int(span.id))
            if found is None:
                found = cache[int(span.id)] = self.pieces(span, lines, converter)
            return found

        arcs: list[Arc] = []
        same_line: list[tuple[Relation, Piece, Piece]] = []
        placed: list[QRectF] = []
        for relation, source, target in shown:
            source_pieces = pieces_of(source)
            target_pieces = pieces_of(target)
            if not source_pieces and not target_pieces:
                continue
            if source_pieces and target_pieces:
                # the pieces facing each other
                if source.start <= target.start:
                    sp, tp = source_pieces[-1], target_pieces[0]
                else:
                    sp, tp = source_pieces[0], target_pieces[-1]
                if sp.index == tp.index:
                    same_line.append((relation, sp, tp))
                    continue
                arcs.append(self._cross(relation, sp, tp, label_h, metrics, placed))
            else:
                visible = source_pieces or target_pieces
                target_below = target.start > source.start
                visible_is_source = bool(source_pieces)
                other_below = target_below if visible_is_source else not target_below
                piece = visible[-1] if other_below else visible[0]
                arcs.append(
                    self._off_screen(
                        relation,
                        piece,
                        visible_is_source,
                        other_below,
                        height,
                        label_h,
                        metrics,
                        placed,
                    )
                )
        arcs.extend(self._same_line(same_line, label_h, metrics, placed))
        return arcs

    def _x(self, relation: Relation, span_id: int, piece: Piece) -> float:
        """Where a relation leaves or reaches a span: relations of one span spread out."""
        ids = sorted(self.by_span.get(span_id, ()))
        if len(ids) <= 1 or int(relation.id) not in ids:
            return piece.center
        k = ids.index(int(relation.id))
        shift = (k - (len(ids) - 1) / 2) * ANCHOR_STEP
        room = max(0.0, (piece.x2 - piece.x1) / 2 - 2)
        return piece.center + max(-room, min(room, shift))

    def _band_center(self, line: VisibleLine) -> float:
        return line.text_bottom + self.bars + self.band / 2

    def _cross(
        self,
        relation: Relation,
        sp: Piece,
        tp: Piece,
        label_h: float,
        metrics: QFontMetricsF,
        placed: list[QRectF],
    ) -> Arc:
        sx = self._x(relation, int(relation.source), sp)
        tx = self._x(relation, int(relation.target), tp)
        if sp.index < tp.index:  # source above: leave under it, arrive on top of the target
            start = QPointF(sx, sp.line.text_bottom)
            end = QPointF(tx, tp.line.top)
            label_y = self._band_center(sp.line)
        else:  # source below: leave from its top, arrive under the target
            start = QPointF(sx, sp.line.top)
            end = QPointF(tx, tp.line.text_bottom)
            label_y = self._band_center(tp.line)
        return self._s_curve(relation, start, end, label_y, label_h, metrics, placed)

    def _off_screen(
        self,
        relation: Relation,
        piece: Piece,
        visible_is_source: bool,
        other_below: bool,
        height: float,
        label_h: float,
        metrics: QFontMetricsF,
        placed: list[QRectF],
    ) -> Arc:
        span_id = int(relation.source if visible_is_source else relation.target)
        x = self._x(relation, span_id, piece)
        if other_below:
            near = QPointF(x, piece.line.text_bottom)
            far = QPointF(x + 2 * ANCHOR_STEP, height + OFF_SCREEN)
            label_y = self._band_center(piece.line)
        else:
            near = QPointF(x, piece.line.top)
            far = QPointF(x + 2 * ANCHOR_STEP, -OFF_SCREEN)
            label_y = piece.line.top - self.band / 2
        start, end = (near, far) if visible_is_source else (far, near)
        return self._s_curve(relation, start, end, label_y, label_h, metrics, placed)

    def _s_curve(
        self,
        relation: Relation,
        start: QPointF,
        end: QPointF,
        label_y: float,
        label_h: float,
        metrics: QFontMetricsF,
        placed: list[QRectF],
    ) -> Arc:
        dy = end.y() - start.y()
        k = dy / 2
        c1 = QPointF(start.x(), start.y() + k)
        c2 = QPointF(end.x(), end.y() - k)
        path = QPainterPath(start)
        path.cubicTo(c1, c2, end)
        label_at = _point_at_y(start, c1, c2, end, label_y)
        rect = self._label_rect(relation.type, label_at, label_h, metrics, placed)
        return Arc(
            int(relation.id),
            path,
            _arrow(c2, end),
            rect,
            relation.type,
            int(relation.id) == self.selected,
        )

    def _same_line(
        self,
        items: list[tuple[Relation, Piece, Piece]],
        label_h: float,
        metrics: QFontMetricsF,
        placed: list[QRectF],
    ) -> list[Arc]:
        """Arcs under one line; narrower arcs first, each a level deeper than those it spans."""
        prepared = []
        for relation, sp, tp in items:
            sx = self._x(relation, int(relation.source), sp)
            tx = self._x(relation, int(relation.target), tp)
            prepared.append((abs(tx - sx), relation, sp, sx, tx))
        prepared.sort(key=lambda item: (item[0], int(item[1].id)))
        levels: list[tuple[int, float, float, int]] = []  # line index, x1, x2, level
        arcs: list[Arc] = []
        for _width, relation, sp, sx, tx in prepared:
            x1, x2 = min(sx, tx), max(sx, tx)
            level = 0
            for index, a, b, other in levels:
                if index == sp.index and a >= x1 - 1 and b <= x2 + 1:
                    level = max(level, other + 1)
            levels.append((sp.index, x1, x2, level))
            top = sp.line.text_bottom
            bottom = sp.line.text_bottom + self.bars + self.band - 2
            depth = min(bottom, self._band_center(sp.line) + level * 3) - top
            control = top + depth * 4 / 3
            start, end = QPointF(sx, top), QPointF(tx, top)
            c1, c2 = QPointF(sx, control), QPointF(tx, control)
            path = QPainterPath(start)
            path.cubicTo(c1, c2, end)
            label_at = QPointF((sx + tx) / 2, top + depth)
            rect = self._label_rect(relation.type, label_at, label_h, metrics, placed)
            arcs.append(
                Arc(
                    int(relation.id),
                    path,
                    _arrow(c2, end),
                    rect,
                    relation.type,
                    int(relation.id) == self.selected,
                )
            )
        return arcs

    @staticmethod
    def _label_rect(
        text: str, at: QPointF, height: float, metrics: QFontMetricsF, placed: list[QRectF]
    ) -> QRectF:
        """A box for the label centred at ``at``, moved sideways when it would cover another."""
        width = metrics.horizontalAdvance(text) + 8
        rect = QRectF(at.x() - width / 2, at.y() - height / 2, width, height)
        for dx in (0.0, width * 0.6, -width * 0.6, width * 1.2, -width * 1.2, width * 1.8):
            moved = rect.translated(dx, 0)
            if not any(moved.intersects(other) for other in placed):
                rect = moved
                break
        placed.append(rect)
        return rect

    # -- painting -------------------------------------------------------------------------------

    def paint(
        self, painter: QPainter, arcs: Sequence[Arc], ink: QColor, page: QColor, accent: QColor
    ) -> None:
        """Arcs first, then every label on its halo (labels stay on top of all arcs)."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        normal = QColor(ink)
        normal.setAlphaF(0.62)
        ordered = sorted(arcs, key=lambda arc: arc.selected)  # the selected one on top
        for arc in ordered:
            color = accent if arc.selected else normal
            pen = QPen(color, 2.4 if arc.selected else 1.3)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(arc.path)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawPolygon(arc.arrow)
        painter.setFont(self.font)
        halo = QColor(page)
        halo.setAlphaF(0.92)
        for arc in ordered:
            color = accent if arc.selected else normal
            painter.setPen(QPen(color, 1.0))
            painter.setBrush(accent if arc.selected else halo)
            painter.drawRoundedRect(arc.label, 4, 4)
            painter.setPen(page if arc.selected else ink)
            painter.drawText(arc.label, Qt.AlignmentFlag.AlignCenter, arc.text)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    @staticmethod
    def paint_rubber_band(
        painter: QPainter, start: QPointF, end: QPointF, targets: Sequence[QRectF], color: QColor
    ) -> None:
        """The line that follows the mouse while linking, and the candidate target's box."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = QPen(color, 2.0, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rect in targets:
            painter.drawRoundedRect(rect.adjusted(-2, -1, 2, 1), 3, 3)
        painter.drawLine(start, end)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(_arrow(start, end))
        painter.drawEllipse(start, 3.0, 3.0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    @staticmethod
    def label_at(arcs: Sequence[Arc], point: QPointF) -> int | None:
        for arc in reversed(arcs):
            if arc.label.contains(point):
                return arc.relation_id
        return None


def _cursor_x(visible: VisibleLine, pos: int) -> float:
    result: tuple[float, int] = visible.line.cursorToX(pos)  # type: ignore[assignment]
    return result[0]


def _arrow(before: QPointF, tip: QPointF) -> QPolygonF:
    """A small arrow head at ``tip`` pointing away from ``before``."""
    dx, dy = tip.x() - before.x(), tip.y() - before.y()
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    ux, uy = dx / length, dy / length
    back = QPointF(tip.x() - ux * ARROW, tip.y() - uy * ARROW)
    side = QPointF(-uy * ARROW * 0.55, ux * ARROW * 0.55)
    return QPolygonF([tip, back + side, back - side])


def _bezier(p0: QPointF, p1: QPointF, p2: QPointF, p3: QPointF, t: float) -> QPointF:
    u = 1 - t
    a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
    return QPointF(
        a * p0.x() + b * p1.x() + c * p2.x() + d * p3.x(),
        a * p0.y() + b * p1.y() + c * p2.y() + d * p3.y(),
    )


def _point_at_y(p0: QPointF, p1: QPointF, p2: QPointF, p3: QPointF, y: float) -> QPointF:
    """The point of a cubic whose y grows (or falls) monotonically at height ``y`` (clamped)."""
    low, high = 0.0, 1.0
    rising = p3.y() >= p0.y()
    for _ in range(24):
        middle = (low + high) / 2
        below = _bezier(p0, p1, p2, p3, middle).y() < y
        if below == rising:
            low = middle
        else:
            high = middle
    return _bezier(p0, p1, p2, p3, (low + high) / 2)


__all__ = ["Arc", "RelationArcs", "band_height", "label_font"]
