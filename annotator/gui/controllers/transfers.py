"""Getting things in and out: article imports, annotation imports, exports, dropped files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.core.errors import AnnotatorError, PermissionDeniedError
from annotator.core.project import PROJECT_FILE
from annotator.core.reports import ImportReport
from annotator.core.team import Permission
from annotator.core.text import plural
from annotator.gui.annotation_import_dialog import AnnotationImportDialog
from annotator.gui.annotation_import_runner import AnnotationImportRunner
from annotator.gui.errors import show_error
from annotator.gui.export_dialog import ExportDialog
from annotator.gui.export_runner import ExportRunner
from annotator.gui.importer import ImportRunner
from annotator.gui.task_runner import TaskRunner
from annotator.services.annotation_import import AnnotationImportReport
from annotator.services.exporting import ExportReport

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

ARTICLE_FILES = "Articles (*.txt *.jsonl *.html *.htm *.zip *.warc *.gz);;All files (*)"


class Transfers(QObject):
    """File › Import Articles…, Import Folder…, Import Annotations…, Export…, and drag and
    drop; each runs in a worker thread (one of each kind at a time) and refreshes what it
    changed."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.importer = ImportRunner(window)
        self.exporter = ExportRunner(window)
        self.annotation_importer = AnnotationImportRunner(window)
        self.importer.finished.connect(self._import_finished)
        self.exporter.finished.connect(self._export_finished)
        self.exporter.message.connect(window.status)
        self.annotation_importer.finished.connect(self._annotations_imported)
        self.annotation_importer.message.connect(window.status)

    # -- articles -------------------------------------------------------------------------------

    def may_import(self) -> bool:
        """Whether this annotator may add documents; if not, a message says who may."""
        project = self._window.project
        if project is None:
            self._window.status("Open or create a project first, then import articles into it.")
            return False
        try:
            project.require(Permission.ADD_DOCUMENTS)
        except AnnotatorError as error:  # refused, or the database cannot tell (connection lost)
            refused = isinstance(error, PermissionDeniedError)
            self._window.status(f"Import refused: {error}" if refused else str(error))
            show_error(self._window, "Cannot import articles", error)
            return False
        return True

    def choose_import(self) -> None:
        project = self._window.project
        if project is None or not self.may_import():
            return
        files, _ = QFileDialog.getOpenFileNames(
            self._window, "Import articles", str(project.folder), ARTICLE_FILES
        )
        if files:
            self.import_paths([Path(f) for f in files])

    def choose_import_folder(self) -> None:
        project = self._window.project
        if project is None or not self.may_import():
            return
        folder = QFileDialog.getExistingDirectory(
            self._window, "Import a folder of articles", str(project.folder)
        )
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path]) -> bool:
        project = self._window.project
        if project is None:
            self._window.status("Open or create a project first, then import articles into it.")
            return False
        if self.importer.running:
            self._window.status("An import is already running.")
            return False
        if not self.may_import():
            return False
        return self.importer.start(project, paths)

    def _import_finished(self, report: object) -> None:
        if isinstance(report, ImportReport):
            self._window.status(f"Import: {report.summary()}")
        self._window.showing.show_list_changed()

    def handle_dropped(self, paths: list[Path]) -> None:
        """A dropped project folder opens; dropped files and other folders are imported."""
        if len(paths) == 1 and paths[0].is_dir() and (paths[0] / PROJECT_FILE).exists():
            self._window.open_project(paths[0])
        else:
            self.import_paths(paths)

    # -- annotations ----------------------------------------------------------------------------

    def choose_import_annotations(self) -> AnnotationImportDialog | None:
        """Open the annotation import dialog (it does not block)."""
        window = self._window
        project = window.project
        if project is None:
            window.status("Open or create a project first, then import annotations into it.")
            return None
        if self.annotation_importer.running:
            window.status("An annotation import is already running.")
            return None
        dialog = AnnotationImportDialog(project, window.annotator, window)
        dialog.importRequested.connect(
            lambda request: self.annotation_importer.start(project, request)
        )
        dialog.open()
        return dialog

    def _annotations_imported(self, report: object) -> None:
        """Show what the import changed: new labels (the schema changed: the project is shown
        again, palette and menus included), new documents, annotations on the open one."""
        window = self._window
        project = window.project
        if not isinstance(report, AnnotationImportReport) or project is None:
            return
        if report.labels_added:
            window.set_project(project)
            palette_height = window.palette_dock.sizeHint().height()
            window.resizeDocks([window.palette_dock], [palette_height], Qt.Orientation.Vertical)
        else:
            window.showing.show_list_changed(reload_if_open=report.updated)
        window.status(f"Imported annotations: {report.summary()}")

    # -- export ---------------------------------------------------------------------------------

    def choose_export(self) -> ExportDialog | None:
        """Open the export dialog (it does not block); Export there starts the export."""
        window = self._window
        project = window.project
        if project is None:
            return None
        if self.exporter.running:
            window.status("An export is already running.")
            return None
        dialog = ExportDialog(project, window, listed=window.documents.model.ids())
        dialog.exportRequested.connect(lambda request: self.exporter.run(project, request))
        dialog.open()
        return dialog

    def _export_finished(self, report: object) -> None:
        if isinstance(report, ExportReport):
            self._window.status(
                f"Exported {plural(report.documents, 'document')}, "
                f"{plural(report.spans, 'span')} and "
                f"{plural(report.relations, 'relation')} to {report.path}"
            )

    # -- closing --------------------------------------------------------------------------------

    def stop_for_closing(self) -> bool:
        """Before the window closes: False when the user wants to keep a running import."""
        if self.importer.running:
            answer = QMessageBox.question(
                self._window,
                "Import running",
                "An import is running. Stop it and quit? Documents imported so far are kept.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
            self.importer.cancel()
            self.importer.wait()
        # The other runners stop at Cancel, and their threads end before the window goes: an
        # annotation import (one transaction), an export or a package export (written whole or
        # not at all) leave nothing; a package merge keeps the documents merged so far.
        for runner in (
            self.annotation_importer,
            self.exporter,
            *self._window.findChildren(TaskRunner),
        ):
            if runner.running:
                runner.cancel()
                runner.wait()
        return True
