"""File › Export Annotator Package… and Merge Packages…: work without the server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from annotator.core.annotation import CURATION_ANNOTATOR
from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.errors import AnnotatorError
from annotator.core.packages import MergeReport
from annotator.core.text import plural
from annotator.gui.dialog_parts import note_label
from annotator.gui.errors import show_error
from annotator.gui.tasks import Cancelled, Progress, Task
from annotator.services.packages import PackageExport, export_package, merge_packages
from annotator.services.project import Project

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

FILTER = "Annotator packages (*.zip);;All files (*)"


class ExportPackageDialog(QDialog):
    """Whose annotations, which documents, and where the package goes."""

    def __init__(
        self,
        project: Project,
        annotator: str,
        parent: QWidget | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportPackageDialog")
        self.setWindowTitle("Export Annotator Package")
        self._project = project
        self._folder = folder or project.folder.parent
        self.result_export: PackageExport | None = None
        self.annotator = QComboBox()
        self.annotator.setEditable(True)
        names = [
            n for n in project.statistics().spans_by_annotator if n and n != CURATION_ANNOTATOR
        ]
        if annotator and annotator not in names:
            names.insert(0, annotator)
        self.annotator.addItems(names)
        if annotator:
            self.annotator.setCurrentText(annotator)
        self.scope = QComboBox()
        self.scope.addItem("All documents", None)
        for status in DocumentStatus:
            self.scope.addItem(f"{status.label} documents", status)
        self.path = QLineEdit(self._default_path(annotator))
        self.annotator.currentTextChanged.connect(self._annotator_changed)
        self._previous = annotator
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(
            note_label(
                "One annotator's annotations of the chosen documents, with their text, in one "
                "file: annotate them in another copy of annotator without the server, then "
                "merge the package back with File › Merge Packages…"
            )
        )
        form.addRow("Annotator:", self.annotator)
        form.addRow("Documents:", self.scope)
        form.addRow("Package file:", where)
        form.addRow(buttons)
        self.resize(560, self.sizeHint().height())

    def _default_path(self, annotator: str) -> str:
        return str(self._folder / f"{annotator.strip() or 'annotator'}.zip")

    def _annotator_changed(self, name: str) -> None:
        """The file name follows the annotator until the user chooses another one."""
        if self.path.text() == self._default_path(self._previous):
            self.path.setText(self._default_path(name))
        self._previous = name

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export Annotator Package", self.path.text(), FILTER
        )
        if name:
            self.path.setText(name)

    def export(self) -> None:
        status = self.scope.currentData()
        try:
            self.result_export = export_package(
                self._project,
                self.annotator.currentText().strip(),
                None,
                Path(self.path.text()).expanduser(),
                DocumentFilter(status=status),
            )
        except AnnotatorError as error:
            show_error(self, "Cannot export the package", error)
            return
        self.accept()


def choose_export_package(window: MainWindow) -> ExportPackageDialog | None:
    project = window.project
    if project is None:
        window.status("Open a project first.")
        return None
    dialog = ExportPackageDialog(
        project, window.annotator, window, folder=window.settings.package_folder
    )
    dialog.accepted.connect(lambda: _exported(window, dialog.result_export))
    dialog.open()
    return dialog


def export_summary(done: PackageExport) -> str:
    return (
        f"Exported {done.annotator}'s {plural(done.spans, 'span')} and "
        f"{plural(done.relations, 'relation')} on {plural(done.documents, 'document')}"
    )


def _exported(window: MainWindow, done: PackageExport | None) -> QMessageBox | None:
    """The status bar line and a short report naming the file; remembers its folder."""
    if done is None:
        return None
    window.settings.package_folder = done.path.parent
    window.status(f"{export_summary(done)} to {done.path}")
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "Package exported",
        f"{export_summary(done)}.\n\nFile: {done.path}\n\nAnnotate it in another copy of "
        "annotator, then merge it back with File › Merge Packages…",
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.setObjectName("exportPackageReport")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def choose_merge_packages(window: MainWindow) -> MergeRunner | None:
    project = window.project
    if project is None:
        window.status("Open a project first.")
        return None
    folder = window.settings.package_folder or project.folder.parent
    names, _ = QFileDialog.getOpenFileNames(window, "Merge Annotator Packages", str(folder), FILTER)
    if not names:
        return None
    paths = [Path(n) for n in names]
    window.settings.package_folder = paths[0].parent
    return merge_into(window, paths)


def merge_into(window: MainWindow, paths: list[Path]) -> MergeRunner | None:
    """Merge the packages in a worker thread (progress in the status bar), then refresh what
    changed and show the report; ``None`` when no project is open or a merge is running."""
    project = window.project
    if project is None:
        return None
    if window.findChild(MergeRunner) is not None:
        window.status("Packages are being merged already.")
        return None
    runner = MergeRunner(window)
    runner.start(project, paths)
    return runner


class MergeRunner(QObject):
    """One merge in a worker thread; ``finished`` carries the report (``None`` on failure)."""

    finished = Signal(object)  # MergeReport | None

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._task: Task | None = None
        self.report: MergeReport | None = None
        self.box: QMessageBox | None = None

    def start(self, project: Project, paths: list[Path]) -> None:
        def work(progress: Progress, _cancelled: Cancelled) -> MergeReport:
            return merge_packages(project, paths, progress=progress)

        task = Task(work)
        task.progress.connect(
            lambda done: self._window.status(f"Merging packages: {done:,} documents…")
        )
        task.done.connect(self._done)
        self._task = task
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        task.start()

    def _done(self, report: object, error: object) -> None:
        QApplication.restoreOverrideCursor()
        self._task = None
        window = self._window
        if isinstance(error, BaseException):
            show_error(window, "Cannot merge the packages", error)
            self.finished.emit(None)
            self.deleteLater()
            return
        assert isinstance(report, MergeReport)
        self.report = report
        window.documents.model.reload()
        current = window.current
        if current is not None and current.id in report.changed:
            window.reload_document()
        window.update_progress()
        window.status(f"Merged packages: {report.summary()}")
        box = QMessageBox(
            QMessageBox.Icon.Information if report.ok else QMessageBox.Icon.Warning,
            "Packages merged",
            report.summary()
            + (
                ""
                if report.ok
                else "\n\nConflicting documents kept the project's version; see the details."
            ),
            QMessageBox.StandardButton.Ok,
            window,
        )
        box.setObjectName("mergeReport")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if report.lines():
            box.setDetailedText("\n\n".join(report.lines()))
        box.open()
        self.box = box
        self.finished.emit(report)
        self.deleteLater()
