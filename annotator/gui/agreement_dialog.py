"""Tools › Agreement…: inter-annotator agreement of the open project, computed in the
background, as a summary table, a pairwise heat map, a bar chart per label and a table per
document (double-click opens the document in the window)."""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import MEASURES, AgreementReport
from annotator.core.text import plural
from annotator.gui.agreement_charts import BarChart, HeatMap
from annotator.gui.agreement_models import DocumentsModel, SummaryModel, shown
from annotator.gui.agreement_runner import CANCELLED, AgreementRunner
from annotator.gui.dialog_parts import note_label
from annotator.gui.errors import message_of
from annotator.services.agreement import AgreementRequest, agreement_choices
from annotator.services.project import Project

ALL_LABELS_COLOUR = QColor("#7F7F7F")
STALE = "Annotations changed since: press Compute to measure again."


def _check_list(name: str, items: list[str]) -> QListWidget:
    """A one-row list of checkable names, all checked."""
    widget = QListWidget()
    widget.setObjectName(name)
    widget.setFlow(QListWidget.Flow.LeftToRight)
    widget.setWrapping(True)
    widget.setResizeMode(QListWidget.ResizeMode.Adjust)
    widget.setSpacing(2)
    for text in items:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        widget.addItem(item)
    row = widget.sizeHintForRow(0) if items else widget.fontMetrics().height()
    widget.setFixedHeight(row + 2 * widget.frameWidth() + 6)
    return widget


def _checked(widget: QListWidget) -> list[str]:
    return [
        widget.item(i).text()
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]


