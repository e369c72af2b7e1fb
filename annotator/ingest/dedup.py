"""Duplicate detection: exact (content hash) and near (MinHash signatures with LSH banding)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from annotator.ingest.exact_index import ExactIndex
from annotator.ingest.minhash import HEADER, NUM_HASHES, SIGNATURE_BYTES, decode

K = TypeVar("K", bound=Hashable)

_COMPACT_AT = 4096
_BLOCK_ROWS = 4096
_HIGH = np.uint64(32)
_NO_ROWS: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
_NO_PLACES: npt.NDArray[np.intp] = np.zeros(0, dtype=np.intp)
_PENDING_MARKS = 1 << 22
_PENDING_MARK = np.uint32(10)  # a pending key's byte in the marks: its top 22 bits
_BULK_ROWS = 8  # rows added together from this many on: a sorted run; fewer: the dict
_FILTER_BYTES = 1 << 24
_FILTER_BYTE = np.uint32(8)  # a key's byte in the filter: its top 24 bits
_FILTER_BIT = np.uint32(5)  # and its bit in that byte: the next 3
_ROW_MULTIPLIERS = (
    np.random.default_rng(0x5EED).integers(1, 1 << 62, NUM_HASHES, dtype=np.uint64) * 2 + 1
).astype(np.uint64)


def _merged(
    old: npt.NDArray[np.uint32],
    new: npt.NDArray[np.uint32],
    places: npt.NDArray[np.intp],
    kept: npt.NDArray[np.bool_],
) -> npt.NDArray[np.uint32]:
    """``old`` with ``new`` at ``places`` of the result (``kept``: the other places)."""
    merged = np.empty(kept.size, dtype=np.uint32)
    merged[places] = new
    merged[kept] = old
    return merged


def _mark(bits: npt.NDArray[np.uint8], keys: npt.NDArray[np.uint32]) -> None:
    """Set the filter bits of ``keys`` (see ``NearDuplicateIndex._maybe_indexed``)."""
    np.bitwise_or.at(
        bits, keys >> _FILTER_BYTE, np.left_shift(1, (keys >> _FILTER_BIT) & 7).astype(np.uint8)
    )


def bands_for(threshold: float) -> tuple[int, int]:
    """``(bands, rows)`` with bands * rows = 128: the most rows (fewest false candidates) for
    which a pair at ``threshold`` still shares a band with probability >= 0.97."""
    best = (NUM_HASHES, 1)
    for rows in (1, 2, 4, 8, 16, 32):
        bands = NUM_HASHES // rows
        if 1 - (1 - threshold**rows) ** bands >= 0.97:
            best = (bands, rows)
    return best


class NearDuplicateIndex(Generic[K]):
    """Keys with MinHash signatures; ``query`` finds the most similar key over the threshold.

    Both indexes hold only what the caller adds, so a service pre-loads them with the documents
    already in a project (their stored content hashes and signatures) before checking new ones.
    Memory is about 0.8 KB per document: the signature (512 bytes, in blocks of
    ``_BLOCK_ROWS`` so growing never copies them) and a 32-bit key and row per band in sorted
    numpy arrays (merged with the pending keys every ``_COMPACT_AT`` additions, never sorted
    whole again). A 100,000-document project needs about 80 MB, at most about 110 MB while
    the band arrays are merged; batch checks add a 16 MB filter of the keys. Band keys are 32
    bits: two bands that share one by chance only make a candidate that the full signature
    then rejects.
    """

    def __init__(self, threshold: float = 0.7) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.bands, self.rows = bands_for(threshold)
        self._keys: list[K] = []
        self._blocks: list[npt.NDArray[np.uint32]] = []
        self._count = 0
        self._sorted_bands: npt.NDArray[np.uint32] = np.zeros(0, dtype=np.uint32)
        self._sorted_rows: npt.NDArray[np.uint32] = np.zeros(0, dtype=np.uint32)
        # the band keys of the rows added since the last merge (from ``_first_pending`` on),
        # a row of the array each, and a byte per 2**10 key values set for every one of them
        self._pending = np.zeros((_COMPACT_AT, self.bands), dtype=np.uint32)
        self._pending_rows = 0
        self._first_pending = 0
        self._pending_marks = np.zeros(_PENDING_MARKS, dtype=np.uint8)
        # where the pending keys are (their places, row after row): those of rows added
        # together in sorted runs, those of rows added alone in a dict (see ``_index``)
        self._runs: list[tuple[npt.NDArray[np.uint32], npt.NDArray[np.intp]]] = []
        self._alone: dict[int, int] = {}  # band key -> its first place
        self._alone_more: dict[int, list[int]] = {}  # band key -> its further places (rare)
        self._offsets = np.arange(self.bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        self._last: tuple[bytes, npt.NDArray[np.uint32], npt.NDArray[np.uint32]] | None = None
        self._filter: npt.NDArray[np.uint8] | None = None  # see ``_maybe_indexed``
        self._filtered = 0  # rows whose band keys are set in the filter

    def __len__(self) -> int:
        return self._count

    def _band_keys(self, values: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        products = values * _ROW_MULTIPLIERS  # uint64, wraps modulo 2**64 silently
        keys = products.reshape(self.bands, self.rows).sum(axis=1, dtype=np.uint64)
        keys += self._offsets
        high: npt.NDArray[np.uint32] = (keys >> _HIGH).astype(np.uint32)
        return high

    def _band_key_rows(self, values: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        """``_band_keys`` of every row of ``values`` (signatures by rows), at once."""
        count = len(values)
        products = values * _ROW_MULTIPLIERS  # uint64, wraps modulo 2**64 silently
        sums = products.reshape(count, self.bands, self.rows).sum(axis=2, dtype=np.uint64)
        sums += self._offsets
        keys: npt.NDArray[np.uint32] = (sums >> _HIGH).astype(np.uint32)
        return keys

    def _maybe_indexed(self, keys: npt.NDArray[np.uint32]) -> npt.NDArray[np.intp]:
        """The places in ``keys`` of those that may be indexed (sorted or pending): every
        indexed key is, and about 1 - exp(-keys indexed / 2**27) of the others, about 2% at
        100,000 documents. One bit of the filter stands for 32 consecutive key values."""
        bits = self._filter_bits()
        marked = bits[keys >> _FILTER_BYTE] >> ((keys >> _FILTER_BIT) & 7).astype(np.uint8)
        return np.flatnonzero(marked & 1)

    def _filter_bits(self) -> npt.NDArray[np.uint8]:
        """The filter (16 MB, made on first use), with the keys of every row added since the
        last call set: rows added one by one are caught up here, a block at a time."""
        if self._filter is None:
            self._filter = np.zeros(_FILTER_BYTES, dtype=np.uint8)
        done = self._filtered
        while done < self._count:
            at = done % _BLOCK_ROWS
            take = min(self._count - done, _BLOCK_ROWS - at)
            keys = self._band_key_rows(self._blocks[done // _BLOCK_ROWS][at : at + take])
            _mark(self._filter, keys.ravel())
            done += take
        self._filtered = done
        return self._filter

    def _indexed_among(self, keys: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
        """Whether each of ``keys`` is a key of an indexed row (merged or pending)."""
        bands = self._sorted_bands
        found: npt.NDArray[np.bool_] = np.zeros(keys.size, dtype=bool)
        if bands.size:
            found = bands.take(bands.searchsorted(keys), mode="clip") == keys
        rest = np.flatnonzero(~found)
        places = self._pending_places(keys[rest])
        if places.size:
            found[rest] = np.isin(keys[rest], self._pending[: self._pending_rows].ravel()[places])
        return found

    def _pending_places(self, keys: npt.NDArray[np.uint32]) -> npt.NDArray[np.intp]:
        """The places in the pending keys (row after row) that hold one of ``keys``, in order.
        The byte marks rule out all but about 3% of the others (at most 2**17 keys pending in
        2**22 bytes); a search in each sorted run and a look in the dict find the rest (a
        copy of a pending document wants all its keys: a scan of the pending keys cost
        0.2-0.3 ms)."""
        wanted = keys[self._pending_marks[keys >> _PENDING_MARK].nonzero()[0]]
        if not wanted.size:
            return _NO_PLACES
        found: list[int] = []
        for run_keys, run_places in self._runs:
            low = run_keys.searchsorted(wanted)
            hit = (run_keys.take(low, mode="clip") == wanted).nonzero()[0]
            if hit.size:
                low = low[hit]
                counts = run_keys.searchsorted(wanted[hit], side="right") - low
                # every place of each hit key: its run of equal keys, one gather for all
                firsts = np.repeat(low - (np.cumsum(counts) - counts), counts)
                found.extend(run_places[firsts + np.arange(firsts.size)].tolist())
        if self._alone:
            alone, more = self._alone, self._alone_more
            for key in wanted.tolist():
                place = alone.get(key)
                if place is not None:
                    found.append(place)
                    found.extend(more.get(key, ()))
        if not found:
            return _NO_PLACES
        return np.unique(np.array(found, dtype=np.intp))

    def _index(self, band_keys: npt.NDArray[np.uint32], first_place: int) -> None:
        """Say where new pending keys are (``first_place``: the place of the first). Rows added
        together (a batch's fresh documents) become a sorted run, merged with the last while
        that is not four times as large (a few runs to search, each key merged a few times):
        about a microsecond a row, against 7 for 32 dict entries. A row added alone (a
        document checked one by one) goes into the dict instead of making a run of its own."""
        keys = band_keys.ravel()
        if len(band_keys) < _BULK_ROWS:
            alone, more = self._alone, self._alone_more
            for place, key in enumerate(keys.tolist(), start=first_place):
                if alone.setdefault(key, place) != place:
                    more.setdefault(key, []).append(place)
            return
        order = keys.argsort(kind="stable")
        runs = self._runs
        runs.append((keys[order], order + first_place))
        while len(runs) > 1 and runs[-2][0].size < 4 * runs[-1][0].size:
            (keys_a, places_a), (keys_b, places_b) = runs[-2], runs.pop()
            joined = np.concatenate((keys_a, keys_b))
            order = joined.argsort(kind="stable")
            runs[-1] = (joined[order], np.concatenate((places_a, places_b))[order])

    def _decoded(self, signature: bytes) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
        """The minima and band keys of ``signature``; a query's are reused by the ``add`` of
        the same signature that usually follows it."""
        last = self._last
        if last is not None and last[0] is signature:
            return last[1], last[2]
        values = decode(signature)
        keys = self._band_keys(values)
        self._last = (signature, values, keys)
        return values, keys

    def add(self, key: K, signature: bytes) -> None:
        """Index ``key``; an empty signature (a text without words) is ignored."""
        if not signature:
            return
        values, band_keys = self._decoded(signature)
        self._add_rows([key], values.reshape(1, -1), band_keys.reshape(1, -1))
        if self._pending_rows >= _COMPACT_AT:
            self._compact()

    def _add_rows(
        self,
        keys: Sequence[K],
        values: npt.NDArray[np.uint32],
        band_keys: npt.NDArray[np.uint32],
    ) -> None:
        """Add rows (``values`` and ``band_keys`` a row each): their minima copied into the
        blocks and their band keys into the pending array a slice at a time (no Python work
        per key; a dict of the pending keys cost about 7 us a document in cache misses)."""
        count = len(keys)
        row = self._count
        done = 0
        while done < count:
            if row % _BLOCK_ROWS == 0:
                self._blocks.append(np.zeros((_BLOCK_ROWS, NUM_HASHES), dtype=np.uint32))
            at = row % _BLOCK_ROWS
            take = min(count - done, _BLOCK_ROWS - at)
            self._blocks[-1][at : at + take] = values[done : done + take]
            done += take
            row += take
        if self._filter is not None and self._filtered == self._count:  # else caught up later
            _mark(self._filter, band_keys.ravel())
            self._filtered += count
        self._keys.extend(keys)
        self._count += count
        start = self._pending_rows
        end = start + count
        if end > len(self._pending):  # a batch past the merge point: merging waits for its end
            grown = np.zeros((max(end, 2 * len(self._pending)), self.bands), dtype=np.uint32)
            grown[:start] = self._pending[:start]
            self._pending = grown
        self._pending[start:end] = band_keys
        self._pending_marks[band_keys.ravel() >> _PENDING_MARK] = 1
        self._index(band_keys, start * self.bands)
        self._pending_rows = end

    def _compact(self) -> None:
        """Merge the pending band keys into the sorted arrays (no sort of the whole index)."""
        count = self._pending_rows
        keys = self._pending[:count].ravel()
        first = self._first_pending
        rows = np.arange(first, first + count, dtype=np.uint64).repeat(self.bands)
        self._pending_rows = 0
        self._first_pending = self._count
        self._pending_marks.fill(0)
        self._runs.clear()
        self._alone.clear()
        self._alone_more.clear()
        # by key, then row (the order of a key's rows never matters: candidates are a set)
        pairs = np.sort(keys.astype(np.uint64) << _HIGH | rows)
        keys, new_rows = (pairs >> _HIGH).astype(np.uint32), pairs.astype(np.uint32)
        places = np.searchsorted(self._sorted_bands, keys, side="right")
        places += np.arange(places.size)  # where each new pair lands in the merged arrays
        old = np.ones(self._sorted_bands.size + places.size, dtype=bool)
        old[places] = False
        self._sorted_bands = _merged(self._sorted_bands, keys, places, old)
        self._sorted_rows = _merged(self._sorted_rows, new_rows, places, old)

    def _candidates(self, keys: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
        """Rows sharing a band key with ``keys``: pending ones, then merged ones."""
        found: list[int] = []
        if self._pending_rows:
            places = self._pending_places(keys)
            if places.size:
                found.extend((places // self.bands + self._first_pending).tolist())
        bands = self._sorted_bands
        if bands.size:
            # One search; the end of a run only for the keys that are there (usually none).
            low = bands.searchsorted(keys)
            for start in (bands.take(low, mode="clip") == keys).nonzero()[0].tolist():
                high = int(bands.searchsorted(keys[start], side="right"))
                found.extend(self._sorted_rows[low[start] : high].tolist())
        return np.unique(np.array(found, dtype=np.int64)) if found else _NO_ROWS

    def _best(
        self, values: npt.NDArray[np.uint32], rows: npt.NDArray[np.int64]
    ) -> tuple[K, float] | None:
        if rows.size == 0:
            return None
        blocks = self._blocks
        stored = np.stack([blocks[row // _BLOCK_ROWS][row % _BLOCK_ROWS] for row in rows.tolist()])
        shares = np.count_nonzero(stored == values, axis=1) / NUM_HASHES
        best = int(np.argmax(shares))
        if shares[best] < self.threshold:
            return None
        return self._keys[int(rows[best])], float(shares[best])

    def query(self, signature: bytes) -> tuple[K, float] | None:
        """The indexed key most similar to ``signature`` and its estimated similarity, if any
        reaches the threshold."""
        if not signature or not self._count:
            return None
        values, keys = self._decoded(signature)
        return self._best(values, self._candidates(keys))

    def batch(self, signatures: Sequence[bytes]) -> _NearBatch[K] | None:
        """The array work of ``query`` and ``add`` for many signatures at once (see
        ``_NearBatch``); None when one is not a valid signature (the one-by-one calls raise)."""
        if any(
            len(mark) != SIGNATURE_BYTES or not mark.startswith(HEADER)
            for mark in signatures
            if mark
        ):
            return None
        return _NearBatch(self, signatures)


class _NearBatch(Generic[K]):
    """``query`` then ``add`` over a batch in order, with the same answers as one call at a
    time. The signatures are decoded and their band keys made all at once; ``fresh`` tells,
    for the whole batch, which signatures share no band key with anything indexed or earlier
    in the batch (the index's filter rules out almost every key without a search), and only
    the others are queried one by one, against the index as it is then (the sorted arrays do
    not change until ``close`` merges the pending keys; a document of the same batch is
    pending when a later one is checked)."""

    def __init__(self, index: NearDuplicateIndex[K], signatures: Sequence[bytes]) -> None:
        self._index = index
        self._rows: list[int] = []  # batch row of every signature, -1 for an empty one
        present = [mark for mark in signatures if mark]
        row = 0
        for mark in signatures:
            self._rows.append(row if mark else -1)
            row += bool(mark)
        count = len(present)
        words = np.frombuffer(b"".join(present), dtype="<u4").reshape(count, NUM_HASHES + 1)
        self._values = words[:, 1:].astype(np.uint32)
        self._keys = index._band_key_rows(self._values)

    def fresh(self) -> list[bool]:
        """For each position: whether its signature can have no candidate, whatever is added
        before it in this batch: none of its band keys is in the sorted arrays, pending, or a
        key of an earlier signature of the batch (one with a key twice counts as not fresh).
        An empty signature is fresh: it is never a near-duplicate nor indexed."""
        index = self._index
        count, bands = len(self._keys), index.bands
        clear = np.ones(count, dtype=bool)
        if count:
            flat = self._keys.ravel()
            maybe = index._maybe_indexed(flat)
            if maybe.size:
                clear[maybe[index._indexed_among(flat[maybe])] // bands] = False
            ordered = np.sort(flat)
            shared = ordered[1:][ordered[1:] == ordered[:-1]]
            for key in set(shared.tolist()):
                for place in np.flatnonzero(flat == key)[1:].tolist():
                    clear[place // bands] = False  # a later signature with the same key
        cleared: list[bool] = clear.tolist()
        return [row < 0 or cleared[row] for row in self._rows]

    def add_fresh(self, start: int, end: int, keys: Sequence[K]) -> None:
        """``add`` of each position from ``start`` to ``end`` (``keys`` in order), all of them
        ``fresh`` and none a duplicate."""
        rows = self._rows[start:end]
        if min(rows) < 0:  # some without a signature: they are not indexed
            keys = [key for key, row in zip(keys, rows, strict=True) if row >= 0]
            rows = [row for row in rows if row >= 0]
            if not rows:
                return
        first, last = rows[0], rows[-1] + 1  # consecutive: the batch rows of the signatures
        self._index._add_rows(keys, self._values[first:last], self._keys[first:last])

    def query(self, position: int) -> tuple[K, float] | None:
        """``index.query`` of the signature at ``position``."""
        index = self._index
        row = self._rows[position]
        if row < 0 or not index._count:
            return None
        return index._best(self._values[row], index._candidates(self._keys[row]))

    def add(self, position: int, key: K) -> None:
        """``index.add`` of the signature at ``position`` (merging waits for ``close``)."""
        row = self._rows[position]
        if row >= 0:
            end = row + 1
            self._index._add_rows([key], self._values[row:end], self._keys[row:end])

    def close(self) -> None:
        """Merge the pending keys if enough have come."""
        if self._index._pending_rows >= _COMPACT_AT:
            self._index._compact()


@dataclass(frozen=True, slots=True)
class Duplicate(Generic[K]):
    """Why a document is a duplicate, and of what."""

    kind: Literal["exact", "near"]
    of: K
    similarity: float


class Deduplicator(Generic[K]):
    """Exact and near-duplicate checks together, in the order a service needs them."""

    def __init__(self, threshold: float = 0.7) -> None:
        self._hashes: ExactIndex[K] = ExactIndex()
        self._near: NearDuplicateIndex[K] = NearDuplicateIndex(threshold)

    def __len__(self) -> int:
        return len(self._hashes)

    def add(self, key: K, content_hash: str, signature: bytes = b"") -> None:
        """Remember a kept document (pre-load existing ones the same way)."""
        self._hashes.add(content_hash, key)
        self._near.add(key, signature)

    def check(self, content_hash: str, signature: bytes = b"") -> Duplicate[K] | None:
        """Whether a new document duplicates a remembered one (exact first, then near)."""
        exact = self._hashes.get(content_hash)
        if exact is not None:
            return Duplicate("exact", exact, 1.0)
        near = self._near.query(signature)
        if near is not None:
            return Duplicate("near", near[0], near[1])
        return None

    def screen(self, entries: Sequence[tuple[K, str, bytes]]) -> list[Duplicate[K] | None]:
        """``check`` each ``(key, content_hash, signature)`` in order and ``add`` it when it is
        not a duplicate: the same answers as those calls one at a time (a later entry can be a
        duplicate of an earlier one), with the array work of the batch done once."""
        near = self._near.batch([signature for _, _, signature in entries])
        if near is None:  # an invalid signature: the one-by-one calls raise where they did
            return [self._check_add(key, digest, mark) for key, digest, mark in entries]
        exact = self._hashes.batch([content_hash for _, content_hash, _ in entries])
        fresh = [a and b for a, b in zip(exact.fresh(), near.fresh(), strict=True)]
        answers: list[Duplicate[K] | None] = []
        position, count = 0, len(entries)
        while position < count:
            if fresh[position]:  # a run of entries that cannot be duplicates: added together
                end = position + 1
                while end < count and fresh[end]:
                    end += 1
                keys = [key for key, _, _ in entries[position:end]]
                exact.add_fresh(position, end, keys)
                near.add_fresh(position, end, keys)
                answers.extend([None] * (end - position))
                position = end
                continue
            key = entries[position][0]
            same = exact.get(position)
            if same is not None:
                answers.append(Duplicate("exact", same, 1.0))
            elif (found := near.query(position)) is not None:
                answers.append(Duplicate("near", found[0], found[1]))
            else:
                answers.append(None)
                exact.add(position, key)
                near.add(position, key)
            position += 1
        exact.close()
        near.close()
        return answers

    def _check_add(self, key: K, content_hash: str, signature: bytes) -> Duplicate[K] | None:
        duplicate = self.check(content_hash, signature)
        if duplicate is None:
            self.add(key, content_hash, signature)
        return duplicate
