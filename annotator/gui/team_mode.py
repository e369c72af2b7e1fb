"""Team mode in the window: others' edits appear by polling, a banner while the connection is
lost, the annotator's role, assignment progress, and the manager's Team dialog."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from annotator.core.edits import Edit
from annotator.core.errors import AnnotatorError, ConnectionLostError
from annotator.core.ids import DocumentId
from annotator.core.team import DocumentChange, Permission
from annotator.gui.errors import show_error
from annotator.services import team
from annotator.services.project import Project

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow
    from annotator.gui.team_dialog import TeamDialog

log = logging.getLogger("annotator.gui")

POLL_MS = 2000
"""How often the edit log is read (one indexed range query)."""
ROLE_EVERY = 5
"""Polls between two reads of the annotator's role."""


class TeamMode(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._feed: team.ChangeFeed | None = None
        self._polls = 0
        self.lost = False
        self.pending: list[tuple[str, Edit, DocumentId | None]] = []
        """Edits that failed because the connection was lost, applied again when it is back."""
        self.unsaved: list[str] = []
        """What failed while the connection was lost and cannot be applied again."""
        self.last_editor: dict[DocumentId, str] = {}
        """Who else last changed each document (from the edit log)."""
        self._blinded = False
        """Whether the view was restricted to the annotator's own layer at the last check."""
        self.action = QAction("&Team…", window)
        self.action.setObjectName("teamAction")
        self.action.setStatusTip("Members and roles, assignment, blind annotation (managers)")
        self.action.setEnabled(False)
        self.action.triggered.connect(self.open_dialog)
        self.banner = QLabel()
        self.banner.setObjectName("connectionBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#connectionBanner { background: #b3261e; color: white; padding: 6px 10px; }"
        )
        self.banner.hide()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        window.bridge.projectChanged.connect(self._project_changed)
        window.bridge.failed.connect(self._failed)

    def install(self) -> None:
        """Put the banner above the document (the workspace exists by now)."""
        layout = self._window.workspace.layout()
        if layout is not None:
            layout.insertWidget(0, self.banner)  # type: ignore[attr-defined]

    @property
    def project(self) -> Project | None:
        return self._window.project

    # -- project and identity -------------------------------------------------------------------

    def _project_changed(self, project: object) -> None:
        self._feed = None
        self.last_editor.clear()
        self._set_lost(False)
        if not isinstance(project, Project):
            self.timer.stop()
            self.action.setEnabled(False)
            return
        try:
            self._feed = team.ChangeFeed(project)
        except AnnotatorError as error:
            log.info("no change feed: %s", error)
        self._window.documents.queue_owner = project.annotator
        self.show_identity()
        self._check_view(project, reload=False)
        self.timer.start()

    def show_identity(self) -> None:
        project = self.project
        if project is None:
            return
        identity = project.identity
        self.action.setEnabled(identity.allows(Permission.ASSIGN))
        name = project.annotator or "(unnamed)"
        role = f" ({identity.role.value})" if identity.managed else ""
        self._window.annotator_label.setText(f"Annotator: {name}{role}")

    def _check_view(self, project: Project, reload: bool = True) -> None:
        """Show the open document again when what this annotator may see changed (blind
        annotation switched, or the role changed)."""
        try:
            blinded = project.blinded()
        except AnnotatorError as error:
            log.info("could not read the blind annotation setting: %s", error)
            return
        if blinded != self._blinded:
            self._blinded = blinded
            if reload:
                self._window.reload_document()

    def annotator_changed(self) -> None:
        project = self.project
        if project is None:
            return
        try:
            project.set_annotator(self._window.annotator)
        except AnnotatorError as error:
            show_error(self._window, "Cannot change the annotator", error)
            return
        self._window.documents.queue_owner = project.annotator
        self.show_identity()
        self._check_view(project, reload=False)
        self._window.reload_document()

    def document_opened(self, document_id: DocumentId) -> None:
        """An assigned document becomes in progress when its annotator opens it."""
        project = self.project
        if project is None:
            return
        try:
            if team.start_work(project, document_id):
                self._window.documents.model.refresh([document_id])
        except AnnotatorError as error:
            log.info("could not mark the assignment in progress: %s", error)

    # -- polling --------------------------------------------------------------------------------

    def poll(self) -> list[DocumentChange]:
        """Read what others committed; redraw the rows and the open document they changed."""
        project = self.project
        if project is None or self._feed is None:
            return []
        try:
            if self.lost:
                project.ping()
            changes = self._feed.poll()
            if project.reload_config():
                self._window.show_schema(project.schema)
                self._window.status("The schema was changed elsewhere: showing the new labels")
            self._polls += 1
            if self._polls % ROLE_EVERY == 0:
                project.refresh_identity()
                self.show_identity()
                self._check_view(project)
        except ConnectionLostError as error:
            self._set_lost(True, str(error))
            return []
        except AnnotatorError as error:
            log.info("polling for changes failed: %s", error)
            return []
        if self.lost:
            self._set_lost(False)
        others = [change for change in changes if not change.own]
        if others:
            self._show_changes(others)
        return others

    def _show_changes(self, changes: list[DocumentChange]) -> None:
        window = self._window
        for change in changes:
            self.last_editor[change.document_id] = change.annotator
        ids = {change.document_id for change in changes}
        window.documents.model.refresh(ids)
        added = window.documents.model.add_new(ids)  # imported elsewhere: new rows, no reload
        window.update_progress()
        if added:
            who = ", ".join(sorted({c.annotator or "someone" for c in changes}))
            window.status(f"{added:,} new document{'s' if added != 1 else ''} from {who}")
            window.showing.show_header()  # "3 of 8" becomes "3 of 13"
        opened = window.current
        if opened is not None and opened.id in ids:
            names = sorted(
                {c.annotator or "someone" for c in changes if c.document_id == opened.id}
            )
            window.reload_document()
            window.status(f"Changed by {', '.join(names)}: showing the current version")

    # -- the connection -------------------------------------------------------------------------

    def _failed(self, what: str, error: object) -> None:
        bridge = self._window.bridge
        # Taken whatever the error: a refused edit must not be replayed for a later failure
        # (a status change, a schema step) that carries no edit of its own.
        edit, bridge.last_failed = bridge.last_failed, None
        if not isinstance(error, ConnectionLostError):
            return
        opened = self._window.current
        if edit is not None and not what.startswith("Undo "):
            self.pending.append((what, edit, opened.id if opened else None))
        else:  # an undo step is not replayed as a new edit: the user decides
            self.unsaved.append(what)
        self._set_lost(True, str(error))

    def _set_lost(self, lost: bool, reason: str = "") -> None:
        if lost:
            self.lost = True
            text = "Connection lost — retrying…"
            waiting = [what for what, _, _ in self.pending] + self.unsaved
            if waiting:
                text += f" Not saved yet: {'; '.join(waiting)}."
            self.banner.setText(text)
            self.banner.setToolTip(reason)
            self.banner.show()
            return
        was_lost, self.lost = self.lost, False
        self.banner.hide()
        if was_lost:
            self._window.reload_document()
            saved = self._replay()
            message = "Connection back."
            if saved:
                message += f" Saved now: {'; '.join(saved)}."
            if self.unsaved:
                message += f" Not saved while it was lost: {'; '.join(self.unsaved)} — redo it."
            self.unsaved.clear()
            self._window.status(message)

    def _replay(self) -> list[str]:
        """Apply again, as undoable steps, the edits the lost connection refused on the
        document still open; the others are reported."""
        pending, self.pending = self.pending, []
        opened = self._window.current
        saved: list[str] = []
        for what, edit, document_id in pending:
            if opened is not None and document_id == opened.id and self._window.stacks.push(edit):
                saved.append(what)
            else:
                self.unsaved.append(what)
        return saved

    # -- the Team dialog ------------------------------------------------------------------------

    def open_dialog(self) -> TeamDialog | None:
        from annotator.gui.team_dialog import TeamDialog

        project = self.project
        if project is None:
            return None
        window = self._window
        opened = window.current
        dialog = TeamDialog(
            project, [opened.id] if opened else [], list(window.documents.model.ids()), window
        )
        dialog.changed.connect(self._team_changed)
        dialog.open()
        return dialog

    def _team_changed(self) -> None:
        self.show_identity()
        self._window.documents.apply_filter()
        self._window.reload_document()
