"""A span index over the pieces of spans, so discontinuous spans hit-test and paint per piece.

A contiguous span is one entry keyed by its id, exactly as in :class:`SpanIndex`, so it costs
nothing extra. A discontinuous span's first piece is keyed by the span's id and every further
piece by a negative key that :meth:`PieceIndex.owner` maps back to the span. The gaps between
pieces go into a second index, so that a line inside a gap still knows to draw the connector.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import pairwise

from annotator.core.span_index import Entry, SpanIndex

Pieces = tuple[tuple[int, int], ...]


class PieceIndex:
    """``(start, end, key)`` entries for every piece of every span; keys map to span ids."""

    __slots__ = ("_extra", "_gap_keys", "_gap_owners", "_next_key", "_owners", "gaps", "index")

    def __init__(self) -> None:
        self.index = SpanIndex()
        self.gaps = SpanIndex()
        self._owners: dict[int, int] = {}  # negative key -> span id
        self._extra: dict[int, list[int]] = {}  # span id -> its negative keys
        self._gap_owners: dict[int, int] = {}
        self._gap_keys: dict[int, list[int]] = {}
        self._next_key = -1

    @classmethod
    def from_spans(cls, spans: Iterable[tuple[int, Pieces]]) -> PieceIndex:
        """An index of ``(span id, pieces)`` pairs (ids must be positive and unique)."""
        found = cls()
        entries: list[Entry] = []
        gaps: list[Entry] = []
        for span_id, pieces in spans:
            entries.append((pieces[0][0], pieces[0][1], span_id))
            for start, end in pieces[1:]:
                key = found._new_key(span_id)
                entries.append((start, end, key))
            for (_, gap_start), (gap_end, _) in pairwise(pieces):
                gaps.append((gap_start, gap_end, found._new_gap_key(span_id)))
        found.index = SpanIndex.from_entries(entries)
        found.gaps = SpanIndex.from_entries(gaps)
        return found

    @classmethod
    def from_outline(cls, entries: list[Entry], pieces: Mapping[int, Pieces]) -> PieceIndex:
        """An index of ``(start, end, id)`` entries (a discontinuous span's hull, its pieces in
        ``pieces``); the entries of contiguous spans go in as they are, which costs little when
        they come sorted."""
        if not pieces:
            found = cls()
            found.index = SpanIndex.from_entries(entries)
            return found
        return cls.from_spans(
            (span_id, pieces.get(span_id) or ((start, end),)) for start, end, span_id in entries
        )

    def _new_gap_key(self, span_id: int) -> int:
        key = self._next_key
        self._next_key -= 1
        self._gap_owners[key] = span_id
        self._gap_keys.setdefault(span_id, []).append(key)
        return key

    def _new_key(self, span_id: int) -> int:
        key = self._next_key
        self._next_key -= 1
        self._owners[key] = span_id
        self._extra.setdefault(span_id, []).append(key)
        return key

    def __len__(self) -> int:
        """The number of spans (not pieces)."""
        return len(self.index) - len(self._owners)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self.index

    def owner(self, key: int) -> int:
        """The span an entry's key belongs to."""
        return key if key > 0 else self._owners[key]

    def get(self, span_id: int) -> tuple[int, int] | None:
        """The span's first piece."""
        return self.index.get(span_id)

    def overlapping_entries(self, a: int, b: int) -> list[Entry]:
        """Pieces with ``start < b and end > a`` as ``(start, end, key)``, in that order."""
        return self.index.overlapping_entries(a, b)

    def at(self, pos: int) -> list[int]:
        """The ids of the spans with a piece covering ``pos``, in entry order."""
        owners = self._owners
        found = [
            key if key > 0 else owners[key]
            for _, _, key in self.index.overlapping_entries(pos, pos + 1)
        ]
        return list(dict.fromkeys(found)) if owners else found

    def gapped(self, a: int, b: int) -> list[int]:
        """The discontinuous spans with a gap between two pieces overlapping ``[a, b)``."""
        if not self._gap_owners:
            return []
        owners = self._gap_owners
        return list(dict.fromkeys(owners[key] for key in self.gaps.overlapping(a, b)))

    def _drop_gaps(self, span_id: int) -> None:
        for key in self._gap_keys.pop(span_id, []):
            self.gaps.remove(key)
            del self._gap_owners[key]

    def set(self, span_id: int, pieces: Pieces) -> None:
        """Add a span, or give it new pieces."""
        extra = self._extra.pop(span_id, [])
        for key in extra:
            self.index.remove(key)
            del self._owners[key]
        self._drop_gaps(span_id)
        for (_, gap_start), (gap_end, _) in pairwise(pieces):
            self.gaps.add(gap_start, gap_end, self._new_gap_key(span_id))
        first_start, first_end = pieces[0]
        if span_id in self.index:
            self.index.move(span_id, first_start, first_end)
        else:
            self.index.add(first_start, first_end, span_id)
        for start, end in pieces[1:]:
            self.index.add(start, end, self._new_key(span_id))

    def is_pieced(self, span_id: int) -> bool:
        """True for a span indexed in several pieces."""
        return span_id in self._extra

    def remove(self, span_id: int) -> None:
        """Remove a span and its pieces; ``KeyError`` if unknown."""
        self.index.remove(span_id)
        for key in self._extra.pop(span_id, []):
            self.index.remove(key)
            del self._owners[key]
        self._drop_gaps(span_id)


__all__ = ["PieceIndex", "Pieces"]
