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
    """Runs ``work(progress, cancelled)`` once in its own thread; results come back as signals."""

    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    ended = Signal()

    def __init__(self, work: Work) -> None:
        super().__init__()
        self._work = work
        self._cancel = threading.Event()
        self._last_progress = 0.0
        self._thread: QThread | None = None

    def start(self) -> None:
        thread = QThread()
        thread.setObjectName("annotator-task")
        self._thread = thread
        self.moveToThread(thread)
        thread.started.connect(self._run)
        self.ended.connect(thread.quit)
        thread.start()

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
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)
        finally:
            self.ended.emit()
