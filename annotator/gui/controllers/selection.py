"""One selected span or relation, the same in the viewer, the panels and the attribute form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from annotator.core.ids import DocumentId
from annotator.core.schema import AttributeValue

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


class SelectionSync(QObject):
    """Selecting in one place selects everywhere; palette clicks label the selection."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        w = window
        w.documents.documentActivated.connect(lambda i: w.open_document(DocumentId(i)))
        w.palette_dock.labelClicked.connect(self._palette_clicked)
        w.viewer.spanSelected.connect(self._span_selected)
        w.spans.spanActivated.connect(self._span_activated)
        w.attributes.form.attributeEdited.connect(self._attribute_edited)
        w.attributes.form.may_edit = self._may_edit
        w.viewer.relationSelected.connect(self._relation_selected)
        w.relations_dock.relationActivated.connect(self._relation_activated)

    def refresh_selected_span(self) -> None:
        """After an edit: the form and the span list show the selected span as it is now."""
        window = self._window
        opened = window.current
        form = window.attributes.form
        shown = form.span
        selected = window.viewer.selected_span_id()
        span = opened.span(selected) if opened else None
        if span is None and shown is not None and opened is not None:
            span = opened.span(shown.id)
        if span is None:
            if shown is not None:
                form.show_span(None)
                window.spans.select_span(None)
            return
        form.show_span(span, opened.text if opened else "")
        window.spans.select_span(int(span.id))

    def delete_selected(self) -> None:
        """Delete: the selected relation when one is selected (and no span), else the span."""
        window = self._window
        viewer = window.viewer
        if viewer.selected_relation_id() is not None and viewer.selected_span_id() is None:
            window.linking.delete()
        else:
            window.labelling.delete_selected()

    def _palette_clicked(self, label: str) -> None:
        self._window.labelling.apply_label(label)
        self._window.viewer.setFocus()

    def _span_selected(self, span_id: int) -> None:
        window = self._window
        opened = window.current
        span = opened.span(span_id) if opened else None
        window.spans.select_span(int(span.id) if span else None)
        window.attributes.form.show_span(span, opened.text if opened else "")

    def _span_activated(self, span_id: int) -> None:
        self._window.viewer.select_span(span_id, scroll=True)
        self._span_selected(span_id)

    def _may_edit(self, owner: str) -> bool:
        """May the current user change an annotation of ``owner`` (the team roles)?"""
        project = self._window.project
        return project is None or project.identity.may_edit_layer(owner)

    def _relation_selected(self, relation_id: int) -> None:
        self._window.relations_dock.select_relation(relation_id or None)

    def _relation_activated(self, relation_id: int) -> None:
        self._window.viewer.select_relation(relation_id, scroll=True)

    def _attribute_edited(self, span_id: int, name: str, value: AttributeValue | None) -> None:
        if not self._window.labelling.set_attribute(span_id, name, value):
            self._window.attributes.form.reload()  # refused: show the stored value again
