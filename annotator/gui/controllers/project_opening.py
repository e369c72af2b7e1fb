"""Opening, creating and choosing a project, and showing it in every view."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication

from annotator.core.errors import AnnotatorError
from annotator.gui.errors import message_of, show_error
from annotator.gui.project_dialogs import (
    NewProjectChoice,
    NewProjectDialog,
    choose_project_folder,
)
from annotator.services.project import Project

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

log = logging.getLogger("annotator.gui")


class ProjectOpening(QObject):
    """File › New Project…, Open Project… and Open Recent: one project at a time, its last
    document reopened."""

    def __init__(self, window: MainWindow, database_url: str | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._database_url = database_url
        """--db or the environment: applies to the project named on the command line only."""

    def open_project(self, folder: Path) -> bool:
        """Open a project folder; on failure a message says why and the current one stays."""
        window = self._window
        url, self._database_url = self._database_url, None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            project = Project.open(Path(folder), database_url=url, annotator=window.annotator)
        except AnnotatorError as error:
            QApplication.restoreOverrideCursor()
            show_error(window, "Cannot open the project", error)
            return False
        except Exception as error:
            QApplication.restoreOverrideCursor()
            log.exception("opening %s failed", folder)
            show_error(window, "Cannot open the project", error)
            return False
        QApplication.restoreOverrideCursor()
        self.set_project(project)
        return True

    def set_project(self, project: Project) -> None:
        window = self._window
        shown = window.showing
        shown.remember_document()
        shown.show_document(None)
        window.stacks.clear()
        window.bridge.set_project(project)
        schema = project.schema
        window.palette_dock.set_schema(schema)
        window.spans.set_schema(schema)
        window.attributes.form.set_schema(schema)
        window.viewer.set_schema(schema)
        window.commands.fill_annotate_menu()
        try:
            window.guidelines.set_markdown(project.guidelines())
        except AnnotatorError as error:
            window.guidelines.set_markdown(f"*{message_of(error)}*")
        window.documents.set_project(project)
        window.setWindowTitle(f"{project.name} — annotator")
        window.settings.add_recent_project(project.folder)
        shown.update_progress()
        model = window.documents.model
        last = window.settings.last_document(project.folder)
        target = last if last is not None and model.row_of(last) is not None else None
        if target is None:
            target = model.document_id(0)
        if target is not None:
            shown.open_document(target)
        window.status(f"Opened {project.folder}")

    def new_project(self) -> None:
        dialog = NewProjectDialog(self._window)
        if dialog.exec() == NewProjectDialog.DialogCode.Accepted:
            self.create_project(dialog.choice())

    def create_project(self, choice: NewProjectChoice) -> bool:
        """``annotator init`` in the chosen folder, then open the new (empty) project."""
        window = self._window
        try:
            project = Project.create(
                choice.folder,
                schema_name=choice.schema,
                name=choice.name,
                annotator=window.annotator,
            )
        except AnnotatorError as error:
            show_error(window, "Cannot create the project", error)
            return False
        self.set_project(project)
        window.status(f"Created {project.folder}: import articles with File › Import Articles…")
        return True

    def choose_project(self) -> None:
        project = self._window.project
        folder = choose_project_folder(self._window, project.folder.parent if project else None)
        if folder is not None:
            self.open_project(folder)
