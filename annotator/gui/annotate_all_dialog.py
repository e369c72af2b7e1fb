"""Annotate all occurrences: the search form, the review list and applying the accepted hits."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QPainter, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.edits import Edit
from annotator.core.errors import AnnotatorError
from annotator.core.ids import DocumentId
from annotator.core.occurrences import MatchMode, Query
from annotator.core.schema import AttributeValue
from annotator.core.text import plural
from annotator.gui.dialog_parts import note_label
from annotator.gui.errors import message_of
from annotator.gui.labelling import prefilled_attributes
from annotator.services.annotate_all import Hit, Scope, accept_edit, search
from annotator.services.project import Project

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

ModelIndex = QModelIndex | QPersistentModelIndex
COLUMNS = ("", "Document", "Context")
MODES = (
    (MatchMode.WHOLE_WORD, "&Whole word"),
    (MatchMode.EXACT, "&Exact"),
    (MatchMode.REGEX, "Regular e&xpression"),
)


class HitsModel(QAbstractTableModel):
    """The hits of a search, each accepted (checked) or rejected."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hits: list[Hit] = []
        self.accepted: list[bool] = []

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.hits = hits
        self.accepted = [not hit.overlaps_label for hit in hits]
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        column = index.column()
        if column == 0 and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if self.accepted[index.row()] else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 1:
                return hit.document_title or f"#{hit.document_id}"
            if column == 2:
                return f"{hit.left}{hit.text}{hit.right}"
        if role == Qt.ItemDataRole.ToolTipRole and hit.overlaps_label:
            return "A span of this label already overlaps this text"
        if role == Qt.ItemDataRole.UserRole:
            return hit
        return None

    def setData(
        self, index: ModelIndex, value: object, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        self.set_accepted([index.row()], checked)
        return True

    def set_accepted(self, rows: list[int], accepted: bool) -> None:
        for row in rows:
            self.accepted[row] = accepted
        if rows:
            self.dataChanged.emit(
                self.index(min(rows), 0), self.index(max(rows), 0), [Qt.ItemDataRole.CheckStateRole]
            )

    def accepted_hits(self) -> list[Hit]:
        return [hit for hit, ok in zip(self.hits, self.accepted, strict=True) if ok]


class ContextDelegate(QStyledItemDelegate):
    """The context column: the hit in bold between its left and right text, elided evenly."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        hit = index.data(Qt.ItemDataRole.UserRole)
        if not isinstance(hit, Hit):
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = option.palette.highlightedText() if selected else option.palette.text()
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(2)
        left = html.escape(hit.left[-40:])
        document.setHtml(
            f'<span style="color:{colour.color().name()}">{left}'
            f"<b><u>{html.escape(hit.text)}</u></b>{html.escape(hit.right)}</span>"
        )
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, option.rect.width(), option.rect.height()))
        document.drawContents(painter)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), option.fontMetrics.height() + 6))


class AnnotateAllDialog(QDialog):
    """Find a string in this document or the project, review the hits from the keyboard, and
    label the accepted ones as one undo step.

    Keys in the review list: Up/Down move, Space or Y accept, N or Delete reject (each moves on
    to the next hit), Ctrl+A accepts all, Enter applies.
    """

    def __init__(
        self,
        project: Project,
        document_id: DocumentId | None,
        push: Callable[[Edit], bool],
        annotator: str,
        *,
        query: str = "",
        label: str = "",
        snap: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("annotateAllDialog")
        self.setWindowTitle("Annotate All Occurrences")
        self._project = project
        self._document_id = document_id
        self._push = push
        self._annotator = annotator
        self._snap = snap
        self.applied_count = 0
        self._searched = ""

        self.query_edit = QLineEdit(query)
        self.query_edit.setObjectName("annotateAllQuery")
        self.mode_group = QButtonGroup(self)
        modes = QHBoxLayout()
        self.mode_buttons: dict[MatchMode, QRadioButton] = {}
        for mode, text in MODES:
            button = QRadioButton(text)
            self.mode_buttons[mode] = button
            self.mode_group.addButton(button)
            modes.addWidget(button)
        self.mode_buttons[MatchMode.WHOLE_WORD].setChecked(True)
        self.ignore_case = QCheckBox("&Ignore case")
        modes.addWidget(self.ignore_case)
        modes.addStretch(1)
        self.scope_document = QRadioButton("This &document")
        self.scope_project = QRadioButton("Whole &project")
        (self.scope_document if document_id is not None else self.scope_project).setChecked(True)
        self.scope_document.setEnabled(document_id is not None)
        scopes = QHBoxLayout()
        scopes.addWidget(self.scope_document)
        scopes.addWidget(self.scope_project)
        scopes.addStretch(1)
        self.label_combo = QComboBox()
        self.label_combo.setObjectName("annotateAllLabel")
        self.label_combo.addItems(list(project.schema.label_names))
        if label:
            self.label_combo.setCurrentText(label)
        self.search_button = QPushButton("&Search")
        self.search_button.setObjectName("annotateAllSearch")
        self.search_button.clicked.connect(self.run_search)
        self.query_edit.returnPressed.connect(self.run_search)

        form = QFormLayout()
        query_row = QHBoxLayout()
        query_row.addWidget(self.query_edit, 1)
        query_row.addWidget(self.search_button)
        find_label = QLabel("&Find:")
        find_label.setBuddy(self.query_edit)
        label_label = QLabel("&Label as:")
        label_label.setBuddy(self.label_combo)
        form.addRow(find_label, query_row)
        form.addRow("Match:", modes)
        form.addRow("In:", scopes)
        form.addRow(label_label, self.label_combo)

        self.model = HitsModel(self)
        self.table = QTableView()
        self.table.setObjectName("annotateAllHits")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(2, ContextDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(1, 180)
        self.table.installEventFilter(self)
        self.model.dataChanged.connect(self._show_counts)
        self.model.modelReset.connect(self._show_counts)

        self.summary = note_label("Search, then review the hits: Space or Y accepts, N rejects.")
        self.summary.setObjectName("annotateAllSummary")
        buttons = QDialogButtonBox()
        self.accept_all_button = buttons.addButton(
            "Accept &All", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.accept_all_button.clicked.connect(lambda: self.set_all(True))
        self.reject_all_button = buttons.addButton(
            "&Reject All", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.reject_all_button.clicked.connect(lambda: self.set_all(False))
        self.apply_button = buttons.addButton("Appl&y", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("annotateAllApply")
        self.apply_button.clicked.connect(self.apply)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        accept_all = QShortcut(QKeySequence("Ctrl+A"), self)
        accept_all.activated.connect(lambda: self.set_all(True))

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.resize(820, 520)

    # -- searching ------------------------------------------------------------------------------

    def query(self) -> Query:
        mode = next(m for m, b in self.mode_buttons.items() if b.isChecked())
        return Query(self.query_edit.text(), mode, self.ignore_case.isChecked())

    def label(self) -> str:
        return self.label_combo.currentText()

    def run_search(self) -> bool:
        scope = Scope.DOCUMENT if self.scope_document.isChecked() else Scope.PROJECT
        try:
            with _busy():
                result = search(
                    self._project,
                    self.query(),
                    self.label(),
                    scope=scope,
                    document_id=self._document_id,
                    snap=self._snap,
                )
        except AnnotatorError as error:
            self._searched = ""
            self.model.set_hits([])
            self.summary.setText(message_of(error))
            return False
        self.model.set_hits(list(result.hits))
        more = " (stopped there: narrow the search)" if result.truncated else ""
        self._searched = f"{result.summary()}{more}"
        self._show_counts()
        if result.hits:
            self.table.setFocus()
            self.table.setCurrentIndex(self.model.index(0, 2))
        return True

    def _show_counts(self) -> None:
        total = len(self.model.hits)
        if not total:
            if self._searched:
                self.summary.setText(f"{self._searched[:1].upper()}{self._searched[1:]}.")
            return
        accepted = sum(self.model.accepted)
        self.summary.setText(
            f"{self._searched}: {accepted:,} accepted, "
            f"{total - accepted:,} rejected. Space/Y accept, N/Delete reject, Ctrl+A accept "
            "all, Enter applies."
        )

    # -- reviewing ------------------------------------------------------------------------------

    def set_all(self, accepted: bool) -> None:
        self.model.set_accepted(list(range(len(self.model.hits))), accepted)

    def _mark_current(self, accepted: bool) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        current = self.table.currentIndex()
        if not rows and current.isValid():
            rows = [current.row()]
        if not rows:
            return
        self.model.set_accepted(rows, accepted)
        following = rows[-1] + 1
        if following < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(following, max(current.column(), 0)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if plain and key in (Qt.Key.Key_Space, Qt.Key.Key_Y):
                self._mark_current(True)
                return True
            if plain and key in (Qt.Key.Key_N, Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self._mark_current(False)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.apply()
                return True
        return super().eventFilter(watched, event)

    # -- applying -------------------------------------------------------------------------------

    def _prefilled(self, hit: Hit) -> dict[str, AttributeValue]:
        """What a new span of the label gets pre-filled from its text, as when labelling by
        hand (casualty figures: count, qualifier, outcome)."""
        text = hit.left + hit.text + hit.right
        start = len(hit.left)
        return prefilled_attributes(
            self._project.schema, self.label(), text, start, start + len(hit.text)
        )

    def apply(self) -> bool:
        """Label every accepted hit as one undoable edit; the dialog closes when it worked."""
        hits = self.model.accepted_hits()
        if not hits:
            self.summary.setText("No hit is accepted: nothing to apply.")
            return False
        try:
            edit = accept_edit(
                self._project,
                hits,
                self.label(),
                annotator=self._annotator,
                attributes_for=self._prefilled,
            )
        except AnnotatorError as error:
            self.summary.setText(message_of(error))
            return False
        if edit is None:
            self.summary.setText("Every accepted hit already has this label.")
            return False
        with _busy():
            pushed = self._push(edit)
        if not pushed:
            self.summary.setText("Could not apply: see the status bar.")
            return False
        self.applied_count = len(hits)
        self.accept()
        return True


@contextmanager
def _busy() -> Iterator[None]:
    """A wait cursor while a search or a bulk accept runs (about a second per 10,000
    documents searched, per 1,000 hits accepted)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def initial_query(text: str, start: int, end: int) -> str:
    """The query a selection suggests: its text on one line."""
    return " ".join(text[start:end].split()) if start < end else ""


def open_annotate_all(window: MainWindow) -> AnnotateAllDialog | None:
    """The dialog for the window's selection (or selected span), shown without blocking."""
    project = window.project
    if project is None:
        return None
    opened = window.current
    query, label = "", window.labelling.last_label
    if opened is not None:
        start, end = window.viewer.selection_offsets()
        span = window.labelling.selected_span()
        if start == end and span is not None:
            start, end = span.start, span.end
        if span is not None and (start, end) == (span.start, span.end):
            label = span.label
        query = initial_query(opened.text, start, end)
    dialog = AnnotateAllDialog(
        project,
        opened.id if opened is not None else None,
        window.stacks.push,
        window.annotator,
        query=query,
        label=label,
        snap=not window.settings.character_precision,
        parent=window,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def finished(_result: int) -> None:
        if dialog.applied_count:
            window.labelling.last_label = dialog.label()
            window.status(f"Labelled {plural(dialog.applied_count, 'occurrence')}")

    dialog.finished.connect(finished)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    if query:
        dialog.run_search()
    return dialog
