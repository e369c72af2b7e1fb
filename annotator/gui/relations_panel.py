"""The relation list: the open document's relations (source, type, target) in text order."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QHeaderView,
    QMenu,
    QWidget,
)

from annotator.core.annotation import Relation, Span
from annotator.core.changes import ChangeSet
from annotator.core.ids import DocumentId, SpanId
from annotator.gui.model_base import ModelIndex, OrderedRowsModel, row_table, select_row
from annotator.gui.span_panel import one_line, span_text

COLUMNS = ("Source", "Type", "Target", "Comment", "By")
SOURCE, TYPE, TARGET, COMMENT, BY = range(len(COLUMNS))
RELATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_TEXT = 50

Key = tuple[int, int, int]


class RelationListModel(OrderedRowsModel):
    """Relations ordered by (source start, target start, id); updated row by row from edits."""

    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document: DocumentId | None = None
        self._text = ""
        self._span: Callable[[SpanId], Span | None] = lambda _id: None

    def _key(self, item: Relation) -> Key:
        source = self._span(item.source)
        target = self._span(item.target)
        return (
            source.start if source else -1,
            target.start if target else -1,
            int(item.id),
        )

    def set_document(
        self,
        document_id: DocumentId | None,
        text: str,
        relations: Iterable[Relation],
        span: Callable[[SpanId], Span | None],
    ) -> None:
        """``span`` looks up the current spans of the document (the window's copy)."""
        self.beginResetModel()
        self._document = document_id
        self._text = text
        self._span = span
        self._reset_rows(relations)
        self.endResetModel()

    def apply_changes(self, changes: ChangeSet) -> None:
        """Insert, update and remove only the rows the edit touched (after the window's copy
        of the spans was brought up to date)."""
        if self._document is None:
            return
        for relation in changes.relations_removed:
            if relation.document_id == self._document:
                self._remove(relation.id)
        for _before, after in changes.relations_updated:
            if after.document_id == self._document:
                self._replace(after)
        for relation in changes.relations_added:
            if relation.document_id == self._document:
                self._insert(relation)
        moved = {after.id for _before, after in changes.spans_updated}
        for relation in [r for r in self._rows if r.source in moved or r.target in moved]:
            self._replace(relation)

    def relation_at(self, row: int) -> Relation | None:
        item: Relation | None = self.item_at(row)
        return item

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        relation = self._rows[index.row()]
        column = index.column()
        if role == RELATION_ID_ROLE:
            return int(relation.id)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == COMMENT:
                display = role == Qt.ItemDataRole.DisplayRole
                return one_line(relation.comment, MAX_TEXT) if display else relation.comment
            if column == TYPE:
                return relation.type
            if column == BY:
                return relation.annotator
            span = self._span(relation.source if column == SOURCE else relation.target)
            if span is None:
                return "?"
            limit = MAX_TEXT if role == Qt.ItemDataRole.DisplayRole else 400
            shown = span_text(self._text, span, limit)
            return shown if role == Qt.ItemDataRole.DisplayRole else f"{span.label}: {shown}"
        return None


class RelationsDock(QDockWidget):
    """The relation table. Choosing a row emits ``relationActivated``; its context menu offers
    the types the relation may take and Delete (``retypeRequested``, ``deleteRequested``)."""

    relationActivated = Signal(int)
    retypeRequested = Signal(int, str)
    deleteRequested = Signal(int)
    commentRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Relations", parent)
        self.setObjectName("relationsDock")
        self.model = RelationListModel(self)
        self.allowed_types: Callable[[Relation], list[str]] = lambda _r: []
        self._quiet = False
        self.view = row_table(self.model, "relationTable")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(SOURCE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(TYPE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TARGET, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COMMENT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COMMENT, 90)
        header.setSectionResizeMode(BY, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(BY, 70)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.view.clicked.connect(self._clicked)
        # ResizeToContents misses rows inserted one by one (a relation just added read "LO…"):
        # the whole column is measured when a document opens, only the new rows on an edit
        self.model.modelReset.connect(lambda: self.view.resizeColumnToContents(TYPE))
        self.model.rowsInserted.connect(lambda _parent, first, last: self._widen(first, last))
        self.model.dataChanged.connect(lambda top, bottom: self._widen(top.row(), bottom.row()))
        self.setWidget(self.view)

    def _widen(self, first: int, last: int) -> None:
        """Widen the Type column to fit rows ``first``..``last`` (never narrower)."""
        if last - first > 200:
            self.view.resizeColumnToContents(TYPE)
            return
        needed = max(
            (
                self.view.sizeHintForIndex(self.model.index(row, TYPE)).width() + 1
                for row in range(first, last + 1)
            ),
            default=0,
        )
        header = self.view.horizontalHeader()
        if needed > header.sectionSize(TYPE):
            header.resizeSection(TYPE, needed)

    def selected_relation_id(self) -> int | None:
        index = self.view.selectionModel().currentIndex()
        relation = self.model.relation_at(index.row()) if index.isValid() else None
        selected = self.view.selectionModel().selectedRows()
        return int(relation.id) if relation is not None and selected else None

    def select_relation(self, relation_id: int | None) -> None:
        """Show which relation is selected, without emitting ``relationActivated``."""
        row = self.model.row_of(relation_id) if relation_id else None
        self._quiet = True
        try:
            select_row(self.view, row)
        finally:
            self._quiet = False

    def menu_for(self, relation: Relation) -> QMenu:
        """Change type (only the types allowed for its labels) and Delete."""
        menu = QMenu(self)
        retype = menu.addMenu("Change &Type")
        for name in self.allowed_types(relation):
            action = retype.addAction(name)
            action.setCheckable(True)
            action.setChecked(name == relation.type)
            action.setEnabled(name != relation.type)
            action.triggered.connect(
                lambda _c=False, r=int(relation.id), n=name: self.retypeRequested.emit(r, n)
            )
        retype.setEnabled(len(retype.actions()) > 1)
        comment = menu.addAction("&Comment…")
        comment.setObjectName("commentRelation")
        comment.triggered.connect(
            lambda _c=False, r=int(relation.id): self.commentRequested.emit(r)
        )
        delete = menu.addAction("&Delete Relation")
        delete.triggered.connect(lambda _c=False, r=int(relation.id): self.deleteRequested.emit(r))
        return menu

    def _context_menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        relation = self.model.relation_at(index.row()) if index.isValid() else None
        if relation is None:
            return
        self.relationActivated.emit(int(relation.id))
        menu = self.menu_for(relation)
        menu.exec(self.view.viewport().mapToGlobal(point))
        menu.deleteLater()

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        relation = self.model.relation_at(current.row())
        if relation is not None:
            self.relationActivated.emit(int(relation.id))

    def _clicked(self, index: QModelIndex) -> None:
        relation = self.model.relation_at(index.row())
        if relation is not None:
            self.relationActivated.emit(int(relation.id))
