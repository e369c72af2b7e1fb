"""Imported by the spaCy export's worker server: every shard worker forked from it starts with
spaCy, its blank pipeline and zlib-ng loaded (see :mod:`annotator.formats.worker_server`)."""

import signal
import threading
from contextlib import nullcontext, suppress
from typing import Any


class _Uninterrupted:
    """SIGINT ignored meanwhile. A Ctrl-C on a terminal reaches the whole process group: the
    server leaves it to the export, which ends the server, instead of printing an import's
    traceback. (Python's forkserver ignores SIGINT itself once its preload is done, and gives
    the workers the handler set back here.)"""

    def __enter__(self) -> None:
        self._handler: Any = signal.signal(signal.SIGINT, signal.SIG_IGN)

    def __exit__(self, *_exc: object) -> None:
        signal.signal(signal.SIGINT, self._handler)


# Only a main thread may set signal handlers (the server imports this in its main thread).
# A failure to load would end the server (it only survives an ImportError) and every export
# with it, unexplained; a worker that finds nothing loaded loads it itself and reports it.
# Our own modules are imported under the guard too: on a busy machine they take a while.
_MAIN = threading.current_thread() is threading.main_thread()
with _Uninterrupted() if _MAIN else nullcontext(), suppress(Exception):
    from annotator.formats.spacy_shard import load_for_workers

    load_for_workers()
