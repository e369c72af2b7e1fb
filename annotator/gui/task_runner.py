"""One long operation at a time in a worker thread: progress dialog, Cancel, rate, the end."""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QProgressDialog, QWidget

from annotator.core.text import plural
from annotator.gui.errors import show_error
from annotator.gui.tasks import Task, Work


@dataclass(frozen=True)
class ProgressLook:
    """How a runner's progress dialog looks when it opens."""

    object_name: str
    title: str
    label: str
    maximum: int = 0
    """0: a busy bar without a count of the whole."""
    width: int = 460


class TaskRunner(QObject):
    """Runs one task at a time; subclasses say what to run, how progress reads and what the
    report is.

    ``finished`` carries the report (``None`` when the task failed, was cancelled or refused);
    ``message`` a line for the status bar.
    """

    finished = Signal(object)
    message = Signal(str)

    failure_title = "Failed"
    """The title of the error shown when the task raises."""
    cancelled_error: type[BaseException] | None = None
    """What the work raises when it stops on Cancel (``None``: it returns a report instead)."""

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self._task: Task | None = None
        self._dialog: QProgressDialog | None = None
        self._started = 0.0
        self.show_report = True
        """Tests may turn the report dialog off; the report is in ``finished`` either way."""
        self.last_report: object = None
        self.was_cancelled = False
        """Whether the last task to end had been asked to stop (Cancel), whatever it returned."""

    @property
    def running(self) -> bool:
        return self._task is not None

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        return self._dialog

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            text = self._cancelling_text()
            if self._dialog is not None and text is not None:
                self._dialog.setLabelText(text)

    def wait(self, milliseconds: int = 60_000) -> bool:
        return self._task.wait(milliseconds) if self._task is not None else True

    # -- for subclasses -------------------------------------------------------------------------

    def _launch(self, work: Work, look: ProgressLook) -> None:
        """Open the progress dialog (shown once the work takes 300 ms) and start ``work``."""
        dialog = QProgressDialog(look.label, "Cancel", 0, look.maximum, self._parent_widget)
        dialog.setObjectName(look.object_name)
        dialog.setWindowTitle(look.title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setMinimumWidth(look.width)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)  # starts the 300 ms; without it Qt shows a busy dialog after 4 s
        task = Task(work)
        task.progress.connect(self._progress)
        task.done.connect(self._done)
        dialog.canceled.connect(self.cancel)
        self._task, self._dialog = task, dialog
        self._started = time.monotonic()
        task.start()

    def _per_second(self, count: int) -> str:
        """``count`` since the start as a rate: "1,234 per second"."""
        elapsed = max(time.monotonic() - self._started, 1e-6)
        return f"{count / elapsed:,.0f} per second"

    def _show_count(self, dialog: QProgressDialog, heading: str, done: int, total: int) -> None:
        """Show ``done`` of ``total`` documents under ``heading``, with the rate so far."""
        dialog.setValue(min(done, total))
        dialog.setLabelText(
            f"{heading}\n{done:,} of {plural(total, 'document')} · {self._per_second(done)}"
        )

    def _show_progress(self, dialog: QProgressDialog, value: object) -> None:
        """Show a progress value of the work in the dialog."""

    def _cancelling_text(self) -> str | None:
        """The dialog's text once Cancel is pressed (``None``: leave it)."""
        return None

    def _cancelled_message(self) -> str | None:
        """The status line when the work stopped on Cancel (``None``: the work reports it)."""
        return None

    def _handle_error(self, error: BaseException) -> bool:  # noqa: ARG002
        """Deal with an error of the work in a way of the subclass's own; False: not handled."""
        return False

    def _report_dialog(self, report: object) -> QDialog | None:  # noqa: ARG002
        """The dialog that shows the report at the end (``None``: the window that started the
        task shows it, from ``finished``)."""
        return None

    # -- the end --------------------------------------------------------------------------------

    def _progress(self, value: object) -> None:
        if self._dialog is None or self._task is None or self._task.cancelled:
            return
        self._show_progress(self._dialog, value)

    def _done(self, report: object, error: object) -> None:
        cancelled = self._task is not None and self._task.cancelled
        self._task = None
        self.was_cancelled = cancelled
        self._close_progress()
        stopped = self._cancelled_message()
        if stopped is not None and (
            (self.cancelled_error is not None and isinstance(error, self.cancelled_error))
            or (cancelled and error is not None)
        ):
            self.message.emit(stopped)
            self.finished.emit(None)
        elif isinstance(error, BaseException):
            if not self._handle_error(error):
                show_error(self._parent_widget, self.failure_title, error)
            self.finished.emit(None)
        else:
            self.last_report = report
            shown = self._report_dialog(report) if self.show_report else None
            if shown is not None:
                shown.open()
            self.finished.emit(report)

    def _close_progress(self) -> None:
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.hide()
            self._dialog.deleteLater()
            self._dialog = None
