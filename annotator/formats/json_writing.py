"""What the JSON-family writers share: offsets that need no conversion, lines written in batches."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain
from typing import BinaryIO

from annotator.core.annotation import Span
from annotator.core.offsets import Unit, utf16_length

BATCH = 64
"""Lines joined into one write: a JSON line is a few kilobytes, a write call per line cost
about as much as encoding the spans of a document."""


def unconverted_bounds(
    text: str, spans: Sequence[Span], unit: Unit
) -> list[tuple[int, int]] | None:
    """Each span's ``(start, end)`` when its code point offsets are already its offsets in
    ``unit`` and inside the text, so that :meth:`OffsetConverter.from_codepoint` would return
    each unchanged: code points; UTF-16 when no character lies beyond the BMP; UTF-8 when the
    text is ASCII. ``None`` otherwise: the caller converts each offset (and gets the
    converter's error for one out of range)."""
    if not (
        unit is Unit.CODE_POINT
        or text.isascii()
        or (unit is Unit.UTF16 and utf16_length(text) == len(text))
    ):
        return None
    bounds = [(span.start, span.end) for span in spans]
    if bounds:
        offsets = list(chain.from_iterable(bounds))
        if min(offsets) < 0 or max(offsets) > len(text):
            return None
    return bounds


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
