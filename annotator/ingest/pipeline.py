"""The import stream: ordered, lazy, optionally spread over worker processes with bounded memory."""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from annotator.ingest.items import FailureCode, IngestFailure, IngestItem
from annotator.ingest.options import IngestOptions
from annotator.ingest.reader import iter_units
from annotator.ingest.transfer import PackedItem, pack_units, process_packed, unpack_items
from annotator.ingest.units import FileUnit, RecordUnit, Unit, process_units

LOGGER = logging.getLogger(__name__)
START_TIMEOUT = 120.0
BATCH_RECORDS = 128
"""Records a batch (``BATCH_BYTES`` stops it sooner for long ones). Each batch costs the main
process a fixed amount on top of its articles: pickling it out, receiving and unpickling the
answer, the executor's bookkeeping, the duplicate screening's few dozen numpy calls; 128
instead of 64 halves that (about 24k instructions an article of the 4.4 KB benchmark records),
and the batches in flight (``4 * workers``) stay a few MB."""
BATCH_FILES = 8
BATCH_BYTES = 1024 * 1024

Batch = list[Unit]


def _size(unit: Unit) -> int:
    if isinstance(unit, RecordUnit):
        return len(unit.raw)
    return len(unit.data) if unit.data is not None else BATCH_BYTES // BATCH_FILES


def batches(stream: Iterable[Unit | IngestFailure]) -> Iterator[Batch | IngestFailure]:
    """Group units into batches, keeping failures in their place in the order."""
    batch: Batch = []
    size = files = 0
    for item in stream:
        if type(item) is RecordUnit:  # the usual item first
            size += len(item.raw)
        elif isinstance(item, IngestFailure):
            if batch:
                yield batch
                batch, size, files = [], 0, 0
            yield item
            continue
        else:
            size += _size(item)
            files += isinstance(item, FileUnit)
        batch.append(item)
        if len(batch) >= BATCH_RECORDS or files >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size, files = [], 0, 0
    if batch:
        yield batch


def _never(_origin: str) -> bool:
    return False


def iter_records(
    paths: Sequence[Path | str],
    options: IngestOptions | None = None,
    *,
    workers: int = 1,
    skip: Callable[[str], bool] | None = None,
) -> Generator[IngestItem, None, None]:
    """Documents and failures from files, folders and zip archives, in a stable order.

    ``skip(origin)`` is asked before a record is parsed: return True for origins already
    imported to resume an interrupted import cheaply. ``workers`` processes extract and clean
    in parallel (HTML gains most); results keep the input order either way. Close the
    generator to stop early (a cancelled import): that shuts the worker pool down at once.
    """
    batches = iter_record_batches(paths, options, workers=workers, skip=skip)
    try:
        for batch in batches:
            yield from batch
    finally:
        batches.close()


def iter_record_batches(
    paths: Sequence[Path | str],
    options: IngestOptions | None = None,
    *,
    workers: int = 1,
    skip: Callable[[str], bool] | None = None,
) -> Generator[list[IngestItem], None, None]:
    """``iter_records`` in lists (a batch of units, or a failure alone), for a consumer that
    does array work per batch; the same items in the same order."""
    options = options or IngestOptions()
    stream = batches(iter_units([Path(path) for path in paths], options, skip or _never))
    if workers <= 1:
        yield from _serial(stream, options)
        return
    first = list(islice(stream, 2))
    if len(first) < 2:
        yield from _serial(first, options)
        return
    yield from _Parallel(options, workers).run(_chain(first, stream))


def _chain(
    first: list[Batch | IngestFailure], rest: Iterator[Batch | IngestFailure]
) -> Iterator[Batch | IngestFailure]:
    yield from first
    yield from rest


def _serial(
    stream: Iterable[Batch | IngestFailure], options: IngestOptions
) -> Iterator[list[IngestItem]]:
    for item in stream:
        if isinstance(item, IngestFailure):
            yield [item]
        else:
            yield process_units(item, options)


@dataclass(slots=True)
class _Slot:
    """One place in the output order: a batch in flight, or items ready to hand out."""

    batch: Batch = field(default_factory=list)
    future: Future[list[PackedItem]] | None = None
    ready: list[IngestItem] | None = None
    attempts: int = 1


