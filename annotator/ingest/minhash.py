"""MinHash signatures of word 3-shingles: one-permutation hashing in numpy, stable across runs."""

from __future__ import annotations

import string

import numpy as np
import numpy.typing as npt

NUM_HASHES = 128
SHINGLE_WORDS = 3
HEADER = b"MH\x01\x80"
"""Magic ``MH``, format version 1, 128 hashes."""
SIGNATURE_BYTES = len(HEADER) + 4 * NUM_HASHES

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

_SEPARATORS = (string.punctuation + "".join(map(chr, range(32)))).encode("ascii")
_TABLE = bytes.maketrans(_SEPARATORS, b" " * len(_SEPARATORS))
_TYPOGRAPHIC = tuple(
    mark.encode("utf-8") for mark in "\u00a0\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00ab\u00bb"
)
_MULTIPLIERS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
_WORD_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64
)
_ROTATION = np.uint64(0x9E3779B1)
_EMPTY = np.uint64(1 << 32)
_BIN_SHIFT = np.uint64(64 - 7)
_LOW32 = np.uint64(0xFFFFFFFF)


def _mix(values: U64) -> U64:
    """SplitMix64's finaliser: spreads every input bit over the whole word (wrapping)."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def word_hashes(text: str) -> U64:
    """A 64-bit hash of each lower-cased word of ``text`` (of its first 24 UTF-8 bytes)."""
    data = text.lower().encode("utf-8")
    if not data.isascii():
        for mark in _TYPOGRAPHIC:
            if mark in data:
                data = data.replace(mark, b" ")
    tokens = data.translate(_TABLE).split()
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    parts = np.array(tokens, dtype="S24").view("<u8").reshape(-1, 3)
    with np.errstate(over="ignore"):
        combined = parts @ _WORD_MULTIPLIERS  # wraps modulo 2**64; mixed per shingle later
    return combined.astype(np.uint64)


def shingle_hashes(words: U64) -> U64:
    """A 64-bit hash of every run of ``SHINGLE_WORDS`` words (the words themselves if fewer)."""
    if words.size < SHINGLE_WORDS:
        return _mix(words)
    with np.errstate(over="ignore"):
        combined = (
            words[:-2] * _MULTIPLIERS[0] + words[1:-1] * _MULTIPLIERS[1] + words[2:]
        ).astype(np.uint64)
        return _mix(combined)


def _densify(minima: U64) -> U64:
    """Fill each empty bin from the next non-empty one (circularly), shifted by the distance."""
    filled = np.flatnonzero(minima != _EMPTY)
    bins = np.arange(NUM_HASHES)
    donor = filled[np.searchsorted(filled, bins) % filled.size]
    distance = ((donor - bins) % NUM_HASHES).astype(np.uint64)
    with np.errstate(over="ignore"):
        return (minima[donor] + distance * _ROTATION) & _LOW32


def signature_values(text: str) -> U32 | None:
    """The 128 minima of ``text``, or None when it has no words."""
    shingles = shingle_hashes(word_hashes(text))
    if shingles.size == 0:
        return None
    minima: U64 = np.full(NUM_HASHES, _EMPTY, dtype=np.uint64)
    np.minimum.at(minima, (shingles >> _BIN_SHIFT).astype(np.intp), shingles & _LOW32)
    if (minima == _EMPTY).any():
        minima = _densify(minima)
    return minima.astype(np.uint32)


def signature(text: str) -> bytes:
    """The stored form of ``text``'s signature (``SIGNATURE_BYTES`` long); empty without words.

    A signature is 128 32-bit minima, one per bin of a single 64-bit hash of every shingle
    (one-permutation hashing with rotation densification for empty bins). It costs one hash per
    shingle instead of 128, which keeps it under a tenth of a millisecond per article; the share of
    equal bins between two signatures estimates the Jaccard similarity of their shingle sets.
    Words are lower-cased runs between ASCII punctuation, spaces and common typographic marks,
    hashed arithmetically from their bytes, so a signature depends only on the text and never on
    the process (unlike ``hash()``) and can be stored: ``signature()`` returns bytes with a 4-byte
    version header.
    """
    values = signature_values(text)
    if values is None:
        return b""
    return HEADER + values.astype("<u4").tobytes()


def decode(data: bytes) -> U32:
    """The minima stored in ``data``; raises ValueError for another format or version."""
    if len(data) != SIGNATURE_BYTES or not data.startswith(HEADER):
        raise ValueError("not a version 1 MinHash signature")
    return np.frombuffer(data, dtype="<u4", offset=len(HEADER)).astype(np.uint32)


def similarity(first: bytes, second: bytes) -> float:
    """Estimated Jaccard similarity of the shingles behind two signatures (0 if one is empty)."""
    if not first or not second:
        return 0.0
    return float(np.count_nonzero(decode(first) == decode(second))) / NUM_HASHES
