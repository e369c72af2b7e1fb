"""The open document in every view: opening, reloading, the header and the progress line."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.errors import AnnotatorError
from annotator.core.ids import DocumentId
from annotator.gui.current import OpenDocument
from annotator.gui.errors import message_of, show_error
from annotator.gui.open_document import open_view

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


class DocumentShowing(QObject):
    """Puts one document (or none) into the viewer, the panels and the document header."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._reload_pending = False

    def open_document(self, document_id: DocumentId) -> bool:
        window = self._window
        project = window.project
        if project is None:
            return False
        if window.current is not None and window.current.id == document_id:
            window.documents.show_document(document_id)
            return True
        try:
            opened = open_view(project, document_id, self._changed_elsewhere)
        except AnnotatorError as error:
            show_error(window, "Cannot open the document", error)
            window.documents.show_document(window.current.id if window.current else None)
            return False
        self.show_document(opened)
        window.team.document_opened(document_id)
        return True

    def show_document(self, opened: OpenDocument | None) -> None:
        window = self._window
        window.current = opened
        if opened is None:
            window.viewer.clear_document()
            window.spans.model.set_document(None, "", ())
            window.relations_dock.model.set_document(None, "", (), lambda _id: None)
            window.palette_dock.model.set_spans(None, ())
            window.stacks.activate(None)
        else:
            outline = opened.outline
            window.viewer.show_outline(
                opened.document,
                outline,
                window.bridge.require_project().schema,
                opened.relations.values(),
                opened.span,
            )
            window.spans.model.set_outline(opened.id, opened.text, outline.entries, opened.spans)
            window.relations_dock.model.set_document(
                opened.id, opened.text, opened.relations.values(), opened.span
            )
            window.palette_dock.model.set_counts(opened.id, outline.counts())
            window.stacks.activate(opened.id)
            window.documents.show_document(opened.id)
            self.remember_document()
        window.attributes.form.show_span(None)
        self.show_header()
        commands = window.commands
        for action in (
            *commands.label_actions,
            commands.delete_action,
            commands.link_action,
            *commands.note_actions,
            *commands.move_actions,
            commands.done_action,
            commands.reopen_action,
            commands.reload_action,
            commands.curate_action,
        ):
            action.setEnabled(opened is not None)

    def show_header(self) -> None:
        window = self._window
        opened = window.current
        if opened is None:
            window.header.show_document(None)
            return
        row = window.documents.model.row_of(opened.id)
        count = window.documents.model.rowCount()
        position = f"{row + 1:,} of {count:,}" if row is not None else ""
        window.header.show_document(opened.document, position)

    def reload_document(self) -> None:
        """Read the open document again from the database (after someone else changed it)."""
        window = self._window
        opened = window.current
        if opened is None or window.project is None:
            return
        selected = window.viewer.selected_span_id()
        try:
            reopened = open_view(window.project, opened.id, self._changed_elsewhere)
        except AnnotatorError as error:
            show_error(window, "Cannot reload the document", error)
            return
        window.current = None
        self.show_document(reopened)
        if selected and reopened.span(selected):
            window.viewer.select_span(selected, scroll=False)
        window.documents.model.refresh([opened.id])

    def _changed_elsewhere(self) -> None:
        """A span read after the open was changed or deleted by someone else meanwhile: read
        the document again once the current event is handled (a paint may have asked)."""
        if not self._reload_pending:
            self._reload_pending = True
            QTimer.singleShot(0, self._reload_changed)

    def _reload_changed(self) -> None:
        self._reload_pending = False
        self.reload_document()
        self._window.status("The document was changed elsewhere meanwhile: showing it again")

    def show_list_changed(self, reload_if_open: Collection[DocumentId] = ()) -> None:
        """After documents were added or changed in bulk (an import): the list, the header's
        position and the progress again, the open document too when it is in
        ``reload_if_open``; the first document opens if none is open."""
        window = self._window
        window.documents.model.reload()
        current = window.current
        if current is not None and current.id in reload_if_open:
            self.reload_document()
        window.documents.show_document(current.id if current else None)
        if current is None and window.documents.model.rowCount():
            first = window.documents.model.document_id(0)
            if first is not None:
                self.open_document(first)
        self.show_header()
        self.update_progress()

    def update_progress(self) -> None:
        window = self._window
        project = window.project
        if project is None:
            window.progress_label.setText("")
            return
        try:
            total = project.count_documents()
            done = project.count_documents(DocumentFilter(status=DocumentStatus.DONE))
        except AnnotatorError as error:
            window.progress_label.setText("")
            window.status(message_of(error))
            return
        share = f" ({done / total:.0%})" if total else ""
        window.progress_label.setText(f"Done {done:,} / {total:,}{share}")

    def remember_document(self) -> None:
        window = self._window
        if window.project is not None:
            opened = window.current
            window.settings.set_last_document(window.project.folder, opened.id if opened else None)
