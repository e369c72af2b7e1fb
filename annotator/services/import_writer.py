"""A thread that stores the batches of an article import while the caller checks the next ones.

SQLite and PostgreSQL drivers release the GIL while they write and commit, so storing batch N
overlaps the duplicate checks of batch N+1 on the other core. Batches are stored in order, each
in its own transaction; at most ``depth`` wait, so memory stays flat. An error in the thread is
raised in the caller at its next call; ``close`` waits until everything submitted is stored.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_STOP = object()


class BackgroundWriter(Generic[T, R]):
    """Calls ``store`` on every submitted batch in one thread, in order; collects the results."""

    def __init__(
        self, store: Callable[[T], Sequence[R]], depth: int = 2, stored: list[R] | None = None
    ) -> None:
        self._store = store
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._told = False
        self.stored: list[R] = [] if stored is None else stored
        """What ``store`` returned, in order (read it after ``close``)."""
        self._thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            batch = self._queue.get()
            if batch is _STOP:
                return
            if self._error is not None:
                continue  # after a failure nothing more is stored; the caller is told
            try:
                self.stored.extend(self._store(batch))  # type: ignore[arg-type]
            except BaseException as error:  # re-raised in the caller's thread
                self._error = error

    def _raise(self) -> None:
        if self._error is not None and not self._told:
            self._told = True
            raise self._error

    def submit(self, batch: T) -> None:
        """Queue ``batch`` (waits while ``depth`` batches are waiting)."""
        self._raise()
        self._queue.put(batch)

    def close(self) -> None:
        """Wait until every submitted batch is stored; raise the thread's error, if any."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()
        self._raise()
