"""The small dialogs the Schema dialog asks one change with: a checked name, deleting a label,
a label's attributes, a relation type."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.schema import AttributeDefinition, AttributeType, Label, RelationType
from annotator.core.schema_changes import SetAttributes


class CheckedInputDialog(QInputDialog):
    """A text question that stays open, showing why, while ``refusal`` refuses the answer."""

    def __init__(
        self,
        prompt: str,
        refusal: Callable[[str], str | None] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._prompt = prompt
        self._refusal = refusal

    def done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted and self._refusal is not None:
            problem = self._refusal(self.textValue().strip())
            if problem is not None:
                self.setLabelText(f"{self._prompt}\n\n⚠ {problem}")
                line = self.findChild(QLineEdit)
                if line is not None:
                    line.selectAll()
                    line.setFocus()
                return
        super().done(result)


class DeleteLabelDialog(QDialog):
    """Delete a label: remove its spans, or give them another label."""

    def __init__(self, name: str, others: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deleteLabelDialog")
        self.setWindowTitle(f"Delete Label {name}")
        self.remove = QRadioButton(f"&Remove the {name} spans (and their relations)")
        self.relabel = QRadioButton("Re&label them as:")
        self.target = QComboBox()
        self.target.addItems(others)
        group = QButtonGroup(self)
        group.addButton(self.remove)
        group.addButton(self.relabel)
        self.remove.setChecked(True)
        self.relabel.setEnabled(bool(others))
        row = QHBoxLayout()
        row.addWidget(self.relabel)
        row.addWidget(self.target, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.remove)
        layout.addLayout(row)
        layout.addWidget(buttons)

    def relabel_to(self) -> str | None:
        return self.target.currentText() if self.relabel.isChecked() else None


class AttributesDialog(QDialog):
    """A label's attributes: name, type and choices per row; renaming a row keeps its values."""

    def __init__(self, label: Label, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attributesDialog")
        self.setWindowTitle(f"Attributes of {label.name}")
        self._label = label
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Name", "Type", "Choices (comma-separated)"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        for attribute in label.attributes:
            self.add_row(attribute)
        add = QPushButton("&Add")
        add.clicked.connect(lambda: self.add_row(None))
        remove = QPushButton("&Remove")
        remove.clicked.connect(self._remove_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def add_row(self, attribute: AttributeDefinition | None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(attribute.name if attribute else f"attribute{row + 1}")
        name.setData(Qt.ItemDataRole.UserRole, attribute.name if attribute else "")
        self.table.setItem(row, 0, name)
        kind = QComboBox()
        kind.addItems([t.value for t in AttributeType])
        kind.setCurrentText(attribute.type.value if attribute else AttributeType.TEXT.value)
        self.table.setCellWidget(row, 1, kind)
        self.table.setItem(
            row, 2, QTableWidgetItem(", ".join(attribute.choices if attribute else ()))
        )

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def change(self) -> SetAttributes:
        definitions: list[AttributeDefinition] = []
        renamed: dict[str, str] = {}
        for row in range(self.table.rowCount()):
            name_item = self.table.item(row, 0)
            choices_item = self.table.item(row, 2)
            kind = self.table.cellWidget(row, 1)
            assert isinstance(kind, QComboBox)
            name = name_item.text().strip() if name_item else ""
            original = name_item.data(Qt.ItemDataRole.UserRole) if name_item else ""
            attribute_type = AttributeType(kind.currentText())
            choices = tuple(
                c.strip() for c in (choices_item.text() if choices_item else "").split(",")
            )
            choices = (
                tuple(c for c in choices if c) if attribute_type is AttributeType.CHOICE else ()
            )
            old = self._label.attribute(original) if original else None
            definitions.append(
                AttributeDefinition(name, attribute_type, choices, old.description if old else "")
            )
            if original and original != name:
                renamed[original] = name
        return SetAttributes(self._label.name, tuple(definitions), renamed)


class RelationTypeDialog(QDialog):
    """A relation type: its name, and the labels it may link from and to."""

    def __init__(
        self, relation: RelationType | None, labels: tuple[str, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("relationTypeDialog")
        self.setWindowTitle("Relation Type")
        self._relation = relation
        self.name = QLineEdit(relation.name if relation else "")
        self.sources = self._label_list(labels, relation.source_labels if relation else set())
        self.targets = self._label_list(labels, relation.target_labels if relation else set())
        self.description = QLineEdit(relation.description if relation else "")
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&From labels:", self.sources)
        form.addRow("&To labels:", self.targets)
        form.addRow("&Description:", self.description)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @staticmethod
    def _label_list(labels: tuple[str, ...], checked: frozenset[str] | set[str]) -> QListWidget:
        widget = QListWidget()
        for name in labels:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked
            )
            widget.addItem(item)
        widget.setMaximumHeight(120)
        return widget

    @staticmethod
    def _checked(widget: QListWidget) -> frozenset[str]:
        return frozenset(
            widget.item(i).text()
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        )

    def relation_type(self) -> RelationType:
        return RelationType(
            self.name.text().strip(),
            self._checked(self.sources),
            self._checked(self.targets),
            self.description.text().strip(),
        )
