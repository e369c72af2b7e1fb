"""Dialogs around projects: new project, open a folder, the annotator's name."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.project import PROJECT_FILE
from annotator.services.resources import schema_templates


@dataclass(frozen=True, slots=True)
class NewProjectChoice:
    folder: Path
    name: str
    schema: str


class NewProjectDialog(QDialog):
    """Where the new project goes, its name and the schema template it starts from."""

    def __init__(self, parent: QWidget | None = None, start: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newProjectDialog")
        self.setWindowTitle("New project")
        self.folder_edit = QLineEdit(str(start or Path.home() / "annotation-project"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("the folder's name")
        self.schema_box = QComboBox()
        for name in schema_templates():
            self.schema_box.addItem(name, name)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.folder_edit.textChanged.connect(self._check)
        form = QFormLayout()
        form.addRow("Folder", row)
        form.addRow("Name", self.name_edit)
        form.addRow("Labels from", self.schema_box)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())
        self._check()

    def choice(self) -> NewProjectChoice:
        return NewProjectChoice(
            Path(self.folder_edit.text()).expanduser(),
            self.name_edit.text().strip(),
            str(self.schema_box.currentData() or "news-events"),
        )

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the new project")
        if chosen:
            self.folder_edit.setText(chosen)

    def _check(self) -> None:
        folder = Path(self.folder_edit.text()).expanduser()
        taken = (folder / PROJECT_FILE).exists()
        self.hint.setText(
            f"{folder} is already a project: use File › Open Project… instead."
            if taken
            else "The folder gets project.toml (labels and settings), guidelines.md and the "
            "annotation database. Import articles afterwards with File › Import Articles…"
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.folder_edit.text().strip()) and not taken)


def choose_project_folder(parent: QWidget | None, start: Path | None = None) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(
        parent, "Open project folder", str(start) if start else ""
    )
    return Path(chosen) if chosen else None


def ask_annotator_name(parent: QWidget | None, current: str = "") -> str | None:
    """Ask who is annotating; ``None`` when the user cancels."""
    default = current
    if not default:
        try:
            default = getpass.getuser()
        except (KeyError, OSError):
            default = ""
    name, ok = QInputDialog.getText(
        parent,
        "Your name",
        "Your name as an annotator (it is stored with every span you make):",
        QLineEdit.EchoMode.Normal,
        default,
    )
    name = name.strip()
    return name if ok and name else None
