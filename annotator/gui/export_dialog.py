"""Export from the window: pick format, file and selection; the export runs in a worker thread."""

from __future__ import annotations

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
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.errors import show_error
from annotator.gui.tasks import Cancelled, Progress, Task
from annotator.services.exporting import ExportReport, ExportSelection, export_project
from annotator.services.formats import FormatDescription, available_formats
from annotator.services.project import Project


class ExportDialog(QDialog):
    """Format, output file, done documents only, one annotator or all."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self._project = project
        self.formats: list[FormatDescription] = [f for f in available_formats() if f.can_export]
        self.format_box = QComboBox()
        for info in self.formats:
            self.format_box.addItem(info.title, info.name)
            self.format_box.setItemData(
                self.format_box.count() - 1, info.description, Qt.ItemDataRole.ToolTipRole
            )
        self.path_edit = QLineEdit(str(project.folder / f"{project.folder.name}.jsonl"))
        self.path_edit.setObjectName("exportPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.done_only = QCheckBox("Only documents marked done")
        self.annotator_box = QComboBox()
        self.annotator_box.addItem("All annotators", "")
        for name in sorted(project.statistics().spans_by_annotator):
            if name:
                self.annotator_box.addItem(name, name)
        self.format_box.currentIndexChanged.connect(self._format_changed)

        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("File", path_row)
        form.addRow("Annotations by", self.annotator_box)
        form.addRow("", self.done_only)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def format_name(self) -> str:
        return str(self.format_box.currentData() or "jsonl")

    def output(self) -> Path:
        return Path(self.path_edit.text()).expanduser()

    def selection(self) -> ExportSelection:
        return ExportSelection(
            done_only=self.done_only.isChecked(), annotator=str(self.annotator_box.currentData())
        )

    def _extension(self) -> str:
        for info in self.formats:
            if info.name == self.format_name() and info.extensions:
                return info.extensions[0]
        return ""

    def _format_changed(self) -> None:
        path = self.output()
        extension = self._extension()
        if extension and path.suffix != extension:
            self.path_edit.setText(str(path.with_suffix(extension)))

    def _browse(self) -> None:
        extension = self._extension()
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export to", str(self.output()), f"{self.format_box.currentText()} (*{extension})"
        )
        if chosen:
            self.path_edit.setText(chosen)


class ExportRunner(QObject):
    """Runs an export in a worker thread with a progress dialog; ``finished`` has the report."""

    finished = Signal(object)  # ExportReport | None

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self._task: Task | None = None
        self._dialog: QProgressDialog | None = None

    def start(
        self, project: Project, format_name: str, out: Path, selection: ExportSelection
    ) -> bool:
        if self._task is not None:
            return False

        def work(progress: Progress, cancelled: Cancelled) -> ExportReport:
            return export_project(
                project, format_name, out, selection, progress=progress, cancelled=cancelled
            )

        dialog = QProgressDialog(f"Exporting to {out.name}…", "Cancel", 0, 0, self._parent_widget)
        dialog.setWindowTitle("Export")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        task = Task(work)
        task.progress.connect(
            lambda n: dialog.setLabelText(f"Exporting to {out.name}…\n{n:,} documents written")
        )
        task.done.connect(self._done)
        dialog.canceled.connect(task.cancel)
        self._task, self._dialog = task, dialog
        task.start()
        return True

    def wait(self, milliseconds: int = 60_000) -> bool:
        return self._task.wait(milliseconds) if self._task is not None else True

    def _done(self, report: object, error: object) -> None:
        self._task = None
        self._close()
        if isinstance(error, BaseException):
            show_error(self._parent_widget, "Export failed", error)
            self.finished.emit(None)
        else:
            self.finished.emit(report)

    def _close(self) -> None:
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.hide()
            self._dialog.deleteLater()
            self._dialog = None
