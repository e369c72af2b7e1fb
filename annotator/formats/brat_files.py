"""The .txt/.ann pairs a brat import reads: from a folder (recursively), a .zip or one file."""

from __future__ import annotations

import contextlib
import io
import os
import struct
import zipfile
import zlib
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
            if not info.is_dir() and _suffix(info.filename) in (".txt", ".ann")
        }
        direct = _DirectMembers(archive)
        return _pair_up(members, direct.reader, f"{path}!")
    if path.suffix in (".txt", ".ann"):
        pair = (path.with_suffix(".txt"), path.with_suffix(".ann"))
        files = {p.name: p for p in pair if p.is_file()}
        return _pair_up(files, lambda p: p.read_bytes, f"{path.parent}/")
    raise OSError(f"{path} is not a folder, a .zip, a .txt or an .ann file")


class _DirectMembers:
    """A zip's members read straight from the file: a member's header, name and deflated bytes
    read in two ``pread`` calls and inflated in one, about half the time of
    :meth:`zipfile.ZipFile.read` (which reads through a file object of its own, a header object
    and a stream decoder per member). A member this cannot read exactly as ``read`` does
    (another compression, flags, a header, size or CRC-32 that is not as the directory says, or
    bytes running into the next member where this Python's zipfile refuses them) is read by
    ``read``, which then returns the same bytes or raises what it always raised."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.fd: int | None = None
        with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
            if hasattr(os, "pread") and archive.fp is not None:
                self.fd = archive.fp.fileno()

    def reader(self, name: str) -> Callable[[], bytes]:
        return partial(self.read, name)

    def read(self, name: str) -> bytes:
        info = self.archive.getinfo(name)
        data = self._direct(info, self.fd) if self.fd is not None else None
        return data if data is not None else self.archive.read(name)

    def _direct(self, info: zipfile.ZipInfo, fd: int) -> bytes | None:
        if info.flag_bits & ~_PLAIN_FLAGS or info.compress_type not in _METHODS:
            return None
        try:
            header = os.pread(fd, _HEADER.size, info.header_offset)
            if len(header) != _HEADER.size:
                return None
            signature, flags, name_length, extra_length = _HEADER.unpack(header)
            if signature != _SIGNATURE:
                return None
            size = name_length + extra_length + info.compress_size
            end = getattr(info, "_end_offset", None)  # zipfile's overlapped-entries check
            if end is not None and info.header_offset + _HEADER.size + size > end:
                return None
            rest = os.pread(fd, size, info.header_offset + _HEADER.size)
        except OSError:
            return None
        if len(rest) != size:
            return None
        try:
            name = rest[:name_length].decode(
                "utf-8"
                if flags & _UTF8_NAME
                else getattr(self.archive, "metadata_encoding", None) or "cp437"
            )
        except UnicodeDecodeError:
            return None
        if name != info.orig_filename:
            return None
        data = memoryview(rest)[name_length + extra_length :]
        if info.compress_type == zipfile.ZIP_DEFLATED:
            try:
                inflated = zlib.decompress(data, -15)
            except zlib.error:
                return None
        else:
            inflated = bytes(data)
        if len(inflated) != info.file_size or zlib.crc32(inflated) != info.CRC:
            return None
        return inflated


_HEADER = struct.Struct("<4s2xH18xHH")
"""A local file header: signature, flags, (method, time, CRC-32, sizes), name and extra
lengths."""
_SIGNATURE = b"PK\x03\x04"
_UTF8_NAME = 0x800
_PLAIN_FLAGS = 0x2 | 0x4 | 0x8 | _UTF8_NAME
"""Flags that change nothing in reading: deflate's level, sizes after the data, UTF-8 name."""
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _suffix(name: str) -> str:
    """``PurePosixPath(name).suffix``, without making a path of the usual name (a zip of
    10,000 documents spent a fifth of its reading there)."""
    if name.endswith((".txt", ".ann")) and len(name) > 4 and name[-5] != "/":
        return name[-4:]
    return PurePosixPath(name).suffix


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
