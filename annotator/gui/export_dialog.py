"""Export from the window.

The dialog lists every exporter of the registry, the target (a file, or a folder or ``.zip`` for
formats that write many files), the selection (done documents only, one annotator's
annotations) and only the options that matter for the chosen format. Before anything is written
it shows, computed in a background thread, what the format cannot carry from this selection.
:class:`ExportRunner` then exports in a worker thread with a progress dialog (count, rate,
Cancel: a cancelled export leaves nothing behind) and ends with a summary of the files written
and what was left out.
"""

from __future__ import annotations

import html
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.offsets import Unit
from annotator.core.text import plural
from annotator.gui.background import BackgroundCall
from annotator.gui.dialog_parts import WrappedLabel, format_combo, muted_colour, note_label
from annotator.gui.errors import message_of, show_error
from annotator.gui.tasks import Cancelled, Progress, Task
from annotator.services.exporting import (
    ExportCancelledError,
    ExportReport,
    ExportSelection,
    export_layout,
    export_project,
    preview_losses,
)
from annotator.services.formats import (
    ExportOptions,
    FormatDescription,
    OverlapPolicy,
    available_formats,
    format_info,
)
from annotator.services.layers import ALL, CURATED, layer_choices
from annotator.services.project import Project

PREVIEW_DELAY_MS = 150
"""Options changed in quick succession start one loss preview, not one per change."""
MAX_FILES_LISTED = 200
EXAMPLE_LIMIT = 90
"""Characters of each example of a loss shown (the service's examples quote the text)."""


@dataclass(frozen=True, slots=True)
class FormatOptions:
    """Which export options a format uses (the dialog shows only these)."""

    unit: bool = False
    scheme: bool = False
    overlaps: tuple[OverlapPolicy, ...] = ()
    overlap_title: str = "Overlapping spans"
    predictions: bool = False


FORMAT_OPTIONS: Mapping[str, FormatOptions] = {
    "conll": FormatOptions(
        scheme=True,
        overlaps=(OverlapPolicy.PRIORITY, OverlapPolicy.COLUMNS, OverlapPolicy.DROP),
    ),
    "huggingface": FormatOptions(
        scheme=True, overlaps=(OverlapPolicy.PRIORITY, OverlapPolicy.DROP)
    ),
    "spacy": FormatOptions(
        overlaps=(OverlapPolicy.PRIORITY, OverlapPolicy.DROP), overlap_title="doc.ents overlaps"
    ),
    "doccano": FormatOptions(unit=True),
    "label-studio": FormatOptions(predictions=True),
}
"""Formats not listed have no options; any format whose default unit is not code points also
gets the unit choice."""

