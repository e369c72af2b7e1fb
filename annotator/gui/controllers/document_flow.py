"""Moving through the documents: next and previous, next unfinished, done and in progress."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from annotator.core.document import Document, DocumentStatus
from annotator.core.errors import AnnotatorError
from annotator.gui.errors import show_error
from annotator.gui.navigation import next_unfinished

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


class DocumentFlow(QObject):
    """The Document menu: stepping through the list and marking documents done."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        window.bridge.statusChanged.connect(self._status_changed)

    def step(self, step: int) -> None:
        if self._window.documents.step(step):
            self._window.viewer.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def go_next_unfinished(self) -> bool:
        window = self._window
        project = window.project
        if project is None:
            return False
        current = window.current.id if window.current else None
        try:
            target = next_unfinished(
                project, current, window.documents.current_filter().title_contains
            )
        except AnnotatorError as error:
            show_error(window, "Cannot find the next document", error)
            return False
        if target is None:
            window.status("Every document is done.")
            return False
        opened = window.open_document(target)
        if opened:
            window.viewer.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return opened

    def mark_done_and_next(self) -> None:
        if self._set_status(DocumentStatus.DONE):
            self.go_next_unfinished()

    def mark_in_progress(self) -> None:
        self._set_status(DocumentStatus.IN_PROGRESS)

    def _set_status(self, status: DocumentStatus) -> bool:
        opened = self._window.current
        if opened is None:
            return False
        return self._window.bridge.set_status(opened.id, status) is not None

    def _status_changed(self, document: object) -> None:
        assert isinstance(document, Document)
        window = self._window
        opened = window.current
        if opened is not None and opened.id == document.id:
            opened.document = replace(
                opened.document, status=document.status, version=document.version
            )
            window.showing.show_header()
        window.documents.model.refresh([document.id])
        window.showing.update_progress()
        window.status(f"Saved: document marked {document.status.label.lower()}")

    def focus_search(self) -> None:
        documents = self._window.documents
        documents.show()
        documents.raise_()
        documents.search.setFocus()
        documents.search.selectAll()
