"""Lines of a streamed file in chunks: numbered, bounded in length, in a byte encoding."""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from annotator.ingest.encoding import SAMPLE_BYTES, detect_encoding

CHUNK_BYTES = 256 * 1024
_WIDE = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})


@dataclass(frozen=True, slots=True)
class Lines:
    """The encoding of the bytes in ``lines`` and the numbered lines (``None``: too long)."""

    encoding: str
    lines: Iterator[tuple[int, bytes | None]]


def _chunks(stream: IO[bytes], head: bytes) -> Iterator[bytes]:
    if head:
        yield head
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


def _recoded(chunks: Iterable[bytes], codec: str) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder(codec)()
    for chunk in chunks:
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


def split_lines(chunks: Iterable[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Numbered lines without their ``\\n`` (and ``\\r``); ``None`` for lines over ``limit``."""
    number = 0
    pending: list[bytes] = []
    pending_size = 0
    too_long = False
    for chunk in chunks:
        parts = chunk.split(b"\n")
        last = parts.pop()
        if parts:  # the first part ends the line begun in earlier chunks
            number += 1
            first = parts[0]
            if too_long or pending_size + len(first) > limit:
                yield number, None
            else:
                line = b"".join(pending) + first if pending else first
                yield number, line[:-1] if line.endswith(b"\r") else line
            pending, pending_size, too_long = [], 0, False
            rest = parts[1:]
            if rest and b"\r" not in chunk and max(map(len, rest)) <= limit:
                yield from enumerate(rest, number + 1)  # the usual chunk: no Python code a line
            else:
                for place, part in enumerate(rest, number + 1):
                    if len(part) > limit:
                        yield place, None
                    else:
                        yield place, part[:-1] if part.endswith(b"\r") else part
            number += len(rest)
        if too_long or not last:
            continue
        pending_size += len(last)
        if pending_size > limit:
            pending, too_long = [], True
        else:
            pending.append(last)
    if pending or too_long:
        line = b"".join(pending)
        yield number + 1, None if too_long else line[:-1] if line.endswith(b"\r") else line


def open_lines(stream: IO[bytes], limit: int) -> Lines:
    """Choose the encoding from the start of ``stream`` and iterate its lines.

    Raises ``RefusedError`` when the start is binary.

    UTF-16 and UTF-32 files are decoded chunk by chunk and handed on as UTF-8, so every reader
    downstream splits bytes on ``\\n``. Lines longer than the record limit come out as ``None``
    without ever being held in memory whole.
    """
    head = stream.read(SAMPLE_BYTES)
    codec = detect_encoding(head, complete=len(head) < SAMPLE_BYTES)
    if codec == "utf-8-sig":
        head, codec = head[len(codecs.BOM_UTF8) :], "utf-8"
    chunks = _chunks(stream, head)
    if codecs.lookup(codec).name in _WIDE:
        return Lines("utf-8", split_lines(_recoded(chunks, codec), limit))
    return Lines(codec, split_lines(chunks, limit))
