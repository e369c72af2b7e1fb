"""The span list: the open document's spans in text order; a click shows one in the text."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import (
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
from annotator.gui.model_base import ModelIndex, OrderedRowsModel, row_table, select_row
from annotator.gui.palette import swatch

COLUMNS = ("Text", "Label", "Attributes", "Comment", "By")
TEXT, LABEL, ATTRIBUTES, COMMENT, BY = range(len(COLUMNS))
SPAN_ID_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_TEXT = 80


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


class SpanListModel(OrderedRowsModel):
    """The spans of one document ordered by (start, end, id); updated row by row from edits."""

    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document: DocumentId | None = None
        self._text = ""
        self._icons: dict[str, QIcon] = {}

    def _key(self, item: Span) -> tuple[int, int, int]:
        return _key(item)

    def set_schema(self, schema: LabelSchema | None) -> None:
        self._icons = {
            label.name: swatch(label.color) for label in (schema.labels if schema else ())
        }
        if self._rows:
            self.dataChanged.emit(self.index(0, LABEL), self.index(len(self._rows) - 1, LABEL))

    def set_document(
        self, document_id: DocumentId | None, text: str, spans: Iterable[Span]
    ) -> None:
        self.beginResetModel()
        self._document = document_id
        self._text = text
        self._reset_rows(spans)
        self.endResetModel()

    def apply_changes(self, changes: ChangeSet) -> None:
        """Insert, update and remove only the rows the edit touched."""
        if self._document is None:
            return
        for span in changes.spans_removed:
            if span.document_id == self._document:
                self._remove(span.id)
        for _before, after in changes.spans_updated:
            if after.document_id == self._document:
                self._replace(after)
        for span in changes.spans_added:
            if span.document_id == self._document:
                self._insert(span)

    def span_at(self, row: int) -> Span | None:
        item: Span | None = self.item_at(row)
        return item

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        span = self._rows[index.row()]
        column = index.column()
        if role == SPAN_ID_ROLE:
            return int(span.id)
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
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(LABEL, 120)
        header.resizeSection(ATTRIBUTES, 130)
        header.resizeSection(COMMENT, 110)
        header.resizeSection(BY, 70)
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
