"""The span list: the open document's spans in text order; a click shows one in the text."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from operator import itemgetter

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDockWidget, QHeaderView, QWidget

from annotator.core.annotation import Span
from annotator.core.changes import ChangeSet
from annotator.core.ids import DocumentId
from annotator.core.schema import LabelSchema
from annotator.core.span_outline import Entry
from annotator.gui.current import LazySpans
from annotator.gui.model_base import NO_PARENT, READ_ONLY_ROW, ModelIndex, row_table, select_row
from annotator.gui.palette import swatch

COLUMNS = ("Text", "Label", "Attributes", "Comment", "By")
TEXT, LABEL, ATTRIBUTES, COMMENT, BY = range(len(COLUMNS))
SPAN_ID_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_TEXT = 80
PAGE = 64
MIN_TEXT_WIDTH = 160
"""The Text column's floor: the other columns alone are wider than the dock's usual width."""
"""Spans read at once when a view asks for a row not loaded yet (the rows around it: about
two screens of the list)."""
_ID = itemgetter(2)
_SPAN_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.DecorationRole,
    }
)


def _key(span: Span) -> tuple[int, int, int]:
    return (span.start, span.end, int(span.id))


def span_text(text: str, span: Span, limit: int = MAX_TEXT) -> str:
    """The span's text on one line; the pieces of a discontinuous span joined by " … "."""
    shown = " … ".join(text[a:b] for a, b in span.pieces).replace("\n", " ⏎ ")
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def one_line(comment: str, limit: int = MAX_TEXT) -> str:
    shown = " ".join(comment.split())
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def attributes_text(span: Span) -> str:
    parts = []
    for name, value in span.attributes.items():
        if isinstance(value, bool):
            parts.append(name if value else f"not {name}")
        else:
            parts.append(f"{name}={value}")
    return ", ".join(parts)


class SpanListModel(QAbstractTableModel):
    """The spans of one document ordered by (start, end, id); updated row by row from edits.

    Rows are ``(start, end, id)`` keys; a row's span is read from the open document's
    :class:`LazySpans` when a view asks for it, a page of rows around it at a time, so a
    55,000-span document costs a list of keys to show, not 55,000 spans.
    """

    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document: DocumentId | None = None
        self._text = ""
        self._icons: dict[str, QIcon] = {}
        self._keys: list[Entry] = []
        self._spans = LazySpans((), lambda _ids: ())

    def set_schema(self, schema: LabelSchema | None) -> None:
        self._icons = {
            label.name: swatch(label.color) for label in (schema.labels if schema else ())
        }
        if self._keys:
            self.dataChanged.emit(self.index(0, LABEL), self.index(len(self._keys) - 1, LABEL))

    def set_document(
        self, document_id: DocumentId | None, text: str, spans: Iterable[Span]
    ) -> None:
        """Show these spans (all of them already loaded)."""
        items = list(spans)
        self.set_outline(
            document_id,
            text,
            sorted(_key(span) for span in items),
            LazySpans((int(s.id) for s in items), lambda _ids: (), items),
        )

    def set_outline(
        self, document_id: DocumentId | None, text: str, keys: list[Entry], spans: LazySpans
    ) -> None:
        """Show the spans with these sorted ``(start, end, id)`` keys (the list is copied);
        their values come from ``spans`` when a view asks."""
        self.beginResetModel()
        self._document = document_id
        self._text = text
        self._keys = list(keys)
        self._spans = spans
        self.endResetModel()

    def apply_changes(self, changes: ChangeSet) -> None:
        """Insert, update and remove only the rows the edit touched."""
        if self._document is None:
            return
        spans = self._spans  # the window's OpenDocument applied these already: no harm
        for span in changes.spans_removed:
            if span.document_id == self._document:
                spans.drop(span.id)
                self._remove(span)
        for before, after in changes.spans_updated:
            if after.document_id == self._document:
                spans.put(after)
                self._replace(before, after)
        for span in changes.spans_added:
            if span.document_id == self._document:
                spans.put(span)
                self._insert(span)

    def _find(self, span: Span) -> int | None:
        """The row of a span as it was shown: a bisect for its key, else a search by id."""
        key = _key(span)
        row = bisect_left(self._keys, key)
        if row < len(self._keys) and self._keys[row] == key:
            return row
        return self._search(int(span.id))

    def _insert(self, span: Span) -> None:
        key = _key(span)
        row = bisect_left(self._keys, key)
        self.beginInsertRows(QModelIndex(), row, row)
        self._keys.insert(row, key)
        self.endInsertRows()

    def _remove(self, span: Span) -> None:
        row = self._find(span)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._keys[row]
        self.endRemoveRows()

    def _replace(self, before: Span, after: Span) -> None:
        """Update a row in place when its position holds, else move it.

        A move (not a removal and an insertion) keeps the views' current and selected row on
        the span, so a resized span stays the selected one.
        """
        row = self._find(before)
        if row is None:
            self._insert(after)
            return
        key = _key(after)
        others = self._keys[:row] + self._keys[row + 1 :]
        moved_to = bisect_left(others, key)
        destination = moved_to if moved_to <= row else moved_to + 1
        if destination not in (row, row + 1):
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
            del self._keys[row]
            self._keys.insert(moved_to, key)
            self.endMoveRows()
        else:
            self._keys[row] = key
        self.dataChanged.emit(self.index(moved_to, 0), self.index(moved_to, len(COLUMNS) - 1))

    def row_of(self, span_id: int | None) -> int | None:
        """A span's row: a bisect when the span is loaded (the selected one is), else a
        search by id."""
        if span_id is None:
            return None
        span = self._spans.loaded(span_id)
        if span is not None:
            key = _key(span)
            row = bisect_left(self._keys, key)
            if row < len(self._keys) and self._keys[row] == key:
                return row
        return self._search(span_id)

    def _search(self, span_id: int) -> int | None:
        try:
            return list(map(_ID, self._keys)).index(span_id)  # O(n) at C speed
        except ValueError:
            return None

    def span_at(self, row: int) -> Span | None:
        if not 0 <= row < len(self._keys):
            return None
        span_id = self._keys[row][2]
        span = self._spans.loaded(span_id)
        if span is None:
            first = max(0, row - PAGE // 4)
            self._spans.prefetch(key[2] for key in self._keys[first : first + PAGE])
            span = self._spans.loaded(span_id)
        return span

    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return READ_ONLY_ROW

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._keys):
            return None
        if role == SPAN_ID_ROLE:
            return self._keys[index.row()][2]
        if role not in _SPAN_ROLES:
            return None
        span = self.span_at(index.row())
        if span is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == TEXT:
                return span_text(self._text, span)
            if column == LABEL:
                return span.label
            if column == COMMENT:
                return one_line(span.comment)
            if column == BY:
                return span.annotator
            return attributes_text(span)
        if role == Qt.ItemDataRole.ToolTipRole:
            where = ", ".join(f"{a}-{b}" for a, b in span.pieces)
            who = f" by {span.annotator}" if span.annotator else ""
            note = f"\n\nComment: {span.comment}" if span.comment else ""
            return f"{span.label} {where}{who}\n{span_text(self._text, span, 400)}{note}"
        if role == Qt.ItemDataRole.DecorationRole and column == LABEL:
            return self._icons.get(span.label)
        return None


