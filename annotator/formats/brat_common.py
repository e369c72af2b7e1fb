"""What the brat reader and writer share: the format's name, the note type, the characters a
.ann text field cannot hold, and span pieces."""

from __future__ import annotations

import re
from collections.abc import Sequence

FORMAT_NAME = "brat"
NOTE_TYPE = "AnnotatorNotes"
FRAGMENT_BREAK = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
UNSAFE_VALUE = re.compile(r"[\s,|]+")
Pieces = list[tuple[int, int]]
"""A span's pieces (or fragments) as ``(start, end)`` code-point offsets."""


def surface(text: str, pieces: Sequence[tuple[int, int]]) -> str:
    """What a ``T`` line shows of a span: its pieces' text joined by one space, as brat does."""
    return " ".join(text[a:b] for a, b in pieces)
