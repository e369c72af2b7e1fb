"""Short read-only work (a preview) in a daemon thread, its result delivered in the GUI thread.

:class:`annotator.gui.tasks.Task` is for work the user watches and may cancel (import, export):
its ``QThread`` must outlive the work. A preview is different: the dialog that asked for it may
close before it ends, and then its result is simply dropped. A daemon ``threading.Thread`` has
no Qt object that could be destroyed while it runs, and the result comes back through a signal
of a ``QObject`` owned by the dialog (queued into the GUI thread); when that object is gone the
result is dropped.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

log = logging.getLogger("annotator.gui")


class BackgroundCall(QObject):
    """``run(work)`` calls ``work()`` in a daemon thread; ``done(token, result, error)`` follows
    in this object's thread (``error`` is ``None`` on success). ``token`` is what ``run`` was
    given, so that a caller can tell a stale answer from the one it waits for."""

    done = Signal(object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running = 0
        self.done.connect(self._finished)  # first: ``running`` is up to date in other slots

    @property
    def running(self) -> bool:
        return self._running > 0

    def run(self, token: object, work: Callable[[], object]) -> None:
        self._running += 1
        thread = threading.Thread(
            target=self._work, args=(token, work), name="annotator-preview", daemon=True
        )
        thread.start()

    def _finished(self, *_: object) -> None:
        self._running -= 1

    def _work(self, token: object, work: Callable[[], object]) -> None:
        result: object = None
        error: BaseException | None = None
        try:
            result = work()
        except Exception as caught:
            log.info("background call failed", exc_info=True)
            error = caught
        with contextlib.suppress(RuntimeError):  # the receiver is gone: nobody waits for this
            self.done.emit(token, result, error)
