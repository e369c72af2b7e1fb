"""Content hashes of kept documents in numpy arrays instead of a dict of strings.

A dict of 64-character hex strings costs about 160 bytes per document. Here a SHA-256 hex
digest costs 44: its 32 bytes in one bytearray, its first 8 bytes as a uint64 in a sorted array
with the row next to it (merged with the pending hashes every ``_MERGE_AT`` additions, as the
near-duplicate index does). A lookup compares the whole digest, so equal prefixes never make a
false match. Any other hash text is kept in a plain dict.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

K = TypeVar("K", bound=Hashable)

_MERGE_AT = 4096
_DIGEST = 32


class ExactIndex(Generic[K]):
    """Maps a content hash to the key it was first added with."""

    def __init__(self) -> None:
        self._pending: dict[str, int] = {}  # hash -> slot, until merged
        self._other: dict[str, K] = {}
        self._digests = bytearray()  # 32 bytes a slot
        self._keys: list[K] = []  # a key a slot
        self._missed: tuple[str, bytes] | None = None  # the last digest ``get`` did not find
        self._prefixes: npt.NDArray[np.uint64] = np.zeros(0, dtype=np.uint64)
        self._rows: npt.NDArray[np.uint32] = np.zeros(0, dtype=np.uint32)

    def __len__(self) -> int:
        return len(self._keys) + len(self._other)

    def get(self, content_hash: str) -> K | None:
        """The key of ``content_hash``, if it was added."""
        slot = self._pending.get(content_hash)
        if slot is not None:
            return self._keys[slot]
        digest = _digest(content_hash)
        if digest is None:
            return self._other.get(content_hash)
        self._missed = None
        prefixes = self._prefixes
        prefix = np.uint64(int.from_bytes(digest[:8], "big"))
        place = int(prefixes.searchsorted(prefix))
        while place < prefixes.size and prefixes[place] == prefix:
            slot = int(self._rows[place])
            if self._digests[slot * _DIGEST : (slot + 1) * _DIGEST] == digest:
                return self._keys[slot]
            place += 1
        self._missed = (content_hash, digest)
        return None

    def add(self, content_hash: str, key: K) -> None:
        """Remember ``key`` for ``content_hash`` unless the hash is known already."""
        # a service checks a hash just before adding it: that search is not repeated
        missed = self._missed
        if missed is not None and missed[0] is content_hash:
            digest: bytes | None = missed[1]
        elif self.get(content_hash) is not None:
            return
        else:
            digest = _digest(content_hash)
        self._missed = None
        if digest is None:
            self._other[content_hash] = key
            return
        self._pending[content_hash] = len(self._keys)
        self._digests += digest
        self._keys.append(key)
        if len(self._pending) >= _MERGE_AT:
            self._merge()

    def _merge(self) -> None:
        """Move the pending hashes into the sorted arrays (no sort of the whole index)."""
        slots = np.fromiter(self._pending.values(), np.uint32, len(self._pending))
        prefixes = np.array(
            [int(content_hash[:16], 16) for content_hash in self._pending], dtype=np.uint64
        )
        self._pending.clear()
        order = np.argsort(prefixes, kind="stable")
        prefixes, slots = prefixes[order], slots[order]
        places = np.searchsorted(self._prefixes, prefixes, side="right")
        self._prefixes = np.insert(self._prefixes, places, prefixes)
        self._rows = np.insert(self._rows, places, slots)

    def batch(self, hashes: Sequence[str]) -> ExactBatch[K]:
        """``get`` and ``add`` for many hashes, the sorted arrays searched once (``ExactBatch``)."""
        return ExactBatch(self, hashes)


class ExactBatch(Generic[K]):
    """``get`` then ``add`` over a batch of hashes in order, with the same answers as one call
    at a time: the digests' prefixes are searched in the sorted array together (it does not
    change until ``close`` merges; the batch's own hashes are pending until then)."""

    def __init__(self, index: ExactIndex[K], hashes: Sequence[str]) -> None:
        self._index = index
        index._missed = None  # what ``add`` reuses must come from a ``get`` of the index itself
        self._hashes = hashes
        self._digests = [_digest(content_hash) for content_hash in hashes]
        prefixes = index._prefixes
        self._places: list[int] = []
        self._present: list[bool] = []
        if prefixes.size:
            wanted = np.array(
                [int.from_bytes(d[:8], "big") if d else 0 for d in self._digests], np.uint64
            )
            places = prefixes.searchsorted(wanted)
            self._places = places.tolist()
            self._present = (prefixes.take(places, mode="clip") == wanted).tolist()

    def get(self, position: int) -> K | None:
        """``index.get`` of the hash at ``position``."""
        index = self._index
        content_hash = self._hashes[position]
        slot = index._pending.get(content_hash)
        if slot is not None:
            return index._keys[slot]
        digest = self._digests[position]
        if digest is None:
            return index._other.get(content_hash)
        if not self._present or not self._present[position]:
            return None
        prefixes, place = index._prefixes, self._places[position]
        prefix = prefixes[place]
        while place < prefixes.size and prefixes[place] == prefix:
            slot = int(index._rows[place])
            if index._digests[slot * _DIGEST : (slot + 1) * _DIGEST] == digest:
                return index._keys[slot]
            place += 1
        return None

    def add(self, position: int, key: K) -> None:
        """``index.add`` of the hash at ``position``, which ``get`` did not find."""
        index = self._index
        content_hash, digest = self._hashes[position], self._digests[position]
        if digest is None:
            index._other[content_hash] = key
            return
        index._pending[content_hash] = len(index._keys)
        index._digests += digest
        index._keys.append(key)

    def fresh(self) -> list[bool]:
        """For each position: whether its hash is a SHA-256 digest whose first 8 bytes are not
        in the sorted array and which is neither pending nor earlier in this batch (so ``get``
        answers None however the batch goes)."""
        pending = self._index._pending
        present = self._present or [False] * len(self._hashes)
        seen: set[str] = set()
        result: list[bool] = []
        for content_hash, digest, there in zip(self._hashes, self._digests, present, strict=True):
            result.append(
                digest is not None
                and not there
                and content_hash not in pending
                and content_hash not in seen
            )
            seen.add(content_hash)
        return result

    def add_fresh(self, start: int, end: int, keys: Sequence[K]) -> None:
        """``add`` of each position from ``start`` to ``end`` (``keys`` in order), all ``fresh``."""
        index = self._index
        slot = len(index._keys)
        added = range(slot, slot + end - start)
        index._pending.update(zip(self._hashes[start:end], added, strict=True))
        index._digests += b"".join(self._digests[start:end])  # type: ignore[arg-type]
        index._keys.extend(keys)

    def close(self) -> None:
        """Merge the pending hashes if enough have come."""
        if len(self._index._pending) >= _MERGE_AT:
            self._index._merge()


def _digest(content_hash: str) -> bytes | None:
    """The 32 bytes of a lower-case SHA-256 hex digest; None for any other text."""
    if len(content_hash) != 2 * _DIGEST:
        return None
    try:
        digest = bytes.fromhex(content_hash)
    except ValueError:
        return None
    return digest if digest.hex() == content_hash else None
