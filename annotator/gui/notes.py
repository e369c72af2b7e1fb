"""Fragments and comments: add a piece to the selected span, remove one, comment on things.

Adding a fragment: select a span (click it), select more text and press ``+`` (or use the
context menu); the text snaps as for a new span. "Remove This Fragment" in the context menu of
a piece cuts it out. Comments: ``#`` on the selected span or relation, "Comment…" in their
context menus, Document › Comment on Document… for the whole document. Every change is one edit
on the document's undo stack.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from annotator.core.edits import (
    AddFragment,
    RemoveFragment,
    SetDocumentComment,
    SetRelationComment,
    SetSpanComment,
)
from annotator.core.ids import RelationId
from annotator.core.snapping import snap_to_words, trim_whitespace
from annotator.gui.comment_dialog import ask_comment
from annotator.gui.current import OpenDocument
from annotator.gui.linking import quote
from annotator.gui.undo import UndoStacks
from annotator.gui.viewer import DocumentViewer

Ask = Callable[[QWidget | None, str, str], str | None]


class NoteCommands(QObject):
    """Turns the fragment and comment commands into edits of the open document."""

    message = Signal(str)

    def __init__(
        self,
        viewer: DocumentViewer,
        stacks: UndoStacks,
        current: Callable[[], OpenDocument | None],
        character_precision: Callable[[], bool],
        parent: QWidget | None = None,
        ask: Ask = ask_comment,
    ) -> None:
        super().__init__(parent)
        self._viewer = viewer
        self._stacks = stacks
        self._current = current
        self._character_precision = character_precision
        self._parent = parent
        self.ask = ask
        viewer.fragmentAddRequested.connect(self.add_fragment)
        viewer.fragmentRemoveRequested.connect(self.remove_fragment)
        viewer.commentRequested.connect(self.comment_span)

    # -- fragments ------------------------------------------------------------------------------

    def add_fragment(self) -> bool:
        """Add the selected text to the span selected before it (see
        :meth:`DocumentViewer.fragment_target`)."""
        document = self._current()
        if document is None:
            return False
        span = document.span(self._viewer.fragment_target())
        start, end = self._viewer.selection_offsets()
        if span is None:
            self.message.emit("Click a span first, then select more text and press +.")
            return False
        if start == end:
            self.message.emit("Select the text to add to the span, then press +.")
            return False
        snap = trim_whitespace if self._character_precision() else snap_to_words
        snapped = snap(document.text, start, end)
        if snapped is None:
            self.message.emit("Only whitespace is selected: nothing to add.")
            return False
        if not self._stacks.push(AddFragment(span.id, *snapped, expected_version=span.version)):
            return False
        self._viewer.select_span(int(span.id), scroll=False)
        return True

    def remove_fragment(self, span_id: int, start: int, end: int) -> bool:
        document = self._current()
        span = document.span(span_id) if document else None
        if span is None:
            return False
        edit = RemoveFragment(span.id, start, end, expected_version=span.version)
        if not self._stacks.push(edit):
            return False
        self._viewer.select_span(int(span.id), scroll=False)
        return True

    # -- comments -------------------------------------------------------------------------------

    def comment_selected(self) -> bool:
        """Comment on the selected relation (when no span is selected), else the span."""
        viewer = self._viewer
        relation_id = viewer.selected_relation_id()
        if relation_id is not None and viewer.selected_span_id() is None:
            return self.comment_relation(relation_id)
        span_id = viewer.fragment_target()
        if span_id is None:
            self.message.emit("Click a span or a relation first, then press # to comment on it.")
            return False
        return self.comment_span(span_id)

    def comment_span(self, span_id: int) -> bool:
        document = self._current()
        span = document.span(span_id) if document else None
        if document is None or span is None:
            return False
        what = f"Comment on the {span.label} span {quote(document.text, span)}:"
        comment = self.ask(self._parent, what, span.comment)
        if comment is None or comment == span.comment:
            return False
        return self._stacks.push(SetSpanComment(span.id, comment, expected_version=span.version))

    def comment_relation(self, relation_id: int) -> bool:
        document = self._current()
        relation = document.relations.get(RelationId(relation_id)) if document else None
        if document is None or relation is None:
            return False
        source, target = document.span(relation.source), document.span(relation.target)
        ends = (
            f" from {quote(document.text, source)} to {quote(document.text, target)}"
            if source is not None and target is not None
            else ""
        )
        comment = self.ask(
            self._parent, f"Comment on the {relation.type} link{ends}:", relation.comment
        )
        if comment is None or comment == relation.comment:
            return False
        edit = SetRelationComment(relation.id, comment, expected_version=relation.version)
        return self._stacks.push(edit)

    def comment_document(self) -> bool:
        document = self._current()
        if document is None:
            self.message.emit("Open a document first.")
            return False
        current = document.document.comment
        title = document.document.display_title
        comment = self.ask(self._parent, f"Comment on the document “{title}”:", current)
        if comment is None or comment == current:
            return False
        return self._stacks.push(SetDocumentComment(document.id, comment, expected=current))
