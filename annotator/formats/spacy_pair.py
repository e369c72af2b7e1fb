"""A folder of ``.spacy`` shards read by two processes, in the order one would read them.

Reading a shard (inflating it, unpacking every document's user data, joining its texts) is
most of a spaCy import; the import service's reading worker (:mod:`annotator.formats.
read_ahead`) does it while the importing process stores, which takes a fraction of that time.
In that worker, every other shard is read by a second worker forked from it (spaCy is loaded
already), through the same pipe machinery: the first worker yields its own shard, then the
second's, and so on, so the items come in the order of a single reader, failures and errors
at the same place.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from annotator.core.interchange import AnnotatedDraft
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.formats.read_ahead import ReadingWorker, read_ahead

Item = AnnotatedDraft | PlainDraft | Failure

_END = "\0"
"""The ``file`` of the Failure the second worker sends after each of its shards (no file name
holds a NUL character); it never leaves this module."""


def read_in_two(
    folder: Path,
    files: Sequence[Path],
    read_file: Callable[[Path], Iterator[Item]],
    *,
    when_busy: bool = False,
) -> Iterator[Item]:
    """What ``read_file`` yields for each of ``files`` in turn, the odd ones read by a second
    worker when there are two files or more and read_ahead finds a core to spare for it (or
    ``when_busy``)."""
    if len(files) < 2:
        for file in files:
            yield from read_file(file)
        return

    first = os.getpid()

    def theirs() -> Iterator[Item]:
        _end_with(first)
        for file in files[1::2]:
            yield from read_file(file)
            yield Failure(_END, None, "", "")

    helper = read_ahead(folder, theirs, minimum=0, when_busy=when_busy) if _may_fork() else None
    if not isinstance(helper, ReadingWorker):  # no worker: read here, in order
        for file in files:
            yield from read_file(file)
        return
    try:
        for number, file in enumerate(files):
            if number % 2 == 0:
                yield from read_file(file)
                continue
            for item in helper:
                if type(item) is Failure and item.file == _END:
                    break
                yield item
    finally:
        helper.close()


_PR_SET_PDEATHSIG = 1


def _end_with(parent: int) -> None:
    """Have the kernel terminate this process (the second worker) when ``parent`` (the first)
    ends. A cancel terminates the first worker outright, with no time to stop this one, which
    would read on, orphaned, until its next send fails (a shard can take seconds). Linux's
    ``PR_SET_PDEATHSIG``; read_ahead forks only there."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it ended before the request was made
        os._exit(1)


def _may_fork() -> bool:
    """Let this process start a worker: read_ahead starts its reader as a daemon process,
    which multiprocessing does not let have children. In the reader itself the flag decides
    only that: the reader is still ended by its parent as before (read_ahead terminates and
    joins it), and its own worker is ended with it (see :func:`_end_with`)."""
    process = multiprocessing.current_process()
    if process.daemon:
        try:
            process.daemon = False
        except AssertionError:  # a process started otherwise than by fork: leave it be
            return False
    return True
