"""Running an export from the window: a worker thread with a progress dialog (count, rate,
Cancel: a cancelled export leaves nothing behind), then a summary of the files written and of
what the format left out."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.offsets import Unit
from annotator.core.text import plural
from annotator.gui.dialog_parts import muted_colour
from annotator.gui.export_losses import losses_html
from annotator.gui.task_runner import ProgressLook, TaskRunner
from annotator.gui.tasks import Cancelled, Progress
from annotator.services.exporting import (
    ExportCancelledError,
    ExportReport,
    ExportSelection,
    export_project,
)
from annotator.services.formats import ExportOptions, available_formats, format_info
from annotator.services.project import Project

if TYPE_CHECKING:
    from annotator.gui.export_dialog import ExportRequest

MAX_FILES_LISTED = 200


class ExportRunner(TaskRunner):
    """Runs an export in a worker thread with a progress dialog; ``finished`` has the report
    (``None`` when it failed or was cancelled) and ``message`` a line for the status bar."""

    failure_title = "Export failed"
    cancelled_error = ExportCancelledError
    last_report: ExportReport | None

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._total = 0
        self._out = Path()

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
        self._total, self._out = total, out
        look = ProgressLook("exportProgress", "Export", f"Exporting to {out.name}…", total, 420)
        self._launch(work, look)
        return True

    def _show_progress(self, dialog: QProgressDialog, value: object) -> None:
        if not isinstance(value, int):
            return
        self._show_count(dialog, f"Exporting to {self._out.name}…", value, self._total)

    def _cancelling_text(self) -> str:
        return f"Cancelling the export to {self._out.name}…"

    def _cancelled_message(self) -> str:
        return f"Export cancelled: nothing was written to {self._out}"

    def _report_dialog(self, report: object) -> QDialog:
        assert isinstance(report, ExportReport)
        return ExportSummaryDialog(report, self._parent_widget)


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
