"""Table models of the agreement dialog: measures per label, and per document (sortable)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QObject, Qt
from PySide6.QtGui import QFont

from annotator.core.agreement import MEASURES, AgreementReport, DocumentAgreement, Scores
from annotator.gui.model_base import NO_PARENT, READ_ONLY_ROW, ModelIndex

ALL_LABELS = "All labels"
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
"""The number behind a cell (``None`` when undefined), for sorting and tests."""


def shown(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def measure_cell(scores: Scores, column: int, role: int) -> Any:
    value = MEASURES[column].value(scores)
    if role == Qt.ItemDataRole.DisplayRole:
        return shown(value)
    if role == VALUE_ROLE:
        return value
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if role == Qt.ItemDataRole.ToolTipRole and column < 2:
        counts = scores.exact if column == 0 else scores.overlap
        return (
            f"{counts.matched:,} matched of {counts.first:,} and {counts.second:,} spans "
            "(summed over pairs of annotators)"
        )
    return None


class SummaryModel(QAbstractTableModel):
    """One row per label and a last row for all labels; a column per measure."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, Scores]] = []

    def set_report(self, report: AgreementReport | None) -> None:
        self.beginResetModel()
        group = report.project if report is not None else None
        self._rows = (
            [*group.labels.items(), (ALL_LABELS, group.overall)] if group is not None else []
        )
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(MEASURES)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return READ_ONLY_ROW if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return MEASURES[section].title
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return MEASURES[section].short
        return self._rows[section][0]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.FontRole and index.row() == len(self._rows) - 1:
            font = QFont()
            font.setBold(True)
            return font
        return measure_cell(self._rows[index.row()][1], index.column(), role)


class DocumentsModel(QAbstractTableModel):
    """One row per document two or more annotators annotated: title, annotators, measures.
    ``sort`` orders the rows itself (undefined values last)."""

    FIXED = ("Document", "Annotators")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DocumentAgreement] = []

    def set_report(self, report: AgreementReport | None) -> None:
        self.beginResetModel()
        self._rows = list(report.documents) if report is not None else []
        self.endResetModel()

    def document_id(self, row: int) -> int | None:
        return int(self._rows[row].document_id) if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.FIXED) + len(MEASURES)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return READ_ONLY_ROW if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section < len(self.FIXED):
            return self.FIXED[section] if role == Qt.ItemDataRole.DisplayRole else None
        measure = MEASURES[section - len(self.FIXED)]
        if role == Qt.ItemDataRole.DisplayRole:
            return measure.short
        if role == Qt.ItemDataRole.ToolTipRole:
            return measure.title
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if column == 0:
            if role in (Qt.ItemDataRole.DisplayRole, VALUE_ROLE):
                return row.title
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Document {int(row.document_id)}: double-click to open it"
            return None
        if column == 1:
            names = ", ".join(row.agreement.annotators)
            return names if role in (Qt.ItemDataRole.DisplayRole, VALUE_ROLE) else None
        return measure_cell(row.agreement.overall, column - len(self.FIXED), role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.beginResetModel()
        descending = order == Qt.SortOrder.DescendingOrder

        def key(row: DocumentAgreement) -> Any:
            if column < 0:  # no column: the documents' order
                return int(row.document_id)
            if column == 0:
                return row.title.casefold()
            if column == 1:
                return ", ".join(row.agreement.annotators)
            return MEASURES[column - len(self.FIXED)].value(row.agreement.overall)

        known = [r for r in self._rows if key(r) is not None]
        unknown = [r for r in self._rows if key(r) is None]
        known.sort(key=key, reverse=descending)
        self._rows = known + unknown
        self.endResetModel()
