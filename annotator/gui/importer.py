"""Importing from the window: files or a folder in a worker thread, progress, then a report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QProgressDialog,
    QTreeWidgetItem,
    QWidget,
)

from annotator.core.reports import ImportReport, Skipped
from annotator.core.text import plural
from annotator.gui.task_report import TaskReportDialog
from annotator.gui.task_runner import ProgressLook, TaskRunner
from annotator.gui.tasks import Cancelled, Progress
from annotator.services.importing import ImportProgress, import_paths
from annotator.services.project import Project


class ImportRunner(TaskRunner):
    """Runs one import at a time; ``finished`` carries the report (also when cancelled)."""

    failure_title = "Import failed"
    last_report: ImportReport | None

    def start(self, project: Project, paths: Sequence[Path]) -> bool:
        if self._task is not None or not paths:
            return False
        chosen = [Path(p) for p in paths]

        def work(progress: Progress, cancelled: Cancelled) -> ImportReport:
            return import_paths(project, chosen, progress=progress, cancelled=cancelled)

        self._launch(
            work, ProgressLook("importProgress", "Import", f"Importing {_describe(chosen)}…")
        )
        return True

    def _show_progress(self, dialog: QProgressDialog, value: object) -> None:
        if not isinstance(value, ImportProgress):
            return
        current = value.current if len(value.current) <= 60 else "…" + value.current[-59:]
        dialog.setLabelText(
            f"{value.done:,} read · {value.imported:,} imported · {value.skipped:,} skipped · "
            f"{value.failed:,} failed\n{value.rate:,.0f} per second\n{current}"
        )

    def _report_dialog(self, report: object) -> QDialog:
        assert isinstance(report, ImportReport)
        return ImportReportDialog(report, self._parent_widget)


class ImportReportDialog(TaskReportDialog):
    """What was imported, skipped as a duplicate, or failed (with file:line and reason)."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        summary = QLabel(report.summary().capitalize() + ".")
        summary.setObjectName("importSummary")
        super().__init__(
            parent,
            name="importReport",
            title="Import report",
            summary=summary,
            headers=("Where", "What happened"),
        )
        imported = self.group("Imported", len(report.imported))
        if report.imported:
            first, last = min(report.imported), max(report.imported)
            QTreeWidgetItem(
                imported,
                [f"documents {first}–{last}", f"{plural(len(report.imported), 'new document')}"],
            )
        skipped = self.group("Skipped", len(report.skipped))
        self.list_in(skipped, map(_skipped_row, report.skipped), len(report.skipped))
        failed = self.group("Failed", len(report.failures))
        rows = ((f.where, f"{f.reason} [{f.code}]") for f in report.failures)
        self.list_in(failed, rows, len(report.failures))
        self.finish((imported, skipped, failed))


def _skipped_row(item: Skipped) -> tuple[str, str]:
    reason = item.reason
    if item.duplicate_of is not None:
        reason += f" (document {item.duplicate_of})"
    return item.origin, reason


def _describe(paths: Sequence[Path]) -> str:
    if len(paths) == 1:
        return paths[0].name or str(paths[0])
    return f"{len(paths)} files and folders"
