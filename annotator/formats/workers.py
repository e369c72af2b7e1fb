"""Batches of an export's documents turned into output in worker processes, in order.

A token format spends most of an export tokenizing and laying out documents, one at a time and
independently, while the main process reads the database; with one worker process per core the
two overlap and the work is shared. Results come back in the order the batches went out, so the
file is the same as one written in a single process. Workers are started with ``spawn`` (the
window may run the export beside Qt threads, which ``fork`` must not copy), or forked from a
server process that loaded their libraries once (:mod:`annotator.formats.worker_server`), only
when there is more than one batch or a full one (or the server is up): a small export stays in
the calling process and pays no start-up.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import types
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import fields
from itertools import islice, repeat, starmap
from multiprocessing.context import BaseContext
from operator import add, attrgetter
from typing import Any, TypeVar

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.document import Document
from annotator.core.errors import ExportWorkersError, ExportWorkerStoppedError
from annotator.core.frozen import fast_constructor
from annotator.formats.read_ahead import usable_cores
from annotator.formats.worker_server import WorkerServer

B = TypeVar("B", bound=Sized)
T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 4
"""Worker processes at most, whatever the core count (the main process reads meanwhile)."""

BATCH_DOCUMENTS = 250
"""Documents a token format sends a worker at a time."""

Packed = tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]] | AnnotatedDocument
"""An :class:`AnnotatedDocument` as plain tuples of its fields, which pickle several times
faster than the frozen dataclasses (see :func:`pack`), or as it is when it stays here."""

_MAIN_MODULE_SWAP = threading.Lock()
"""``sys.modules`` belongs to the whole process: two exports starting workers from two threads
at once must not interleave their swaps (the second would restore the first one's stand-in)."""

_document_fields = attrgetter(*(f.name for f in fields(Document)))
_span_fields = attrgetter(*(f.name for f in fields(Span)))
_relation_fields = attrgetter(*(f.name for f in fields(Relation)))
_light_span_fields = attrgetter("id", "document_id", "label", "start", "end", "attributes")
_light_relation_fields = attrgetter("id", "document_id", "type", "source", "target")
_SPAN_DEFAULTS = ("", None, None, 1, (), "")
"""A span's annotator, times, version, fragments and comment when :func:`pack_light` left them."""
_RELATION_DEFAULTS = ("", None, None, 1, "")
_new_document = fast_constructor(Document)
_new_span = fast_constructor(Span)
_new_relation = fast_constructor(Relation)


def packer(workers: int) -> Callable[[AnnotatedDocument], Packed]:
    """:func:`pack` when documents go to worker processes, else nothing to do."""
    return pack if workers > 1 else _as_is


def _as_is(item: AnnotatedDocument) -> Packed:
    return item


def pack(item: AnnotatedDocument) -> Packed:
    """Every field of ``item`` in tuples, for a worker process (:func:`unpack` restores it)."""
    return (
        _document_fields(item.document),
        list(map(_span_fields, item.spans)),
        list(map(_relation_fields, item.relations)),
    )


def unpack(packed: Packed) -> AnnotatedDocument:
    """The document :func:`pack` packed, equal to it field for field."""
    if isinstance(packed, AnnotatedDocument):
        return packed
    document, spans, relations = packed
    return AnnotatedDocument(
        _new_document(*document),
        tuple(_new_span(*span) for span in spans),
        tuple(_new_relation(*relation) for relation in relations),
    )


LightPacked = (
    tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]] | AnnotatedDocument
)
"""What the token formats read of an :class:`AnnotatedDocument` (see :func:`pack_light`)."""


def light_packer(workers: int) -> Callable[[AnnotatedDocument], LightPacked]:
    """:func:`pack_light` when documents go to worker processes, else nothing to do."""
    return pack_light if workers > 1 else _as_is


def pack_light(item: AnnotatedDocument) -> LightPacked:
    """The document and what a token format reads of its spans (id, label, offsets,
    attributes) and relations (id, type, ends): none of :func:`pack`'s datetimes, a quarter
    less to pack and unpickle (:func:`unpack_light` restores the rest as the defaults)."""
    return (
        _document_fields(item.document),
        list(map(_light_span_fields, item.spans)),
        list(map(_light_relation_fields, item.relations)),
    )


def unpack_light(packed: LightPacked) -> AnnotatedDocument:
    """The document :func:`pack_light` packed; spans and relations carry the packed fields,
    the others (annotator, times, version, fragments, comment) are their defaults."""
    if isinstance(packed, AnnotatedDocument):
        return packed
    document, spans, relations = packed
    return AnnotatedDocument(
        _new_document(*document),
        tuple(starmap(_new_span, map(add, spans, repeat(_SPAN_DEFAULTS)))),
        tuple(starmap(_new_relation, map(add, relations, repeat(_RELATION_DEFAULTS)))),
    )


