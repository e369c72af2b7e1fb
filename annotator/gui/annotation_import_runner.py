"""Running an annotation import from the window: a worker thread with a progress dialog and
Cancel (the import is one transaction: a cancel leaves the project as it was). When the service
refuses because the file uses labels the schema lacks, its message is shown with an offer to
import again adding them; at the end a report lists what was created, updated and added, and
every record that failed with its file and line."""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import UserError
from annotator.gui.errors import show_error
from annotator.gui.tasks import Cancelled, Progress, Task
from annotator.services.annotation_import import (
    AnnotationImportReport,
    ImportCancelledError,
    import_annotations,
)
from annotator.services.project import Project

if TYPE_CHECKING:
    from annotator.gui.annotation_import_dialog import AnnotationImportRequest

SCHEMA_GAPS = "ANN195"
"""The service's code for "the file uses labels the schema does not have"."""
MAX_LISTED = 1000
"""Entries listed per group in the report (the rest are counted)."""


class AnnotationImportRunner(QObject):
    """Runs one annotation import at a time in a worker thread.

    ``finished`` carries the :class:`AnnotationImportReport` (``None`` when the import failed,
    was cancelled or refused); ``message`` a line for the status bar.
    """

    finished = Signal(object)  # AnnotationImportReport | None
    message = Signal(str)

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self._task: Task | None = None
        self._dialog: QProgressDialog | None = None
        self._request: AnnotationImportRequest | None = None
        self._project: Project | None = None
        self._started = 0.0
        self.show_report = True
        """Tests may turn the report dialog off; the report is in ``finished`` either way."""
        self.last_report: AnnotationImportReport | None = None
        self.gap_box: QMessageBox | None = None
        """The question shown when the schema lacks labels the file uses (while it is open)."""
        self.add_labels_button: QPushButton | None = None

    @property
    def running(self) -> bool:
        return self._task is not None

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        return self._dialog

    def start(self, project: Project, request: AnnotationImportRequest) -> bool:
        if self._task is not None:
            return False

        def work(progress: Progress, cancelled: Cancelled) -> AnnotationImportReport:
            return import_annotations(
                project,
                request.format,
                request.path,
                request.options,
                add_labels=request.add_labels,
                progress=progress,
                cancelled=cancelled,
            )

        name = request.path.name or str(request.path)
        dialog = QProgressDialog(
            f"Importing annotations from {name}…", "Cancel", 0, 0, self._parent_widget
        )
        dialog.setObjectName("annotationImportProgress")
        dialog.setWindowTitle("Import annotations")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setMinimumWidth(460)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        task = Task(work)
        task.progress.connect(self._progress)
        task.done.connect(self._done)
        dialog.canceled.connect(self.cancel)
        self._task, self._dialog = task, dialog
        self._request, self._project = request, project
        self._started = time.monotonic()
        task.start()
        return True

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            if self._dialog is not None:
                self._dialog.setLabelText("Cancelling: nothing of this import will be kept…")

    def wait(self, milliseconds: int = 60_000) -> bool:
        return self._task.wait(milliseconds) if self._task is not None else True

    def _progress(self, value: object) -> None:
        if not isinstance(value, int) or self._dialog is None or self._request is None:
            return
        if self._task is not None and self._task.cancelled:
            return
        elapsed = max(time.monotonic() - self._started, 1e-6)
        name = self._request.path.name or str(self._request.path)
        self._dialog.setLabelText(
            f"Importing annotations from {name}…\n{value:,} records read · "
            f"{value / elapsed:,.0f} per second"
        )

    def _done(self, report: object, error: object) -> None:
        cancelled = self._task is not None and self._task.cancelled
        self._task = None
        self._close_progress()
        request, project = self._request, self._project
        if isinstance(error, ImportCancelledError) or (cancelled and error is not None):
            # the import is one transaction: a cancel (whatever it raised) rolled it back
            self.message.emit("Import cancelled: nothing was imported")
            self.finished.emit(None)
            return
        if (
            isinstance(error, UserError)
            and error.code == SCHEMA_GAPS
            and request is not None
            and project is not None
            and not request.add_labels
        ):
            self._ask_to_add_labels(project, request, error)
            self.finished.emit(None)
            return
        if isinstance(error, ImportError | AttributeError) and request is not None:
            show_error(
                self._parent_widget,
                "Import failed",
                UserError(
                    f"the {request.format} importer cannot be loaded ({type(error).__name__}: "
                    f"{error}); choose another format",
                    code="ANN193",
                ),
            )
            self.finished.emit(None)
            return
        if isinstance(error, BaseException):
            show_error(self._parent_widget, "Import failed", error)
            self.finished.emit(None)
            return
        assert isinstance(report, AnnotationImportReport)
        self.last_report = report
        if self.show_report:
            AnnotationImportReportDialog(report, self._parent_widget).open()
        self.finished.emit(report)

    def _ask_to_add_labels(
        self, project: Project, request: AnnotationImportRequest, error: UserError
    ) -> None:
        text = error.message.replace("or import with --add-labels", "or import again adding them")
        box = QMessageBox(self._parent_widget)
        box.setObjectName("schemaGapQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Labels missing from the schema")
        box.setText("The file uses labels the project's schema does not have.")
        box.setInformativeText(f"{text}\n\nAdd them to the schema (project.toml) and import again?")
        add = box.addButton("Add Labels and Import", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(add)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def retry() -> None:
            self.start(project, replace(request, add_labels=True))

        add.clicked.connect(retry)
        box.finished.connect(self._gap_box_closed)
        self.gap_box, self.add_labels_button = box, add
        box.open()

    def _gap_box_closed(self) -> None:
        self.gap_box = self.add_labels_button = None

    def _close_progress(self) -> None:
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.hide()
            self._dialog.deleteLater()
            self._dialog = None


class AnnotationImportReportDialog(QDialog):
    """Documents created and updated, spans and relations added, labels added to the schema,
    and each failed record with its file:line and reason."""

    def __init__(self, report: AnnotationImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationImportReport")
        self.setWindowTitle("Annotation import report")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(720, 440)
        summary = QLabel(html.escape(report.summary()[:1].upper() + report.summary()[1:]) + ".")
        summary.setObjectName("annotationImportSummary")
        summary.setWordWrap(True)
        self.summary = summary
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["What", "Details"])
        self.tree.setUniformRowHeights(True)

        def group(title: str, count: int, detail: str = "") -> QTreeWidgetItem:
            return QTreeWidgetItem(self.tree, [f"{title} ({count:,})", detail])

        created = group("Documents created", len(report.created), _ids(report.created))
        updated = group("Documents updated", len(report.updated), _ids(report.updated))
        spans = group(
            "Spans added",
            report.spans,
            f"{report.spans_already_there:,} were already there"
            if report.spans_already_there
            else "",
        )
        relations = group("Relations added", report.relations)
        labels = group("Labels added to the schema", len(report.labels_added))
        for name in report.labels_added:
            QTreeWidgetItem(labels, [name, "now in project.toml and the palette"])
        failed = group("Failed", len(report.failures))
        for failure in report.failures[:MAX_LISTED]:
            QTreeWidgetItem(failed, [failure.where, f"{failure.reason} [{failure.code}]"])
        if len(report.failures) > MAX_LISTED:
            QTreeWidgetItem(failed, [f"… and {len(report.failures) - MAX_LISTED:,} more", ""])
        self.groups = {
            "created": created,
            "updated": updated,
            "spans": spans,
            "relations": relations,
            "labels": labels,
            "failed": failed,
        }
        for item in (labels, failed):
            item.setExpanded(item.childCount() <= 200)
        self.tree.resizeColumnToContents(0)
        if self.tree.columnWidth(0) > 420:
            self.tree.setColumnWidth(0, 420)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)


def _ids(ids: Sequence[int]) -> str:
    """A short description of a list of document ids."""
    if not ids:
        return ""
    ordered = sorted(ids)
    if len(ordered) == 1:
        return f"document {ordered[0]}"
    if len(ordered) <= 8:
        return "documents " + ", ".join(str(i) for i in ordered)
    return f"documents {ordered[0]}–{ordered[-1]}"
