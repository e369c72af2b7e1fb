"""Annotator packages from the window: export and merge run through the task runner (progress
after 300 ms, Cancel, errors shown), then a report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QProgressDialog, QWidget

from annotator.core.document import DocumentFilter
from annotator.core.errors import PackageCancelledError
from annotator.core.ids import DocumentId
from annotator.core.packages import Conflict, MergeReport
from annotator.core.text import plural
from annotator.gui.task_report import TaskReportDialog
from annotator.gui.task_runner import ProgressLook, TaskRunner
from annotator.gui.tasks import Cancelled, Progress
from annotator.services.packages import PackageExport, export_package, merge_packages
from annotator.services.project import Project


def export_summary(done: PackageExport) -> str:
    return (
        f"Exported {done.annotator}'s {plural(done.spans, 'span')} and "
        f"{plural(done.relations, 'relation')} on {plural(done.documents, 'document')}"
    )


class PackageExportRunner(TaskRunner):
    """Writes one package in a worker thread; Cancel leaves no file behind. Errors show over
    the export dialog (``parent_widget``), which stays open; the report over ``report_parent``."""

    failure_title = "Cannot export the package"
    cancelled_error = PackageCancelledError
    last_report: PackageExport | None

    def __init__(self, parent_widget: QWidget, report_parent: QWidget | None = None) -> None:
        super().__init__(parent_widget)
        self._report_parent = report_parent or parent_widget
        self._path = Path()
        self._total = 0

    def start(self, project: Project, annotator: str, path: Path, where: DocumentFilter) -> bool:
        if self._task is not None:
            return False

        def work(progress: Progress, cancelled: Cancelled) -> PackageExport:
            return export_package(
                project, annotator, None, path, where, progress=progress, cancelled=cancelled
            )

        self._path, self._total = path, project.count_documents(where)
        look = ProgressLook(
            "exportPackageProgress",
            "Export Annotator Package",
            f"Writing {path.name}…",
            self._total,
        )
        self._launch(work, look)
        return True

    def _show_progress(self, dialog: QProgressDialog, value: object) -> None:
        if not isinstance(value, int):
            return
        self._show_count(dialog, f"Writing {self._path.name}…", value, self._total)

    def _cancelling_text(self) -> str:
        return f"Cancelling: {self._path.name} will not be written…"

    def _cancelled_message(self) -> str:
        return f"Package export cancelled: nothing was written to {self._path}"

    def _report_dialog(self, report: object) -> QDialog:
        assert isinstance(report, PackageExport)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Package exported",
            f"{export_summary(report)}.\n\nFile: {report.path}\n\nAnnotate it in another copy "
            "of annotator, then merge it back with File › Merge Packages…",
            QMessageBox.StandardButton.Ok,
            self._report_parent,
        )
        box.setObjectName("exportPackageReport")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return box


class MergeRunner(TaskRunner):
    """Merges packages in a worker thread, one transaction per document: Cancel stops between
    documents and those merged so far are reported (and stay merged)."""

    failure_title = "Cannot merge the packages"
    last_report: MergeReport | None

    def start(self, project: Project, paths: Sequence[Path]) -> bool:
        if self._task is not None or not paths:
            return False
        chosen = list(paths)

        def work(progress: Progress, cancelled: Cancelled) -> MergeReport:
            return merge_packages(project, chosen, progress=progress, cancelled=cancelled)

        label = chosen[0].name if len(chosen) == 1 else plural(len(chosen), "package")
        self._launch(work, ProgressLook("mergeProgress", "Merge Packages", f"Merging {label}…"))
        return True

    def _show_progress(self, dialog: QProgressDialog, value: object) -> None:
        if isinstance(value, int):
            dialog.setLabelText(
                f"Merging packages…\n{plural(value, 'document')} merged · {self._per_second(value)}"
            )

    def _cancelling_text(self) -> str:
        return "Cancelling: the documents merged so far stay merged…"

    def _report_dialog(self, report: object) -> QDialog:
        assert isinstance(report, MergeReport)
        return MergeReportDialog(report, self._parent_widget)


class MergeReportDialog(TaskReportDialog):
    """What merging did: added, updated, unchanged, conflicts (the project's version kept) and
    errors (a package or document skipped), each with its file and document."""

    def __init__(self, report: MergeReport, parent: QWidget | None = None) -> None:
        text = report.summary()
        text = text[0].upper() + text[1:] + "."
        if report.conflicts:
            text += " Conflicting documents kept the project's version; see below."
        summary = QLabel(text)
        summary.setObjectName("mergeSummary")
        summary.setWordWrap(True)
        super().__init__(
            parent,
            name="mergeReport",
            title="Packages merged",
            summary=summary,
            headers=("Where", "What happened"),
        )
        groups = []
        for title, ids in (
            ("Added", report.added),
            ("Updated", report.updated),
            ("Unchanged", report.unchanged),
        ):
            group = self.group(title, len(ids))
            self.list_in(group, _documents_row(ids), 1 if ids else 0)
            groups.append(group)
        conflicts = self.group("Conflicts", len(report.conflicts))
        self.list_in(conflicts, map(_conflict_row, report.conflicts), len(report.conflicts))
        errors = self.group("Errors", len(report.errors))
        self.list_in(errors, map(_error_row, report.errors), len(report.errors))
        self.finish((*groups, conflicts, errors))


def _documents_row(ids: Sequence[DocumentId]) -> list[tuple[str, str]]:
    if not ids:
        return []
    shown = ", ".join(str(i) for i in sorted(ids)[:30])
    more = f" … and {len(ids) - 30:,} more" if len(ids) > 30 else ""
    return [(plural(len(ids), "document"), f"{shown}{more}")]


def _conflict_row(conflict: Conflict) -> tuple[str, str]:
    return (
        f"{Path(conflict.file).name}: document {conflict.document_id}",
        f"{conflict.title}: {conflict.annotator}'s layer was changed both in the project and "
        f"in the package; kept the project's. {conflict.difference} [ANN237]",
    )


def _error_row(error: str) -> tuple[str, str]:
    where, _, what = error.partition(": ")
    return (Path(where).name, what) if what else ("", error)
