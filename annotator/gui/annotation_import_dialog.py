"""Importing annotations made in another tool (File › Import Annotations…).

The dialog picks an importer of the registry, a file or folder, the unit of its offsets
(detected against the text by default) and whether labels missing from the schema may be added.
:class:`AnnotationImportRunner` imports in a worker thread with a progress dialog and Cancel
(the import is one transaction: a cancel leaves the project as it was). When the service refuses
because the file uses labels the schema lacks, its message is shown with an offer to import
again adding them; at the end a report lists what was created, updated and added, and every
record that failed with its file and line.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import UserError
from annotator.core.offsets import Unit
from annotator.gui.dialog_parts import format_combo, note_label
from annotator.gui.errors import show_error
from annotator.gui.tasks import Cancelled, Progress, Task
from annotator.services.annotation_import import (
    AnnotationImportReport,
    ImportCancelledError,
    import_annotations,
)
from annotator.services.formats import (
    LAYERED_FORMATS,
    SPAN_LAYER_OPTION,
    FormatDescription,
    ImportOptions,
    available_formats,
)
from annotator.services.project import Project

SCHEMA_GAPS = "ANN195"
"""The service's code for "the file uses labels the schema does not have"."""
MAX_LISTED = 1000
"""Entries listed per group in the report (the rest are counted)."""

UNITS: tuple[tuple[str, Unit | None], ...] = (
    ("Detect from the text", None),
    ("Code points (Python string indices)", Unit.CODE_POINT),
    ("UTF-16 units (JavaScript, doccano, Qt)", Unit.UTF16),
    ("UTF-8 bytes", Unit.UTF8),
)


@dataclass(frozen=True, slots=True)
class AnnotationImportRequest:
    format: str
    path: Path
    options: ImportOptions
    add_labels: bool = False


class AnnotationImportDialog(QDialog):
    """Format, file or folder, offset unit, annotator, "add missing labels".

    ``importRequested(AnnotationImportRequest)`` is emitted when the user presses Import; the
    dialog then closes. Open it with ``open()``.
    """

    importRequested = Signal(object)  # AnnotationImportRequest

    def __init__(self, project: Project, annotator: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("annotationImportDialog")
        self.setWindowTitle("Import annotations")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._project = project
        self.formats: list[FormatDescription] = [f for f in available_formats() if f.can_import]
        self.format_box = format_combo(self.formats, "importFormat")
        self.description = note_label()
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText("a file, or a folder (brat), exported by another tool")
        self.path_edit.textChanged.connect(self._check)
        file_button = QPushButton("File…")
        file_button.clicked.connect(self._browse_file)
        folder_button = QPushButton("Folder…")
        folder_button.clicked.connect(self._browse_folder)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(file_button)
        path_row.addWidget(folder_button)
        self.path_hint = note_label()
        self.unit_box = QComboBox()
        self.unit_box.setObjectName("importUnit")
        for text, unit in UNITS:
            self.unit_box.addItem(text, unit.value if unit else "")
        unit_note = note_label(
            "Detection compares the offsets with the text of each document; choose the unit "
            "when a file is ambiguous (e.g. only ASCII before an emoji)."
        )
        self.annotator_edit = QLineEdit(annotator)
        self.annotator_edit.setObjectName("importAnnotator")
        self.annotator_edit.setPlaceholderText("who made the annotations, if the file does not say")
        self.layer_edit = QLineEdit()
        self.layer_edit.setObjectName("importSpanLayer")
        self.layer_edit.setPlaceholderText("every layer (or e.g. webanno.custom.Span, NamedEntity)")
        self.label_feature_edit = QLineEdit()
        self.label_feature_edit.setObjectName("importLabelFeature")
        self.label_feature_edit.setPlaceholderText("label, else value")
        self.add_labels = QCheckBox("Add missing labels to the schema")
        self.add_labels.setObjectName("importAddLabels")
        self.add_labels.setToolTip(
            "Labels, attributes and relation types the file uses but project.toml lacks are "
            "added to it; without this they are listed and nothing is imported."
        )
        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("", self.description)
        form.addRow("From", path_row)
        form.addRow("", self.path_hint)
        form.addRow("Offsets in", self.unit_box)
        form.addRow("", unit_note)
        form.addRow("Annotator", self.annotator_edit)
        form.addRow("Layer", self.layer_edit)
        form.addRow("Label feature", self.label_feature_edit)
        form.addRow("", self.add_labels)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self._format_changed()
        self.resize(620, self.sizeHint().height())

    def format_name(self) -> str:
        return str(self.format_box.currentData() or "jsonl")

    def path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def set_format(self, name: str) -> None:
        index = self.format_box.findData(name)
        if index >= 0:
            self.format_box.setCurrentIndex(index)

    def set_unit(self, unit: Unit | None) -> None:
        self.unit_box.setCurrentIndex(max(0, self.unit_box.findData(unit.value if unit else "")))

    def options(self) -> ImportOptions:
        raw = str(self.unit_box.currentData() or "")
        layered = self.format_name() in LAYERED_FORMATS
        layer = self.layer_edit.text().strip() if layered else ""
        return ImportOptions(
            offset_unit=Unit(raw) if raw else None,
            annotator=self.annotator_edit.text().strip(),
            label_feature=self.label_feature_edit.text().strip() if layered else "",
            extra={SPAN_LAYER_OPTION: layer} if layer else {},
        )

    def request(self) -> AnnotationImportRequest:
        return AnnotationImportRequest(
            self.format_name(), self.path(), self.options(), self.add_labels.isChecked()
        )

    def _describe(self) -> FormatDescription | None:
        name = self.format_name()
        return next((f for f in self.formats if f.name == name), None)

    def _format_changed(self) -> None:
        described = self._describe()
        self.description.setText(described.description if described else "")
        layered = self.format_name() in LAYERED_FORMATS  # typed layers: XMI, TSV3
        self.layer_edit.setEnabled(layered)
        self.label_feature_edit.setEnabled(layered)
        self._check()

    def _filter(self) -> str:
        described = self._describe()
        if described is None or not described.extensions:
            return "All files (*)"
        patterns = " ".join(f"*{e}" for e in described.extensions)
        return f"{described.title} ({patterns});;All files (*)"

    def _browse_file(self) -> None:
        start = str(self.path().parent if self.path_edit.text().strip() else self._project.folder)
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Import annotations from", start, self._filter()
        )
        if chosen:
            self.path_edit.setText(chosen)

    def _browse_folder(self) -> None:
        start = str(self.path() if self.path_edit.text().strip() else self._project.folder)
        chosen = QFileDialog.getExistingDirectory(self, "Import annotations from a folder", start)
        if chosen:
            self.path_edit.setText(chosen)

    def problem(self) -> str:
        if not self.path_edit.text().strip():
            return "Choose the file or folder to import."
        if not self.path().exists():
            return f"{self.path()} does not exist."
        return ""

    def _check(self) -> None:
        problem = self.problem()
        self.path_hint.setText(problem if self.path_edit.text().strip() else "")
        self.path_hint.setVisible(bool(self.path_hint.text()))
        self.import_button.setEnabled(not problem)

    def accept(self) -> None:
        if self.problem():
            return
        self.importRequested.emit(self.request())
        super().accept()


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
