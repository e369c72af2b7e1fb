"""Batches of an export's documents turned into output in worker processes, in order.

A token format spends most of an export tokenizing and laying out documents, one at a time and
independently, while the main process reads the database; with one worker process per core the
two overlap and the work is shared. Results come back in the order the batches went out, so the
file is the same as one written in a single process. Workers are started with ``spawn`` (the
window may run the export beside Qt threads, which ``fork`` must not copy), only when there is
more than one batch: a small export stays in the calling process and pays no start-up.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

from annotator.core.errors import UserError

B = TypeVar("B")
R = TypeVar("R")

MAX_WORKERS = 4
"""Worker processes at most, whatever the core count (the main process reads meanwhile)."""


def worker_count(extra: Mapping[str, str]) -> int:
    """Processes for an export: ``extra["workers"]``, else one per core (at most
    :data:`MAX_WORKERS`); 1 works in the calling process."""
    raw = extra.get("workers")
    if raw is None:
        return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0))))
    if not raw.isdigit() or int(raw) < 1:
        raise UserError(f"extra option workers={raw!r} must be a positive number", code="ANN335")
    return int(raw)


def batched(items: Iterable[B], size: int) -> Iterator[list[B]]:
    """``items`` in lists of ``size`` (the last may be shorter), pulled as they are needed."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def ordered_map(
    work: Callable[[B], R], batches: Iterable[B], workers: int, ahead: int = 1
) -> Iterator[R]:
    """``work(batch)`` for each batch, in order; in ``workers`` processes when there are two
    batches or more (``work`` and the batches must then pickle), else here.

    At most ``workers + ahead`` batches are out at once, so memory stays flat. If the caller
    stops early (an error, a cancel), batches not started are dropped and the workers end.
    """
    iterator = iter(batches)
    first = next(iterator, None)
    if first is None:
        return
    second = next(iterator, None)
    if second is None or workers <= 1:
        yield work(first)
        if second is not None:
            yield work(second)
            for batch in iterator:
                yield work(batch)
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    pending: deque[Future[R]] = deque()
    try:
        pending.append(pool.submit(work, first))
        pending.append(pool.submit(work, second))
        for batch in iterator:
            while len(pending) >= workers + ahead:
                yield pending.popleft().result()
            pending.append(pool.submit(work, batch))
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
