"""The Schema dialog: labels and relation types of the project, changed in place.

Every change is previewed first: when it touches existing annotations a confirmation says what
will happen to them (spans relabelled, merged, removed, relations and attribute values
affected). Applied changes are steps of the window's undo history (Ctrl+Z).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.schema import (
    Label,
    LabelSchema,
    RelationType,
    next_palette_colour,
)
from annotator.core.schema_changes import (
    AddLabel,
    DeleteLabel,
    MergeLabels,
    RecolourLabel,
    RenameLabel,
    SchemaChange,
    SetHotkey,
    SetRelationType,
    changed_schema,
    describe_change,
)
from annotator.gui.dialog_parts import note_label
from annotator.gui.errors import show_error
from annotator.gui.palette import swatch
from annotator.gui.schema_change_dialogs import (
    AttributesDialog,
    CheckedInputDialog,
    DeleteLabelDialog,
    RelationTypeDialog,
)
from annotator.services import schema_editing
from annotator.services.project import Project


class SchemaDialog(QDialog):
    """Labels (colour, hotkey, spans) and relation types, with a button per change."""

    def __init__(
        self,
        project: Callable[[], Project | None],
        submit: Callable[[SchemaChange], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("schemaDialog")
        self.setWindowTitle("Schema")
        self._project = project
        self._submit = submit
        self.confirmation: QMessageBox | None = None
        """The open "what will happen" question, if any."""

        self.labels = QTableWidget(0, 3)
        self.labels.setObjectName("schemaLabels")
        self.labels.setHorizontalHeaderLabels(["Label", "Key", "Spans"])
        self.relations = QTableWidget(0, 4)
        self.relations.setObjectName("schemaRelations")
        self.relations.setHorizontalHeaderLabels(["Relation type", "From", "To", "Relations"])
        for table in (self.labels, self.relations):
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.verticalHeader().hide()
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)

        self.buttons: dict[str, QPushButton] = {}
        label_buttons = QGridLayout()
        for i, (name, text, slot) in enumerate(
            (
                ("add", "&Add…", self.ask_add),
                ("rename", "Re&name…", self.ask_rename),
                ("colour", "&Colour…", self.ask_colour),
                ("hotkey", "&Hotkey…", self.ask_hotkey),
                ("merge", "&Merge Into…", self.ask_merge),
                ("delete", "&Delete…", self.ask_delete),
                ("attributes", "A&ttributes…", self.ask_attributes),
            )
        ):
            button = QPushButton(text)
            button.setObjectName(f"schema_{name}")
            button.clicked.connect(slot)
            self.buttons[name] = button
            label_buttons.addWidget(button, i // 4, i % 4)
        relation_buttons = QHBoxLayout()
        for name, text, slot in (
            ("add_relation", "Add &Type…", self.ask_add_relation),
            ("edit_relation", "&Edit Type…", self.ask_edit_relation),
            ("delete_relation", "Delete T&ype", self.ask_delete_relation),
        ):
            button = QPushButton(text)
            button.setObjectName(f"schema_{name}")
            button.clicked.connect(slot)
            self.buttons[name] = button
            relation_buttons.addWidget(button)
        relation_buttons.addStretch(1)

        labels_box = QGroupBox("Labels")
        labels_layout = QVBoxLayout(labels_box)
        labels_layout.addWidget(self.labels, 1)
        labels_layout.addLayout(label_buttons)
        relations_box = QGroupBox("Relation types")
        relations_layout = QVBoxLayout(relations_box)
        relations_layout.addWidget(self.relations, 1)
        relations_layout.addLayout(relation_buttons)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(labels_box, 3)
        layout.addWidget(relations_box, 2)
        layout.addWidget(
            note_label(
                "Changes are saved to project.toml at once and existing annotations follow; "
                "Ctrl+Z in the main window undoes a change."
            )
        )
        layout.addWidget(close)
        self.resize(640, 560)
        self.refresh()

    # -- showing --------------------------------------------------------------------------------

    def schema(self) -> LabelSchema:
        project = self._project()
        return project.schema if project is not None else LabelSchema()

    def refresh(self) -> None:
        """Show the schema as it is now (after a change, an undo or a redo)."""
        project = self._project()
        stats = project.statistics() if project is not None else None
        schema = self.schema()
        selected = self.selected_label()
        self.labels.setRowCount(len(schema.labels))
        for row, label in enumerate(schema.labels):
            name = QTableWidgetItem(swatch(label.color), label.name)
            name.setToolTip(label.description)
            count = stats.spans_by_label.get(label.name, 0) if stats else 0
            spans = QTableWidgetItem(f"{count:,}")
            spans.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.labels.setItem(row, 0, name)
            self.labels.setItem(row, 1, QTableWidgetItem(label.hotkey))
            self.labels.setItem(row, 2, spans)
            if label.name == selected:
                self.labels.selectRow(row)
        if self.selected_label() is None and schema.labels:
            self.labels.selectRow(0)
        self.relations.setRowCount(len(schema.relation_types))
        for row, relation in enumerate(schema.relation_types):
            count = stats.relations_by_type.get(relation.name, 0) if stats else 0
            for column, text in enumerate(
                (
                    relation.name,
                    ", ".join(sorted(relation.source_labels)),
                    ", ".join(sorted(relation.target_labels)),
                    f"{count:,}",
                )
            ):
                self.relations.setItem(row, column, QTableWidgetItem(text))

    def select_label(self, name: str) -> None:
        for row in range(self.labels.rowCount()):
            item = self.labels.item(row, 0)
            if item is not None and item.text() == name:
                self.labels.selectRow(row)

    def selected_label(self) -> str | None:
        rows = self.labels.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.labels.item(rows[0].row(), 0)
        return item.text() if item is not None else None

    def selected_relation(self) -> str | None:
        rows = self.relations.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.relations.item(rows[0].row(), 0)
        return item.text() if item is not None else None

    # -- asking (each question is non-blocking; its answer submits the change) -----------------

    def _ask_text(
        self,
        title: str,
        prompt: str,
        value: str,
        done: Callable[[str], object],
        change: Callable[[str], SchemaChange] | None = None,
    ) -> None:
        """Ask for a text; with ``change``, an answer the schema refuses keeps the question open
        with the reason, until a valid answer or Cancel."""
        dialog = CheckedInputDialog(prompt, self._refusal(change) if change else None, self)
        dialog.setObjectName("schemaQuestion")
        dialog.setWindowTitle(title)
        dialog.setLabelText(prompt)
        dialog.setTextValue(value)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(lambda text: done(text.strip()))
        dialog.open()

    def _ask_item(
        self, title: str, prompt: str, items: list[str], done: Callable[[str], object]
    ) -> None:
        if not items:
            return
        dialog = QInputDialog(self)
        dialog.setObjectName("schemaQuestion")
        dialog.setWindowTitle(title)
        dialog.setLabelText(prompt)
        dialog.setComboBoxItems(items)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(done)
        dialog.open()

    def ask_add(self) -> None:
        def add(name: str) -> None:
            used = [label.color for label in self.schema().labels]
            self.submit(AddLabel(Label(name, next_palette_colour(used))))
            self.select_label(name)

        self._ask_text("Add Label", "Name of the new label:", "", add)

    def ask_rename(self) -> None:
        name = self.selected_label()
        if name is not None:
            self._ask_text(
                "Rename Label",
                f"New name for {name}:",
                name,
                lambda new: self.submit(RenameLabel(name, new)) if new != name else None,
            )

    def ask_colour(self) -> None:
        name = self.selected_label()
        label = self.schema().label(name) if name else None
        if label is None:
            return
        dialog = QColorDialog(QColor(label.color), self)
        dialog.setObjectName("schemaColour")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.colorSelected.connect(
            lambda colour: self.submit(RecolourLabel(label.name, colour.name().upper()))
        )
        dialog.open()

    def ask_hotkey(self) -> None:
        name = self.selected_label()
        label = self.schema().label(name) if name else None
        if label is not None:
            self._ask_text(
                "Label Hotkey",
                f"Key for {label.name} (one character; empty for none):",
                label.hotkey,
                lambda key: self.submit(SetHotkey(label.name, key)),
                lambda key: SetHotkey(label.name, key),
            )

    def _refusal(self, change: Callable[[str], SchemaChange]) -> Callable[[str], str | None]:
        """Why the current schema refuses ``change(answer)``, or None when it accepts it."""

        def refusal(answer: str) -> str | None:
            project = self._project()
            if project is None:
                return None
            try:
                changed_schema(project.schema, change(answer))
            except AnnotatorError as error:
                return str(error)
            return None

        return refusal

    def ask_merge(self) -> None:
        name = self.selected_label()
        if name is not None:
            others = [n for n in self.schema().label_names if n != name]
            self._ask_item(
                "Merge Label",
                f"Merge {name} into (its spans get that label, {name} goes):",
                others,
                lambda into: self.submit(MergeLabels(name, into)),
            )

    def ask_delete(self) -> None:
        name = self.selected_label()
        if name is None:
            return
        others = [n for n in self.schema().label_names if n != name]
        dialog = DeleteLabelDialog(name, others, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.submit(DeleteLabel(name, dialog.relabel_to())))
        dialog.open()

    def ask_attributes(self) -> None:
        name = self.selected_label()
        label = self.schema().label(name) if name else None
        if label is None:
            return
        dialog = AttributesDialog(label, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.submit(dialog.change()))
        dialog.open()

    def ask_add_relation(self) -> None:
        self._open_relation_dialog(None)

    def ask_edit_relation(self) -> None:
        name = self.selected_relation()
        if name is not None:
            self._open_relation_dialog(self.schema().relation_type(name))

    def _open_relation_dialog(self, relation: RelationType | None) -> None:
        dialog = RelationTypeDialog(relation, self.schema().label_names, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.submit(
                SetRelationType(relation.name if relation else None, dialog.relation_type())
            )
        )
        dialog.open()

    def ask_delete_relation(self) -> None:
        name = self.selected_relation()
        if name is not None:
            self.submit(SetRelationType(name, None))

    # -- previewing and applying ----------------------------------------------------------------

    def submit(self, change: SchemaChange) -> bool:
        """Apply ``change``, after a confirmation when it touches existing annotations."""
        project = self._project()
        if project is None:
            return False
        try:
            if changed_schema(project.schema, change) == project.schema:
                return False  # nothing would change: no step in the undo history either
            impact = schema_editing.preview(project, change)
        except AnnotatorError as error:
            show_error(self, describe_change(change), error)
            return False
        if not impact.touches_annotations:
            return self._apply(change)
        box = QMessageBox(self)
        box.setObjectName("schemaImpact")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Change the schema?")
        where = f" in {impact.documents:,} document{'s' if impact.documents != 1 else ''}"
        box.setText(f"{describe_change(change)}: existing annotations{where} change.")
        box.setInformativeText(
            "\n".join(f"• {line}" for line in impact.lines())
            + "\n\nCtrl+Z in the main window undoes it."
        )
        box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Ok).setText("Apply")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda: self._apply(change))
        box.finished.connect(lambda _result: setattr(self, "confirmation", None))
        self.confirmation = box
        box.open()
        return True

    def _apply(self, change: SchemaChange) -> bool:
        try:
            ok = self._submit(change)
        except AnnotatorError as error:
            show_error(self, describe_change(change), error)
            return False
        self.refresh()
        return ok
