"""MinHash signatures of word 3-shingles: one-permutation hashing in numpy, stable across runs."""

from __future__ import annotations

import string
from collections.abc import Sequence

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
_LOWER_TABLE = bytes.maketrans(
    _SEPARATORS + string.ascii_uppercase.encode("ascii"),
    b" " * len(_SEPARATORS) + string.ascii_lowercase.encode("ascii"),
)
"""For ASCII text: lower case and separators to spaces in one pass."""
_TYPOGRAPHIC = tuple(
    mark.encode("utf-8") for mark in "\u00a0\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00ab\u00bb"
)
_MULTIPLIERS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
_WORD_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64
)
_PART_BYTES = 8
_PART_OFFSETS = np.arange(0, 3 * _PART_BYTES, _PART_BYTES)
_PART_MASKS = np.array(
    [
        [
            (1 << 8 * min(max(length - start, 0), _PART_BYTES)) - 1
            for start in range(0, 3 * _PART_BYTES, _PART_BYTES)
        ]
        for length in range(3 * _PART_BYTES + 1)
    ],
    dtype=np.uint64,
)
"""For a word of each length up to 24 bytes, which bytes of its three integers are its own."""
_MASK_COLUMNS = tuple(np.ascontiguousarray(_PART_MASKS[:, part]) for part in range(3))
"""The masks of each of the three integers (indexing one column is cheaper than a row)."""
GROUP_CHARS = 1 << 20
"""Characters signed in one vectorised pass (64 articles of 16 KB)."""
_SPACE = ord(" ")
_ROTATION = np.uint64(0x9E3779B1)
_EMPTY = np.uint64(1 << 32)
_BIN_SHIFT = np.uint64(64 - 7)
_LOW32 = np.uint64(0xFFFFFFFF)


def _mix(values: U64) -> U64:
    """SplitMix64's finaliser: spreads every input bit over the whole word (wrapping)."""
    values = values ^ (values >> np.uint64(30))
    values *= np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> np.uint64(27)
    values *= np.uint64(0x94D049BB133111EB)
    values ^= values >> np.uint64(31)
    return values


def _word_bytes(text: str) -> bytes:
    """``text`` lower-cased as UTF-8 with every separator turned into a space."""
    if text.isascii():
        return text.encode("ascii").translate(_LOWER_TABLE)
    data = text.lower().encode("utf-8")
    for mark in _TYPOGRAPHIC:
        if mark in data:
            data = data.replace(mark, b" ")
    return data.translate(_TABLE)


def word_hashes(text: str) -> U64:
    """A 64-bit hash of each lower-cased word of ``text`` (of its first 24 UTF-8 bytes)."""
    return _hash_words(_word_bytes(text))[0]


def _hash_words(data: bytes) -> tuple[U64, npt.NDArray[np.intp]]:
    """The hash and the start (in ``data``) of each space-separated word of ``data``.

    A word's hash is its first 24 bytes, zero-padded, read as three little-endian 64-bit
    integers and combined with fixed multipliers (wrapping). The words are never split into
    Python objects: each word's integers are gathered from a view of the bytes that has an
    8-byte value starting at every byte, masked to the word's length.
    """
    size = len(data) + 2
    padded = b" " + data + b" " + bytes(3 * _PART_BYTES)
    word = np.frombuffer(padded, dtype=np.uint8, count=size) != _SPACE
    edges = np.flatnonzero(word[1:] != word[:-1]) + 1
    starts = edges[0::2]
    lengths = edges[1::2] - starts
    at_every_byte = np.ndarray((size + 2 * _PART_BYTES,), dtype="V8", buffer=padded, strides=(1,))
    clipped = np.minimum(lengths, 3 * _PART_BYTES)
    hashes: U64 = at_every_byte[starts].view("<u8") & _MASK_COLUMNS[0][clipped]
    hashes *= _WORD_MULTIPLIERS[0]  # wraps modulo 2**64; mixed per shingle later
    for part in (1, 2):
        long = np.flatnonzero(lengths > part * _PART_BYTES)
        if long.size:
            tail = at_every_byte[starts[long] + part * _PART_BYTES].view("<u8")
            tail &= _MASK_COLUMNS[part][clipped[long]]
            hashes[long] += tail * _WORD_MULTIPLIERS[part]
    return hashes, starts - 1


