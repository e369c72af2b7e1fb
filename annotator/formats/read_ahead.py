"""Reading an import file in a second process while this one stores what was read.

Parsing (JSON, offsets checks, content hashes) and storing (SQL) each take about half of an
import; on a machine with two cores they can overlap. :func:`read_ahead` runs an importer's
``read`` in a forked worker and yields exactly what it yields, in the same order: drafts and
failures travel in batches through a pipe (the worker waits while it is full, so memory stays
flat), spans as plain tuples (a pickled named tuple is rebuilt through a Python call per span),
a PlainDraft's spans as its three columns. An exception the reader raises is raised here;
closing the iterator (a cancel, a refused import) stops the worker. ``would_wait()`` tells the
caller when the next item is not read yet, so that it can do its own work meanwhile.

The worker is forked, so nothing is re-imported and the reader needs no pickling. A process
that may have threads at work (the GUI: Qt's threads, or an import off the main thread) is
never forked, since a lock held by another thread stays locked in the child forever: there,
for small files, and on a machine without a core to spare (load average), the reader runs
in-process as before.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import fields
from functools import partial
from multiprocessing.connection import Connection
from operator import attrgetter
from pathlib import Path
from typing import Any

from annotator.core.document import DocumentDraft
from annotator.core.errors import ReaderStoppedError
from annotator.core.frozen import fast_constructor
from annotator.core.interchange import AnnotatedDraft, SpanRecord
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure

Item = AnnotatedDraft | PlainDraft | Failure

WORTH_A_WORKER = 4 << 20
"""Files smaller than this (4 MB, about 500 documents of native JSONL), and folders whose files
add up to less, are read in-process: starting and feeding a worker costs more than it saves
on them."""
_BATCH = 64
_LABELS_KEPT = 10_000
_as_record = partial(tuple.__new__, SpanRecord)


def read_ahead(
    path: Path,
    read: Callable[[], Iterator[Item]],
    *,
    minimum: int = WORTH_A_WORKER,
    when_busy: bool = False,
) -> Iterator[Item]:
    """What ``read()`` yields, read in a worker process when that pays (see the module: a file
    of ``minimum`` bytes or more, and a core to spare unless ``when_busy``). The worker starts
    now (before the caller opens its transaction); ``close()`` the iterator to stop it early."""
    if not _worth_a_worker(path, minimum) or not (when_busy or _core_to_spare()):
        return read()
    return ReadingWorker(read)


WORKER_NAME = "annotator-reading-worker"


def in_reading_worker() -> bool:
    """Whether this process is a worker that :func:`read_ahead` forked to read (forked from a
    process without other threads, so that it may fork in turn)."""
    return multiprocessing.current_process().name == WORKER_NAME


def _core_to_spare() -> bool:
    """Whether the machine has about a core idle now (see :func:`has_core_to_spare`)."""
    try:
        with open("/proc/loadavg", encoding="ascii") as file:
            running = runnable_now(file.read())
    except OSError:
        running = None
    try:
        average: float | None = os.getloadavg()[0]
    except OSError:
        average = None
    return has_core_to_spare(running, average, usable_cores())


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity where the system tells it (Linux:
    ``taskset`` or a container's cpuset can give it fewer than the machine has), else all."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def has_core_to_spare(running: int | None, average: float | None, cores: int) -> bool:
    """Fewer threads runnable right now than ``cores`` (the caller's own included); where that
    count is not known, the 1-minute load ``average`` below the cores less a half; with
    neither, yes. The average alone lags by a minute: after an export had kept both cores busy
    it still said "busy" for most of a minute while the machine stood idle, and the import then
    read in-process, about a third slower. On a busy machine a second process only adds its
    overhead to the total."""
    if running is not None:
        return running < cores
    if average is not None:
        return average < cores - 0.5
    return True


def runnable_now(loadavg: str) -> int | None:
    """The threads runnable at this instant in ``/proc/loadavg``'s text (its fourth field,
    ``runnable/total``), or None when it does not read as such."""
    fields = loadavg.split()
    if len(fields) < 4:
        return None
    runnable, _, total = fields[3].partition("/")
    if not (runnable.isdigit() and total.isdigit()):
        return None
    return int(runnable)


class ReadingWorker(Iterator[Item]):
    """What :func:`read_ahead` returns when a worker reads: the reading side, batches from the
    worker item by item."""

    def __init__(self, read: Callable[[], Iterator[Item]]) -> None:
        context = multiprocessing.get_context("fork")
        self._pipe, sending = context.Pipe(duplex=False)
        _widen(sending)
        self._worker = context.Process(
            target=_produce, args=(read, sending, self._pipe), name=WORKER_NAME, daemon=True
        )
        self._worker.start()
        sending.close()  # the worker's is the only sending end: its exit ends the pipe
        self._left = 0  # items of the batch at hand not yet given out
        self._ended = False  # the worker sent everything: it is exiting by itself
        self._items = self._received()

    def __next__(self) -> Item:
        return next(self._items)

    def would_wait(self) -> bool:
        """Whether the next item is not read yet: the caller may as well do its work now."""
        return not self._left and not self._pipe.poll()

    def close(self) -> None:
        self._items.close()
        self._stop()

    def _received(self) -> Generator[Item, None, None]:
        try:
            while True:
                kind, payload = self._next()
                if kind == "items":
                    self._left = len(payload)
                    for item in payload:
                        self._left -= 1
                        yield item if type(item) is Failure else _unpacked(item)
                elif kind == "error":
                    raise payload
                else:
                    self._ended = True
                    return
        finally:
            # A worker that sent everything is exiting by itself: close() joins it, once the
            # caller has stored the last items (meanwhile the other core tears it down).
            if not self._ended:
                self._stop()

    def _stop(self) -> None:
        if self._ended:
            self._worker.join(_EXITING)
        if self._worker.is_alive():
            self._worker.terminate()
        self._worker.join()
        self._pipe.close()

    def _next(self) -> tuple[str, Any]:
        while not self._pipe.poll(0.5) and self._worker.is_alive():
            pass
        try:
            message: tuple[str, Any] = pickle.loads(self._pipe.recv_bytes())
        except (EOFError, OSError):
            self._worker.join()
            code = self._worker.exitcode
            raise ReaderStoppedError(
                f"the process reading the file stopped (exit code {code}); nothing was imported"
            ) from None
        return message


def _widen(pipe: Connection) -> None:
    """A pipe of 1 MB (Linux), not 64 KB: a batch of articles (~220 KB) goes through in one
    write and one read instead of a dozen of each, and the worker can read ahead a few."""
    import fcntl  # here: the module exists only on Unix, and only Linux forks a worker

    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), set_size, _PIPE_BYTES)


_PIPE_BYTES = 1 << 20
_EXITING = 5.0
"""Seconds a worker that sent everything gets to exit before it is stopped."""


def _worth_a_worker(path: Path, minimum: int) -> bool:
    try:
        size = _size(path, minimum)
    except OSError:
        return False
    return (
        size >= minimum
        and usable_cores() > 1
        and sys.platform.startswith("linux")  # macOS's system libraries may not survive a fork
        and _safe_to_fork()
    )


def _size(path: Path, enough: int) -> int:
    """A file's size; a folder's, the total of the files under it (a folder of spaCy shards),
    counted until it reaches ``enough``; -1 for anything else."""
    if path.is_file():
        return path.stat().st_size
    if not path.is_dir():
        return -1
    total = 0
    for file in path.rglob("*"):
        if total >= enough:
            break
        if file.is_file():
            total += file.stat().st_size
    return total


def _safe_to_fork() -> bool:
    """No thread that could hold a lock the worker needs: this is the main thread, Qt (whose
    threads Python cannot see) is not loaded, and every other Python thread is a daemon (a
    progress monitor, not work in flight)."""
    return (
        threading.current_thread() is threading.main_thread()
        and "PySide6" not in sys.modules
        and all(
            thread.daemon or thread is threading.main_thread() for thread in threading.enumerate()
        )
    )


def _produce(
    read: Callable[[], Iterator[Item]], sending: Connection, receiving: Connection
) -> None:
    """The worker: read, send batches, then ``done`` (or, after what was read, the error).
    A send waits while the pipe is full: the storing side has fallen behind. The worker
    closes its copy of the receiving end first: once the importing side is gone, a send
    fails (the worker ends) instead of waiting forever on a pipe nobody reads, and a worker
    it starts itself (a folder of spaCy shards) does not hold that end open."""
    receiving.close()
    batch: list[Failure | tuple[Any, ...]] = []
    ending: tuple[str, Any] = ("done", None)
    labels: dict[str, str] = {}
    try:
        for item in read():
            batch.append(item if type(item) is Failure else _packed(item, labels))  # type: ignore[arg-type]
            if len(batch) >= _BATCH:
                _send(sending, batch)
                batch = []
                if len(labels) > _LABELS_KEPT:
                    labels.clear()  # a file of endless distinct labels: memory stays flat
    except BaseException as error:
        ending = ("error", _sendable(error))
    try:
        if batch:
            _send(sending, batch)
    except BaseException as error:
        if ending[0] == "done":
            ending = ("error", _sendable(error))
    with contextlib.suppress(OSError):  # the importing side stopped: nobody to tell
        sending.send_bytes(pickle.dumps(ending, pickle.HIGHEST_PROTOCOL))
    sending.close()


def _send(sending: Connection, batch: list[Any]) -> None:
    """Send a batch; one that cannot be pickled ends the reading with an error saying so."""
    try:
        data = pickle.dumps(("items", batch), pickle.HIGHEST_PROTOCOL)
    except Exception as error:
        raise ReaderStoppedError(
            f"an item read could not be sent to the importing process ({error}); "
            "nothing was imported"
        ) from None
    sending.send_bytes(data)


_DRAFT_VALUES = attrgetter(*(field.name for field in fields(DocumentDraft)))
_new_item = fast_constructor(AnnotatedDraft)
_new_plain = fast_constructor(PlainDraft)
_new_draft = fast_constructor(DocumentDraft, restoring=True)


def _packed(item: AnnotatedDraft | PlainDraft, labels: dict[str, str]) -> tuple[Any, ...]:
    """The item as plain tuples (pickled and rebuilt several times faster than dataclasses):
    a PlainDraft's span columns, an AnnotatedDraft's spans as tuples, their attributes as dicts
    (a default ``MappingProxyType`` does not pickle). A PlainDraft's labels are the first
    equal string ``labels`` holds: the readers make a new string per span, and pickling the
    same object again is a reference, so a batch carries each label once and the importing
    side unpickles, and hashes, a handful of strings instead of one per span."""
    draft = item.draft
    values = _DRAFT_VALUES(draft)
    if type(item) is PlainDraft:
        plain = item
        return (
            values,
            plain.origin,
            tuple(map(labels.setdefault, plain.labels, plain.labels)),
            plain.starts,
            plain.ends,
            plain.annotator,
            plain.status,
            plain.note,
            plain.comment,
        )
    assert type(item) is AnnotatedDraft
    spans = tuple(
        tuple(span) if type(span.attributes) is dict else (*span[:4], dict(span[4]), *span[5:])
        for span in item.spans
    )
    return (values, item.origin, spans, item.relations, item.status, item.note, item.comment)


def _unpacked(packed: tuple[Any, ...]) -> AnnotatedDraft | PlainDraft:
    draft = _new_draft(*packed[0])  # as pickle restores it: the hash is sent too
    if len(packed) == 9:
        return _new_plain(draft, *packed[1:])
    _, origin, spans, relations, status, note, comment = packed
    records = tuple(map(_as_record, spans))
    return _new_item(draft, origin, records, relations, status, note, comment)


def _sendable(error: BaseException) -> BaseException:
    """The error itself when it survives pickling, else a UserError that says what it was."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return ReaderStoppedError(f"reading the file failed: {error!r}")
    return error
