"""The window's one door to the project: applies edits and announces what changed."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from annotator.core.document import Document, DocumentStatus
from annotator.core.edits import AppliedEdit, Edit, describe
from annotator.core.errors import AnnotatorError
from annotator.core.ids import DocumentId
from annotator.gui.versions import KnownVersions
from annotator.services.project import Project

log = logging.getLogger("annotator.gui")


class ProjectBridge(QObject):
    """Holds the open :class:`Project`; every change to its data goes through here.

    ``changed`` is emitted once per applied edit with its ``ChangeSet``; views update only what
    it names. ``failed`` carries a description of what was tried and the error: the database is
    unchanged (the service applies each edit in one transaction).
    """

    projectChanged = Signal(object)  # Project | None
    changed = Signal(object)  # ChangeSet
    saved = Signal(str)  # what was just committed, for the status bar
    statusChanged = Signal(object)  # Document (after)
    documentsAdded = Signal()
    failed = Signal(str, object)  # what was tried, the exception

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._project: Project | None = None
        self.versions = KnownVersions()
        """Span and relation versions after this window's own edits (see gui.versions)."""
        self.last_failed: Edit | None = None
        """The edit of the latest ``failed`` from :meth:`apply` (to apply again later)."""

    @property
    def project(self) -> Project | None:
        return self._project

    def require_project(self) -> Project:
        if self._project is None:
            raise RuntimeError("no project is open")
        return self._project

    def set_project(self, project: Project | None) -> None:
        previous = self._project
        self._project = project
        self.versions.clear()
        self.projectChanged.emit(project)
        if previous is not None and previous is not project:
            previous.close()

    def apply(self, edit: Edit, description: str = "") -> AppliedEdit | None:
        """Apply and commit one edit; ``None`` (and ``failed``) when it could not be applied."""
        project = self.require_project()
        what = description or describe(edit)
        self.last_failed = edit
        try:
            applied = project.apply(edit)
        except AnnotatorError as error:
            log.info("edit failed: %s: %s", what, error)
            self.failed.emit(what, error)
            return None
        except Exception as error:
            log.exception("edit failed unexpectedly: %s", what)
            self.failed.emit(what, error)
            return None
        self.last_failed = None
        self.versions.note(applied.changes)
        self.changed.emit(applied.changes)
        self.saved.emit(what)
        return applied

    def set_status(
        self, document_id: DocumentId, status: DocumentStatus, expected_version: int | None = None
    ) -> Document | None:
        project = self.require_project()
        what = f"Mark document {status.label.lower()}"
        try:
            document = project.set_status(document_id, status, expected_version)
        except AnnotatorError as error:
            self.failed.emit(what, error)
            return None
        except Exception as error:
            log.exception("%s failed unexpectedly", what)
            self.failed.emit(what, error)
            return None
        self.statusChanged.emit(document)
        return document
