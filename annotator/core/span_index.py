"""A mutable index of half-open spans answering "which spans overlap [a, b)" quickly."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator

__all__ = ["SpanIndex"]

Entry = tuple[int, int, int]
"""``(start, end, id)``, the order in which the index keeps and returns spans."""

_LOAD = 512
"""Target chunk size: chunks hold between ``_LOAD // 2`` and ``2 * _LOAD`` entries."""


class _ChunkedList:
    """Entries of one length class, sorted by ``(start, end, id)`` in chunks.

    A sorted list cut into chunks (as in ``sortedcontainers``), without positional indexing:
    ``maxes[k]`` is the last entry of ``chunks[k]``.  Finding a chunk is a ``bisect`` over
    ``maxes``; inserting or deleting moves at most ``2 * _LOAD`` pointers inside one chunk.
    """

    __slots__ = ("chunks", "maxes")

    def __init__(self, entries: list[Entry]) -> None:
        """Build from entries already sorted by ``(start, end, id)``."""
        self.chunks = [entries[i : i + _LOAD] for i in range(0, len(entries), _LOAD)]
        self.maxes = [chunk[-1] for chunk in self.chunks]

    def __len__(self) -> int:
        return sum(len(chunk) for chunk in self.chunks)

    def add(self, entry: Entry) -> None:
        chunks, maxes = self.chunks, self.maxes
        if not chunks:
            chunks.append([entry])
            maxes.append(entry)
            return
        k = bisect_left(maxes, entry)
        if k == len(maxes):  # after every entry: append to the last chunk
            k -= 1
            chunk = chunks[k]
            chunk.append(entry)
            maxes[k] = entry
        else:
            chunk = chunks[k]
            insort(chunk, entry)
        if len(chunk) > 2 * _LOAD:
            chunks[k : k + 1] = [chunk[:_LOAD], chunk[_LOAD:]]
            maxes[k : k + 1] = [chunk[_LOAD - 1], chunk[-1]]

    def remove(self, entry: Entry) -> None:
        """Remove ``entry``, which must be present."""
        chunks, maxes = self.chunks, self.maxes
        k = bisect_left(maxes, entry)
        chunk = chunks[k]
        del chunk[bisect_left(chunk, entry)]
        if not chunk:
            del chunks[k]
            del maxes[k]
            return
        maxes[k] = chunk[-1]
        if len(chunk) < _LOAD // 2 and len(chunks) > 1:  # merge with a neighbour
            j = k - 1 if k > 0 else k
            merged = chunks[j] + chunks[j + 1]
            if len(merged) > 2 * _LOAD:
                half = len(merged) // 2
                chunks[j : j + 2] = [merged[:half], merged[half:]]
                maxes[j : j + 2] = [merged[half - 1], merged[-1]]
            else:
                chunks[j : j + 2] = [merged]
                maxes[j : j + 2] = [merged[-1]]

    def collect(self, lo: int, a: int, b: int, out: list[Entry]) -> None:
        """Append to ``out`` the entries with ``lo <= start < b`` and ``end > a``, in order."""
        if lo >= b:
            return
        chunks, maxes = self.chunks, self.maxes
        low = (lo,)  # sorts before every entry starting at lo
        high = (b,)
        k = bisect_left(maxes, low)
        i = bisect_left(chunks[k], low) if k < len(chunks) else 0
        while k < len(chunks):
            chunk = chunks[k]
            if maxes[k] < high:  # the whole rest of the chunk starts before b
                out.extend([e for e in (chunk[i:] if i else chunk) if e[1] > a])
            else:
                j = bisect_left(chunk, high, i)
                out.extend([e for e in chunk[i:j] if e[1] > a])
                return
            k += 1
            i = 0


