"""Export from the window: the dialog that decides what to export.

The dialog lists every exporter of the registry, the target (a file, or a folder or ``.zip`` for
formats that write many files), the selection (done documents only, one annotator's
annotations) and only the options that matter for the chosen format
(:mod:`annotator.gui.export_options`). Before anything is written it shows what the format
cannot carry from this selection (:mod:`annotator.gui.export_losses`);
:class:`annotator.gui.export_runner.ExportRunner` then exports.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
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
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from annotator.core.ids import DocumentId
from annotator.core.text import plural
from annotator.gui.dialog_parts import WrappedLabel, format_combo, note_label
from annotator.gui.errors import message_of
from annotator.gui.export_losses import LossPreview
from annotator.gui.export_options import ExportOptionsGroup
from annotator.services.exporting import ExportSelection, export_layout, preview_losses
from annotator.services.formats import (
    ExportOptions,
    FormatDescription,
    available_formats,
    format_info,
)
from annotator.services.layers import ALL, CURATED, layer_choices
from annotator.services.project import Project


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """Everything the dialog decided: what :class:`ExportRunner` needs to export."""

    format: str
    out: Path
    selection: ExportSelection
    options: ExportOptions


class ExportDialog(QDialog):
    """Format, target, selection and the format's own options, with the losses shown first.

    ``exportRequested(ExportRequest)`` is emitted when the user presses Export; the dialog then
    closes. Open it with ``open()`` (it never blocks the caller).
    """

    exportRequested = Signal(object)  # ExportRequest

    def __init__(
        self,
        project: Project,
        parent: QWidget | None = None,
        listed: Sequence[DocumentId] | None = None,
    ) -> None:
        """``listed``: the documents the window's list shows (its search and filters)."""
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self._project = project
        self._auto_path = True
        self._layout_ok = True

        # -- format ----------------------------------------------------------------------------
        self.formats: list[FormatDescription] = [f for f in available_formats() if f.can_export]
        self.format_box = format_combo(self.formats, "exportFormat")
        self.description = note_label()
        self.format_problem = WrappedLabel()
        self.format_problem.setObjectName("formatProblem")
        self.format_problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        problem_icon = QLabel()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        problem_icon.setPixmap(icon.pixmap(20, 20))
        problem_icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.problem_row = QWidget()
        problem_layout = QHBoxLayout(self.problem_row)
        problem_layout.setContentsMargins(0, 0, 0, 0)
        problem_layout.addWidget(problem_icon)
        problem_layout.addWidget(self.format_problem, 1)

        # -- target ----------------------------------------------------------------------------
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("exportTargetKind")
        self.kind_box.addItem("One .zip file", "zip")
        self.kind_box.addItem("A new folder", "folder")
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("exportPath")
        self.path_edit.textEdited.connect(self._path_edited)
        self.path_edit.textChanged.connect(self._check_target)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.target_hint = note_label()
        self.target_hint.setObjectName("targetHint")

        # -- selection -------------------------------------------------------------------------
        self.done_only = QCheckBox("Only documents marked done")
        self._listed = list(listed) if listed is not None else []
        total = project.count_documents()
        self.listed_only = QCheckBox(
            f"Only the {plural(len(self._listed), 'document')} in the list (of {total:,})"
        )
        self.listed_only.setObjectName("exportListedOnly")
        self.listed_only.setToolTip(
            "The documents the Documents list shows: its search and filters"
        )
        self.listed_only.setVisible(listed is not None and len(self._listed) < total)
        self.annotator_box = QComboBox()
        self.annotator_box.setObjectName("exportLayer")
        self.annotator_box.setToolTip(
            "Whose annotations go out: the curated layer, everyone's, or one annotator's. "
            "The default decides per document: its curated layer where it has one, else all."
        )
        self.annotator_box.addItem("Each document's curated layer if any, else all", "")
        self.annotator_box.addItem("All annotators", ALL)
        if not project.blinded():  # blind annotation: one's own layer only
            self.annotator_box.addItem("Curated layer", CURATED)
        for name in layer_choices(project)[2:]:
            self.annotator_box.addItem(name, name)

        # -- the format's options and what they lose ------------------------------------------
        self.options_group = ExportOptionsGroup()
        self.options_form = self.options_group.form
        self.unit_box = self.options_group.unit_box
        self.unit_note = self.options_group.unit_note
        self.scheme_box = self.options_group.scheme_box
        self.overlap_box = self.options_group.overlap_box
        self.predictions_box = self.options_group.predictions_box
        self.losses_group = LossPreview()
        self.losses_group.updated.connect(self._update_button)

        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("", self.description)
        form.addRow("", self.problem_row)
        form.addRow("Write as", self.kind_box)
        form.addRow("Target", path_row)
        form.addRow("", self.target_hint)
        form.addRow("Layer", self.annotator_box)
        form.addRow("", self.done_only)
        form.addRow("", self.listed_only)
        self._form = form
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.options_group)
        layout.addWidget(self.losses_group, 1)
        layout.addWidget(self.buttons)

        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.options_group.changed.connect(self._schedule_preview)
        self.annotator_box.currentIndexChanged.connect(self._schedule_preview)
        self.done_only.toggled.connect(self._schedule_preview)
        self.listed_only.toggled.connect(self._schedule_preview)
        self._format_changed()
        self.resize(640, 1)  # the layout's minimum height; then as tall as the rows need
        self._fit_height()

    # -- what the dialog decided --------------------------------------------------------------

    def format_name(self) -> str:
        return str(self.format_box.currentData() or "jsonl")

    def output(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def selection(self) -> ExportSelection:
        limited = self.listed_only.isChecked() and not self.listed_only.isHidden()
        return ExportSelection(
            done_only=self.done_only.isChecked(),
            layer=str(self.annotator_box.currentData()),
            document_ids=self._listed if limited else None,
        )

    def options(self) -> ExportOptions:
        return self.options_group.options()

    def request(self) -> ExportRequest:
        return ExportRequest(self.format_name(), self.output(), self.selection(), self.options())

    def is_folder_layout(self) -> bool:
        return self._folder_layout

    # -- format -------------------------------------------------------------------------------

    def _description(self) -> FormatDescription | None:
        name = self.format_name()
        return next((f for f in self.formats if f.name == name), None)

    def _format_changed(self) -> None:
        name = self.format_name()
        described = self._description()
        self.description.setText(described.description if described else "")
        info = format_info(name)
        self._folder_layout = info is not None and str(info.layout) == "folder"
        # loading the format's module tells whether it is there and works
        try:
            layout = export_layout(name)
        except Exception as error:
            self._layout_ok = False
            title = described.title if described else name
            self.format_problem.setText(
                f"The {html.escape(title)} exporter cannot be loaded, so this format cannot be "
                f"used now: {html.escape(message_of(error))}. Choose another format."
            )
        else:
            self._layout_ok = True
            self._folder_layout = str(layout) == "folder"
        self._form.setRowVisible(self.problem_row, not self._layout_ok)
        self._form.setRowVisible(self.kind_box, self._folder_layout)
        if self._folder_layout and self.kind_box.currentData() != "zip" and self._auto_path:
            self.kind_box.blockSignals(True)
            self.kind_box.setCurrentIndex(0)
            self.kind_box.blockSignals(False)
        self._show_options()
        self._update_path()
        self._schedule_preview()
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow (never shrink) to show every row: wrapped labels need more height than the
        layout's minimum says when the format changes."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        width = self.width()
        needed = (
            layout.totalHeightForWidth(width)
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        if needed > self.height():
            self.resize(width, needed)

    def _show_options(self) -> None:
        title = self._title()
        self.options_group.show_format(self.format_name(), title)
        self.losses_group.setTitle(f"What {title} cannot carry")

    # -- target -------------------------------------------------------------------------------

    def _extension(self) -> str:
        if self._folder_layout:
            return ".zip" if self.kind_box.currentData() == "zip" else ""
        described = self._description()
        return described.extensions[0] if described and described.extensions else ""

    def _default_path(self) -> Path:
        folder = self._project.folder
        name = self.format_name()
        stem = folder.name if name == "jsonl" else f"{folder.name}-{name}"
        return folder / f"{stem}{self._extension()}"

    def _update_path(self) -> None:
        """A default name while the user has not chosen one, else the chosen one with the
        format's extension (a folder name for folder targets)."""
        if self._auto_path or not self.path_edit.text().strip():
            self.path_edit.setText(str(self._default_path()))
            self._auto_path = True
            return
        path = self.output()
        extension = self._extension()
        described = self._description()
        known = described.extensions if described else ()
        if self._folder_layout:
            if extension == ".zip" and path.suffix.lower() != ".zip":
                path = (
                    path.with_suffix(".zip") if path.suffix else path.with_name(path.name + ".zip")
                )
            elif not extension and path.suffix:
                path = path.with_suffix("")
        elif extension and path.suffix not in known:
            path = path.with_suffix(extension)
        self.path_edit.setText(str(path))

    def _path_edited(self) -> None:
        self._auto_path = False

    def _kind_changed(self) -> None:
        self._update_path()

    def _browse(self) -> None:
        start = str(self.output())
        if self._folder_layout and self.kind_box.currentData() == "folder":
            chosen = QFileDialog.getExistingDirectory(
                self, "Export into a new or empty folder", str(self.output().parent)
            )
        else:
            extension = self._extension()
            kind = "Zip file" if extension == ".zip" else self.format_box.currentText()
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export to", start, f"{kind} (*{extension});;All files (*)"
            )
        if chosen:
            self._auto_path = False
            self.path_edit.setText(chosen)
            self._update_path()

    def target_problem(self) -> str:
        """Why the target cannot be written, or "" when it can."""
        text = self.path_edit.text().strip()
        if not text:
            return "Choose where to write."
        path = self.output()
        if not path.parent.is_dir():
            return f"The folder {path.parent} does not exist."
        if self._folder_layout and self.kind_box.currentData() == "folder":
            if path.exists() and (not path.is_dir() or any(path.iterdir())):
                return f"{path.name} exists and is not an empty folder: choose a new folder."
        elif path.is_dir():
            return f"{path} is a folder: choose a file name."
        return ""

    def _check_target(self) -> None:
        problem = self.target_problem()
        path = self.output()
        if problem:
            self.target_hint.setText(problem)
        elif self._folder_layout and self.kind_box.currentData() == "folder":
            self.target_hint.setText("One file per document is written into this folder.")
        elif path.exists():
            self.target_hint.setText(f"{path.name} exists and will be replaced.")
        elif self._folder_layout:
            self.target_hint.setText("One file per document, all in this .zip file.")
        else:
            self.target_hint.setText("")
        self.target_hint.setVisible(bool(self.target_hint.text()))
        self._update_button()

    # -- losses -------------------------------------------------------------------------------

    def _key(self) -> tuple[object, ...]:
        return (self.format_name(), self.selection(), self.options())

    def _schedule_preview(self) -> None:
        if not self._layout_ok:
            self.losses_group.clear()
            return
        project = self._project
        name, selection, options = self.format_name(), self.selection(), self.options()
        self.losses_group.schedule(
            (name, selection, options),
            self._title(),
            lambda cancelled: preview_losses(
                project, name, selection, options, cancelled=cancelled
            ),
        )

    def preview_ready(self) -> bool:
        """Whether the losses on screen are those of the current settings."""
        return self.losses_group.ready()

    def losses_text(self) -> str:
        return self.losses_group.text()

    def _title(self) -> str:
        described = self._description()
        return described.title if described else self.format_name()

    def _update_button(self) -> None:
        ready = self._layout_ok and self.preview_ready() and not self.target_problem()
        self.export_button.setEnabled(ready)

    # -- finishing ----------------------------------------------------------------------------

    def accept(self) -> None:
        if not self.export_button.isEnabled():
            return
        self.exportRequested.emit(self.request())
        super().accept()

    def done(self, result: int) -> None:
        """Closed: deleted once no preview thread can still answer it."""
        super().done(result)
        self.losses_group.stop(self.deleteLater)
