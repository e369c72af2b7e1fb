"""Importing from the window: files or a folder in a worker thread, progress, then a report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
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
from annotator.gui.errors import show_error
from annotator.gui.tasks import Cancelled, Progress, Task
from annotator.services.importing import ImportProgress, import_paths
from annotator.services.project import Project

MAX_LISTED = 1000
"""Entries listed per group in the report dialog (the rest are counted)."""


class ImportRunner(QObject):
    """Runs one import at a time; ``finished`` carries the report (also when cancelled)."""

    finished = Signal(object)  # ImportReport | None

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self._task: Task | None = None
        self._dialog: QProgressDialog | None = None
        self.show_report = True
        """Tests turn the report dialog off; the report is in ``finished`` either way."""
        self.last_report: ImportReport | None = None

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self, project: Project, paths: Sequence[Path]) -> bool:
        if self._task is not None or not paths:
            return False
        chosen = [Path(p) for p in paths]

        def work(progress: Progress, cancelled: Cancelled) -> ImportReport:
            return import_paths(project, chosen, progress=progress, cancelled=cancelled)

        dialog = QProgressDialog(
            f"Importing {_describe(chosen)}…", "Cancel", 0, 0, self._parent_widget
        )
        dialog.setObjectName("importProgress")
        dialog.setWindowTitle("Import")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(460)
        task = Task(work)
        task.progress.connect(self._progress)
        task.done.connect(self._done)
        dialog.canceled.connect(task.cancel)
        self._task = task
        self._dialog = dialog
        task.start()
        return True

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def wait(self, milliseconds: int = 60_000) -> bool:
        return self._task.wait(milliseconds) if self._task is not None else True

    def _progress(self, value: object) -> None:
        if not isinstance(value, ImportProgress) or self._dialog is None:
            return
        current = value.current if len(value.current) <= 60 else "…" + value.current[-59:]
        self._dialog.setLabelText(
            f"{value.done:,} read · {value.imported:,} imported · {value.skipped:,} skipped · "
            f"{value.failed:,} failed\n{value.rate:,.0f} per second\n{current}"
        )

    def _done(self, report: object, error: object) -> None:
        self._task = None
        self._close_progress()
        if isinstance(error, BaseException):
            show_error(self._parent_widget, "Import failed", error)
            self.finished.emit(None)
            return
        assert isinstance(report, ImportReport)
        self.last_report = report
        if self.show_report:
            ImportReportDialog(report, self._parent_widget).open()
        self.finished.emit(report)

    def _close_progress(self) -> None:
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.hide()
            self._dialog.deleteLater()
            self._dialog = None


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
