"""Running an annotation import from the window: a worker thread with a progress dialog and
Cancel (the import is one transaction: a cancel leaves the project as it was). When the service
refuses because the file uses labels the schema lacks, its message is shown with an offer to
import again adding them; at the end a report lists what was created, updated and added, and
every record that failed with its file and line."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTreeWidgetItem,
    QWidget,
)

from annotator.core.errors import UserError
from annotator.core.text import plural_word
from annotator.gui.errors import show_error
from annotator.gui.task_report import TaskReportDialog
from annotator.gui.task_runner import ProgressLook, TaskRunner
from annotator.gui.tasks import Cancelled, Progress
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


class AnnotationImportRunner(TaskRunner):
    """Runs one annotation import at a time in a worker thread.

    ``finished`` carries the :class:`AnnotationImportReport` (``None`` when the import failed,
    was cancelled or refused); ``message`` a line for the status bar.
    """

    failure_title = "Import failed"
    cancelled_error = ImportCancelledError
    last_report: AnnotationImportReport | None

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._request: AnnotationImportRequest | None = None
        self._project: Project | None = None
        self.gap_box: QMessageBox | None = None
        """The question shown when the schema lacks labels the file uses (while it is open)."""
        self.add_labels_button: QPushButton | None = None

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

        self._request, self._project = request, project
        look = ProgressLook(
            "annotationImportProgress",
            "Import annotations",
            f"Importing annotations from {_name(request)}…",
        )
        self._launch(work, look)
        return True

    def _show_progress(self, dialog: QProgressDialog, value: object) -> None:
        if not isinstance(value, int) or self._request is None:
            return
        dialog.setLabelText(
            f"Importing annotations from {_name(self._request)}…\n{value:,} records read · "
            f"{self._per_second(value)}"
        )

    def _cancelling_text(self) -> str:
        return "Cancelling: nothing of this import will be kept…"

    def _cancelled_message(self) -> str:
        # the import is one transaction: a cancel (whatever it raised) rolled it back
        return "Import cancelled: nothing was imported"

    def _handle_error(self, error: BaseException) -> bool:
        request, project = self._request, self._project
        if request is None or project is None:
            return False
        if isinstance(error, UserError) and error.code == SCHEMA_GAPS and not request.add_labels:
            self._ask_to_add_labels(project, request, error)
            return True
        if isinstance(error, ImportError | AttributeError):
            show_error(
                self._parent_widget,
                self.failure_title,
                UserError(
                    f"the {request.format} importer cannot be loaded ({type(error).__name__}: "
                    f"{error}); choose another format",
                    code="ANN193",
                ),
            )
            return True
        return False

    def _report_dialog(self, report: object) -> QDialog:
        assert isinstance(report, AnnotationImportReport)
        return AnnotationImportReportDialog(report, self._parent_widget)

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


class AnnotationImportReportDialog(TaskReportDialog):
    """Documents created and updated, spans and relations added, labels added to the schema,
    and each failed record with its file:line and reason."""

    def __init__(self, report: AnnotationImportReport, parent: QWidget | None = None) -> None:
        summary = QLabel(html.escape(report.summary()[:1].upper() + report.summary()[1:]) + ".")
        summary.setObjectName("annotationImportSummary")
        summary.setWordWrap(True)
        super().__init__(
            parent,
            name="annotationImportReport",
            title="Annotation import report",
            summary=summary,
            headers=("What", "Details"),
        )
        self.summary = summary
        group = self.group
        created = group("Documents created", len(report.created), _ids(report.created))
        updated = group("Documents updated", len(report.updated), _ids(report.updated))
        spans = group(
            "Spans added",
            report.spans,
            f"{report.spans_already_there:,} "
            f"{plural_word(report.spans_already_there, 'was')} already there"
            if report.spans_already_there
            else "",
        )
        relations = group("Relations added", report.relations)
        labels = group("Labels added to the schema", len(report.labels_added))
        for name in report.labels_added:
            QTreeWidgetItem(labels, [name, "now in project.toml and the palette"])
        failed = group("Failed", len(report.failures))
        rows = ((f.where, f"{f.reason} [{f.code}]") for f in report.failures)
        self.list_in(failed, rows, len(report.failures))
        self.groups = {
            "created": created,
            "updated": updated,
            "spans": spans,
            "relations": relations,
            "labels": labels,
            "failed": failed,
        }
        self.finish((labels, failed))


def _name(request: AnnotationImportRequest) -> str:
    return request.path.name or str(request.path)


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
