"""What an edit changed reaches every view; a failed edit says why (and reloads when stale)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from annotator.core.changes import ChangeSet
from annotator.core.errors import StaleDataError
from annotator.gui.errors import is_serious, message_of, open_message, show_error

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


class EditFeedback(QObject):
    """The bridge's changed, saved and failed signals, shown in the views and the status bar."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        bridge = window.bridge
        bridge.changed.connect(self._changed)
        bridge.saved.connect(lambda what: window.status(f"Saved: {what}"))
        bridge.failed.connect(self._failed)

    def _changed(self, changes: object) -> None:
        assert isinstance(changes, ChangeSet)
        window = self._window
        opened = window.current
        if opened is not None and opened.touches(changes):
            started = opened.id in changes.documents_started
            opened.apply(changes)
            window.viewer.apply_changes(changes)
            window.spans.model.apply_changes(changes)
            window.relations_dock.model.apply_changes(changes)
            window.relations_dock.select_relation(window.viewer.selected_relation_id())
            window.palette_dock.model.apply_changes(changes)
            window.selection.refresh_selected_span()
            if started or changes.document_comments:
                window.showing.show_header()
        window.documents.model.refresh(changes.document_ids)

    def _failed(self, what: str, error: object) -> None:
        assert isinstance(error, BaseException)
        window = self._window
        text = f"{what} failed: {message_of(error)}"
        window.status(text)
        if not is_serious(error):
            return
        if isinstance(error, StaleDataError):
            window.team.poll()
            window.reload_document()
            window.status(text)
            opened = window.current
            who = window.team.last_editor.get(opened.id) if opened else None
            open_message(
                window,
                QMessageBox.Icon.Warning,
                "Changed by someone else",
                f"{what} failed: changed by {who or 'someone else'} meanwhile. The document "
                f"was reloaded: showing the current version.\n\n({error})",
            )
        else:
            show_error(window, f"{what} failed", error)
