"""Project › Schema…: the dialog, schema changes as undoable steps, every view redrawn after."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from annotator.core.ids import DocumentId
from annotator.core.schema import LabelSchema
from annotator.core.schema_changes import SchemaChange
from annotator.gui.schema_dialog import SchemaDialog
from annotator.gui.schema_undo import push_schema_change
from annotator.services.schema_editing import SchemaEdit

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


class SchemaEditing(QObject):
    """Opens the schema dialog and shows a new schema (changed here or elsewhere) everywhere."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def edit_schema(self) -> SchemaDialog | None:
        """Project › Schema…: shown without blocking; changes go on the window's undo history."""
        window = self._window
        if window.project is None:
            return None
        existing = window.findChild(SchemaDialog)
        if existing is not None:
            existing.refresh()
            existing.raise_()
            existing.activateWindow()
            return existing
        dialog = SchemaDialog(lambda: window.project, self.change_schema, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def change_schema(self, change: SchemaChange) -> bool:
        return push_schema_change(self._window, change)

    def schema_changed(self, edit: SchemaEdit) -> None:
        """After a schema change, its undo or redo: every view shows the new labels."""
        self.show_schema(edit.after, edit.changes.document_ids)

    def show_schema(self, schema: LabelSchema, changed: Iterable[DocumentId] = ()) -> None:
        """Every view shows ``schema`` (changed here, or by another process: see TeamMode)."""
        window = self._window
        window.palette_dock.set_schema(schema)
        window.spans.set_schema(schema)
        window.attributes.form.set_schema(schema)
        window.viewer.set_schema(schema)
        window.commands.fill_annotate_menu()
        window.reload_document()
        window.documents.model.refresh(changed)
        dialog = window.findChild(SchemaDialog)
        if dialog is not None:
            dialog.refresh()
