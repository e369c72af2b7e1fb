"""The document viewer: read-only article text with its spans, text selection in code points.

See ``overlay.py`` for how spans are drawn and ``layout.py`` for the gap under each line that
holds the span bars. The viewer never changes annotations itself: it reports what the user
selected (text in code points, or a span) and the window turns hotkeys into edits, then hands
the resulting change summary back through :meth:`DocumentViewer.apply_changes`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QTextCursor,
    QTextDocument,
    QWheelEvent,
)
from PySide6.QtWidgets import QMenu, QToolTip, QWidget

from annotator.core.annotation import Relation, Span
from annotator.core.changes import ChangeSet
from annotator.core.document import Document
from annotator.core.offsets import OffsetConverter
from annotator.core.schema import LabelSchema
from annotator.core.span_outline import SpanOutline
from annotator.gui.viewer.arcs import Arc, RelationArcs, band_height, label_font
from annotator.gui.viewer.changes import apply_changes
from annotator.gui.viewer.colors import (
    LabelStyle,
    Theme,
    fallback_style,
    label_styles,
    style_sheet,
    theme_for,
)
from annotator.gui.viewer.context_menu import context_menu
from annotator.gui.viewer.keyboard import ViewerKeyboard
from annotator.gui.viewer.layout import SpacedLayout
from annotator.gui.viewer.link_pick import LinkPick, paint_link
from annotator.gui.viewer.mouse import ViewerMouse
from annotator.gui.viewer.overlay import (
    OUTLINE_MARGIN,
    LaneMetrics,
    LinePlan,
    SpanOverlay,
    VisibleLine,
    iter_visible_lines,
)
from annotator.gui.viewer.read_only import ReadOnlyText
from annotator.gui.viewer.shapes import SpanShape, ViewerSpans
from annotator.gui.viewer.tooltips import describe_relation, describe_span

ZOOM_LEVELS = (50, 67, 75, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300)
"""Zoom steps in percent of the base font size, as in web browsers."""
DEFAULT_ZOOM = ZOOM_LEVELS.index(100)
MANY_CHANGES = 32
"""More changed ranges than this in one change summary repaint the whole viewport at once."""


def _qt_text(text: str) -> str:
    """The text as Qt gets it, with exactly one UTF-16 position per UTF-16 unit of ``text``.

    Qt turns ``\\r\\n`` into one paragraph break (two units -> one position) and a lone ``\\r``
    into a break too, so every ``\\r`` becomes a space (ingest normalises line endings; this is
    a safety net). A lone surrogate, which valid text never holds, becomes U+FFFD.
    """
    if "\r" in text:
        text = text.replace("\r", " ")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text


class DocumentViewer(ReadOnlyText):
    """Read-only text of one document with its spans.

    Signals:

    - ``selectionOffsetsChanged(start, end)``: the text selection in code points (``start ==
      end`` when empty: the caret position).
    - ``spanSelected(span_id)``: the selected span changed (0: none), by a click or by
      :meth:`select_span`. Only emitted on a change.
    - ``zoomChanged(percent)``.

    The viewer keeps either a text selection or a selected span, never both: selecting a span
    collapses the text selection, a non-empty text selection deselects the span.
    """

    selectionOffsetsChanged = Signal(int, int)
    spanSelected = Signal(int)
    zoomChanged = Signal(int)
    relationSelected = Signal(int)  # 0: none
    linkFromRequested = Signal(int)  # the span's context menu: "Link from Here…"
    linkTargetChosen = Signal(int, QPoint)  # while linking: a span clicked (global position)
    linkCycle = Signal(int)  # while linking: Tab (+1) / Shift+Tab (-1)
    linkConfirmed = Signal()  # while linking: Enter
    linkCancelled = Signal()  # while linking: Escape or a right click
    fragmentAddRequested = Signal()  # context menu: "Add Fragment to Span"
    fragmentRemoveRequested = Signal(int, int, int)  # span id, piece start, piece end
    commentRequested = Signal(int)  # context menu on a span: "Comment…"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentViewer")
        self.extra_context_actions: Callable[[], list[QAction]] = list
        """Window commands added at the end of the context menu (e.g. Annotate All…)."""
        text_document = QTextDocument(self)
        text_document.setUndoRedoEnabled(False)
        text_document.setDocumentMargin(12)
        self._layout = SpacedLayout(text_document)
        text_document.setDocumentLayout(self._layout)
        self.setDocument(text_document)
        self._make_read_only()
        self.viewport().setMouseTracking(True)

        self._overlay = SpanOverlay()
        self._arcs = RelationArcs()
        self._pick: LinkPick | None = None
        """The choice of a relation's target in progress."""
        self._document: Document | None = None
        self._spans = ViewerSpans()
        self._overlay.spans = self._spans
        self._schema = LabelSchema()
        self._theme: Theme = theme_for(False)
        self._last_offsets = (0, 0)
        self._anchor: int | None = None
        """The span that was selected when the user went on to select text: the span a
        fragment is added to (see :meth:`fragment_target`)."""
        self._mouse = ViewerMouse(self)
        self._keyboard = ViewerKeyboard(self)
        self._zoom = DEFAULT_ZOOM
        base = QFont(self.font())
        if base.pointSizeF() > 0:
            base.setPointSizeF(max(11.0, base.pointSizeF() * 1.2))
        self._base_font = base

        self.selectionChanged.connect(self._selection_changed)
        self.cursorPositionChanged.connect(self._selection_changed)
        self.set_dark(False)
        self._apply_zoom(emit=False)

    # -- content ----------------------------------------------------------------------------

    def set_document(
        self,
        document: Document,
        spans: Sequence[Span],
        schema: LabelSchema,
        relations: Iterable[Relation] = (),
    ) -> None:
        """Show a document with its spans; the caret goes to the start, nothing is selected.

        Showing the document that is already shown again (same id and text: a reload) only
        replaces the spans and the schema, and keeps the scroll position, the text selection
        and the selected span if it still exists.
        """
        self._show(
            document,
            lambda: self._spans.set_spans(spans, len(document.text)),
            schema,
            relations,
        )

    def show_outline(
        self,
        document: Document,
        outline: SpanOutline,
        schema: LabelSchema,
        relations: Iterable[Relation],
        resolve: Callable[[int], Span | None],
    ) -> None:
        """:meth:`set_document` for an opened document whose spans are an outline; full spans
        (tooltips, :meth:`span`) come from ``resolve``. The outline is not changed."""
        self._show(
            document,
            lambda: self._spans.load(outline, len(document.text), resolve),
            schema,
            relations,
        )

    def _show(
        self,
        document: Document,
        load_spans: Callable[[], None],
        schema: LabelSchema,
        relations: Iterable[Relation],
    ) -> None:
        current = self._document
        if current is not None and current.id == document.id and current.text == document.text:
            self._document = document
            selected = self._overlay.selected
            selected_relation = self._arcs.selected
            load_spans()
            self._arcs.load(relations)
            self._set_schema(schema)
            if selected_relation is not None and self._arcs.selected is None:
                self.relationSelected.emit(0)
            self.viewport().update()
            if selected is not None and selected not in self._spans:
                self._overlay.selected = None
                self.spanSelected.emit(0)
            return
        had_selection = self._overlay.selected is not None
        self.stop_linking()
        self._document = document
        self._overlay.converter = OffsetConverter(document.text)
        self._overlay.selected = None
        load_spans()
        self._deselect_relation_quietly()
        self._arcs.load(relations)
        self._set_schema(schema)
        self._last_offsets = (-1, -1)
        self.setPlainText(_qt_text(document.text))
        if had_selection:
            self.spanSelected.emit(0)

    def clear_document(self) -> None:
        had_selection = self._overlay.selected is not None
        self.stop_linking()
        self._deselect_relation_quietly()
        self._arcs.load(())
        self._document = None
        self._overlay.converter = OffsetConverter("")
        self._overlay.selected = None
        self._spans.clear()
        self._last_offsets = (-1, -1)
        self.setPlainText("")
        if had_selection:
            self.spanSelected.emit(0)

    def current_document(self) -> Document | None:
        return self._document

    def span(self, span_id: int) -> Span | None:
        """The viewer's current copy of a span of the open document."""
        return self._spans.full(span_id)

    def shape(self, span_id: int | None) -> SpanShape | None:
        """What the viewer draws of a span: id, label, extent and pieces."""
        return self._spans.get(span_id)

    def find_span(self, label: str, start: int, end: int) -> int | None:
        """A span of ``label`` over exactly ``[start, end)``, if there is one."""
        spans = self._spans
        for span_id in self._overlay.index.at(start):
            shape = spans.get(span_id)
            if shape is not None and (shape.label, shape.start, shape.end) == (label, start, end):
                return span_id
        return None

    def has_spans(self) -> bool:
        return bool(self._spans)

    def document_text(self) -> str:
        """The open document's text, as the viewer's offsets count it."""
        return self._overlay.converter.text

    def shapes(self) -> list[SpanShape]:
        """Every span the viewer shows, in no particular order."""
        spans = self._spans
        return [shape for shape in map(spans.get, spans) if shape is not None]

    def apply_changes(self, changes: ChangeSet) -> None:
        """Bring the spans up to date after an edit and repaint only the lines it touched.

        Spans of other documents are ignored. Costs O(log n) per changed span in the index plus
        the repaint of the touched lines that are on screen (see :mod:`.changes`).
        """
        if self._document is None:
            return
        document = self._document
        applied = apply_changes(
            changes,
            document.id,
            len(document.text),
            self._spans,
            self._arcs,
            self._overlay.selected,
        )
        if applied.span_deselected:
            self._overlay.selected = None
        if len(applied.dirty) > MANY_CHANGES:  # a big batch: one repaint of the viewport
            self.viewport().update()
        else:
            for start, end in applied.dirty:
                self._update_range(start, end)
        if applied.span_deselected:
            self.spanSelected.emit(0)
        if applied.relation_deselected:
            self.relationSelected.emit(0)

    # -- relations --------------------------------------------------------------------------

    def relation(self, relation_id: int) -> Relation | None:
        return self._arcs.relations.get(relation_id)

    def relations(self) -> list[Relation]:
        return list(self._arcs.relations.values())

    def selected_relation_id(self) -> int | None:
        return self._arcs.selected

    def select_relation(self, relation_id: int | None, scroll: bool = True) -> None:
        """Select a relation (``None``: none) and highlight its arc; deselects the span.
        Emits ``relationSelected`` on a change."""
        if relation_id is not None and relation_id not in self._arcs.relations:
            relation_id = None
        if relation_id is not None:
            self.clear_selection()
            self._select(None, scroll=False)
            if scroll:
                extent = self._arcs.extent(self._arcs.relations[relation_id], self._spans)
                if extent is not None:
                    self.scroll_to_offset(extent[0])
        old = self._arcs.selected
        if old == relation_id:
            return
        self._arcs.selected = relation_id
        self._repaint_relation(old)
        self._repaint_relation(relation_id)
        self.relationSelected.emit(relation_id or 0)

    def _repaint_relation(self, relation_id: int | None) -> None:
        relation = self._arcs.relations.get(relation_id) if relation_id is not None else None
        extent = self._arcs.extent(relation, self._spans) if relation is not None else None
        if extent is not None:
            self._update_range(*extent)

    def _deselect_relation_quietly(self) -> None:
        if self._arcs.selected is not None:
            self._arcs.selected = None
            self.relationSelected.emit(0)

    def relation_label_at(self, point: QPoint | QPointF) -> int | None:
        """The relation whose type label is at a viewport point."""
        return self._arcs.label_at(self._plan_arcs(), QPointF(point))

    def relation_label_rect(self, relation_id: int) -> QRectF | None:
        """Where a relation's label is drawn now (viewport coordinates), if it is."""
        for arc in self._plan_arcs():
            if arc.relation_id == relation_id:
                return arc.label
        return None

    def _plan_arcs(self) -> list[Arc]:
        if not self._arcs.relations or not self._arcs.band:
            return []
        height = self.viewport().height()
        gap = self._layout.gap
        lines = list(self._visible_lines(-gap, height + gap))
        overlay = self._overlay
        return self._arcs.plan(lines, self._spans, overlay.converter, overlay.to_cp, height)

    # -- linking ----------------------------------------------------------------------------

    @property
    def _linking(self) -> int | None:
        """The source span while the user picks a relation's target."""
        return self._pick.source if self._pick is not None else None

    def is_linking(self) -> bool:
        return self._pick is not None

    def linking_source(self) -> int | None:
        return self._linking

    def link_target(self) -> int | None:
        return self._pick.target if self._pick is not None else None

    def start_linking(self, source_id: int, allowed: Callable[[int], bool]) -> None:
        """Pick a target for a relation from ``source_id``: a line follows the mouse, spans for
        which ``allowed`` is true are highlighted under it, a click emits ``linkTargetChosen``."""
        if source_id not in self._spans:
            return
        self.select_span(source_id, scroll=False)
        self._pick = LinkPick(source_id, allowed)
        self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        self.viewport().update()

    def stop_linking(self) -> None:
        if self._pick is None:
            return
        self._pick = None
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self.viewport().update()

    def link_candidate_at(self, point: QPointF) -> int | None:
        """While linking: the span a click at a viewport point would choose as the target."""
        assert self._pick is not None
        return self._pick.candidate(self._spans_under(point))

    def move_link_pointer(self, point: QPointF) -> None:
        """While linking: the mouse moved to a viewport point; the line and pointer follow."""
        assert self._pick is not None
        shape = self._pick.move(point, self.link_candidate_at(point))
        if self.viewport().cursor().shape() != shape:
            self.viewport().setCursor(shape)
        self.viewport().update()

    def set_link_target(self, span_id: int | None, scroll: bool = True) -> None:
        """The candidate target chosen from the keyboard (the line points at it)."""
        pick = self._pick
        if pick is not None:
            pick.target = span_id if span_id in self._spans else None
            pick.pos = None
            if pick.target is not None and scroll:
                self.scroll_to_offset(self._spans[pick.target].start)
        self.viewport().update()

    def _paint_link(self, painter: QPainter) -> None:
        if self._pick is None:
            return
        lines = list(self._visible_lines(0, self.viewport().height()))
        converter = self._overlay.converter
        color = self._theme.selection_background
        paint_link(painter, self._pick, self._spans, self._arcs, lines, converter, color)

    def set_schema(self, schema: LabelSchema) -> None:
        """New label colours (or labels): repaints."""
        self._set_schema(schema)
        self.viewport().update()

    def _set_schema(self, schema: LabelSchema) -> None:
        self._schema = schema
        if self._update_gap():
            self.document().markContentsDirty(0, self.document().characterCount())
        self._overlay.styles = label_styles(schema, self._theme)
        self._overlay.fallback = fallback_style(self._theme)

    def label_style(self, label: str) -> LabelStyle:
        """The colours the viewer uses for a label in the current theme."""
        return self._overlay.style(label)

    # -- theme and zoom ---------------------------------------------------------------------

    def set_dark(self, dark: bool) -> None:
        self._theme = theme_for(dark)
        self.setStyleSheet(style_sheet(self._theme))
        self._set_schema(self._schema)
        self.viewport().update()

    def is_dark(self) -> bool:
        return self._theme.dark

    def set_base_font(self, font: QFont) -> None:
        """The font at 100 % zoom (use this rather than ``setFont``)."""
        self._base_font = QFont(font)
        self._apply_zoom(emit=False)

    def zoom_in(self) -> None:
        self._set_zoom(self._zoom + 1)

    def zoom_out(self) -> None:
        self._set_zoom(self._zoom - 1)

    def reset_zoom(self) -> None:
        self._set_zoom(DEFAULT_ZOOM)

    def zoom_percent(self) -> int:
        return ZOOM_LEVELS[self._zoom]

    def set_zoom_percent(self, percent: int) -> None:
        """The zoom step nearest to ``percent`` (to restore a saved setting)."""
        nearest = min(range(len(ZOOM_LEVELS)), key=lambda i: abs(ZOOM_LEVELS[i] - percent))
        self._set_zoom(nearest)

    def _set_zoom(self, step: int) -> None:
        step = max(0, min(len(ZOOM_LEVELS) - 1, step))
        if step != self._zoom:
            self._zoom = step
            self._apply_zoom(emit=True)

    def _apply_zoom(self, *, emit: bool) -> None:
        font = QFont(self._base_font)
        size = self._base_font.pointSizeF()
        if size > 0:
            font.setPointSizeF(size * ZOOM_LEVELS[self._zoom] / 100)
        else:
            font.setPixelSize(
                max(6, round(self._base_font.pixelSize() * self.zoom_percent() / 100))
            )
        self.setFont(font)
        if emit:
            self.zoomChanged.emit(self.zoom_percent())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            # before Qt lays the text out again with the new font
            metrics = LaneMetrics.for_line_height(QFontMetricsF(self.font()).height())
            self._overlay.metrics = metrics
            self._update_gap()
        super().changeEvent(event)

    def _update_gap(self) -> bool:
        """The gap under each line: the span bars, and the relation band when the schema has
        relation types. True when it changed."""
        bars = self._overlay.metrics.gap
        band = band_height(self.font()) if self._schema.relation_types else 0
        self._arcs.bars = bars
        self._arcs.band = band
        self._arcs.font = label_font(self.font())
        if self._layout.gap == bars + band:
            return False
        self._layout.set_gap(bars + band)
        return True

    # -- selection --------------------------------------------------------------------------

    def selection_offsets(self) -> tuple[int, int]:
        """The selected text as code point offsets ``(start, end)``; equal when empty."""
        cursor = self.textCursor()
        to_cp = self._overlay.to_cp
        return to_cp(cursor.selectionStart()), to_cp(cursor.selectionEnd())

    def set_selection_offsets(self, start: int, end: int) -> None:
        """Select ``[start, end)`` (code points); scrolls to make the end visible."""
        conv = self._overlay.converter
        start = max(0, min(conv.length, start))
        end = max(0, min(conv.length, end))
        cursor = QTextCursor(self.document())
        cursor.setPosition(conv.cp_to_utf16(start))
        cursor.setPosition(conv.cp_to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        """Collapse the text selection where the caret is, without scrolling."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            self._set_cursor_quietly(cursor)

    def _set_cursor_quietly(self, cursor: QTextCursor) -> None:
        """``setTextCursor`` without the scroll to the caret that comes with it."""
        h, v = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        self.setTextCursor(cursor)
        self.horizontalScrollBar().setValue(h)
        self.verticalScrollBar().setValue(v)

    def _selection_changed(self) -> None:
        offsets = self.selection_offsets()
        if offsets == self._last_offsets:
            return
        self._last_offsets = offsets
        if offsets[0] != offsets[1] and self._overlay.selected is not None:
            anchor = self._overlay.selected
            self._select(None, scroll=False)
            self._set_anchor(anchor)
        elif offsets[0] == offsets[1] and self._anchor is not None:
            self._set_anchor(None)
        self.selectionOffsetsChanged.emit(*offsets)

    def fragment_target(self) -> int | None:
        """The span a fragment would be added to: the selected span, else the span that was
        selected just before the current text selection (outlined while the text is)."""
        if self._overlay.selected is not None:
            return self._overlay.selected
        return self._anchor if self._anchor in self._spans else None

    def _set_anchor(self, span_id: int | None) -> None:
        old, self._anchor = self._anchor, span_id
        self._overlay.anchor = span_id
        for changed in (old, span_id):
            span = self._spans.get(changed) if changed is not None else None
            if span is not None:
                self._update_range(span.start, span.end)

    def piece_at(self, span_id: int, offset: int) -> tuple[int, int] | None:
        """The piece of a span that covers ``offset``, if any."""
        span = self._spans.get(span_id)
        if span is None:
            return None
        return next(((a, b) for a, b in span.pieces if a <= offset < b), None)

    # -- spans ------------------------------------------------------------------------------

    def selected_span_id(self) -> int | None:
        return self._overlay.selected

    def select_span(self, span_id: int | None, scroll: bool = True) -> None:
        """Select a span (``None``: none) and outline it; collapses the text selection and,
        with ``scroll``, scrolls the span into view. Emits ``spanSelected`` on a change."""
        if span_id is not None and span_id not in self._spans:
            span_id = None
        if span_id is not None:
            self.clear_selection()
        self._select(span_id, scroll=scroll)

    def _select(self, span_id: int | None, *, scroll: bool) -> None:
        if self._anchor is not None:
            self._set_anchor(None)
        if span_id is not None and self._arcs.selected is not None:
            self.select_relation(None)
        old = self._overlay.selected
        if span_id is not None and scroll:
            self.scroll_to_offset(self._spans[span_id].start)
        if old == span_id:
            return
        self._overlay.selected = span_id
        for changed in (old, span_id):
            span = self._spans.get(changed) if changed is not None else None
            if span is not None:
                self._update_range(span.start, span.end)
        self.spanSelected.emit(span_id or 0)

    def select_adjacent_span(self, direction: int, scroll: bool = True) -> int | None:
        """Select the next (``direction > 0``) or previous span in text order (by start, then
        end) from the selected span, or from the caret when none is selected; returns its id,
        or None (and changes nothing) when there is none that way."""
        index = self._overlay.index
        length = self._overlay.converter.length
        selected = self._overlay.selected
        first = index.get(selected) if selected is not None else None
        if selected is not None and first is not None:
            key = (first[0], first[1], selected)
        else:
            caret = self.selection_offsets()[0]
            key = (caret, -1, -1) if direction > 0 else (caret, length + 1, 0)
        found: tuple[int, int, int] | None = None
        window = 256
        while found is None:
            if direction > 0:
                low, high = key[0], min(length, key[0] + window)
                entries = index.overlapping_entries(low, high)
                after = [e for e in entries if e > key and e[0] >= low and e[2] > 0]
                found = after[0] if after else None
                if high >= length:
                    break
            else:
                low, high = max(0, key[0] - window), key[0] + 1
                before = [
                    e
                    for e in index.overlapping_entries(low, high)
                    if e < key and e[0] >= low and e[2] > 0
                ]
                found = before[-1] if before else None
                if low <= 0:
                    break
            window *= 4
        if found is None:
            return None
        self.select_span(found[2], scroll=scroll)
        return found[2]

    def spans_at(self, offset: int) -> list[int]:
        """Ids of the spans covering the character at ``offset``, innermost (shortest) first:
        the order in which repeated clicks there cycle through them."""
        spans = self._spans
        ids = self._overlay.index.at(offset)
        return sorted(ids, key=lambda i: (spans[i].end - spans[i].start, -spans[i].start, i))

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so that the line holding ``offset`` is visible (about a third from the top
        when it has to move); the caret and the selection stay as they are."""
        conv = self._overlay.converter
        position = conv.cp_to_utf16(max(0, min(conv.length, offset)))
        block = self.document().findBlock(position)
        if not block.isValid():
            return
        self._layout.blockBoundingRect(block)  # lays the block out
        cursor = QTextCursor(self.document())
        cursor.setPosition(position)
        rect = self.cursorRect(cursor)
        viewport = self.viewport().rect()
        if viewport.top() <= rect.top() and rect.bottom() + self._layout.gap <= viewport.bottom():
            return
        line = block.layout().lineForTextPosition(position - block.position())
        line_number = block.firstLineNumber() + (line.lineNumber() if line.isValid() else 0)
        pitch = QFontMetricsF(self.font()).height() + self._layout.gap
        above = int(viewport.height() / pitch / 3)
        self.verticalScrollBar().setValue(max(0, line_number - above))

    # -- geometry ---------------------------------------------------------------------------

    def _visible_lines(self, y_min: float, y_max: float) -> Iterator[VisibleLine]:
        return iter_visible_lines(
            self.firstVisibleBlock(),
            self.contentOffset(),
            self._layout.blockBoundingRect,
            self._layout.gap,
            y_min,
            y_max,
        )

    def _update_range(self, start: int, end: int) -> None:
        """Repaint the visible lines holding code points ``[start, end]``, with the margin
        the selected span's outline reaches beyond them (its pen and rounded corners stick
        out above the line's text rect, into the gap of the line before)."""
        conv = self._overlay.converter
        start16 = conv.cp_to_utf16(max(0, min(conv.length, start)))
        end16 = conv.cp_to_utf16(max(0, min(conv.length, end)))
        area = QRectF()
        gap = self._layout.gap
        for visible in self._visible_lines(0, self.viewport().height()):
            line_start = visible.block.position() + visible.line.textStart()
            line_end = line_start + visible.line.textLength()
            if line_start <= end16 and line_end >= start16:
                rect = QRectF(0, visible.top, self.viewport().width(), visible.line.height() + gap)
                area = area.united(rect)
        if not area.isEmpty():
            margin = OUTLINE_MARGIN
            self.viewport().update(area.toAlignedRect().adjusted(0, -margin, 0, margin))

    def _line_at(self, point: QPointF) -> tuple[VisibleLine, bool] | None:
        """The line at ``point`` and whether the point is on its text (else in its gap)."""
        for visible in self._visible_lines(point.y(), point.y()):
            if visible.top <= point.y() < visible.text_bottom:
                return visible, True
            if visible.text_bottom <= point.y() < visible.text_bottom + self._layout.gap:
                return visible, False
        return None

    def _char_at(self, visible: VisibleLine, point: QPointF) -> int | None:
        """The code point offset of the character under ``point`` on a line, if any."""
        line = visible.line
        x = point.x() - visible.origin.x()
        if not line.x() <= x < line.x() + line.naturalTextWidth():
            return None
        pos = line.xToCursor(x, line.CursorPosition.CursorOnCharacter)
        if not line.textStart() <= pos < line.textStart() + line.textLength():
            return None
        return self._overlay.to_cp(visible.block.position() + pos)

    def hit(self, point: QPointF) -> tuple[int | None, int | None]:
        """``(character offset, span id of a bar)`` under a viewport point."""
        found = self._line_at(point)
        if found is None:
            return None, None
        visible, on_text = found
        if on_text:
            return self._char_at(visible, point), None
        plan = self._overlay.plan(visible)
        return None, self._overlay.bar_at(plan, point)

    def _spans_under(self, point: QPointF) -> list[int]:
        offset, bar = self.hit(point)
        if bar is not None:
            return [bar]
        return self.spans_at(offset) if offset is not None else []

    # -- painting ---------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        plans: list[LinePlan] = []
        if self._spans:
            area = event.rect()
            plans = [self._overlay.plan(v) for v in self._visible_lines(area.top(), area.bottom())]
            if any(plan.tints for plan in plans):
                painter = QPainter(self.viewport())
                self._overlay.paint_under(painter, plans)
                painter.end()
        super().paintEvent(event)
        if any(plan.bars or plan.outlines or plan.connectors for plan in plans):
            painter = QPainter(self.viewport())
            self._overlay.paint_over(painter, plans)
            painter.end()
        arcs = self._plan_arcs()
        if arcs or self._linking is not None:
            painter = QPainter(self.viewport())
            theme = self._theme
            self._arcs.paint(painter, arcs, theme.text, theme.base, theme.selection_background)
            if self._linking is not None:
                self._paint_link(painter)
            painter.end()

    # -- tooltips ---------------------------------------------------------------------------

    def tooltip_html(self, point: QPoint | QPointF) -> str:
        """What the tooltip at a viewport point says: every span under it, innermost first."""
        ids = self._spans_under(QPointF(point))
        if not ids:
            relation_id = self.relation_label_at(point)
            relation = self._arcs.relations.get(relation_id) if relation_id else None
            return describe_relation(relation) if relation is not None else ""
        found = (self._spans.full(i) for i in ids)
        return "".join(self._describe(span) for span in found if span is not None)

    def _describe(self, span: Span) -> str:
        color = self._overlay.style(span.label).color
        return describe_span(span, color, self._overlay.converter.text)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_html(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    # -- mouse (see :mod:`.mouse`) ------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._mouse.press(event, super().mousePressEvent)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._mouse.move(event, super().mouseMoveEvent)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._mouse.release(event, super().mouseReleaseEvent)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._mouse.double_click(event, super().mouseDoubleClickEvent)

    # -- context menu (see :mod:`.context_menu`) -----------------------------------------------

    def context_menu(self, point: QPoint) -> QMenu:
        """The menu at a viewport point (see :mod:`.context_menu`)."""
        return context_menu(self, point)

    def spans_under(self, point: QPoint | QPointF) -> list[int]:
        """The span whose bar is under a viewport point, or those covering the character
        there (innermost first)."""
        return self._spans_under(QPointF(point))

    def offset_at(self, point: QPoint | QPointF) -> int | None:
        """The code point offset of the character under a viewport point, if any."""
        return self.hit(QPointF(point))[0]

    def is_discontinuous(self, span_id: int) -> bool:
        return span_id in self._spans.pieces

    def link_from(self, span_id: int) -> None:
        """Select the span and ask the window to start a relation from it."""
        self.select_span(span_id, scroll=False)
        self.linkFromRequested.emit(span_id)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if self._linking is not None:
            self.linkCancelled.emit()
            return
        menu = self.context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    # -- keyboard (see :mod:`.keyboard`) -------------------------------------------------------

    def focusNextPrevChild(self, next: bool) -> bool:
        return self._keyboard.tab(next, super().focusNextPrevChild)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            taken = self._keyboard.overrides_shortcut(event)
            if taken is not None:
                event.setAccepted(taken)
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._keyboard.key_press(event, super().keyPressEvent)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self._keyboard.wheel(event, super().wheelEvent)


__all__ = ["ZOOM_LEVELS", "DocumentViewer"]
