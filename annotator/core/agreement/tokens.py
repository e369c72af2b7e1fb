"""Token units for token-level agreement: words and single punctuation marks, by offsets."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TOKEN = re.compile(r"\w+(?:['’\-.,]\w+)*|[^\w\s]")
"""A word (inner hyphens, apostrophes, and ``.``/``,`` between word characters kept) or any
other single non-space character. Simpler than formats.tokenize on purpose: agreement needs
the same units for every annotator, not linguistically perfect tokens."""


@dataclass(frozen=True, slots=True)
class Tokens:
    """The tokens of one text as parallel, ascending ``starts`` and ``ends`` offsets."""

    starts: Sequence[int]
    ends: Sequence[int]

    @classmethod
    def of(cls, text: str) -> Tokens:
        starts: list[int] = []
        ends: list[int] = []
        for match in TOKEN.finditer(text):
            starts.append(match.start())
            ends.append(match.end())
        return cls(starts, ends)

    def __len__(self) -> int:
        return len(self.starts)

    def covered(self, start: int, end: int) -> range:
        """Indices of the tokens sharing at least one character with ``[start, end)``."""
        return range(bisect_right(self.ends, start), bisect_left(self.starts, end))

    def covered_by(self, pieces: Iterable[tuple[int, int]]) -> set[int]:
        found: set[int] = set()
        for start, end in pieces:
            found.update(self.covered(start, end))
        return found
