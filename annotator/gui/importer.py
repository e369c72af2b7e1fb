"""Importing from the window: files or a folder in a worker thread, progress, then a report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressDialog,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.reports import ImportReport
from annotator.core.text import plural
from annotator.gui.task_runner import ProgressLook, TaskRunner
from annotator.gui.tasks import Cancelled, Progress
from annotator.services.importing import ImportProgress, import_paths
from annotator.services.project import Project

MAX_LISTED = 1000
"""Entries listed per group in the report dialog (the rest are counted)."""


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


class ImportReportDialog(QDialog):
    """What was imported, skipped as a duplicate, or failed (with file:line and reason)."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReport")
        self.setWindowTitle("Import report")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(720, 440)
        summary = QLabel(report.summary().capitalize() + ".")
        summary.setObjectName("importSummary")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Where", "What happened"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)

        imported = QTreeWidgetItem(self.tree, [f"Imported ({len(report.imported):,})", ""])
        if report.imported:
            first, last = min(report.imported), max(report.imported)
            QTreeWidgetItem(
                imported,
                [f"documents {first}–{last}", f"{plural(len(report.imported), 'new document')}"],
            )
        skipped = QTreeWidgetItem(self.tree, [f"Skipped ({len(report.skipped):,})", ""])
        for item in report.skipped[:MAX_LISTED]:
            reason = item.reason
            if item.duplicate_of is not None:
                reason += f" (document {item.duplicate_of})"
            QTreeWidgetItem(skipped, [item.origin, reason])
        _more(skipped, len(report.skipped))
        failed = QTreeWidgetItem(self.tree, [f"Failed ({len(report.failures):,})", ""])
        for failure in report.failures[:MAX_LISTED]:
            QTreeWidgetItem(failed, [failure.where, f"{failure.reason} [{failure.code}]"])
        _more(failed, len(report.failures))
        for group in (imported, skipped, failed):
            group.setExpanded(group.childCount() <= 200)
        self.tree.resizeColumnToContents(0)
        if self.tree.columnWidth(0) > 420:
            self.tree.setColumnWidth(0, 420)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)


def _more(group: QTreeWidgetItem, total: int) -> None:
    if total > MAX_LISTED:
        QTreeWidgetItem(group, [f"… and {total - MAX_LISTED:,} more", ""])


def _describe(paths: Sequence[Path]) -> str:
    if len(paths) == 1:
        return paths[0].name or str(paths[0])
    return f"{len(paths)} files and folders"
