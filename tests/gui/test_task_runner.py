"""The shared task runner: progress dialog shown, rate, Cancel, failure, report at the end."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from annotator.core.errors import UserError
from annotator.gui.task_report import TaskReportDialog
from annotator.gui.task_runner import ProgressLook, TaskRunner
from annotator.gui.tasks import Cancelled, Progress


class StoppedError(Exception):
    pass


class CountRunner(TaskRunner):
    """Counts to ``limit``, reporting each step; after the first it waits for the gate."""

    failure_title = "Counting failed"
    cancelled_error = StoppedError

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.gate = threading.Event()
        self.reports: list[QDialog] = []

    def start(self, limit: int, *, maximum: int = 0, fail: bool = False) -> None:
        def work(progress: Progress, cancelled: Cancelled) -> int:
            for done in range(1, limit + 1):
                if cancelled():
                    raise StoppedError
                if fail:
                    raise UserError("the count went wrong", code="ANN375")
                progress(done)
                self.gate.wait(10)
            return limit

        self._launch(work, ProgressLook("countProgress", "Count", "Counting…", maximum))

    def _show_progress(self, dialog: QProgressDialog, value: object) -> None:
        assert isinstance(value, int)
        dialog.setLabelText(f"{value:,} counted · {self._per_second(value)}")

    def _cancelling_text(self) -> str:
        return "Stopping the count…"

    def _cancelled_message(self) -> str:
        return "Count cancelled"

    def _report_dialog(self, report: object) -> QDialog:
        dialog = QDialog(self._parent_widget)
        dialog.setWindowTitle(f"Counted {report}")
        self.reports.append(dialog)
        return dialog


def make(qtbot: QtBot) -> tuple[QWidget, CountRunner]:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    return parent, CountRunner(parent)


def test_a_busy_task_shows_its_dialog_and_reports(qtbot: QtBot) -> None:
    _, runner = make(qtbot)
    runner.start(3)
    assert runner.running
    dialog = runner.progress_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=2_000)  # after 300 ms, not Qt's 4 s
    runner.gate.set()
    with qtbot.waitSignal(runner.finished, timeout=10_000) as blocker:
        pass
    assert blocker.args == [3]
    assert runner.last_report == 3
    assert not runner.running
    assert runner.progress_dialog is None
    (report,) = runner.reports
    assert report.isVisible()
    assert report.windowTitle() == "Counted 3"


def test_progress_reads_count_and_rate(qtbot: QtBot) -> None:
    _, runner = make(qtbot)
    runner.show_report = False
    runner.start(2)
    dialog = runner.progress_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.labelText().startswith("1 counted · "), timeout=10_000)
    assert dialog.labelText().endswith(" per second")
    with qtbot.waitSignal(runner.finished, timeout=10_000) as blocker:
        runner.gate.set()
    assert blocker.args == [2]
    assert runner.last_report == 2
    assert not runner.reports  # the report was not shown


def test_cancel_stops_the_task_with_a_status_line(qtbot: QtBot) -> None:
    _, runner = make(qtbot)
    lines: list[str] = []
    runner.message.connect(lines.append)
    runner.start(5)
    dialog = runner.progress_dialog
    assert dialog is not None
    (button,) = dialog.findChildren(QPushButton)
    button.click()
    assert dialog.labelText() == "Stopping the count…"
    with qtbot.waitSignal(runner.finished, timeout=10_000) as blocker:
        runner.gate.set()
    assert blocker.args == [None]
    assert lines == ["Count cancelled"]
    assert runner.last_report is None
    assert not runner.reports


def test_a_failure_is_shown_and_the_runner_is_free_again(qtbot: QtBot) -> None:
    parent, runner = make(qtbot)
    runner.gate.set()
    with qtbot.waitSignal(runner.finished, timeout=10_000) as blocker:
        runner.start(2, fail=True)
    assert blocker.args == [None]
    (box,) = [b for b in parent.findChildren(QMessageBox) if b.isVisible()]
    assert box.windowTitle() == "Counting failed"
    assert "the count went wrong" in box.text()
    assert not runner.running
    box.close()
    with qtbot.waitSignal(runner.finished, timeout=10_000) as blocker:
        runner.start(1)
    assert blocker.args == [1]


def test_a_report_lists_a_thousand_entries_then_counts_the_rest(qtbot: QtBot) -> None:
    parent, _ = make(qtbot)
    dialog = TaskReportDialog(
        parent, name="countReport", title="Count", summary=QLabel("Counted."), headers=("A", "B")
    )
    short = dialog.group("Short", 2)
    dialog.list_in(short, [("a", "1"), ("b", "2")], 2)
    long = dialog.group("Long", 1002, "detail")
    dialog.list_in(long, ((str(n), "") for n in range(1002)), 1002)
    dialog.finish((short, long))
    assert [short.text(0), long.text(0), long.text(1)] == ["Short (2)", "Long (1,002)", "detail"]
    assert long.childCount() == 1001
    assert long.child(999).text(0) == "999"
    assert long.child(1000).text(0) == "… and 2 more"
    assert short.isExpanded()
    assert not long.isExpanded()
