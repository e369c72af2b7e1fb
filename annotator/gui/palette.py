"""The label palette: each label's colour, hotkey and count in this document; click to apply."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QHeaderView, QTableView, QWidget

from annotator.core.annotation import Span
from annotator.core.changes import ChangeSet
from annotator.core.ids import DocumentId
from annotator.core.schema import Label, LabelSchema
from annotator.gui.model_base import NO_PARENT, READ_ONLY_ROW, ModelIndex

COLUMNS = ("Label", "Key", "Here")
NAME, KEY, COUNT = range(len(COLUMNS))
LABEL_ROLE = Qt.ItemDataRole.UserRole + 1


def swatch(color: str, size: int = 14) -> QIcon:
    """A small rounded square in a label's colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(color).darker(140))
    painter.setBrush(QColor(color))
    painter.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    painter.end()
    return QIcon(pixmap)


class LabelPaletteModel(QAbstractTableModel):
    """One row per label of the schema, with how many spans of it the open document has."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._labels: tuple[Label, ...] = ()
        self._icons: dict[str, QIcon] = {}
        self._counts: Counter[str] = Counter()
        self._document: DocumentId | None = None

    def set_schema(self, schema: LabelSchema | None) -> None:
        self.beginResetModel()
        self._labels = schema.labels if schema else ()
        self._icons = {label.name: swatch(label.color) for label in self._labels}
        self.endResetModel()

    def set_spans(self, document_id: DocumentId | None, spans: Iterable[Span]) -> None:
        self.set_counts(document_id, Counter(span.label for span in spans))

    def set_counts(self, document_id: DocumentId | None, counts: Counter[str]) -> None:
        """The open document and how many spans of each label it has."""
        self._document = document_id
        self._counts = counts
        self._counts_changed()

    def apply_changes(self, changes: ChangeSet) -> None:
        """Adjust the counts by what one edit added, relabelled and removed."""
        if self._document is None:
            return
        touched: set[str] = set()
        for span in changes.spans_added:
            if span.document_id == self._document:
                self._counts[span.label] += 1
                touched.add(span.label)
        for span in changes.spans_removed:
            if span.document_id == self._document:
                self._counts[span.label] -= 1
                touched.add(span.label)
        for before, after in changes.spans_updated:
            if after.document_id == self._document and before.label != after.label:
                self._counts[before.label] -= 1
                self._counts[after.label] += 1
                touched.update((before.label, after.label))
        for row, label in enumerate(self._labels):
            if label.name in touched:
                index = self.index(row, COUNT)
                self.dataChanged.emit(index, index)

    def count(self, label: str) -> int:
        return self._counts.get(label, 0)

    def label_at(self, row: int) -> Label | None:
        return self._labels[row] if 0 <= row < len(self._labels) else None

    def _counts_changed(self) -> None:
        if self._labels:
            self.dataChanged.emit(self.index(0, COUNT), self.index(len(self._labels) - 1, COUNT))

    # -- QAbstractTableModel --------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._labels)

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return "Spans of this label in the open document" if section == COUNT else None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._labels):
            return None
        label = self._labels[index.row()]
        column = index.column()
        if role == LABEL_ROLE:
            return label.name
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME:
                return label.name
            if column == KEY:
                return label.hotkey
            return self._counts.get(label.name, 0)
        if role == Qt.ItemDataRole.DecorationRole and column == NAME:
            return self._icons.get(label.name)
        if role == Qt.ItemDataRole.ToolTipRole:
            key = f" (key {label.hotkey})" if label.hotkey else ""
            return f"<b>{label.name}</b>{key}<br>{label.description}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (KEY, COUNT):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return READ_ONLY_ROW


class PaletteDock(QDockWidget):
    """Shows the palette; a click on a label emits ``labelClicked`` with its name."""

    labelClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Labels", parent)
        self.setObjectName("paletteDock")
        self.model = LabelPaletteModel(self)
        self.view = QTableView()
        self.view.setObjectName("paletteTable")
        self.view.setModel(self.model)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep the keyboard in the text
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setIconSize(QSize(14, 14))
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.view.verticalHeader().hide()
        self.view.setCursor(Qt.CursorShape.PointingHandCursor)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(KEY, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COUNT, QHeaderView.ResizeMode.ResizeToContents)
        self.view.clicked.connect(self._clicked)
        self.setWidget(self.view)

    def set_schema(self, schema: LabelSchema | None) -> None:
        """Show the schema's labels; the table is exactly as tall as its rows."""
        self.model.set_schema(schema)
        rows = self.model.rowCount()
        height = self.view.horizontalHeader().sizeHint().height() + 2 * self.view.frameWidth()
        height += sum(self.view.rowHeight(row) for row in range(rows))
        self.view.setMaximumHeight(height + 2)
        self.view.setMinimumHeight(min(height, 160))

    def _clicked(self, index: QModelIndex) -> None:
        label = self.model.label_at(index.row())
        if label is not None:
            self.labelClicked.emit(label.name)