def shingle_hashes(words: U64) -> U64:
    """A 64-bit hash of every run of ``SHINGLE_WORDS`` words (the words themselves if fewer)."""
    if words.size < SHINGLE_WORDS:
        return _mix(words)
    combined = words[:-2] * _MULTIPLIERS[0]  # array arithmetic wraps modulo 2**64 silently
    combined += words[1:-1] * _MULTIPLIERS[1]
    combined += words[2:]
    return _mix(combined)


def _densify(minima: U64) -> U64:
    """Fill each empty bin from the next non-empty one (circularly), shifted by the distance."""
    filled = np.flatnonzero(minima != _EMPTY)
    bins = np.arange(NUM_HASHES)
    donor = filled[np.searchsorted(filled, bins) % filled.size]
    distance = ((donor - bins) % NUM_HASHES).astype(np.uint64)
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


def _densify_rows(minima: U64) -> U64:
    """``_densify`` of every row of ``minima`` (each with at least one filled bin) at once."""
    bins = np.arange(2 * NUM_HASHES)
    filled = minima != _EMPTY
    positions = np.where(np.concatenate((filled, filled), axis=1), bins, 2 * NUM_HASHES)
    donors = np.minimum.accumulate(positions[:, ::-1], axis=1)[:, : NUM_HASHES - 1 : -1]
    distance = (donors - bins[:NUM_HASHES]).astype(np.uint64)
    values = np.take_along_axis(minima, donors % NUM_HASHES, axis=1)
    return (values + distance * _ROTATION) & _LOW32


def signatures(texts: Sequence[str]) -> list[bytes]:
    """``signature`` of each text (the same bytes), computed together in vectorised passes.

    Per-call overhead of numpy dominates one article's signature, so texts are hashed in groups
    of up to ``GROUP_CHARS`` characters (a longer text alone), which also bounds the memory of
    the temporary arrays as signing one text at a time did.
    """
    result: list[bytes] = []
    start = 0
    while start < len(texts):
        stop, size = start + 1, len(texts[start])
        while stop < len(texts) and size + len(texts[stop]) <= GROUP_CHARS:
            size += len(texts[stop])
            stop += 1
        result.extend(_signed_together(texts[start:stop]))
        start = stop
    return result


def _signed_together(texts: Sequence[str]) -> list[bytes]:
    """The signatures of ``texts`` from one pass over all of them.

    The texts' words are joined with a space, so no word spans two texts, and shingles whose
    first and last word belong to different texts are dropped. Texts with fewer than
    ``SHINGLE_WORDS`` words (no shingle of their own) are signed one by one.
    """
    count = len(texts)
    if count == 0:
        return []
    parts = [_word_bytes(text) for text in texts]
    ends = np.cumsum([len(part) + 1 for part in parts])
    words, starts = _hash_words(b" ".join(parts))
    sizes = np.diff(np.searchsorted(starts, ends), prepend=0)
    owners = np.repeat(np.arange(count), sizes)
    result = [b""] * count
    few = np.flatnonzero(sizes < SHINGLE_WORDS)
    for index in few.tolist():
        result[index] = signature(texts[index])
    if words.size < SHINGLE_WORDS:
        return result
    combined = words[:-2] * _MULTIPLIERS[0]
    combined += words[1:-1] * _MULTIPLIERS[1]
    combined += words[2:]
    inside = owners[:-2] == owners[2:]
    shingles = _mix(combined[inside])
    cells = owners[:-2][inside] * NUM_HASHES + (shingles >> _BIN_SHIFT).astype(np.intp)
    minima: U64 = np.full(count * NUM_HASHES, _EMPTY, dtype=np.uint64)
    np.minimum.at(minima, cells, shingles & _LOW32)
    table = minima.reshape(count, NUM_HASHES)
    if few.size:
        table[few] = 0  # signed above; keeps the rows below from having no filled bin
    sparse = np.flatnonzero((table == _EMPTY).any(axis=1))
    if sparse.size:
        table[sparse] = _densify_rows(table[sparse])
    packed = table.astype("<u4").tobytes()
    size = 4 * NUM_HASHES
    skip = set(few.tolist())
    for index in range(count):
        if index not in skip:
            result[index] = HEADER + packed[index * size : (index + 1) * size]
    return result


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