def _crashed(batch: Batch) -> list[IngestItem]:
    return [
        IngestFailure(
            unit.origin,
            unit.origin if isinstance(unit, FileUnit) else unit.file,
            None if isinstance(unit, FileUnit) else unit.line,
            "a worker process crashed on this input",
            FailureCode.EXTRACTION,
        )
        for unit in batch
    ]


class _Parallel:
    """An ordered window of batches over a process pool.

    Units are grouped into small batches (by count and bytes). With ``workers > 1`` batches go to
    a ``spawn`` process pool; at most ``4 * workers`` batches are in flight and results come back in
    input order, so memory stays flat whatever the size of the import. A worker that dies (a
    parser crash) is replaced: its batch is retried once unit by unit, and the unit that kills a
    worker again is reported as a failure. A new pool must answer a no-op task first; when workers
    cannot start at all, everything is processed in this process, with a logged warning. Small
    imports (a single batch) never start a pool.

    Worker processes are started with ``spawn``, which imports the main module again: a program
    that imports with ``workers > 1`` must guard its entry point with ``if __name__ == "__main__"``.
    """

    def __init__(self, options: IngestOptions, workers: int) -> None:
        self._options = options
        self._workers = workers
        self._window: deque[_Slot] = deque()
        self._pool: ProcessPoolExecutor | None = None
        self._inline = False

    def _executor(self) -> ProcessPoolExecutor | None:
        """The pool, started and checked on first use; None when workers cannot start."""
        if self._pool is None and not self._inline:
            context = multiprocessing.get_context("spawn")
            pool = ProcessPoolExecutor(self._workers, mp_context=context)
            try:
                # a spawn pool starts a process per task while none is idle: one task each, so
                # every worker starts now, not when the first has answered
                pings = [pool.submit(_ping) for _ in range(self._workers)]
                pings[0].result(timeout=START_TIMEOUT)
            except (BrokenProcessPool, TimeoutError, OSError) as exc:
                pool.shutdown(wait=False, cancel_futures=True)
                LOGGER.warning("ingest workers cannot start (%s): importing in-process", exc)
                self._inline = True
                return None
            self._pool = pool
        return self._pool

    def _submit(self, slot: _Slot) -> None:
        pool = self._executor()
        if pool is None:
            slot.ready = process_units(slot.batch, self._options)
        else:
            slot.future = pool.submit(process_packed, pack_units(slot.batch), self._options)

    def run(self, stream: Iterable[Batch | IngestFailure]) -> Iterator[list[IngestItem]]:
        try:
            for item in stream:
                if isinstance(item, IngestFailure):
                    self._window.append(_Slot(ready=[item]))
                else:
                    slot = _Slot(batch=item)
                    self._submit(slot)
                    self._window.append(slot)
                while len(self._window) >= 4 * self._workers or self._head_done():
                    if ready := self._pop():
                        yield ready
            while self._window:
                if ready := self._pop():
                    yield ready
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)

    def _head_done(self) -> bool:
        if not self._window:
            return False
        head = self._window[0]
        return head.ready is not None or (head.future is not None and head.future.done())

    def _steal(self) -> bool:
        """Process the newest batch no worker has started here; False if there is none."""
        for slot in reversed(self._window):
            if slot.future is not None and slot.future.cancel():
                slot.future = None
                slot.ready = process_units(slot.batch, self._options)
                return True
        return False

    def _pop(self) -> list[IngestItem]:
        head = self._window[0]
        while head.future is not None and not head.future.done() and self._steal():
            pass
        if head.ready is None:
            assert head.future is not None
            try:
                head.ready = unpack_items(head.batch, head.future.result(), self._options)
            except BrokenProcessPool:
                self._recover()
                return []
        self._window.popleft()
        return head.ready

    def _recover(self) -> None:
        """Replace a broken pool; retry the head batch unit by unit, resubmit the others."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        head = self._window.popleft()
        if head.attempts >= 2:
            self._window.appendleft(_Slot(ready=_crashed(head.batch)))
        else:
            singles = [_Slot(batch=[unit], attempts=2) for unit in head.batch]
            self._window.extendleft(reversed(singles))
        for slot in self._window:
            if slot.ready is None and _lost(slot.future):
                self._submit(slot)


def _ping() -> bool:
    """The task a new pool must answer before it gets work."""
    return True


def _lost(future: Future[list[PackedItem]] | None) -> bool:
    """Whether a batch's result is gone with a broken pool (never sent, cancelled or failed)."""
    if future is None or not future.done() or future.cancelled():
        return True
    return future.exception() is not None
