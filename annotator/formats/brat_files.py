"""The .txt/.ann pairs a brat import reads: from a folder (recursively), a .zip or one file."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TypeVar

from annotator.core.reports import Failure

_Source = TypeVar("_Source")


@dataclass(frozen=True, slots=True)
class Pair:
    """One document's .txt and .ann: how to read each (``None``: missing), and their names."""

    stem: str
    """Relative path without the suffix: the document's external id."""
    text: Callable[[], bytes] | None
    ann: Callable[[], bytes] | None
    text_name: str
    ann_name: str


def document_files(path: Path, stack: ExitStack) -> list[Pair]:
    """The documents under ``path``; a zip stays open (on ``stack``) while they are read."""
    if path.is_dir():
        files = {
            p.relative_to(path).as_posix(): p
            for p in path.rglob("*")
            if p.suffix in (".txt", ".ann") and p.is_file()
        }
        return _pair_up(files, lambda p: p.read_bytes, str(path) + "/")
    if path.suffix.lower() == ".zip":
        archive = stack.enter_context(zipfile.ZipFile(path))
        members = {
            info.filename: info.filename
            for info in archive.infolist()
            if not info.is_dir() and PurePosixPath(info.filename).suffix in (".txt", ".ann")
        }
        return _pair_up(members, lambda name: partial(archive.read, name), f"{path}!")
    if path.suffix in (".txt", ".ann"):
        pair = (path.with_suffix(".txt"), path.with_suffix(".ann"))
        files = {p.name: p for p in pair if p.is_file()}
        return _pair_up(files, lambda p: p.read_bytes, f"{path.parent}/")
    raise OSError(f"{path} is not a folder, a .zip, a .txt or an .ann file")


def _pair_up(
    files: dict[str, _Source], reader: Callable[[_Source], Callable[[], bytes]], prefix: str
) -> list[Pair]:
    stems = sorted({name.rsplit(".", 1)[0] for name in files})
    pairs = []
    for stem in stems:
        text, ann = files.get(f"{stem}.txt"), files.get(f"{stem}.ann")
        pairs.append(
            Pair(
                stem,
                reader(text) if text is not None else None,
                reader(ann) if ann is not None else None,
                f"{prefix}{stem}.txt",
                f"{prefix}{stem}.ann",
            )
        )
    return pairs


def decode(data: bytes, name: str, encoding: str = "utf-8") -> str | Failure:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        return Failure(name, None, f"not UTF-8 text (byte {error.start})", "ANN136")
