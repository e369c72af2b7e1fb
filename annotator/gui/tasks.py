"""Long operations (import, export) in a worker thread, with progress and a cancel flag."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger("annotator.gui")

Progress = Callable[[object], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], object]

PROGRESS_INTERVAL = 0.1
"""Seconds between progress signals: the worker may report far more often than that."""


class Task(QObject):
    """Runs ``work(progress, cancelled)`` once in its own thread.

    ``done(result, error)`` arrives in the thread that started the task, after the worker
    thread has stopped: exactly one of ``result`` and ``error`` is meaningful (``error`` is
    ``None`` on success).
    """

    progress = Signal(object)
    done = Signal(object, object)
    _finished = Signal(object, object)

    def __init__(self, work: Work) -> None:
        super().__init__()
        self._work = work
        self._cancel = threading.Event()
        self._last_progress = 0.0
        self._thread: QThread | None = None
        self._relay = _Relay(self)

    def start(self) -> None:
        thread = QThread()
        thread.setObjectName("annotator-task")
        self._thread = thread
        self.moveToThread(thread)
        thread.started.connect(self._run)
        self._finished.connect(self._relay.finish)  # queued: the relay lives in this thread
        thread.start()

    def _stop_thread(self) -> None:
        if self._thread is not None:
            self._thread.wait()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait(self, milliseconds: int = 30_000) -> bool:
        return self._thread.wait(milliseconds) if self._thread is not None else True

    def _report(self, value: object) -> None:
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_INTERVAL:
            self._last_progress = now
            self.progress.emit(value)

    @Slot()
    def _run(self) -> None:
        try:
            result = self._work(self._report, self._cancel.is_set)
        except Exception as error:
            log.info("background task failed", exc_info=True)
            self._finished.emit(None, error)
        else:
            self._finished.emit(result, None)
        finally:
            QThread.currentThread().quit()  # wait() returns once the work is over


class _Relay(QObject):
    """Stays in the starting thread: stops the worker thread, then reports ``done``."""

    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task

    @Slot(object, object)
    def finish(self, result: object, error: object) -> None:
        self._task._stop_thread()
        self._task.done.emit(result, error)
