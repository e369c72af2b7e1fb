"""The report at the end of a long task: a summary over a tree of groups and their entries."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

MAX_LISTED = 1000
"""Entries listed per group (the rest are counted)."""
EXPANDED_UP_TO = 200
"""A group with more entries than this starts collapsed."""
FIRST_COLUMN_MAX = 420


class TaskReportDialog(QDialog):
    """A summary line, a two-column tree of groups (``title (count)``) and a Close button."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        name: str,
        title: str,
        summary: QLabel,
        headers: tuple[str, str],
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(720, 440)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(list(headers))
        self.tree.setUniformRowHeights(True)
        self._summary = summary

    def group(self, title: str, count: int, detail: str = "") -> QTreeWidgetItem:
        return QTreeWidgetItem(self.tree, [f"{title} ({count:,})", detail])

    def list_in(self, group: QTreeWidgetItem, rows: Iterable[tuple[str, str]], total: int) -> None:
        """The first :data:`MAX_LISTED` of ``total`` rows under ``group``, then a count of the
        rest."""
        for n, (where, what) in enumerate(rows):
            if n == MAX_LISTED:
                break
            item = QTreeWidgetItem(group, [where, what])
            item.setToolTip(1, what)  # long reasons are elided in the column
        if total > MAX_LISTED:
            QTreeWidgetItem(group, [f"… and {total - MAX_LISTED:,} more", ""])

    def finish(self, expandable: Iterable[QTreeWidgetItem]) -> None:
        """Once filled: expand the groups that are short enough, size the first column and lay
        the dialog out (the tree is filled before it joins the dialog, as rows are sized then)."""
        for item in expandable:
            item.setExpanded(item.childCount() <= EXPANDED_UP_TO)
        self.tree.resizeColumnToContents(0)
        if self.tree.columnWidth(0) > FIRST_COLUMN_MAX:
            self.tree.setColumnWidth(0, FIRST_COLUMN_MAX)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)


__all__ = ["MAX_LISTED", "TaskReportDialog"]