def worker_count(extra: Mapping[str, str]) -> int:
    """Processes for an export: ``extra["workers"]``, else one per core (at most
    :data:`MAX_WORKERS`); 1 works in the calling process."""
    raw = extra.get("workers")
    if raw is None:
        return max(1, min(MAX_WORKERS, usable_cores()))
    if not raw.isdecimal() or int(raw) < 1:
        raise ExportWorkersError(f"extra option workers={raw!r} must be a positive number")
    return int(raw)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter), pulled as they are needed."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@contextmanager
def _without_main_module() -> Iterator[None]:
    """Worker processes started meanwhile do not run the program's main module again.

    ``spawn`` imports a script's top level in every worker (the window's imports Qt, a
    benchmark's the database layer: most of a worker's start-up); the work sent to a worker
    names its function by module, never by ``__main__``, so the workers do not need it.
    """
    with _MAIN_MODULE_SWAP:
        saved = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = saved


def ordered_map(
    work: Callable[[B], R],
    batches: Iterable[B],
    workers: int,
    full: int = 0,
    ahead: int = 1,
    server: WorkerServer | None = None,
) -> Generator[R, None, None]:
    """``work(batch)`` for each batch, in order; in ``workers`` processes when there are two
    batches or more (``work`` and the batches must then pickle), else here.

    A first batch of ``full`` items or more goes to a worker at once (more are likely, and the
    workers start while the next is read). At most ``workers + ahead`` batches are out at once,
    so memory stays flat. If the caller stops early (an error, a cancel), batches not started
    are dropped and the workers end.

    With a ``server`` (see :mod:`annotator.formats.worker_server`) the workers are forked from
    it, and every batch goes to them once it has started (it is started for the first batch
    sent otherwise); batches read while the server is still loading wait here (up to
    ``workers + ahead``) instead of stopping the reading.
    """
    iterator = iter(batches)
    first = next(iterator, None)
    if first is None:
        return
    if workers <= 1:
        yield work(first)
        for batch in iterator:
            yield work(batch)
        return
    second = None
    if not (server is not None and server.started) and not 0 < full <= len(first):
        second = next(iterator, None)
        if second is None:
            yield work(first)
            return
    context: BaseContext
    if server is None:
        context = multiprocessing.get_context("spawn")
    else:
        server.start()
        context = server.context()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    pending: deque[Future[R]] = deque()
    waiting: deque[B] = deque()
    starter = _FirstWorker(pool) if server is not None else None

    def submit(batch: B | None) -> None:
        """Send ``batch`` (``None``: the last sent) with those waiting for the server."""
        if batch is not None:
            waiting.append(batch)
            if starter is not None and len(waiting) < workers + ahead and not starter.done():
                return  # the server is loading: read on meanwhile
        if starter is not None:
            starter.wait()
        while waiting:
            with _without_main_module():  # a submit starts a worker while there are fewer
                pending.append(pool.submit(work, waiting.popleft()))

    try:
        submit(first)
        if second is not None:
            submit(second)
        for batch in iterator:
            while len(pending) >= workers + ahead:
                yield pending.popleft().result()
            submit(batch)
        submit(None)
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool as error:
        raise _stopped(error) from error
    finally:
        if starter is not None:
            if server is not None and not starter.done():
                server.abandon()  # a cancel while the server loads: its start ends at once
            starter.join()
        pool.shutdown(wait=True, cancel_futures=True)


def _stopped(error: BaseException) -> ExportWorkerStoppedError:
    """What a worker that ended abruptly (killed, out of memory) or a worker server that did
    before forking it (the worker's start then reads the end of its pipe) means to the user."""
    return ExportWorkerStoppedError(
        "an export worker process stopped before finishing its documents (killed, or out of "
        f"memory?); nothing was written ({type(error).__name__}: {error})"
    )


def _started() -> None:
    """A first worker's first task: nothing (its start is the point)."""


class _FirstWorker:
    """Starts the pool's first worker in a thread: a fork server answers only once it has
    loaded its modules, and meanwhile this process goes on reading."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self._pool = pool
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._start, name="export-worker-start")
        self._thread.start()

    def _start(self) -> None:
        try:
            with _without_main_module():
                self._pool.submit(_started)
        except BaseException as error:  # raised again by wait()
            self._error = error

    def done(self) -> bool:
        return not self._thread.is_alive()

    def wait(self) -> None:
        """Wait for the worker; raise what starting it raised."""
        self._thread.join()
        if isinstance(self._error, EOFError | OSError):  # the server ended before answering
            raise _stopped(self._error) from self._error
        if self._error is not None:
            raise self._error

    def join(self) -> None:
        self._thread.join()
