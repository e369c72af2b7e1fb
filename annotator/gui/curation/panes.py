"""One read-only pane per layer: a title over the document viewer, disagreements underlined."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QTextEdit, QVBoxLayout, QWidget

from annotator.core.annotation import Relation, Span
from annotator.core.document import Document
from annotator.core.offsets import OffsetConverter
from annotator.core.schema import LabelSchema
from annotator.gui.viewer import DocumentViewer

DISPUTED = QColor("#D55E00")
"""Vermillion (Okabe-Ito): the wavy underline of a disagreement."""
CURRENT = QColor(213, 94, 0, 60)
"""The disagreement the list has selected, as a tint behind the text."""


class LayerPane(QWidget):
    """A title ("1 ana") and a viewer showing one layer; a click on a span reports its offset."""

    offsetClicked = Signal(int)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title)
        self.title.setObjectName("curationPaneTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.viewer = DocumentViewer()
        self.viewer.setObjectName("curationViewer")
        self.viewer.spanSelected.connect(self._span_selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.viewer, 1)
        self._converter = OffsetConverter("")
        self._marks: list[tuple[int, int]] = []

    def show_layer(
        self,
        document: Document,
        spans: Sequence[Span],
        relations: Iterable[Relation],
        schema: LabelSchema,
    ) -> None:
        if self._converter.text != document.text:
            self._converter = OffsetConverter(document.text)
        self.viewer.set_document(document, spans, schema, relations)

    def mark(self, disputed: Sequence[tuple[int, int]], current: Sequence[tuple[int, int]]) -> None:
        """Underline every disagreement's ranges and tint the current one's (a handful per
        document, so extra selections are cheap here), and scroll the current one into view."""
        selections = []
        for start, end in disputed:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = self._cursor(start, end)
            form = QTextCharFormat()
            form.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            form.setUnderlineColor(DISPUTED)
            if (start, end) in current:
                form.setBackground(CURRENT)
            selection.format = form
            selections.append(selection)
        self.viewer.setExtraSelections(selections)
        if current:
            self.viewer.scroll_to_offset(current[0][0])

    def _cursor(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.viewer.document())
        cursor.setPosition(self._converter.cp_to_utf16(start))
        cursor.setPosition(self._converter.cp_to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _span_selected(self, span_id: int) -> None:
        span = self.viewer.span(span_id) if span_id else None
        if span is not None:
            self.offsetClicked.emit(span.start)