class SpanIndex:
    """A mutable set of half-open spans ``[start, end)`` with unique integer ids.

    Answers ``overlapping(a, b)`` (ids of spans with ``start < b and end > a``) and ``at(pos)``
    (``start <= pos < end``), always in ``(start, end, id)`` order, which is also the order of
    iteration.  Spans must be non-empty (``start < end``).

    Design: spans are split into length classes, class ``c`` holding the spans whose length has
    ``c`` bits (``2**(c-1) <= end - start < 2**c``).  Inside a class a span overlapping
    ``[a, b)`` must start in ``[a - 2**c + 2, b)``, so each class is a sorted list (chunked, see
    ``_ChunkedList``) that is cut to that start range with ``bisect`` and filtered on ``end > a``.
    A candidate that fails the filter starts at or before ``p = a - 2**(c-1)`` and, being at
    least ``2**(c-1)`` long, ends after ``p``: the misses of one class all cover one point.

    Complexity, for n spans, C non-empty length classes (at most ``log2(longest span) + 1``,
    about 20 for a 1M-character text) and k results:

    - ``overlapping``/``at``: O(C·(log n + d) + k log C), where d is the largest number of
      spans of one length class stacked over one point (the misses above).  For annotations,
      whose same-length spans rarely nest deeply, that is O(C·log n + k); it is not a
      worst-case O(log n + k) bound: ``d`` spans of similar length all covering a point just
      before ``a`` cost ``d`` look-ups each.
    - ``add``/``remove``/``move``: O(log n + L), where L = 512 is the chunk size and the L term
      is one C-level ``memmove`` of at most 1024 pointers (a few microseconds at 55,000 spans).
    - ``from_entries``: O(n log n) for the sort, O(n) if the entries come sorted.
    - ``get``, ``in``, ``len``: O(1); iteration: O(n log C) to merge the classes.

    Not thread-safe; iteration works on a snapshot, so the index may change meanwhile.
    """

    __slots__ = ("_classes", "_spans")

    def __init__(self) -> None:
        self._spans: dict[int, tuple[int, int]] = {}
        self._classes: dict[int, _ChunkedList] = {}

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[int, int, int]]) -> SpanIndex:
        """Build an index from ``(start, end, id)`` triples in any order.

        Raises ``ValueError`` for an empty or reversed span or a repeated id.
        """
        items: list[Entry] = sorted(map(tuple, entries))  # type: ignore[arg-type]
        spans: dict[int, tuple[int, int]] = {}
        buckets: dict[int, list[Entry]] = {}
        for entry in items:
            start, end, span_id = entry
            length = end - start
            if length <= 0:
                raise ValueError(_empty_message(start, end, span_id))
            spans[span_id] = (start, end)
            bucket = buckets.get(length.bit_length())
            if bucket is None:
                buckets[length.bit_length()] = [entry]
            else:
                bucket.append(entry)
        if len(spans) != len(items):
            seen: set[int] = set()
            for _, _, span_id in items:
                if span_id in seen:
                    raise ValueError(f"span id {span_id} occurs more than once")
                seen.add(span_id)
        index = cls()
        index._spans = spans
        index._classes = {c: _ChunkedList(bucket) for c, bucket in buckets.items()}
        return index

    # -- reading ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._spans)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._spans

    def __iter__(self) -> Iterator[Entry]:
        """Iterate over ``(start, end, id)`` entries in that order (over a snapshot)."""
        out: list[Entry] = []
        for chunked in self._classes.values():
            for chunk in chunked.chunks:
                out.extend(chunk)
        if len(self._classes) > 1:
            out.sort()  # merges the sorted runs of each class
        return iter(out)

    def __repr__(self) -> str:
        return f"<SpanIndex of {len(self._spans)} spans>"

    def get(self, span_id: int) -> tuple[int, int] | None:
        """Return ``(start, end)`` of a span, or None if the id is unknown."""
        return self._spans.get(span_id)

    def overlapping_entries(self, a: int, b: int) -> list[Entry]:
        """Return the ``(start, end, id)`` entries with ``start < b and end > a``, in order."""
        out: list[Entry] = []
        for c, chunked in self._classes.items():
            chunked.collect(a - (1 << c) + 2, a, b, out)
        if len(self._classes) > 1:
            out.sort()  # merges one sorted run per class
        return out

    def overlapping(self, a: int, b: int) -> list[int]:
        """Return the ids of the spans with ``start < b and end > a``, in entry order."""
        return [entry[2] for entry in self.overlapping_entries(a, b)]

    def at(self, pos: int) -> list[int]:
        """Return the ids of the spans with ``start <= pos < end``, in entry order."""
        return self.overlapping(pos, pos + 1)

    # -- editing ---------------------------------------------------------------------------

    def add(self, start: int, end: int, span_id: int) -> None:
        """Add a span; ``ValueError`` if ``start >= end`` or the id is already present."""
        if start >= end:
            raise ValueError(_empty_message(start, end, span_id))
        if span_id in self._spans:
            raise ValueError(f"span id {span_id} is already in the index")
        self._spans[span_id] = (start, end)
        self._insert((start, end, span_id))

    def remove(self, span_id: int) -> None:
        """Remove a span; ``KeyError`` if the id is unknown."""
        try:
            start, end = self._spans.pop(span_id)
        except KeyError:
            raise KeyError(span_id) from None
        self._delete((start, end, span_id))

    def move(self, span_id: int, start: int, end: int) -> None:
        """Give a span new bounds; ``KeyError`` if unknown, ``ValueError`` if empty."""
        old = self._spans.get(span_id)
        if old is None:
            raise KeyError(span_id)
        if start >= end:
            raise ValueError(_empty_message(start, end, span_id))
        if old == (start, end):
            return
        self._delete((old[0], old[1], span_id))
        self._spans[span_id] = (start, end)
        self._insert((start, end, span_id))

    # -- internals -------------------------------------------------------------------------

    def _insert(self, entry: Entry) -> None:
        c = (entry[1] - entry[0]).bit_length()
        chunked = self._classes.get(c)
        if chunked is None:
            self._classes[c] = _ChunkedList([entry])
        else:
            chunked.add(entry)

    def _delete(self, entry: Entry) -> None:
        c = (entry[1] - entry[0]).bit_length()
        chunked = self._classes[c]
        chunked.remove(entry)
        if not chunked.chunks:
            del self._classes[c]

    def _check_invariants(self) -> None:
        """Assert the internal structure is consistent (for tests)."""
        total = 0
        for c, chunked in self._classes.items():
            assert chunked.chunks, f"empty class {c}"
            assert len(chunked.chunks) == len(chunked.maxes)
            flat = [entry for chunk in chunked.chunks for entry in chunk]
            assert flat == sorted(flat), f"class {c} out of order"
            for chunk, last in zip(chunked.chunks, chunked.maxes, strict=True):
                assert chunk, f"empty chunk in class {c}"
                assert len(chunk) <= 2 * _LOAD
                assert chunk[-1] == last
            assert all(len(chunk) >= _LOAD // 2 for chunk in chunked.chunks[:-1])
            for start, end, span_id in flat:
                assert (end - start).bit_length() == c
                assert self._spans.get(span_id) == (start, end)
            total += len(flat)
        assert total == len(self._spans)


def _empty_message(start: int, end: int, span_id: int) -> str:
    return f"span {span_id} [{start}, {end}) is empty or reversed: start must be < end"
