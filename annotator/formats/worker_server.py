"""Export workers forked from a server process that imported their libraries once.

A spawned worker imports what its work needs itself: spaCy and its blank pipeline cost each
shard worker about 0.6 s of CPU before its first document. A ``forkserver`` process imports
them once (``set_forkserver_preload``) and forks every worker from itself, so the workers start
with them loaded. The server is a fresh interpreter (never a fork of the window with its Qt
threads) and starts in the background as soon as an export is known to need workers, so that
its import overlaps the reading of the documents. It stops when the last export using it ends:
no process outlives an export, and its CPU time is counted as a child's, as the workers' is.

``multiprocessing`` keeps one forkserver per process, hence the one :class:`_ServerUsers` here:
two exports at once share the server, and the last to end stops it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing import forkserver, util
from multiprocessing.context import BaseContext
from typing import TypeVar, cast

T = TypeVar("T")


class _ServerUsers:
    """How many exports use the process's forkserver; it is started by the first and stopped
    by the last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0

    def join(self, preload: str) -> None:
        with self._lock:
            if self._count == 0:
                forkserver.set_forkserver_preload([preload])
            with _this_sys_path():  # returns at once: the server imports on its own
                forkserver.ensure_running()
            self._count += 1

    def end_if_alone(self) -> None:
        """End the server now if one export alone uses it (see :meth:`WorkerServer.abandon`)."""
        with self._lock:
            pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
            if self._count == 1 and pid is not None:
                os.kill(pid, signal.SIGTERM)  # this process's child until stop() waits for it

    def leave(self) -> None:
        with self._lock:
            self._count -= 1
            if self._count == 0:
                _stop_server()


_USERS = _ServerUsers()


def _stop_server() -> None:
    """Stop the server, which no export uses (their workers have ended), and wait for it.

    It is ended at once rather than asked to stop: asked, it would first finish importing
    what it preloads, and an export cancelled (or the window closed) right after it started
    the server would wait 1.3-2 s for spaCy's import.
    """
    server = forkserver._forkserver
    stop = getattr(server, "_stop", None)
    if stop is None:
        return
    pid = getattr(server, "_forkserver_pid", None)
    if pid is not None:  # this process's child until stop() waits for it: not another's pid
        os.kill(pid, signal.SIGTERM)
    stop()


@contextmanager
def _this_sys_path() -> Iterator[None]:
    """A server this thread starts meanwhile finds modules where this process does.

    ``multiprocessing`` passes this process's ``sys.path`` to the server, but Python 3.11
    ignores it there: the server would import ``annotator`` from wherever its own path finds
    one (another checkout, or none when a script put its folder first), and the workers forked
    from it would run that code. So the server alone is started with ``PYTHONPATH`` set to
    this process's path. Setting it in ``os.environ`` for the moment instead would hand it to
    any process another thread starts meanwhile (an import's reading worker, another export's
    workers, the window's own), and change the environment under threads reading it.
    """
    spawn_here = cast(Callable[[str, list[str], Sequence[int]], int], util.spawnv_passfds)
    starter = threading.get_ident()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}

    def spawn(path: str, args: list[str], passfds: Sequence[int]) -> int:
        if threading.get_ident() != starter:  # another thread's process: as it was
            return spawn_here(path, args, passfds)
        inheritable = {fd: os.get_inheritable(fd) for fd in passfds}
        try:
            for fd in passfds:  # what spawnv_passfds keeps open in the server
                os.set_inheritable(fd, True)
            return os.posix_spawn(path, args, env)
        finally:
            for fd, flag in inheritable.items():
                os.set_inheritable(fd, flag)

    setattr(util, "spawnv_passfds", spawn)  # noqa: B010 (typeshed's path is bytes)
    try:
        yield
    finally:
        setattr(util, "spawnv_passfds", spawn_here)  # noqa: B010


class WorkerServer:
    """The forkserver of an export whose workers need ``preload`` (a module name: importing
    it loads their libraries), started by :meth:`start` and stopped by :meth:`close`.

    An export that stays small never calls :meth:`start` and starts no process.
    """

    def __init__(self, preload: str) -> None:
        self._preload = preload
        self._started = False

    @property
    def started(self) -> bool:
        """Whether :meth:`start` was called (and :meth:`close` not yet)."""
        return self._started

    def start(self) -> None:
        """Start the server in the background if this export has not yet."""
        if not self._started:
            _USERS.join(self._preload)
            self._started = True

    def context(self) -> BaseContext:
        """The context whose processes are forked from the server."""
        return multiprocessing.get_context("forkserver")

    def abandon(self) -> None:
        """This export stops before its first worker started: the server is ended at once
        (:meth:`close` waits for it) unless another export uses it, instead of loading on
        while the export waits to end."""
        if self._started:
            _USERS.end_if_alone()

    def close(self) -> None:
        """Stop the server unless another export still uses it. Its workers must have ended
        (close the :func:`~annotator.formats.workers.ordered_map` first): a worker holds the
        server's end of the pipe that tells it to stop."""
        if self._started:
            self._started = False
            _USERS.leave()

    def __enter__(self) -> WorkerServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def server_available() -> bool:
    """Whether this platform has fork servers (not Windows: the workers are then spawned)."""
    return "forkserver" in multiprocessing.get_all_start_methods()


def starting_at(items: Iterable[T], count: int, server: WorkerServer) -> Iterator[T]:
    """``items``, starting ``server`` when the ``count``-th is pulled (an export that big
    needs workers: their start-up overlaps the reading of the rest)."""
    for number, item in enumerate(items, start=1):
        if number == count:
            server.start()
        yield item
