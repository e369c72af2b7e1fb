"""Measuring agreement from the dialog through the task runner: progress after 300 ms with the
documents read, Cancel; the dialog itself shows the numbers and any error."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.core.agreement import AgreementReport
from annotator.gui.errors import message_of
from annotator.gui.task_runner import ProgressLook, TaskRunner
from annotator.gui.tasks import Cancelled, Progress
from annotator.services.agreement import AgreementCancelledError, AgreementRequest, measure
from annotator.services.project import Project

CANCELLED = "Cancelled: press Compute to measure again."


class AgreementRunner(TaskRunner):
    """One measurement at a time; ``finished`` carries the :class:`AgreementReport` (``None``
    when it failed or was cancelled: ``message`` then says so) and ``key`` which choice of
    annotators and labels it belongs to."""

    cancelled_error = AgreementCancelledError
    last_report: AgreementReport | None

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.key: object = None
        self._total = 0

    def start(self, project: Project, request: AgreementRequest, key: object) -> bool:
        if self._task is not None:
            return False

        def work(progress: Progress, cancelled: Cancelled) -> AgreementReport:
            return measure(
                project,
                request,
                progress=lambda done, total: progress((done, total)),
                cancelled=cancelled,
            )

        self.key, self._total = key, 0
        look = ProgressLook("agreementProgress", "Agreement", "Measuring agreement…", 0, 420)
        self._launch(work, look)
        return True

    def _show_progress(self, dialog: QProgressDialog, value: object) -> None:
        if not isinstance(value, tuple):
            return
        done, total = value
        if total != self._total:
            self._total = total
            dialog.setMaximum(total)
        self._show_count(dialog, "Measuring agreement…", done, total)

    def _cancelling_text(self) -> str:
        return "Cancelling the measurement…"

    def _cancelled_message(self) -> str:
        return CANCELLED

    def _handle_error(self, error: BaseException) -> bool:
        self.message.emit(f"Cannot measure agreement: {message_of(error)}")
        return True
