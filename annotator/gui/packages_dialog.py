"""File › Export Annotator Package… and Merge Packages…: work without the server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from annotator.core.annotation import CURATION_ANNOTATOR
from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.packages import MergeReport
from annotator.gui.dialog_parts import note_label
from annotator.gui.package_runners import MergeRunner, PackageExportRunner, export_summary
from annotator.services.packages import PackageExport
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
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # with its runner, once closed
        self.setWindowTitle("Export Annotator Package")
        self._project = project
        self._folder = folder or project.folder.parent
        self.result_export: PackageExport | None = None
        self.runner = PackageExportRunner(self, parent)
        self.runner.finished.connect(self._exported)
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
        """Write the package in a worker thread; the dialog closes once it is written (on an
        error or Cancel it stays open)."""
        self.runner.start(
            self._project,
            self.annotator.currentText().strip(),
            Path(self.path.text()).expanduser(),
            DocumentFilter(status=self.scope.currentData()),
        )

    def _exported(self, report: object) -> None:
        if isinstance(report, PackageExport):
            self.result_export = report
            self.accept()

    def reject(self) -> None:
        """Cancel (or Escape, or closing the dialog) while the package is being written stops
        that export too: its file is removed, as with the progress dialog's Cancel."""
        if self.runner.running:
            self.runner.cancel()
            self.runner.wait()
        super().reject()


def choose_export_package(window: MainWindow) -> ExportPackageDialog | None:
    project = window.project
    if project is None:
        window.status("Open a project first.")
        return None
    dialog = ExportPackageDialog(
        project, window.annotator, window, folder=window.settings.package_folder
    )
    dialog.runner.message.connect(window.status)
    dialog.accepted.connect(lambda: _exported(window, dialog.result_export))
    dialog.open()
    return dialog


def _exported(window: MainWindow, done: PackageExport | None) -> None:
    """The status bar line (the runner shows the report naming the file); remembers its
    folder."""
    if done is None:
        return
    window.settings.package_folder = done.path.parent
    window.status(f"{export_summary(done)} to {done.path}")


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
    """Merge the packages in a worker thread (progress dialog, Cancel), then refresh what
    changed and show the report; ``None`` when no project is open or a merge is running."""
    project = window.project
    if project is None:
        return None
    runner = window.findChild(MergeRunner)
    if runner is None:
        runner = MergeRunner(window)
        runner.finished.connect(lambda report: _merged(window, report))
    if not runner.start(project, paths):
        window.status("Packages are being merged already.")
        return None
    return runner


def _merged(window: MainWindow, report: object) -> None:
    if not isinstance(report, MergeReport):
        return
    window.showing.show_list_changed(reload_if_open=report.changed)
    window.status(f"Merged packages: {report.summary()}")
