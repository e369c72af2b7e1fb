"""Span rendering: tints behind the text and bars in the lanes under it, for visible lines only.

Everything here is computed per *visible line* from the span index, so the cost of a paint
depends on what is on screen, never on how many spans the document has:

- **tint**: each character is tinted with the colour of the innermost (shortest) span covering
  it, so a nested span shows inside its parent;
- **bars**: every span on the line gets a bar in the gap under the text, in its own lane
  (greedy interval colouring: an enclosing span takes a lane above the spans nested in it), so
  overlapping and nested spans are all visible with their exact extents;
- **outline**: the selected span is outlined.
- **pieces**: a discontinuous span is indexed per piece (:class:`PieceIndex`); its pieces share
  one lane on a line, joined there by a dashed connector across the gaps between them.

Positions inside a block are UTF-16 (Qt's unit); the index is in code points and the offset
converter translates at the edges.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen, QTextBlock, QTextLine

from annotator.core.errors import OffsetError
from annotator.core.offsets import OffsetConverter
from annotator.core.piece_index import PieceIndex
from annotator.gui.viewer.colors import LabelStyle
from annotator.gui.viewer.shapes import ViewerSpans

MAX_LANES = 3
"""Lanes with full-size bars; more overlapping spans on one line share the space thinner."""


@dataclass(frozen=True, slots=True)
class LaneMetrics:
    """Sizes in pixels, derived from the font's line height."""

    bar: int
    """Thickness of a bar."""
    spacing: int
    """Space between two lanes."""
    pad: int
    """Space between the text and the first lane."""

    @classmethod
    def for_line_height(cls, height: float) -> LaneMetrics:
        bar = max(2, round(height * 0.16))
        return cls(bar=bar, spacing=max(1, bar // 3), pad=max(2, round(height * 0.1)))

    @property
    def gap(self) -> int:
        """The space under each line: pad, the lanes and a little air before the next line
        (the top of a line's ascent is mostly empty already)."""
        return self.pad + MAX_LANES * (self.bar + self.spacing) + max(1, self.pad // 2)


@dataclass(slots=True)
class Bar:
    span_id: int
    label: str
    rect: QRectF


@dataclass(slots=True)
class Tint:
    rect: QRectF
    label: str
    round_left: bool
    """The span starts here (round corners), rather than continuing from the left."""
    round_right: bool


@dataclass(slots=True)
class LinePlan:
    """What to draw for one visible line, in viewport coordinates."""

    text_rect: QRectF
    """The line's text area (without the gap under it)."""
    tints: list[Tint] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    outlines: list[tuple[QRectF, str, bool, bool]] = field(default_factory=list)
    """Pieces of the selected span: rect, label, whether the span starts / ends here."""
    connectors: list[tuple[QPointF, QPointF, str]] = field(default_factory=list)
    """Dashed lines in a lane joining the pieces of a discontinuous span: from, to, label."""


@dataclass(slots=True)
class VisibleLine:
    block: QTextBlock
    line: QTextLine
    origin: QPointF
    """The block's top-left corner in viewport coordinates."""

    @property
    def top(self) -> float:
        return self.origin.y() + self.line.y()

    @property
    def text_bottom(self) -> float:
        return self.top + self.line.height()


class SpanOverlay:
    """Plans and paints the spans of the visible lines; hit-tests bars and characters."""

    def __init__(self) -> None:
        self.spans = ViewerSpans()
        self.converter = OffsetConverter("")
        self.styles: dict[str, LabelStyle] = {}
        self.fallback: LabelStyle | None = None
        self.metrics = LaneMetrics.for_line_height(14)
        self.selected: int | None = None
        self.anchor: int | None = None
        """A span outlined as the target of "add fragment" while text is selected."""

    @property
    def index(self) -> PieceIndex:
        return self.spans.index

    # -- geometry ---------------------------------------------------------------------------

    def to_cp(self, utf16: int) -> int:
        """A UTF-16 position to code points, rounding down inside a surrogate pair."""
        try:
            return self.converter.utf16_to_cp(utf16)
        except OffsetError:
            return self.converter.utf16_to_cp(max(0, utf16 - 1))

    def plan(self, visible: VisibleLine) -> LinePlan:
        block, line, origin = visible.block, visible.line, visible.origin
        block_pos = block.position()
        line_start = block_pos + line.textStart()
        line_end = line_start + line.textLength()
        top = origin.y() + line.y()
        height = line.height()
        plan = LinePlan(QRectF(origin.x() + line.x(), top, line.width(), height))
        if line_end <= line_start or not self.spans:
            return plan
        conv = self.converter
        cp_start = self.to_cp(line_start)
        cp_end = self.to_cp(line_end)
        entries = self.index.overlapping_entries(cp_start, cp_end)
        gapped = self.index.gapped(cp_start, cp_end)  # a line inside a gap gets the connector
        if not entries and not gapped:
            return plan

        xs: dict[int, float] = {}
        ox = origin.x()

        def x_at(pos: int) -> float:
            x = xs.get(pos)
            if x is None:
                x = xs[pos] = ox + _cursor_x(line, pos)
            return x

        index = self.index
        spans = self.spans
        identity = not conv.has_astral

        def clipped(start: int, end: int) -> tuple[int, int, bool, bool]:
            s16 = start if identity else conv.cp_to_utf16(start)
            e16 = end if identity else conv.cp_to_utf16(end)
            starts = s16 >= line_start
            ends = e16 <= line_end
            return (
                (s16 if starts else line_start) - block_pos,
                (e16 if ends else line_end) - block_pos,
                starts,
                ends,
            )

        # (start16, end16, starts here, ends here, span id), positions relative to the block;
        # a piece's size in code points decides which tint is innermost
        items: list[tuple[int, int, bool, bool, int]] = []
        sizes: list[int] = []
        pieced: set[int] = set(gapped)
        for start, end, key in entries:
            s16, e16, starts, ends = clipped(start, end)
            if s16 < e16:
                span_id = key if key > 0 else index.owner(key)
                if key < 0 or index.is_pieced(span_id):
                    pieced.add(span_id)
                items.append((s16, e16, starts, ends, span_id))
                sizes.append(end - start)
        if not items and not pieced:
            return plan

        # lanes: enclosing spans first (same start: longer first); the pieces of a
        # discontinuous span share one lane spanning its gaps on this line
        hulls = {i: clipped(spans[i].start, spans[i].end)[:2] for i in pieced}
        lane_items = [(*item[:2], item[4]) for item in items if item[4] not in pieced]
        lane_items.extend((*hull, span_id) for span_id, hull in hulls.items())
        lane_items.sort(key=lambda item: (item[0], -item[1], item[2]))
        lane_ends: list[int] = []
        lane_of: dict[int, int] = {}
        for s16, e16, span_id in lane_items:
            for lane, lane_end in enumerate(lane_ends):
                if lane_end <= s16:
                    lane_ends[lane] = e16
                    lane_of[span_id] = lane
                    break
            else:
                lane_of[span_id] = len(lane_ends)
                lane_ends.append(e16)
        order = sorted(range(len(items)), key=lambda i: (items[i][0], -items[i][1], items[i][4]))
        items = [items[i] for i in order]
        sizes = [sizes[i] for i in order]
        lanes = [lane_of[item[4]] for item in items]

        self._plan_tints(plan, items, sizes, x_at)

        metrics = self.metrics
        used = len(lane_ends)
        if used <= MAX_LANES:
            pitch = float(metrics.bar + metrics.spacing)
            thickness = float(metrics.bar)
        else:
            pitch = MAX_LANES * (metrics.bar + metrics.spacing) / used
            thickness = max(1.0, pitch - max(0.5, pitch / 3))
        lanes_top = top + height + metrics.pad
        selected = self.selected
        anchor = self.anchor
        for (s16, e16, starts, ends, span_id), lane in zip(items, lanes, strict=True):
            x1, x2 = x_at(s16), x_at(e16)
            if x1 > x2:
                x1, x2 = x2, x1
            label = spans.label(span_id)
            left = x1 + (1.0 if starts else 0.0)
            right = x2 - (1.0 if ends else 0.0)
            if right - left < 2:
                left, right = x1, max(x2, x1 + 2)
            rect = QRectF(left, lanes_top + lane * pitch, right - left, thickness)
            plan.bars.append(Bar(span_id, label, rect))
            if span_id in (selected, anchor):
                plan.outlines.append((QRectF(x1, top, x2 - x1, height), label, starts, ends))
        for span_id in pieced:
            y = lanes_top + lane_of[span_id] * pitch + thickness / 2
            label = spans.label(span_id)
            for (_, gap_start), (gap_end, _) in pairwise(spans[span_id].pieces):
                if gap_start >= cp_end or gap_end <= cp_start:
                    continue
                g1, g2, _, _ = clipped(gap_start, gap_end)
                if g1 < g2:
                    plan.connectors.append((QPointF(x_at(g1), y), QPointF(x_at(g2), y), label))
        return plan

    def _plan_tints(
        self,
        plan: LinePlan,
        items: list[tuple[int, int, bool, bool, int]],
        sizes: list[int],
        x_at: Callable[[int], float],
    ) -> None:
        """Each character gets the tint of the innermost span (piece) covering it."""
        cuts = sorted({pos for item in items for pos in (item[0], item[1])})
        runs: list[tuple[int, int, int]] = []  # start, end, item number
        for left, right in pairwise(cuts):
            best: tuple[int, int, int] | None = None
            best_item: int | None = None
            for number, (s16, e16, _, _, span_id) in enumerate(items):
                if s16 <= left and e16 >= right:
                    key = (sizes[number], -s16, span_id)
                    if best is None or key < best:
                        best, best_item = key, number
            if best_item is None:
                continue
            if runs and runs[-1][2] == best_item and runs[-1][1] == left:
                runs[-1] = (runs[-1][0], right, best_item)
            else:
                runs.append((left, right, best_item))
        top = plan.text_rect.top()
        height = plan.text_rect.height()
        spans = self.spans
        for start, end, number in runs:
            s16, e16, starts, ends, span_id = items[number]
            x1, x2 = x_at(start), x_at(end)
            if x1 > x2:
                x1, x2 = x2, x1
            plan.tints.append(
                Tint(
                    QRectF(x1, top, x2 - x1, height),
                    spans.label(span_id),
                    starts and start == s16,
                    ends and end == e16,
                )
            )

    # -- painting ---------------------------------------------------------------------------

    def style(self, label: str) -> LabelStyle:
        style = self.styles.get(label)
        if style is None:
            assert self.fallback is not None
            return self.fallback
        return style

    def paint_under(self, painter: QPainter, plans: list[LinePlan]) -> None:
        """Tints, drawn before the text; rounded where a span starts or ends."""
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for plan in plans:
            for tint in plan.tints:
                color = self.style(tint.label).tint
                if tint.round_left and tint.round_right:
                    painter.setBrush(color)
                    painter.drawRoundedRect(tint.rect, TINT_RADIUS, TINT_RADIUS)
                elif tint.round_left or tint.round_right:
                    painter.fillPath(_rounded(tint.rect, tint.round_left, tint.round_right), color)
                else:
                    painter.fillRect(tint.rect, color)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def paint_over(self, painter: QPainter, plans: list[LinePlan]) -> None:
        """Bars and the selected span's outline, drawn after the text."""
        for plan in plans:
            for bar in plan.bars:
                painter.fillRect(bar.rect, self.style(bar.label).bar)
        connectors = [c for plan in plans for c in plan.connectors]
        if connectors:
            width = max(1.0, self.metrics.bar / 2)
            for start, end, label in connectors:
                pen = QPen(self.style(label).bar, width, Qt.PenStyle.DashLine)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                painter.setPen(pen)
                painter.drawLine(start, end)
            painter.setPen(Qt.PenStyle.NoPen)
        outlined = [piece for plan in plans for piece in plan.outlines]
        if not outlined:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for rect, label, starts, ends in outlined:
            color = self.style(label).outline
            pen = QPen(color, OUTLINE_WIDTH)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            box = rect.adjusted(-OUTLINE_GROW_X, -OUTLINE_GROW_Y, OUTLINE_GROW_X, OUTLINE_GROW_Y)
            painter.drawPath(_outline_path(box, starts, ends))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    # -- hit testing ------------------------------------------------------------------------

    def bar_at(self, plan: LinePlan, point: QPointF) -> int | None:
        """The span whose bar is under ``point`` (a little vertical slack for thin bars)."""
        for bar in reversed(plan.bars):
            if bar.rect.adjusted(-0.5, -1.5, 0.5, 1.5).contains(point):
                return bar.span_id
        return None


def _cursor_x(line: QTextLine, pos: int) -> float:
    result: tuple[float, int] = line.cursorToX(pos)  # type: ignore[assignment]  # (x, pos)
    return result[0]


TINT_RADIUS = 3.0
OUTLINE_WIDTH = 2.0
"""Pen width of the selected span's outline."""
OUTLINE_GROW_X = 1.5
OUTLINE_GROW_Y = 0.5
"""The outline is drawn around the span's text rect grown by this much on each side."""
OUTLINE_MARGIN = math.ceil(max(OUTLINE_GROW_X, OUTLINE_GROW_Y) + OUTLINE_WIDTH / 2) + 1
"""Pixels the outline (pen and antialiasing included) can reach outside the span's line
rect: a repaint of the span's lines must be grown by this much, or a removed or deselected
span leaves the top edge of its outline behind above the line."""


def _rounded(rect: QRectF, left: bool, right: bool) -> QPainterPath:
    """A rectangle with rounded corners on the chosen sides."""
    path = QPainterPath()
    r = min(TINT_RADIUS, rect.width() / 2, rect.height() / 2)
    x1, x2, y1, y2 = rect.left(), rect.right(), rect.top(), rect.bottom()
    if left:
        path.moveTo(x1 + r, y1)
    else:
        path.moveTo(x1, y1)
    if right:
        path.lineTo(x2 - r, y1)
        path.quadTo(x2, y1, x2, y1 + r)
        path.lineTo(x2, y2 - r)
        path.quadTo(x2, y2, x2 - r, y2)
    else:
        path.lineTo(x2, y1)
        path.lineTo(x2, y2)
    if left:
        path.lineTo(x1 + r, y2)
        path.quadTo(x1, y2, x1, y2 - r)
        path.lineTo(x1, y1 + r)
        path.quadTo(x1, y1, x1 + r, y1)
    else:
        path.lineTo(x1, y2)
        path.closeSubpath()
    return path


def _outline_path(rect: QRectF, starts: bool, ends: bool) -> QPainterPath:
    """A rounded box, open on the side where the span continues on another line."""
    path = QPainterPath()
    radius = min(3.0, rect.height() / 3)
    if starts and ends:
        path.addRoundedRect(rect, radius, radius)
        return path
    left, right, top, bottom = rect.left(), rect.right(), rect.top(), rect.bottom()
    if starts:
        path.moveTo(right, top)
        path.lineTo(left + radius, top)
        path.quadTo(left, top, left, top + radius)
        path.lineTo(left, bottom - radius)
        path.quadTo(left, bottom, left + radius, bottom)
        path.lineTo(right, bottom)
    elif ends:
        path.moveTo(left, top)
        path.lineTo(right - radius, top)
        path.quadTo(right, top, right, top + radius)
        path.lineTo(right, bottom - radius)
        path.quadTo(right, bottom, right - radius, bottom)
        path.lineTo(left, bottom)
    else:
        path.moveTo(left, top)
        path.lineTo(right, top)
        path.moveTo(left, bottom)
        path.lineTo(right, bottom)
    return path


def iter_visible_lines(
    first_block: QTextBlock,
    content_offset: QPointF,
    block_rect: Callable[[QTextBlock], QRectF],
    gap: float,
    y_min: float,
    y_max: float,
) -> Iterator[VisibleLine]:
    """The lines whose text or gap intersects ``[y_min, y_max]`` (viewport coordinates)."""
    block = first_block
    origin = QPointF(content_offset)
    while block.isValid():
        rect = block_rect(block)
        if block.isVisible():
            if origin.y() > y_max:
                return
            if origin.y() + rect.height() >= y_min:
                layout = block.layout()
                count = layout.lineCount()
                # first line reaching y_min: bisect, a long block can have thousands of lines
                low, high = 0, count
                while low < high:
                    middle = (low + high) // 2
                    line = layout.lineAt(middle)
                    if origin.y() + line.y() + line.height() + gap < y_min:
                        low = middle + 1
                    else:
                        high = middle
                for i in range(low, count):
                    line = layout.lineAt(i)
                    top = origin.y() + line.y()
                    if top > y_max:
                        return
                    yield VisibleLine(block, line, QPointF(origin))
            origin.setY(origin.y() + rect.height())
        block = block.next()


__all__ = [
    "MAX_LANES",
    "OUTLINE_MARGIN",
    "Bar",
    "LaneMetrics",
    "LinePlan",
    "SpanOverlay",
    "Tint",
    "VisibleLine",
    "iter_visible_lines",
]