class AgreementDialog(QDialog):
    """Not modal: the window stays usable, and a double-click on a document row emits
    ``documentActivated(id)``. Computing runs through the task runner (progress, Cancel);
    ``ready()`` says whether what is shown belongs to the current choice of annotators and
    labels."""

    documentActivated = Signal(int)
    computed = Signal()

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementDialog")
        self.setWindowTitle(f"Agreement — {project.name}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._project = project
        self._closed = False
        self._report: AgreementReport | None = None
        self._shown_key: tuple[object, ...] | None = None
        self._started = 0.0
        self._changed_meanwhile = False
        """Annotations changed while the running measurement read them."""
        self._colours = {label.name: QColor(label.color) for label in project.schema.labels}
        self.runner = AgreementRunner(self)
        self.runner.finished.connect(self._done)
        self.runner.message.connect(self._stopped)

        try:
            annotators, labels = agreement_choices(project)
        except Exception as error:  # the database is gone: say so in the dialog
            annotators, labels = [], []
            self._startup_error = message_of(error)
        else:
            self._startup_error = ""
        self.annotators = _check_list("agreementAnnotators", annotators)
        self.labels = _check_list("agreementLabels", labels)
        self.annotators.itemChanged.connect(self._choice_changed)
        self.labels.itemChanged.connect(self._choice_changed)
        self.compute_button = QPushButton("Compute")
        self.compute_button.setObjectName("agreementCompute")
        self.compute_button.clicked.connect(self.compute)
        self.status = QLabel()
        self.status.setObjectName("agreementStatus")
        self.status.setWordWrap(True)

        choices = QWidget()
        grid = QVBoxLayout(choices)
        grid.setContentsMargins(0, 0, 0, 0)
        for title, widget in (("Annotators", self.annotators), ("Labels", self.labels)):
            row = QHBoxLayout()
            caption = QLabel(f"{title}:")
            caption.setMinimumWidth(80)
            caption.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            row.addWidget(caption)
            row.addWidget(widget, 1)
            grid.addLayout(row)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.compute_button)
        grid.addLayout(bottom)

        # -- tabs ----------------------------------------------------------------------------
        self.summary_model = SummaryModel(self)
        self.summary = QTableView()
        self.summary.setObjectName("agreementSummary")
        self.summary.setModel(self.summary_model)
        self.summary.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.summary.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        summary_tab = QWidget()
        summary_layout = QVBoxLayout(summary_tab)
        summary_layout.addWidget(self.summary, 1)
        summary_layout.addWidget(
            note_label(
                "F1 compares spans: exact (same start, end and label) or overlapping (same "
                "label, one to one), pooled over every pair of annotators. Cohen's kappa "
                "compares the label of every token for each pair (their mean is shown); "
                "per label it is that label against the rest. Krippendorff's alpha takes "
                "all annotators' token labels at once; unitizing alpha compares where units "
                "begin and end, character by character, on the documents all annotators did."
            )
        )

        self.pair_measure = QComboBox()
        self.pair_measure.setObjectName("agreementPairMeasure")
        for index, m in enumerate(MEASURES):
            if m.pairwise:
                self.pair_measure.addItem(m.title, index)
        self.pair_measure.currentIndexChanged.connect(self._show_matrix)
        self.heatmap = HeatMap()
        pairs_tab = QWidget()
        pairs_layout = QVBoxLayout(pairs_tab)
        pairs_row = QHBoxLayout()
        pairs_row.addWidget(QLabel("Measure:"))
        pairs_row.addWidget(self.pair_measure)
        pairs_row.addStretch(1)
        pairs_layout.addLayout(pairs_row)
        pairs_layout.addWidget(self.heatmap, 1)
        pairs_layout.addWidget(
            note_label("Each pair over the documents both annotated, all labels together.")
        )

        self.bar_measure = QComboBox()
        self.bar_measure.setObjectName("agreementBarMeasure")
        for index, m in enumerate(MEASURES):
            self.bar_measure.addItem(m.title, index)
        self.bar_measure.currentIndexChanged.connect(self._show_bars)
        self.bars = BarChart()
        bars_tab = QWidget()
        bars_layout = QVBoxLayout(bars_tab)
        bars_row = QHBoxLayout()
        bars_row.addWidget(QLabel("Measure:"))
        bars_row.addWidget(self.bar_measure)
        bars_row.addStretch(1)
        bars_layout.addLayout(bars_row)
        bars_layout.addWidget(self.bars, 1)

        self.documents_model = DocumentsModel(self)
        self.documents = QTableView()
        self.documents.setObjectName("agreementDocuments")
        self.documents.setModel(self.documents_model)
        self.documents.setSortingEnabled(True)
        self.documents.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.documents.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.documents.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.documents.verticalHeader().hide()
        header = self.documents.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.documents_model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.documents.doubleClicked.connect(self._document_clicked)
        self.documents.activated.connect(self._document_clicked)
        documents_tab = QWidget()
        documents_layout = QVBoxLayout(documents_tab)
        documents_layout.addWidget(self.documents, 1)
        documents_layout.addWidget(note_label("Double-click a document to open it."))

        self.tabs = QTabWidget()
        self.tabs.setObjectName("agreementTabs")
        self.tabs.addTab(summary_tab, "Summary")
        self.tabs.addTab(pairs_tab, "Pairs")
        self.tabs.addTab(bars_tab, "Per label")
        self.tabs.addTab(documents_tab, "Documents")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(choices)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(960, 640)
        self.compute()

    # -- computing -------------------------------------------------------------------------------

    def _key(self) -> tuple[object, ...]:
        return (tuple(_checked(self.annotators)), tuple(_checked(self.labels)))

    def request(self) -> AgreementRequest:
        annotators, labels = self._key()
        return AgreementRequest(annotators=annotators, labels=labels)  # type: ignore[arg-type]

    def compute(self) -> None:
        """Measure again with the current choice (when one is running, after it ends)."""
        if self._closed:
            return
        if self._startup_error:
            self.status.setText(f"Cannot measure agreement: {self._startup_error}")
            return
        if self.runner.running:
            return  # _done starts the next one
        key = self._key()
        annotators, labels = key
        if len(annotators) < 2 or not labels:  # type: ignore[arg-type]
            self.status.setText("Choose two or more annotators and at least one label.")
            return
        project, request = self._project, self.request()
        self._started = time.perf_counter()
        self.status.setText("Computing…")
        self.compute_button.setEnabled(False)
        self._changed_meanwhile = False
        self.runner.start(project, request, key)

    def _choice_changed(self) -> None:
        self.compute()

    def mark_stale(self) -> None:
        """Annotations changed since the numbers were computed (or while they are: they may
        miss the change, so they are stale once shown)."""
        if self.runner.running:
            self._changed_meanwhile = True
        elif self._report is not None:
            self._shown_key = None
            self.status.setText(STALE)

    def _stopped(self, text: str) -> None:
        """The measurement was cancelled, or failed: say so (a failure of an earlier choice is
        not said: the current choice is measured next)."""
        if not self._closed and (self.runner.key == self._key() or self.runner.was_cancelled):
            earlier = self._report is not None and self._shown_key != self._key()
            self.status.setText(
                f"{text} The numbers shown are for the earlier choice." if earlier else text
            )

    def _done(self, report: object) -> None:
        if self._closed:
            return
        self.compute_button.setEnabled(True)
        key = self.runner.key
        if key != self._key():
            if not self.runner.was_cancelled:
                self.compute()  # the choice changed meanwhile
            elif isinstance(report, AgreementReport):  # done before Cancel reached it: stale
                self._stopped(CANCELLED)
            return
        if not isinstance(report, AgreementReport):
            return  # cancelled or failed: _stopped said so
        self._report = report
        self._shown_key = key
        elapsed = time.perf_counter() - self._started
        group = report.project
        if report.empty:
            self.status.setText("No document was annotated by two or more of these annotators.")
        else:
            self.status.setText(
                f"{plural(group.documents, 'document')} annotated by two or more of "
                f"{', '.join(report.annotators)}; unitizing alpha over the "
                f"{group.unitizing_documents:,} all of them annotated. ({elapsed:.1f} s)"
            )
        self.summary_model.set_report(report)
        self.documents_model.set_report(report)
        self.documents.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self._show_matrix()
        self._show_bars()
        if self._changed_meanwhile:
            self._shown_key = None
            self.status.setText(STALE)
        self.computed.emit()

    def ready(self) -> bool:
        return self._shown_key is not None and self._shown_key == self._key()

    @property
    def report(self) -> AgreementReport | None:
        return self._report

    # -- showing ---------------------------------------------------------------------------------

    def _show_matrix(self) -> None:
        report = self._report
        if report is None:
            return
        measure_index = self.pair_measure.currentData()
        column = MEASURES[measure_index if measure_index is not None else 0]
        names = list(report.annotators)
        values: list[list[float | None]] = []
        tips: list[list[str]] = []
        for first in names:
            row: list[float | None] = []
            tip_row: list[str] = []
            for second in names:
                pair = report.project.pair(first, second) if first != second else None
                if pair is None:
                    row.append(None)
                    tip_row.append("")
                    continue
                s = pair.overall
                row.append(column.value(s))
                tip_row.append(
                    f"{first} and {second}: {plural(pair.documents, 'document')} both annotated\n"
                    f"F1 exact {shown(s.exact.f1)}: {s.exact.matched:,} of "
                    f"{s.exact.first:,} + {s.exact.second:,} spans\n"
                    f"F1 overlap {shown(s.overlap.f1)}: {s.overlap.matched:,} matched\n"
                    f"Cohen's kappa over tokens {shown(s.kappa)}"
                )
            values.append(row)
            tips.append(tip_row)
        self.heatmap.set_matrix(names, values, tips)

    def _show_bars(self) -> None:
        report = self._report
        if report is None:
            return
        measure_index = self.bar_measure.currentData()
        column = MEASURES[measure_index if measure_index is not None else 0]
        bars = [
            (label, column.value(scores), self._colours.get(label, ALL_LABELS_COLOUR))
            for label, scores in report.project.labels.items()
        ]
        bars.append(("All labels", column.value(report.project.overall), ALL_LABELS_COLOUR))
        self.bars.set_bars(bars)

    def _document_clicked(self, index: QModelIndex) -> None:
        document_id = self.documents_model.document_id(index.row())
        if document_id is not None:
            self.documentActivated.emit(document_id)

    def done(self, result: int) -> None:
        """Closing stops a measurement still running (at the next document) and waits for it."""
        self._closed = True
        self.runner.cancel()
        self.runner.wait()
        super().done(result)
