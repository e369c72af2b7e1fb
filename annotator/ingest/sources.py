"""Where inputs come from: paths and folders walked lazily in sorted order, reads with limits."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from annotator.ingest.items import FailureCode, IngestFailure, RefusedError

SKIPPED_NAMES = frozenset({"__MACOSX", "Thumbs.db", "desktop.ini"})
"""Names never imported (besides hidden names starting with a dot)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One file to read, on disk or inside an archive."""

    name: str
    """Display name and origin prefix: an absolute path or ``/abs/a.zip!inner/b.html``."""
    size: int
    """Size in bytes (as declared, for archive entries)."""
    opener: Callable[[], IO[bytes]]
    path: Path | None = None
    """Set for files on disk, which worker processes read themselves."""

    @property
    def basename(self) -> str:
        return self.name.rsplit("!", 1)[-1].replace("\\", "/").rsplit("/", 1)[-1]


def is_skipped(name: str) -> bool:
    """Hidden files and folders, macOS resource forks and OS thumbnails are never imported."""
    return name.startswith(".") or name in SKIPPED_NAMES


def file_entry(path: Path) -> Entry:
    """An entry for a file on disk (its size is read now)."""
    return Entry(str(path), path.stat().st_size, lambda: path.open("rb"), path)


def _walk_dir(directory: Path) -> Iterator[Entry | IngestFailure]:
    try:
        with os.scandir(directory) as scan:
            children = sorted(scan, key=lambda child: child.name)
    except OSError as exc:
        yield IngestFailure(
            str(directory),
            str(directory),
            None,
            f"cannot list the folder: {exc.strerror}",
            FailureCode.UNREADABLE,
        )
        return
    for child in children:
        if is_skipped(child.name):
            continue
        path = directory / child.name
        try:
            if child.is_dir(follow_symlinks=False):
                yield from _walk_dir(path)
            elif child.is_file():
                yield file_entry(path)
        except OSError as exc:
            yield IngestFailure(
                str(path), str(path), None, f"cannot read: {exc.strerror}", FailureCode.UNREADABLE
            )


def walk(paths: Sequence[Path]) -> Iterator[Entry | IngestFailure]:
    """Every file under ``paths`` in order: each folder recursively, sorted by name, lazily.

    Names are absolute with ``..`` folded (symbolic links are not resolved). Links to folders
    are not followed (no loops); links to files are."""
    for given in paths:
        path = Path(os.path.abspath(given))
        try:
            if path.is_dir():
                yield from _walk_dir(path)
            elif path.is_file():
                yield file_entry(path)
            else:
                yield IngestFailure(
                    str(path), str(path), None, "no such file or folder", FailureCode.UNREADABLE
                )
        except OSError as exc:
            yield IngestFailure(
                str(path), str(path), None, f"cannot read: {exc.strerror}", FailureCode.UNREADABLE
            )


def too_large(limit: int, size: int | None = None) -> RefusedError:
    """The refusal for a file or entry over ``limit`` bytes."""
    found = f" ({size:,} bytes)" if size is not None else ""
    return RefusedError(
        f"refused: the file is over the size limit of {limit:,} bytes{found}",
        FailureCode.TOO_LARGE,
    )


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """All of ``stream``, refusing more than ``limit`` bytes without reading past it."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    return data


def read_file(path: Path, limit: int) -> bytes:
    """A whole file on disk, refused before reading when it is over ``limit`` bytes."""
    size = path.stat().st_size
    if size > limit:
        raise too_large(limit, size)
    with path.open("rb") as stream:
        return read_limited(stream, limit)


READ_ERRORS = (RefusedError, UnicodeDecodeError, OSError, zipfile.BadZipFile, EOFError)
"""What reading a file or archive entry may raise for a bad input."""


def read_failure(name: str, exc: Exception, *, line: int | None = None) -> IngestFailure:
    """The failure reported for a file whose reading stopped with one of ``READ_ERRORS``."""
    if isinstance(exc, RefusedError):
        return IngestFailure(name, name, exc.line or line, exc.reason, exc.code)
    if isinstance(exc, UnicodeDecodeError):
        reason = f"cannot decode the file at byte {exc.start}; the rest was not read"
        return IngestFailure(name, name, line, reason, FailureCode.BINARY)
    if isinstance(exc, zipfile.BadZipFile | EOFError):
        reason = f"corrupt archive entry: {exc}"
        return IngestFailure(name, name, line, reason, FailureCode.MALFORMED)
    reason = f"cannot read: {getattr(exc, 'strerror', None) or exc}"
    return IngestFailure(name, name, line, reason, FailureCode.UNREADABLE)
