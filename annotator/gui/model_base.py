"""What the window's table models share: index types, read-only rows, ordered row lists."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QTableView

ModelIndex = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()
"""The root index, as the default ``parent`` of rowCount and columnCount."""
READ_ONLY_ROW = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)


class OrderedRowsModel(QAbstractTableModel):
    """Read-only rows kept sorted by a key, inserted and removed one by one as edits arrive.

    Subclasses set ``columns`` and implement ``_key(item)`` and ``data``; rows are objects with
    an ``id``. The span list and the relation list are this with different keys and columns.
    """

    columns: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._keys: list[Any] = []

    def _key(self, item: Any) -> Any:
        raise NotImplementedError

    def _reset_rows(self, items: Iterable[Any]) -> None:
        """Replace every row (call between beginResetModel and endResetModel)."""
        self._rows = sorted(items, key=self._key)
        self._keys = [self._key(item) for item in self._rows]

    def _insert(self, item: Any) -> None:
        key = self._key(item)
        row = bisect_left(self._keys, key)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, item)
        self._keys.insert(row, key)
        self.endInsertRows()

    def _remove(self, item_id: int) -> None:
        row = self.row_of(item_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        del self._keys[row]
        self.endRemoveRows()

    def _replace(self, item: Any) -> None:
        """Update a row in place when its position holds, else move it.

        A move (not a removal and an insertion) keeps the views' current and selected row on
        the item, so a resized span stays the selected one.
        """
        row = self.row_of(item.id)
        if row is None:
            self._insert(item)
            return
        key = self._key(item)
        others = self._keys[:row] + self._keys[row + 1 :]
        moved_to = bisect_left(others, key)
        destination = moved_to if moved_to <= row else moved_to + 1
        if destination not in (row, row + 1):
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
            del self._rows[row]
            del self._keys[row]
            self._rows.insert(moved_to, item)
            self._keys.insert(moved_to, key)
            self.endMoveRows()
        else:
            self._rows[row] = item
            self._keys[row] = key
        self.dataChanged.emit(self.index(moved_to, 0), self.index(moved_to, len(self.columns) - 1))

    def row_of(self, item_id: int | None) -> int | None:
        for row, item in enumerate(self._rows):  # O(n), only on edits and clicks
            if item.id == item_id:
                return row
        return None

    def item_at(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section] if 0 <= section < len(self.columns) else None
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return READ_ONLY_ROW


def row_table(model: QAbstractTableModel, name: str) -> QTableView:
    """A read-only table of whole rows, one selected at a time, compact, no grid."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    return view


def select_row(view: QTableView, row: int | None) -> None:
    """Make ``row`` the selected row and scroll to it (None clears the selection)."""
    if row is None:
        view.selectionModel().clear()
        return
    index = view.model().index(row, 0)
    view.selectionModel().setCurrentIndex(
        index,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    view.scrollTo(index)
