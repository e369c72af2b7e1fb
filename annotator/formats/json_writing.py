"""What the JSON-family writers share: offsets that need no conversion, lines written in batches."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import BinaryIO

from annotator.core.annotation import Span
from annotator.core.offsets import OffsetConverter, Unit

_START = attrgetter("start")
_END = attrgetter("end")
BATCH = 64
"""Lines joined into one write: a JSON line is a few kilobytes, a write call per line cost
about as much as encoding the spans of a document."""


def offsets_unchanged(conv: OffsetConverter, spans: Sequence[Span], unit: Unit) -> bool:
    """Whether every span's code point offsets are already its offsets in ``unit`` and inside
    the text, so that :meth:`OffsetConverter.from_codepoint` would return each unchanged: for
    code points, for UTF-16 when no character lies beyond the BMP, for UTF-8 when the text is
    ASCII. When this is false the caller converts each offset (and gets the converter's error
    for one out of range)."""
    if unit is Unit.UTF16:
        same = not conv.has_astral
    elif unit is Unit.UTF8:
        same = conv.text.isascii()
    else:
        same = True
    if not same or not spans:
        return same
    length = conv.length_in(Unit.CODE_POINT)
    starts: list[int] = list(map(_START, spans))
    ends: list[int] = list(map(_END, spans))
    return min(min(starts), min(ends)) >= 0 and max(max(starts), max(ends)) <= length


def write_batched(lines: Iterable[bytes], out: BinaryIO, batch: int = BATCH) -> None:
    """Write ``lines`` (each with its own separators) to ``out``, ``batch`` at a time."""
    pending: list[bytes] = []
    add = pending.append
    for line in lines:
        add(line)
        if len(pending) >= batch:
            out.write(b"".join(pending))
            pending.clear()
    if pending:
        out.write(b"".join(pending))
