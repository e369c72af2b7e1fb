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
_ROW_MULTIPLIERS = (
    np.random.default_rng(0x5EED).integers(1, 1 << 62, NUM_HASHES, dtype=np.uint64) * 2 + 1
).astype(np.uint64)


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
    the band arrays are merged. Band keys are 32 bits: two bands that share one by chance
    only make a candidate that the full signature then rejects.
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
        self._pending: dict[int, int] = {}  # band key -> first row since the last merge
        self._collided: dict[int, list[int]] = {}  # band key -> further rows (rare)
        self._pending_rows = 0
        self._disjoint = True  # whether the last ``_found`` saw no pending key
        self._offsets = np.arange(self.bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        self._last: (
            tuple[bytes, npt.NDArray[np.uint32], npt.NDArray[np.uint32], list[int]] | None
        ) = None

    def __len__(self) -> int:
        return self._count

    def _band_keys(self, values: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        products = values * _ROW_MULTIPLIERS  # uint64, wraps modulo 2**64 silently
        keys = products.reshape(self.bands, self.rows).sum(axis=1, dtype=np.uint64)
        keys += self._offsets
        high: npt.NDArray[np.uint32] = (keys >> _HIGH).astype(np.uint32)
        return high

    def _decoded(
        self, signature: bytes
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32], list[int]]:
        """The minima and band keys (array and list) of ``signature``; a query's are reused by
        the ``add`` of the same signature that usually follows it."""
        last = self._last
        if last is not None and last[0] is signature:
            return last[1], last[2], last[3]
        values = decode(signature)
        array = self._band_keys(values)
        keys = array.tolist()
        self._last = (signature, values, array, keys)
        return values, array, keys

    def add(self, key: K, signature: bytes) -> None:
        """Index ``key``; an empty signature (a text without words) is ignored."""
        if not signature:
            return
        values, _, band_keys = self._decoded(signature)
        self._add_row(key, values, band_keys)
        if self._pending_rows >= _COMPACT_AT:
            self._compact()

    def _add_row(
        self,
        key: K,
        values: npt.NDArray[np.uint32],
        band_keys: list[int],
        disjoint: bool | None = None,
    ) -> None:
        """Add a row; ``disjoint``: whether none of ``band_keys`` is pending, if known."""
        row = self._count
        if row % _BLOCK_ROWS == 0:
            self._blocks.append(np.zeros((_BLOCK_ROWS, NUM_HASHES), dtype=np.uint32))
        self._blocks[-1][row % _BLOCK_ROWS] = values
        self._keys.append(key)
        self._count += 1
        pending = self._pending
        if disjoint is None:
            disjoint = pending.keys().isdisjoint(band_keys)
        if disjoint:  # the usual case, in C: no Python loop
            pending.update(dict.fromkeys(band_keys, row))
        else:
            for band_key in band_keys:
                if band_key in pending:
                    self._collided.setdefault(band_key, []).append(row)
                else:
                    pending[band_key] = row
        self._pending_rows += 1

    def _compact(self) -> None:
        """Merge the pending band keys into the sorted arrays (no sort of the whole index)."""
        pending, collided = self._pending, self._collided
        extra = [(band, row) for band, group in collided.items() for row in group]
        keys = np.fromiter(pending.keys(), np.uint32, len(pending))
        rows = np.fromiter(pending.values(), np.uint32, len(pending))
        if extra:
            keys = np.concatenate([keys, np.array([band for band, _ in extra], np.uint32)])
            rows = np.concatenate([rows, np.array([row for _, row in extra], np.uint32)])
        pending.clear()
        collided.clear()
        self._pending_rows = 0
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], rows[order]
        places = np.searchsorted(self._sorted_bands, keys, side="right")
        self._sorted_bands = np.insert(self._sorted_bands, places, keys)
        self._sorted_rows = np.insert(self._sorted_rows, places, rows)

    def _candidates(
        self, keys: npt.NDArray[np.uint32], band_keys: list[int]
    ) -> npt.NDArray[np.int64]:
        bands = self._sorted_bands
        if not bands.size:
            return self._found(band_keys, None, None, None)
        # One search; the end of a run only for the keys that are there (usually none).
        low = bands.searchsorted(keys)
        hits = (bands.take(low, mode="clip") == keys).nonzero()[0]
        return self._found(band_keys, keys, low, hits)

    def _found(
        self,
        band_keys: list[int],
        keys: npt.NDArray[np.uint32] | None,
        low: npt.NDArray[np.intp] | None,
        hits: npt.NDArray[np.intp] | None,
    ) -> npt.NDArray[np.int64]:
        """Rows sharing a band key: pending ones, and sorted ones at ``hits`` (bands whose key
        is in the sorted array at ``low``)."""
        found: list[int] = []
        pending = self._pending
        self._disjoint = pending.keys().isdisjoint(band_keys)  # one C-level test, usually True
        if not self._disjoint:
            for band_key in band_keys:
                first = pending.get(band_key)
                if first is not None:
                    found.append(first)
                    found.extend(self._collided.get(band_key, ()))
        if hits is not None and hits.size:
            assert keys is not None
            assert low is not None
            bands = self._sorted_bands
            for start in hits.tolist():
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
        values, keys, band_keys = self._decoded(signature)
        return self._best(values, self._candidates(keys, band_keys))

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
    time: the signatures are decoded, their band keys made and looked up in the sorted arrays
    all at once (the arrays do not change until ``close`` merges the pending keys; a document
    of the same batch is still a pending key when a later one is checked)."""

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
        products = self._values * _ROW_MULTIPLIERS  # uint64, wraps modulo 2**64 silently
        sums = products.reshape(count, index.bands, index.rows).sum(axis=2, dtype=np.uint64)
        sums += index._offsets
        self._keys = (sums >> _HIGH).astype(np.uint32)
        self._lists: list[list[int]] = self._keys.tolist()
        bands = index._sorted_bands
        self._low: npt.NDArray[np.intp] | None = None
        self._hit_rows: set[int] = set()
        self._checked = -1
        if bands.size and count:
            flat = self._keys.ravel()
            self._low = bands.searchsorted(flat).reshape(count, index.bands)
            hits = bands.take(self._low, mode="clip") == self._keys
            self._hits = hits
            self._hit_rows = set(hits.any(axis=1).nonzero()[0].tolist())

    def query(self, position: int) -> tuple[K, float] | None:
        """``index.query`` of the signature at ``position``."""
        index = self._index
        row = self._rows[position]
        if row < 0 or not index._count:
            return None
        band_keys = self._lists[row]
        self._checked = row  # the pending keys it was checked against stay so until its add
        if row in self._hit_rows:
            assert self._low is not None
            hits = self._hits[row].nonzero()[0]
            rows = index._found(band_keys, self._keys[row], self._low[row], hits)
        else:
            rows = index._found(band_keys, None, None, None)
        return index._best(self._values[row], rows)

    def add(self, position: int, key: K) -> None:
        """``index.add`` of the signature at ``position`` (merging waits for ``close``)."""
        row = self._rows[position]
        if row >= 0:
            disjoint = self._index._disjoint if self._checked == row else None
            self._index._add_row(key, self._values[row], self._lists[row], disjoint)

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
        answers: list[Duplicate[K] | None] = []
        for position, (key, _, _) in enumerate(entries):
            same = exact.get(position)
            if same is not None:
                answers.append(Duplicate("exact", same, 1.0))
                continue
            found = near.query(position)
            if found is not None:
                answers.append(Duplicate("near", found[0], found[1]))
                continue
            answers.append(None)
            exact.add(position, key)
            near.add(position, key)
        exact.close()
        near.close()
        return answers

    def _check_add(self, key: K, content_hash: str, signature: bytes) -> Duplicate[K] | None:
        duplicate = self.check(content_hash, signature)
        if duplicate is None:
            self.add(key, content_hash, signature)
        return duplicate