OVERLAP_TEXT = {
    OverlapPolicy.PRIORITY: "Keep the span whose label comes first in the schema",
    OverlapPolicy.COLUMNS: "One tag column per nesting layer (outermost first)",
    OverlapPolicy.DROP: "Leave out every span that overlaps another",
}
SPACY_OVERLAP_TEXT = {
    OverlapPolicy.PRIORITY: "Keep the span whose label comes first in the schema",
    OverlapPolicy.DROP: "Leave out every span that overlaps another",
}
UNIT_TEXT = {
    Unit.UTF16: "UTF-16 units",
    Unit.CODE_POINT: "Code points",
    Unit.UTF8: "UTF-8 bytes",
}


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

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self._project = project
        self._auto_path = True
        self._layout_ok = True
        self._preview = BackgroundCall(self)
        self._preview.done.connect(self._preview_done)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._start_preview)
        self._shown_key: tuple[object, ...] | None = None
        """The settings the losses on screen were computed for."""
        self._closed = False

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
        self.annotator_box = QComboBox()
        self.annotator_box.setObjectName("exportLayer")
        self.annotator_box.setToolTip(
            "Whose annotations go out: the curated layer, everyone's, or one annotator's. "
            "The default decides per document: its curated layer where it has one, else all."
        )
        self.annotator_box.addItem("Each document's curated layer if any, else all", "")
        self.annotator_box.addItem("All annotators", ALL)
        self.annotator_box.addItem("Curated layer", CURATED)
        for name in layer_choices(project)[2:]:
            self.annotator_box.addItem(name, name)

        # -- the format's options --------------------------------------------------------------
        self.unit_box = QComboBox()
        self.unit_box.setObjectName("exportUnit")
        self.unit_note = note_label()
        self.scheme_box = QComboBox()
        self.scheme_box.setObjectName("exportScheme")
        self.scheme_box.addItem("IOB2 (B-, I-, O)", "IOB2")
        self.scheme_box.addItem("BILOU (B-, I-, L-, U-, O)", "BILOU")
        self.overlap_box = QComboBox()
        self.overlap_box.setObjectName("exportOverlap")
        self.predictions_box = QComboBox()
        self.predictions_box.setObjectName("exportPredictions")
        self.predictions_box.addItem("Annotations (finished work)", False)
        self.predictions_box.addItem("Predictions (pre-annotations to review)", True)
        self.options_group = QGroupBox("Options")
        self.options_form = QFormLayout(self.options_group)
        self.options_form.addRow("Offsets in", self.unit_box)
        self.options_form.addRow("", self.unit_note)
        self.options_form.addRow("Tag scheme", self.scheme_box)
        self.options_form.addRow("Overlapping spans", self.overlap_box)
        self.options_form.addRow("Write spans as", self.predictions_box)

        # -- what is lost ----------------------------------------------------------------------
        self.losses_group = QGroupBox("What this format cannot carry")
        self.losses_label = QLabel()
        self.losses_label.setObjectName("exportLosses")
        self.losses_label.setWordWrap(True)
        self.losses_label.setTextFormat(Qt.TextFormat.RichText)
        self.losses_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.losses_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.losses_label.setContentsMargins(2, 2, 2, 2)
        losses_scroll = QScrollArea()
        losses_scroll.setWidgetResizable(True)
        losses_scroll.setFrameShape(QFrame.Shape.NoFrame)
        losses_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        losses_scroll.setWidget(self.losses_label)
        losses_scroll.setMinimumHeight(110)
        losses_scroll.viewport().setAutoFillBackground(False)
        self.losses_label.setAutoFillBackground(False)
        losses_layout = QVBoxLayout(self.losses_group)
        losses_layout.addWidget(losses_scroll)

        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("", self.description)
        form.addRow("", self.problem_row)
        form.addRow("Write as", self.kind_box)
        form.addRow("Target", path_row)
        form.addRow("", self.target_hint)
        form.addRow("Layer", self.annotator_box)
        form.addRow("", self.done_only)
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
        for box in (
            self.unit_box,
            self.scheme_box,
            self.overlap_box,
            self.predictions_box,
            self.annotator_box,
        ):
            box.currentIndexChanged.connect(self._schedule_preview)
        self.done_only.toggled.connect(self._schedule_preview)
        self._format_changed()
        self.resize(640, 1)  # the layout's minimum height; then as tall as the rows need
        self._fit_height()

    # -- what the dialog decided --------------------------------------------------------------

    def format_name(self) -> str:
        return str(self.format_box.currentData() or "jsonl")

    def output(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def selection(self) -> ExportSelection:
        return ExportSelection(
            done_only=self.done_only.isChecked(), layer=str(self.annotator_box.currentData())
        )

    def options(self) -> ExportOptions:
        shown = self._shown_options()
        info = format_info(self.format_name())
        unit = info.default_unit if info is not None else Unit.CODE_POINT
        if self._has_unit(shown) and self.unit_box.currentData() is not None:
            unit = Unit(self.unit_box.currentData())
        policy = OverlapPolicy.PRIORITY
        if shown.overlaps and self.overlap_box.currentData() is not None:
            policy = OverlapPolicy(self.overlap_box.currentData())
        return ExportOptions(
            offset_unit=unit,
            overlap_policy=policy,
            scheme=str(self.scheme_box.currentData()) if shown.scheme else "IOB2",
            as_predictions=bool(self.predictions_box.currentData()) if shown.predictions else False,
        )

    def request(self) -> ExportRequest:
        return ExportRequest(self.format_name(), self.output(), self.selection(), self.options())

    def is_folder_layout(self) -> bool:
        return self._folder_layout

    # -- format -------------------------------------------------------------------------------

    def _shown_options(self) -> FormatOptions:
        return FORMAT_OPTIONS.get(self.format_name(), FormatOptions())

    def _has_unit(self, shown: FormatOptions) -> bool:
        info = format_info(self.format_name())
        return shown.unit or (info is not None and info.default_unit != Unit.CODE_POINT)

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
        shown = self._shown_options()
        info = format_info(self.format_name())
        title = self._title()
        form = self.options_form
        has_unit = self._has_unit(shown)
        form.setRowVisible(self.unit_box, has_unit)
        form.setRowVisible(self.unit_note, has_unit)
        form.setRowVisible(self.scheme_box, shown.scheme)
        form.setRowVisible(self.overlap_box, bool(shown.overlaps))
        form.setRowVisible(self.predictions_box, shown.predictions)
        if has_unit:
            default = info.default_unit if info is not None else Unit.CODE_POINT
            self.unit_box.blockSignals(True)
            self.unit_box.clear()
            for unit in (default, *(u for u in (Unit.CODE_POINT, Unit.UTF16) if u != default)):
                text = UNIT_TEXT[unit]
                if unit == default:
                    text += f" — as {self.format_name()} shows them (default)"
                self.unit_box.addItem(text, unit.value)
            self.unit_box.blockSignals(False)
            self.unit_note.setText(
                f"{title} counts offsets in {default.description}"
                + (
                    ", like JavaScript: an emoji counts as 2. Choose code points only for a "
                    "reader that counts like Python string indices."
                    if default == Unit.UTF16
                    else "."
                )
            )
        if shown.overlaps:
            texts = SPACY_OVERLAP_TEXT if self.format_name() == "spacy" else OVERLAP_TEXT
            label = form.labelForField(self.overlap_box)
            if isinstance(label, QLabel):
                label.setText(shown.overlap_title)
            self.overlap_box.blockSignals(True)
            self.overlap_box.clear()
            for policy in shown.overlaps:
                self.overlap_box.addItem(texts[policy], policy.value)
            self.overlap_box.blockSignals(False)
        any_option = has_unit or shown.scheme or bool(shown.overlaps) or shown.predictions
        self.options_group.setVisible(any_option)
        self.options_group.setTitle(f"Options for {title}")
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
        self._update_button()
        if not self._layout_ok:
            self._shown_key = None
            self.losses_label.setText("")
            self.losses_group.hide()
            return
        self.losses_group.show()
        if self._key() != self._shown_key:
            self.losses_label.setText(
                f"<i>Checking what {html.escape(self._title())} cannot carry…</i>"
            )
        self._preview_timer.start()

    def _start_preview(self) -> None:
        if self._preview.running or not self._layout_ok or self._closed:
            return  # _preview_done starts the next one
        key = self._key()
        if key == self._shown_key:
            return
        project = self._project
        name, selection, options = self.format_name(), self.selection(), self.options()
        self._preview.run(key, lambda: preview_losses(project, name, selection, options))

    def _preview_done(self, key: object, report: object, error: object) -> None:
        if self._closed:
            return
        if key != self._key():
            self._start_preview()  # the settings changed meanwhile
            return
        self._shown_key = self._key()
        title = html.escape(self._title())
        if isinstance(error, BaseException):
            self.losses_label.setText(
                f"Could not check what {title} cannot carry: {html.escape(message_of(error))}"
            )
        else:
            self.losses_label.setText(losses_html(report, self._title(), muted_colour(self).name()))
            left_out = getattr(report, "left_out", None)
            layers = " and what the layer choice leaves out" if left_out and left_out() else ""
            self.losses_group.setTitle(f"What {self._title()} cannot carry{layers}")
        self._update_button()

    def preview_ready(self) -> bool:
        """Whether the losses on screen are those of the current settings."""
        return self._shown_key is not None and self._shown_key == self._key()

    def losses_text(self) -> str:
        return self.losses_label.text()

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
        self._closed = True
        self._preview_timer.stop()
        if self._preview.running:
            self._preview.done.connect(self.deleteLater)
        else:
            self.deleteLater()


def losses_html(report: object, title: str, muted: str = "#6a737d", intro: str = "") -> str:
    """The loss report (a LossReport) as a list for a label: each kind of loss with its count,
    and a few examples, shortened, in the ``muted`` colour."""
    counts = getattr(report, "counts", {})
    examples = getattr(report, "examples", {})
    rows = []
    for loss, count in sorted(counts.items(), key=lambda item: str(item[0].value)):
        if not count:
            continue
        shown = [_shorten(e) for e in dict.fromkeys(examples.get(loss, []))]
        detail = (
            f"<br><span style='color: {muted}'>e.g. {html.escape('; '.join(shown))}</span>"
            if shown
            else ""
        )
        rows.append(f"<li><b>{count:,} {html.escape(str(loss.value))}</b>{detail}</li>")
    left_out = getattr(report, "left_out", None)
    if left_out is not None:  # annotations a layer choice kept out, by layer
        rows.extend(f"<li><b>{html.escape(line)}</b></li>" for line in left_out())
    if not rows:
        return f"Nothing is lost: {html.escape(title)} carries everything in this selection."
    return (
        f"{html.escape(intro)}<ul style='margin-left: 0px; -qt-list-indent: 1'>{''.join(rows)}</ul>"
    )


def _shorten(text: str, limit: int = EXAMPLE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ExportRunner(QObject):
    """Runs an export in a worker thread with a progress dialog; ``finished`` has the report
    (``None`` when it failed or was cancelled) and ``message`` a line for the status bar."""

    finished = Signal(object)  # ExportReport | None
    message = Signal(str)

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self._task: Task | None = None
        self._dialog: QProgressDialog | None = None
        self._started = 0.0
        self._total = 0
        self._out = Path()
        self.show_summary = True
        """Tests may turn the summary dialog off; the report is in ``finished`` either way."""
        self.last_report: ExportReport | None = None

    @property
    def running(self) -> bool:
        return self._task is not None

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        return self._dialog

    def run(self, project: Project, request: ExportRequest) -> bool:
        return self.start(project, request.format, request.out, request.selection, request.options)

    def start(
        self,
        project: Project,
        format_name: str,
        out: Path,
        selection: ExportSelection,
        options: ExportOptions | None = None,
    ) -> bool:
        if self._task is not None:
            return False
        if options is None:
            info = format_info(format_name)
            options = ExportOptions(
                offset_unit=info.default_unit if info is not None else Unit.CODE_POINT
            )
        chosen = options

        def work(progress: Progress, cancelled: Cancelled) -> ExportReport:
            return export_project(
                project,
                format_name,
                out,
                selection,
                chosen,
                progress=progress,
                cancelled=cancelled,
            )

        if selection.document_ids is not None:
            total = len(selection.document_ids)
        else:
            status = DocumentStatus.DONE if selection.done_only else None
            total = project.count_documents(DocumentFilter(status=status))
        self._total, self._out, self._started = total, out, time.monotonic()
        dialog = QProgressDialog(
            f"Exporting to {out.name}…", "Cancel", 0, total, self._parent_widget
        )
        dialog.setObjectName("exportProgress")
        dialog.setWindowTitle("Export")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setMinimumWidth(420)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        task = Task(work)
        task.progress.connect(self._progress)
        task.done.connect(self._done)
        dialog.canceled.connect(self.cancel)
        self._task, self._dialog = task, dialog
        task.start()
        return True

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            if self._dialog is not None:
                self._dialog.setLabelText(f"Cancelling the export to {self._out.name}…")

    def wait(self, milliseconds: int = 60_000) -> bool:
        return self._task.wait(milliseconds) if self._task is not None else True

    def _progress(self, value: object) -> None:
        if not isinstance(value, int) or self._dialog is None or self._task is None:
            return
        if self._task.cancelled:
            return
        elapsed = max(time.monotonic() - self._started, 1e-6)
        self._dialog.setValue(min(value, self._total))
        self._dialog.setLabelText(
            f"Exporting to {self._out.name}…\n{value:,} of {plural(self._total, 'document')} · "
            f"{value / elapsed:,.0f} per second"
        )

    def _done(self, report: object, error: object) -> None:
        cancelled = self._task is not None and self._task.cancelled
        self._task = None
        self._close()
        if isinstance(error, ExportCancelledError) or (cancelled and error is not None):
            self.message.emit(f"Export cancelled: nothing was written to {self._out}")
            self.finished.emit(None)
            return
        if isinstance(error, BaseException):
            show_error(self._parent_widget, "Export failed", error)
            self.finished.emit(None)
            return
        assert isinstance(report, ExportReport)
        self.last_report = report
        if self.show_summary:
            ExportSummaryDialog(report, self._parent_widget).open()
        self.finished.emit(report)

    def _close(self) -> None:
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.hide()
            self._dialog.deleteLater()
            self._dialog = None


class ExportSummaryDialog(QDialog):
    """What was written where, and what the format left out."""

    def __init__(self, report: ExportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportSummary")
        self.setWindowTitle("Export finished")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._report = report
        described = next((f for f in available_formats() if f.name == report.format), None)
        title = described.title if described else report.format
        self.summary = QLabel(
            f"Wrote {plural(report.documents, 'document')}, {plural(report.spans, 'span')} and "
            f"{plural(report.relations, 'relation')} as {html.escape(title)}."
        )
        self.summary.setObjectName("exportSummaryText")
        self.summary.setWordWrap(True)
        self.files = QListWidget()
        self.files.setObjectName("exportFiles")
        for path in report.files[:MAX_FILES_LISTED]:
            self.files.addItem(str(path))
        if len(report.files) > MAX_FILES_LISTED:
            self.files.addItem(f"… and {len(report.files) - MAX_FILES_LISTED:,} more")
        rows = min(6, max(1, self.files.count()))
        self.files.setMaximumHeight(
            self.files.sizeHintForRow(0) * rows + 2 * self.files.frameWidth() + 6
        )
        self.losses = QLabel(
            losses_html(
                report.losses, title, muted_colour(self).name(), f"Left out or changed by {title}:"
            )
        )
        self.losses.setObjectName("exportSummaryLosses")
        self.losses.setWordWrap(True)
        self.losses.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        show = buttons.addButton("Show in Folder", QDialogButtonBox.ButtonRole.ActionRole)
        show.clicked.connect(self._show_folder)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("Files written:"))
        layout.addWidget(self.files)
        layout.addWidget(self.losses)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(600, self.sizeHint().height())

    def _show_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._report.path.parent)))
