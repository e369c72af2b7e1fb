"""The document list: a lazy table model over document ids and the dock that shows it."""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.document import DocumentFilter, DocumentStatus, DocumentSummary
from annotator.core.ids import DocumentId
from annotator.core.team import AssignmentState
from annotator.gui.column_fit import ColumnFit
from annotator.gui.model_base import NO_PARENT, READ_ONLY_ROW, ModelIndex
from annotator.services.project import Project
from annotator.services.team import queue
from annotator.services.team_feed import new_in_list

PAGE = 200
"""Rows fetched per query when the view asks for one that is not cached."""
MAX_PAGES = 50
"""Pages kept in memory (least recently used dropped first): 10,000 rows."""

COLUMNS = ("Title", "Outlet", "Date", "Status", "Spans")
TITLE, OUTLET, DATE, STATUS, SPANS = range(len(COLUMNS))
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class DocumentListModel(QAbstractTableModel):
    """Rows are the ids of the documents matching a filter, ordered by id.

    Only the ids are loaded up front (one SQL query); summaries are fetched in pages of
    :data:`PAGE` rows the first time the view asks for one of them, and cached.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._project: Project | None = None
        self._filter = DocumentFilter()
        self._ids: list[DocumentId] = []
        self._row_of: dict[DocumentId, int] | None = None
        self._pages: OrderedDict[int, list[DocumentSummary | None]] = OrderedDict()
        self._queue: dict[DocumentId, AssignmentState] = {}
        """With the "My queue" filter: the state of each of my assignments."""
        self.queries = 0
        """Summary queries made so far (tests and benchmarks read it)."""

    # -- what it shows --------------------------------------------------------------------------

    @property
    def filter(self) -> DocumentFilter:
        return self._filter

    def set_project(self, project: Project | None) -> None:
        self._project = project
        self._filter = DocumentFilter()
        self.reload()

    def set_filter(self, where: DocumentFilter) -> None:
        if where != self._filter:
            self._filter = where
            self.reload()

    def reload(self) -> None:
        """Fetch the ids again (after an import or a new filter) and drop every cached row."""
        self.beginResetModel()
        self._ids = self._project.document_ids(self._filter) if self._project else []
        self._row_of = None
        self._pages.clear()
        self._load_queue()
        self.endResetModel()

    def _load_queue(self) -> None:
        name = self._filter.assigned_to
        found = queue(self._project, name) if self._project and name else []
        self._queue = {item.document_id: item.state for item in found}

    def refresh(self, document_ids: Iterable[DocumentId]) -> None:
        """Fetch the rows of these documents again, if cached, and tell the view."""
        if self._project is None:
            return
        rows = [r for r in (self.row_of(i) for i in set(document_ids)) if r is not None]
        cached = [r for r in rows if r // PAGE in self._pages]
        if not cached:
            return
        fresh = {s.id: s for s in self._project.summaries([self._ids[r] for r in cached])}
        self.queries += 1
        self._load_queue()
        for row in cached:
            self._pages[row // PAGE][row % PAGE] = fresh.get(self._ids[row])
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def add_new(self, document_ids: Iterable[DocumentId]) -> int:
        """Insert rows for those of these documents the filter matches and the list lacks
        (documents others imported); cached pages from the first new row on are dropped.
        Returns how many rows were added."""
        if self._project is None:
            return 0
        changed = set(document_ids)
        shown = {i for i in changed if self.row_of(i) is not None}
        fresh = new_in_list(self._project, self._filter, changed, shown)
        if not fresh:
            return 0
        first = bisect_left(self._ids, fresh[0])
        for number in [n for n in self._pages if n >= first // PAGE]:
            del self._pages[number]
        self._row_of = None
        if first == len(self._ids):  # the usual case: newer than every row, one insertion
            self.beginInsertRows(NO_PARENT, first, first + len(fresh) - 1)
            self._ids += fresh
            self.endInsertRows()
            return len(fresh)
        for document_id in fresh:
            row = bisect_left(self._ids, document_id)
            self.beginInsertRows(NO_PARENT, row, row)
            self._ids.insert(row, document_id)
            self.endInsertRows()
        return len(fresh)

    # -- lookups --------------------------------------------------------------------------------

    def document_id(self, row: int) -> DocumentId | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, document_id: DocumentId) -> int | None:
        if self._row_of is None:
            self._row_of = {document_id: row for row, document_id in enumerate(self._ids)}
        return self._row_of.get(document_id)

    def ids(self) -> Sequence[DocumentId]:
        return self._ids

    def summary(self, row: int) -> DocumentSummary | None:
        if not 0 <= row < len(self._ids):
            return None
        number = row // PAGE
        page = self._pages.get(number)
        if page is None:
            page = self._fetch(number)
        else:
            self._pages.move_to_end(number)
        return page[row % PAGE]

    def _fetch(self, number: int) -> list[DocumentSummary | None]:
        ids = self._ids[number * PAGE : (number + 1) * PAGE]
        found = {s.id: s for s in self._project.summaries(ids)} if self._project else {}
        self.queries += 1
        page: list[DocumentSummary | None] = [found.get(i) for i in ids]
        self._pages[number] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    # -- QAbstractTableModel --------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == ID_ROLE:
            return int(self._ids[index.row()])
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.TextAlignmentRole,
            Qt.ItemDataRole.FontRole,
        ):
            return None
        summary = self.summary(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == SPANS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if summary is None:
            return "(deleted)" if role == Qt.ItemDataRole.DisplayRole and column == TITLE else None
        if role == Qt.ItemDataRole.FontRole:
            if column == TITLE and summary.status is DocumentStatus.NEW:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == STATUS and summary.id in self._queue:
                return f"Your assignment: {self._queue[summary.id].label.lower()}"
            return summary.title if column == TITLE else None
        if column == TITLE:
            return summary.title or f"Document {summary.id}"
        if column == OUTLET:
            return summary.source
        if column == DATE:
            return summary.published.isoformat() if summary.published else ""
        if column == STATUS:
            state = self._queue.get(summary.id)
            return state.label if state else summary.status.label
        return summary.span_count

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return READ_ONLY_ROW


STATUS_CHOICES: tuple[tuple[str, DocumentStatus | None], ...] = (
    ("All documents", None),
    ("New", DocumentStatus.NEW),
    ("In progress", DocumentStatus.IN_PROGRESS),
    ("Done", DocumentStatus.DONE),
)


class DocumentListDock(QDockWidget):
    """The list of documents with a status filter and a title search; picks the open one."""

    documentActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Documents", parent)
        self.setObjectName("documentListDock")
        self.model = DocumentListModel(self)
        self._current: DocumentId | None = None
        self._quiet = False

        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        for text, status in STATUS_CHOICES:
            self.status_filter.addItem(text, status.value if status else "")
        self.status_filter.setToolTip("Show only documents with this status")
        self.search = QLineEdit()
        self.search.setObjectName("titleSearch")
        self.search.setPlaceholderText("Search titles…")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self.apply_filter)
        self.status_filter.currentIndexChanged.connect(self.apply_filter)
        self.queue_owner = ""
        """Whose queue "My queue" shows (the window's annotator)."""
        self.queue_box = QCheckBox("My queue")
        self.queue_box.setObjectName("myQueue")
        self.queue_box.setToolTip("Show only the documents assigned to you, with your progress")
        self.queue_box.toggled.connect(self.apply_filter)

        self.view = QTableView()
        self.view.setObjectName("documentTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.view.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(24)
        metrics = self.view.fontMetrics()
        for column, sample in (
            (OUTLET, "Meridia"),
            (DATE, "2026-03-03"),
            (STATUS, "In progress"),
            (SPANS, "Spans"),
        ):  # + cell padding (style sheet) and margins
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 22)
        self.column_fit = ColumnFit(self.view, TITLE)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.queue_box)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.view)
        self.setWidget(body)

    def _column_menu(self, point: QPoint) -> None:
        """Right-click on the header: show or hide columns (the title always stays)."""
        header = self.view.horizontalHeader()
        menu = QMenu(self)
        for column in range(1, len(COLUMNS)):
            action = menu.addAction(COLUMNS[column])
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda on, c=column: header.setSectionHidden(c, not on))
        menu.exec(header.mapToGlobal(point))

    # -- filter ---------------------------------------------------------------------------------

    def current_filter(self) -> DocumentFilter:
        value = self.status_filter.currentData()
        status = DocumentStatus(value) if value else None
        mine = self.queue_owner if self.queue_box.isChecked() else ""
        return DocumentFilter(
            status=status, title_contains=self.search.text().strip(), assigned_to=mine
        )

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())
        self._select_row_of(self._current, emit=False)

    def reset_filter(self) -> None:
        for widget in (self.status_filter, self.search, self.queue_box):
            widget.blockSignals(True)
        self.status_filter.setCurrentIndex(0)
        self.search.clear()
        self.queue_box.setChecked(False)
        for widget in (self.status_filter, self.search, self.queue_box):
            widget.blockSignals(False)

    # -- the current document -------------------------------------------------------------------

    @property
    def current_document(self) -> DocumentId | None:
        return self._current

    def set_project(self, project: Project | None) -> None:
        self._current = None
        self.reset_filter()
        self.model.set_project(project)

    def show_document(self, document_id: DocumentId | None) -> None:
        """Mark the open document in the list without emitting ``documentActivated``."""
        self._current = document_id
        self._select_row_of(document_id, emit=False)

    def step(self, step: int) -> bool:
        """Open the next (``step`` 1) or previous (-1) document of the list."""
        count = self.model.rowCount()
        if count == 0:
            return False
        row = self.model.row_of(self._current) if self._current is not None else None
        target = (0 if step > 0 else count - 1) if row is None else row + step
        if not 0 <= target < count:
            return False
        self._select_row(target, emit=True)
        return True

    def _select_row_of(self, document_id: DocumentId | None, *, emit: bool) -> None:
        row = self.model.row_of(document_id) if document_id is not None else None
        if row is None:
            self.view.selectionModel().clear()
            return
        self._select_row(row, emit=emit)

    def _select_row(self, row: int, *, emit: bool) -> None:
        index = self.model.index(row, 0)
        selection = self.view.selectionModel()
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self._quiet = True
        try:
            selection.setCurrentIndex(index, flags)
        finally:
            self._quiet = False
        self.view.scrollTo(index)
        if emit:
            document_id = self.model.document_id(row)
            if document_id is not None and document_id != self._current:
                self._current = document_id
                self.documentActivated.emit(int(document_id))

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        document_id = self.model.document_id(current.row())
        if document_id is not None and document_id != self._current:
            self._current = document_id
            self.documentActivated.emit(int(document_id))
