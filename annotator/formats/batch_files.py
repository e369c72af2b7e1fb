"""A worker's batch of output handed back as a temporary file that the kernel appends to the
export (``copy_file_range``), not as bytes through the worker's pipe.

A token format's output is large (Prodigy: 357 MB for 10,000 documents); through the pipe each
batch is pickled, read in 64 KB chunks, unpickled and written again by the calling process. On
Linux, with workers, a batch is written to a file in a hidden temporary folder beside the
export instead (on the export's file system, where the kernel can copy it without reading it
back into this process; a tmpfs ``/tmp`` would also hold it in memory); elsewhere, or with one
worker (the batches are then made in the calling process), batches come back as bytes. The
folder, and whatever a cancelled export left in it, is removed when the export ends.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO


@contextmanager
def batch_folder(workers: int, out: BinaryIO | None = None) -> Iterator[str | None]:
    """A temporary folder for the workers' batch files, beside ``out`` when it is a file (else
    in the system's temporary folder), or None when batches come back as bytes: one worker, or
    no ``os.copy_file_range`` (not Linux)."""
    if workers <= 1 or not hasattr(os, "copy_file_range"):
        yield None
        return
    with tempfile.TemporaryDirectory(prefix=".annotator-batches-", dir=_beside(out)) as folder:
        yield folder


def _beside(out: BinaryIO | None) -> str | None:
    """The folder of the file ``out`` writes, or None (a stream, or a name that is no path)."""
    name = getattr(out, "name", None)
    if not isinstance(name, str):
        return None
    folder = os.path.dirname(os.path.abspath(name))
    return folder if os.path.isdir(folder) and os.access(folder, os.W_OK) else None


def hand_back(folder: str | None, data: bytes) -> bytes | str:
    """``data`` itself, or the name of a new file in ``folder`` holding it."""
    if folder is None:
        return data
    fd, name = tempfile.mkstemp(dir=folder, suffix=".part")
    with open(fd, "wb") as handle:
        handle.write(data)
    return name


def append(result: bytes | str, out: BinaryIO) -> None:
    """Write what :func:`hand_back` returned at the end of ``out`` (a file is then removed)."""
    if isinstance(result, bytes):
        out.write(result)
        return
    try:
        with open(result, "rb", buffering=0) as source:
            _copy(source, out)
    finally:
        os.unlink(result)


def _copy(source: BinaryIO, out: BinaryIO) -> None:
    """Copy the rest of ``source`` to ``out``: in the kernel, else (another file system on an
    older kernel, a stream that is no file) by reading and writing what is left."""
    out.flush()
    try:
        target = out.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
        target = -1
    if target >= 0:
        size = os.fstat(source.fileno()).st_size
        done = 0
        try:
            while done < size:
                copied = os.copy_file_range(source.fileno(), target, size - done)
                if not copied:
                    break
                done += copied
        except OSError:
            pass  # both files' offsets have moved past what was copied
    shutil.copyfileobj(source, out, 1 << 20)
