"""The curation dialog: annotators' panes, the curated pane, and the list of disagreements.

Keys: Up/Down move through the disagreements, 1..9 accept annotator N's version, 0 or Delete
keep nothing for it, A copies everything the annotators agree on. Every step is an undoable
command on the document's undo stack (Ctrl+Z here or in the main window).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.annotation import CURATION_ANNOTATOR
from annotator.core.curation import Alternative, Unit
from annotator.core.edits import Edit, describe
from annotator.core.errors import AnnotatorError
from annotator.core.ids import DocumentId
from annotator.core.text import plural
from annotator.gui.bridge import ProjectBridge
from annotator.gui.curation.looks import (
    LEGEND,
    decision_text,
    style_candidate,
    style_decision,
    who,
)
from annotator.gui.curation.panes import LayerPane
from annotator.gui.dialog_parts import note_label
from annotator.gui.errors import show_error
from annotator.gui.undo import EditCommand, UndoStacks
from annotator.services import curation
from annotator.services.curation import DocumentCuration
from annotator.services.project import Project

log = logging.getLogger("annotator.gui")
COLUMN_WIDTH = 250
"""Widest a column starts (the tooltip shows a whole version)."""
HELP = (
    "Up/Down: move through the disagreements · 1–9: accept annotator N's version · "
    "0 or Delete: keep nothing · A: auto-merge what everyone agrees on · Ctrl+Z: undo"
)


class CurationDialog(QDialog):
    """Curate one document: choose, disagreement by disagreement, what the curated layer holds."""

    def __init__(
        self,
        project: Project,
        document_id: DocumentId,
        bridge: ProjectBridge,
        stacks: UndoStacks,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("curationDialog")
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(1300, 820)
        self._project = project
        self._document_id = document_id
        self._bridge = bridge
        self._stacks = stacks
        curation.prepare(project)
        stacks.activate(document_id)
        self.view: DocumentCuration = curation.load(project, document_id)
        self.setWindowTitle(f"Curate: {self.view.document.display_title}")

        self.panes: list[LayerPane] = []
        self.curated_pane = LayerPane("Curated")
        self.curated_pane.setObjectName("curatedPane")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for number, annotator in enumerate(self.view.annotators, start=1):
            pane = LayerPane(f"{number}  {who(annotator)}" if number <= 9 else who(annotator))
            pane.offsetClicked.connect(self.go_to_offset)
            self.panes.append(pane)
            self.splitter.addWidget(pane)
        self.curated_pane.offsetClicked.connect(self.go_to_offset)
        self.splitter.addWidget(self.curated_pane)

        self.table = QTableWidget(0, 0)
        self.table.setObjectName("disagreements")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.currentCellChanged.connect(lambda *_: self._show_current())

        self.summary = QLabel()
        self.summary.setObjectName("curationSummary")
        self.auto_button = QPushButton("&Auto-merge Agreed")
        self.auto_button.setObjectName("autoMergeButton")
        self.auto_button.clicked.connect(self.auto_merge)
        self.reject_button = QPushButton("Keep &Nothing")
        self.reject_button.clicked.connect(self.reject_current)
        self.undo_action = stacks.group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = stacks.group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        undo_button = QPushButton("Undo")
        undo_button.clicked.connect(self.undo_action.trigger)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        self._key(Qt.Key.Key_A, self.auto_merge)
        for key in ("0", "Delete", "Backspace"):
            self._key(key, self.reject_current)
        for number in range(1, 10):
            self._key(str(number), self._acceptor(number))

        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.auto_button)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(undo_button)
        buttons.addWidget(close)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.table, 1)
        self.legend = note_label(LEGEND)
        self.legend.setObjectName("curationLegend")
        lower_layout.addWidget(self.legend)
        lower_layout.addWidget(note_label(HELP))
        lower_layout.addLayout(buttons)
        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(self.splitter)
        vertical.addWidget(lower)
        vertical.setStretchFactor(0, 3)
        vertical.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(vertical)

        bridge.changed.connect(self._changed)
        self._fill(keep_row=0)
        self.table.setFocus()

    def _key(self, key: str | Qt.Key, slot: Callable[[], object]) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _acceptor(self, number: int) -> Callable[[], None]:
        return lambda: self.accept_annotator(number)

    # -- what is shown ---------------------------------------------------------------------------

    @property
    def disagreements(self) -> tuple[Unit, ...]:
        return self.view.curation.disagreements

    def current_unit(self) -> Unit | None:
        row = self.table.currentRow()
        units = self.disagreements
        return units[row] if 0 <= row < len(units) else None

    def reload(self) -> None:
        row = self.table.currentRow()
        try:
            self.view = curation.load(self._project, self._document_id)
        except AnnotatorError as error:
            show_error(self, "Cannot reload the curation", error)
            return
        self._fill(keep_row=row)

    def _changed(self, changes: object) -> None:
        if self._document_id in getattr(changes, "document_ids", ()):
            self.reload()

    def _fill(self, keep_row: int) -> None:
        view = self.view
        schema = self._project.schema
        for pane, annotator in zip(self.panes, view.annotators, strict=False):
            pane.show_layer(
                view.document,
                view.spans_of(annotator),
                view.relations_of(annotator),
                schema,
            )
        self.curated_pane.show_layer(
            view.document,
            view.spans_of(CURATION_ANNOTATOR),
            view.relations_of(CURATION_ANNOTATOR),
            schema,
        )
        headers = ["Text"] + [
            f"{n} {who(a)}" if n <= 9 else who(a) for n, a in enumerate(view.annotators, start=1)
        ]
        headers.append("Curated")
        units = self.disagreements
        self.table.blockSignals(True)
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(units))
        text = view.document.text
        palette = self.table.palette()
        for row, unit in enumerate(units):
            decision, state = view.decision(unit), view.state(unit)
            title = QTableWidgetItem(unit.title(text))
            title.setToolTip(title.text())
            self.table.setItem(row, 0, title)
            for column, annotator in enumerate(view.annotators, start=1):
                version = unit.alternative_of(annotator)
                item = QTableWidgetItem(version.describe(text))
                style_candidate(item, version, decision, state, palette)
                self.table.setItem(row, column, item)
            item = QTableWidgetItem(decision_text(decision, state))
            style_decision(item, decision, state, palette)
            self.table.setItem(row, len(view.annotators) + 1, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        for column in range(self.table.columnCount()):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), COLUMN_WIDTH))
        if units:
            self.table.setCurrentCell(min(max(keep_row, 0), len(units) - 1), 0)
        self.table.blockSignals(False)
        chosen = sum(1 for u in units if (state := view.state(u)) is not None and not state.empty)
        agreed = len(view.curation.agreed)
        layer = f"curated layer: {plural(len(view.layer.spans), 'span')}"
        if len(view.annotators) < 2:
            self.summary.setText(
                f"{plural(len(view.annotators), 'annotator')}: nothing to compare · {layer}"
            )
        else:
            self.summary.setText(
                f"{plural(len(view.annotators), 'annotator')} · {agreed:,} agreed · "
                f"{plural(len(units), 'disagreement')}, {chosen:,} with a version curated · {layer}"
            )
        self._show_current()

    def _show_current(self) -> None:
        unit = self.current_unit()
        disputed = sorted({mark for u in self.disagreements for mark in u.marks})
        current = unit.marks if unit is not None else ()
        for pane in (*self.panes, self.curated_pane):
            pane.mark(disputed, current)

    def go_to_offset(self, offset: int) -> None:
        """Select the disagreement covering ``offset`` (a span clicked in a pane)."""
        for row, unit in enumerate(self.disagreements):
            if unit.covers(offset):
                self.table.setCurrentCell(row, 0)
                self.table.setFocus()
                return

    # -- choosing --------------------------------------------------------------------------------

    def accept_annotator(self, number: int) -> None:
        """Accept the version of the ``number``-th annotator (1-based) for the current unit."""
        unit = self.current_unit()
        if unit is None or not 1 <= number <= len(self.view.annotators):
            return
        self.choose(unit, unit.alternative_of(self.view.annotators[number - 1]))

    def reject_current(self) -> None:
        unit = self.current_unit()
        if unit is not None:
            self.choose(unit, None)

    def choose(self, unit: Unit, choice: Alternative | None) -> None:
        """Keep ``choice`` for ``unit`` (``None``: keep nothing, remembered as rejected)."""
        row = self.table.currentRow()
        if choice is None or choice.empty:
            try:
                curation.remember_rejection(self._project, self._document_id, unit)
            except AnnotatorError as error:
                show_error(self, "Cannot curate this", error)
                return
        done = self._push(
            lambda: curation.next_accept_edit(self._project, self._document_id, unit, choice)
        )
        self.reload()
        if done and row + 1 < self.table.rowCount():
            self.table.setCurrentCell(row + 1, 0)

    def auto_merge(self) -> None:
        self._push(lambda: curation.next_auto_merge_edit(self._project, self._document_id))

    def _push(self, next_edit: Callable[[], Edit | None]) -> bool:
        """Apply the planned edits as one undo step; False when nothing was (or could be) done."""
        try:
            edit = next_edit()
        except AnnotatorError as error:
            show_error(self, "Cannot curate this", error)
            self.reload()
            return False
        if edit is None:
            return True
        self._stacks.activate(self._document_id)
        stack = self._stacks.stack(self._document_id)
        assert stack is not None
        stack.beginMacro(describe(edit))
        try:
            previous: Edit | None = None
            for _ in range(curation.MAX_STEPS):
                if edit is None or edit == previous:
                    break  # done, or the last step failed (the bridge said why)
                stack.push(EditCommand(self._bridge, edit))
                previous = edit
                edit = next_edit()
        except AnnotatorError as error:
            show_error(self, "Cannot curate this", error)
        finally:
            stack.endMacro()
        return True
