"""What the window's table models share: the index type, the root index, read-only row flags."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

ModelIndex = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()
"""The root index, as the default ``parent`` of rowCount and columnCount."""
READ_ONLY_ROW = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
