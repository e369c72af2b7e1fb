"""Labelling commands: turn a selection or the selected span plus a key into an edit."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from annotator.core.annotation import Span
from annotator.core.casualty import parse_casualty
from annotator.core.edits import AddSpan, RelabelSpan, RemoveSpan, ResizeSpan, SetAttribute
from annotator.core.errors import SchemaError
from annotator.core.schema import AttributeType, AttributeValue, LabelSchema
from annotator.core.snapping import (
    next_grapheme_boundary,
    next_word_boundary,
    snap_to_words,
    trim_whitespace,
)
from annotator.gui.current import OpenDocument
from annotator.gui.undo import UndoStacks
from annotator.gui.viewer import DocumentViewer

CASUALTY_LABEL = "CASUALTY_FIGURE"
FOLLOWING_CHARS = 120
"""How much text after a new casualty figure is read for its outcome ("... were killed")."""


def prefilled_attributes(
    schema: LabelSchema | None, label: str, text: str, start: int, end: int
) -> dict[str, AttributeValue]:
    """Attributes to pre-fill on a new span: for CASUALTY_FIGURE, what
    :func:`~annotator.core.casualty.parse_casualty` reads from its text, kept only where the
    schema defines an attribute of that name and type that accepts the value."""
    definition = schema.label(label) if schema is not None and label == CASUALTY_LABEL else None
    if definition is None:
        return {}
    parsed = parse_casualty(text[start:end], text[end : end + FOLLOWING_CHARS])
    result: dict[str, AttributeValue] = {}
    for name, value in parsed.items():
        attribute = definition.attribute(name)
        wanted = AttributeType.INTEGER if isinstance(value, int) else AttributeType.CHOICE
        if attribute is None or attribute.type is not wanted:
            continue
        try:
            result[name] = attribute.check(value)
        except SchemaError:
            continue
    return result


class Labelling(QObject):
    """What the label keys, Delete and the Alt+arrow keys do in the open document.

    Every command becomes one edit pushed on the document's undo stack (which commits it).
    ``message`` carries a short explanation when a command cannot do anything.
    """

    message = Signal(str)

    def __init__(
        self,
        viewer: DocumentViewer,
        stacks: UndoStacks,
        current: Callable[[], OpenDocument | None],
        annotator: Callable[[], str],
        character_precision: Callable[[], bool],
        parent: QObject | None = None,
        schema: Callable[[], LabelSchema | None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self._viewer = viewer
        self._stacks = stacks
        self._current = current
        self._annotator = annotator
        self._character_precision = character_precision
        self._schema = schema
        self.last_label = ""
        """The label last given in this session (by key, palette or Annotate All)."""

    def selected_span(self) -> Span | None:
        document = self._current()
        return document.span(self._viewer.selected_span_id()) if document else None

    # -- labels ---------------------------------------------------------------------------------

    def apply_label(self, label: str) -> bool:
        """Create a span of ``label`` over the selection, or relabel the selected span."""
        document = self._current()
        if document is None:
            return False
        start, end = self._viewer.selection_offsets()
        span = self.selected_span()
        self.last_label = label
        if span is not None and (start == end or (start, end) == (span.start, span.end)):
            return self._relabel(span, label)
        if start == end:
            self.message.emit("Select some text first, then press a label's key.")
            return False
        snap = trim_whitespace if self._character_precision() else snap_to_words
        snapped = snap(document.text, start, end)
        if snapped is None:
            self.message.emit("Only whitespace is selected: nothing to label.")
            return False
        existing = self._find(document, label, *snapped)
        if existing is not None:
            self._viewer.select_span(int(existing.id))
            self.message.emit(f"A {label} span already covers exactly this text.")
            return False
        attributes = prefilled_attributes(self._schema(), label, document.text, *snapped)
        edit = AddSpan(
            document.id, label, snapped[0], snapped[1], attributes, annotator=self._annotator()
        )
        if not self._stacks.push(edit):
            return False
        created = self._find(document, label, *snapped)
        if created is not None:
            self._viewer.select_span(int(created.id), scroll=False)
        return True

    def _relabel(self, span: Span, label: str) -> bool:
        if span.label == label:
            self.message.emit(f"The span is already {label}.")
            return False
        return self._stacks.push(RelabelSpan(span.id, label, expected_version=span.version))

    def _find(self, document: OpenDocument, label: str, start: int, end: int) -> Span | None:
        return document.span(self._viewer.find_span(label, start, end))

    # -- the selected span ----------------------------------------------------------------------

    def delete_selected(self) -> bool:
        span = self.selected_span()
        if span is None:
            self.message.emit("Click a span first to delete it.")
            return False
        return self._stacks.push(RemoveSpan(span.id, expected_version=span.version))

    def move_edge(self, edge: str, direction: int, *, by_word: bool) -> bool:
        """Move the selected span's ``"start"`` or ``"end"`` one word or one character."""
        document = self._current()
        span = self.selected_span()
        if document is None or span is None:
            self.message.emit("Click a span first to move its edges.")
            return False
        text = document.text
        position = span.start if edge == "start" else span.end
        if by_word:
            moved = next_word_boundary(
                text, position, direction, edge="start" if edge == "start" else "end"
            )
        else:
            moved = next_grapheme_boundary(text, position, direction)
        start, end = (moved, span.end) if edge == "start" else (span.start, moved)
        if moved == position or start >= end:
            self.message.emit("The span cannot move further that way.")
            return False
        return self._stacks.push(ResizeSpan(span.id, start, end, expected_version=span.version))

    def set_attribute(self, span_id: int, name: str, value: AttributeValue | None) -> bool:
        document = self._current()
        span = document.span(span_id) if document else None
        if span is None:
            return False
        return self._stacks.push(SetAttribute(span.id, name, value, expected_version=span.version))
