"""Importing annotations made in another tool (File › Import Annotations…): the dialog.

The dialog picks an importer of the registry, a file or folder, the unit of its offsets
(detected against the text by default) and whether labels missing from the schema may be added.
:class:`annotator.gui.annotation_import_runner.AnnotationImportRunner` then imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.offsets import Unit
from annotator.gui.dialog_parts import format_combo, note_label
from annotator.services.formats import (
    LAYERED_FORMATS,
    SPAN_LAYER_OPTION,
    FormatDescription,
    ImportOptions,
    available_formats,
)
from annotator.services.project import Project

UNITS: tuple[tuple[str, Unit | None], ...] = (
    ("Detect from the text", None),
    ("Code points (Python string indices)", Unit.CODE_POINT),
    ("UTF-16 units (JavaScript, doccano, Qt)", Unit.UTF16),
    ("UTF-8 bytes", Unit.UTF8),
)


@dataclass(frozen=True, slots=True)
class AnnotationImportRequest:
    format: str
    path: Path
    options: ImportOptions
    add_labels: bool = False


class AnnotationImportDialog(QDialog):
    """Format, file or folder, offset unit, annotator, "add missing labels".

    ``importRequested(AnnotationImportRequest)`` is emitted when the user presses Import; the
    dialog then closes. Open it with ``open()``.
    """

    importRequested = Signal(object)  # AnnotationImportRequest

    def __init__(self, project: Project, annotator: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("annotationImportDialog")
        self.setWindowTitle("Import annotations")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._project = project
        self.formats: list[FormatDescription] = [f for f in available_formats() if f.can_import]
        self.format_box = format_combo(self.formats, "importFormat")
        self.description = note_label()
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText("a file, or a folder (brat), exported by another tool")
        self.path_edit.textChanged.connect(self._check)
        file_button = QPushButton("File…")
        file_button.clicked.connect(self._browse_file)
        folder_button = QPushButton("Folder…")
        folder_button.clicked.connect(self._browse_folder)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(file_button)
        path_row.addWidget(folder_button)
        self.path_hint = note_label()
        self.unit_box = QComboBox()
        self.unit_box.setObjectName("importUnit")
        for text, unit in UNITS:
            self.unit_box.addItem(text, unit.value if unit else "")
        unit_note = note_label(
            "Detection compares the offsets with the text of each document; choose the unit "
            "when a file is ambiguous (e.g. only ASCII before an emoji)."
        )
        self.annotator_edit = QLineEdit(annotator)
        self.annotator_edit.setObjectName("importAnnotator")
        self.annotator_edit.setPlaceholderText("who made the annotations, if the file does not say")
        self.layer_edit = QLineEdit()
        self.layer_edit.setObjectName("importSpanLayer")
        self.layer_edit.setPlaceholderText("every layer (or e.g. webanno.custom.Span, NamedEntity)")
        self.label_feature_edit = QLineEdit()
        self.label_feature_edit.setObjectName("importLabelFeature")
        self.label_feature_edit.setPlaceholderText("label, else value")
        self.add_labels = QCheckBox("Add missing labels to the schema")
        self.add_labels.setObjectName("importAddLabels")
        self.add_labels.setToolTip(
            "Labels, attributes and relation types the file uses but project.toml lacks are "
            "added to it; without this they are listed and nothing is imported."
        )
        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("", self.description)
        form.addRow("From", path_row)
        form.addRow("", self.path_hint)
        form.addRow("Offsets in", self.unit_box)
        form.addRow("", unit_note)
        form.addRow("Annotator", self.annotator_edit)
        form.addRow("Layer", self.layer_edit)
        form.addRow("Label feature", self.label_feature_edit)
        form.addRow("", self.add_labels)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self._format_changed()
        self.resize(620, self.sizeHint().height())

    def format_name(self) -> str:
        return str(self.format_box.currentData() or "jsonl")

    def path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def set_format(self, name: str) -> None:
        index = self.format_box.findData(name)
        if index >= 0:
            self.format_box.setCurrentIndex(index)

    def set_unit(self, unit: Unit | None) -> None:
        self.unit_box.setCurrentIndex(max(0, self.unit_box.findData(unit.value if unit else "")))

    def options(self) -> ImportOptions:
        raw = str(self.unit_box.currentData() or "")
        layered = self.format_name() in LAYERED_FORMATS
        layer = self.layer_edit.text().strip() if layered else ""
        return ImportOptions(
            offset_unit=Unit(raw) if raw else None,
            annotator=self.annotator_edit.text().strip(),
            label_feature=self.label_feature_edit.text().strip() if layered else "",
            extra={SPAN_LAYER_OPTION: layer} if layer else {},
        )

    def request(self) -> AnnotationImportRequest:
        return AnnotationImportRequest(
            self.format_name(), self.path(), self.options(), self.add_labels.isChecked()
        )

    def _describe(self) -> FormatDescription | None:
        name = self.format_name()
        return next((f for f in self.formats if f.name == name), None)

    def _format_changed(self) -> None:
        described = self._describe()
        self.description.setText(described.description if described else "")
        layered = self.format_name() in LAYERED_FORMATS  # typed layers: XMI, TSV3
        self.layer_edit.setEnabled(layered)
        self.label_feature_edit.setEnabled(layered)
        self._check()

    def _filter(self) -> str:
        described = self._describe()
        if described is None or not described.extensions:
            return "All files (*)"
        patterns = " ".join(f"*{e}" for e in described.extensions)
        return f"{described.title} ({patterns});;All files (*)"

    def _browse_file(self) -> None:
        start = str(self.path().parent if self.path_edit.text().strip() else self._project.folder)
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Import annotations from", start, self._filter()
        )
        if chosen:
            self.path_edit.setText(chosen)

    def _browse_folder(self) -> None:
        start = str(self.path() if self.path_edit.text().strip() else self._project.folder)
        chosen = QFileDialog.getExistingDirectory(self, "Import annotations from a folder", start)
        if chosen:
            self.path_edit.setText(chosen)

    def problem(self) -> str:
        if not self.path_edit.text().strip():
            return "Choose the file or folder to import."
        if not self.path().exists():
            return f"{self.path()} does not exist."
        return ""

    def _check(self) -> None:
        problem = self.problem()
        self.path_hint.setText(problem if self.path_edit.text().strip() else "")
        self.path_hint.setVisible(bool(self.path_hint.text()))
        self.import_button.setEnabled(not problem)

    def accept(self) -> None:
        if self.problem():
            return
        self.importRequested.emit(self.request())
        super().accept()