class SpanListDock(QDockWidget):
    """The span table; choosing a row emits ``spanActivated`` with the span id."""

    spanActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Spans", parent)
        self.setObjectName("spanListDock")
        self.model = SpanListModel(self)
        self._quiet = False
        self.view = row_table(self.model, "spanTable")
        self.view.setIconSize(QSize(12, 12))
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(LABEL, 120)
        header.resizeSection(ATTRIBUTES, 130)
        header.resizeSection(COMMENT, 110)
        header.resizeSection(BY, 70)
        self.view.viewport().installEventFilter(self)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.view.clicked.connect(self._clicked)
        self.setWidget(self.view)

    def set_schema(self, schema: LabelSchema | None) -> None:
        """Label icons, and a label column as wide as the longest label name (within reason)."""
        self.model.set_schema(schema)
        names = [label.name for label in schema.labels] if schema else []
        metrics = self.view.fontMetrics()
        widest = max((metrics.horizontalAdvance(name) for name in names), default=60)
        self.view.horizontalHeader().resizeSection(LABEL, min(widest + 34, 150))
        self._fit_text()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self._fit_text()
        return super().eventFilter(watched, event)

    def _fit_text(self) -> None:
        """Give the Text column the room the other columns leave, but never less than
        :data:`MIN_TEXT_WIDTH` (a stretched column would shrink to nothing in a narrow dock)."""
        header = self.view.horizontalHeader()
        others = sum(header.sectionSize(i) for i in range(header.count()) if i != TEXT)
        header.resizeSection(TEXT, max(MIN_TEXT_WIDTH, self.view.viewport().width() - others))

    def select_span(self, span_id: int | None) -> None:
        """Show which span is selected, without emitting ``spanActivated``."""
        row = self.model.row_of(span_id) if span_id else None
        self._quiet = True
        try:
            select_row(self.view, row)
        finally:
            self._quiet = False

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        span = self.model.span_at(current.row())
        if span is not None:
            self.spanActivated.emit(int(span.id))

    def _clicked(self, index: QModelIndex) -> None:
        span = self.model.span_at(index.row())
        if span is not None:
            self.spanActivated.emit(int(span.id))
