"""Deduplicator.screen gives the answers of check+add one at a time, batch after batch."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest

from annotator.ingest import Deduplicator, Duplicate, NearDuplicateIndex
from annotator.ingest.minhash import HEADER, NUM_HASHES

Entry = tuple[str, str, bytes]


class _Reference:
    """``check`` then ``add`` in plain Python, independent of the index's storage: a dict of
    band key -> rows, and of the rows sharing a key the first with the highest similarity."""

    def __init__(self, threshold: float = 0.7) -> None:
        self._bands = NearDuplicateIndex[str](threshold)._band_keys  # the keys only
        self._threshold = threshold
        self._hashes: dict[str, str] = {}
        self._rows: list[tuple[str, np.ndarray]] = []
        self._by_band: dict[int, list[int]] = {}

    def add(self, key: str, digest: str, mark: bytes) -> None:
        self._hashes.setdefault(digest, key)
        if mark:
            values = np.frombuffer(mark[4:], "<u4")
            for band in self._bands(values).tolist():
                self._by_band.setdefault(band, []).append(len(self._rows))
            self._rows.append((key, values))

    def check_add(self, key: str, digest: str, mark: bytes) -> Duplicate[str] | None:
        if digest in self._hashes:
            return Duplicate("exact", self._hashes[digest], 1.0)
        if mark:
            values = np.frombuffer(mark[4:], "<u4")
            rows = sorted(
                {
                    row
                    for band in self._bands(values).tolist()
                    for row in self._by_band.get(band, [])
                }
            )
            shares = [np.count_nonzero(self._rows[row][1] == values) / NUM_HASHES for row in rows]
            if shares and max(shares) >= self._threshold:
                best = shares.index(max(shares))
                return Duplicate("near", self._rows[rows[best]][0], max(shares))
        self.add(key, digest, mark)
        return None


def _signature(values: np.ndarray) -> bytes:
    return HEADER + values.astype("<u4").tobytes()


def _entries(rng: random.Random, count: int, copies: float = 1.0) -> list[Entry]:
    """Fresh documents, exact copies, near copies (some bins changed) and documents without a
    signature or with a hash that is not SHA-256, copies often close to their original;
    ``copies`` scales how many are not fresh (1.0: 45%)."""
    numbers = np.random.default_rng(rng.randrange(2**32))
    made: list[Entry] = []
    for number in range(count):
        roll = rng.random() / copies
        if made and roll < 0.15:
            _, digest, mark = made[max(0, len(made) - rng.randint(1, 80))]
            made.append((f"k{number}", digest, mark))
        elif made and roll < 0.4:
            _, _, mark = made[max(0, len(made) - rng.randint(1, 80))]
            values = (
                np.frombuffer(mark[4:], "<u4").copy()
                if mark
                else numbers.integers(0, 2**32, NUM_HASHES)
            )
            changed = numbers.choice(NUM_HASHES, rng.randint(5, 70), replace=False)
            values[changed] = numbers.integers(0, 2**32, changed.size)
            digest = hashlib.sha256(f"near {number}".encode()).hexdigest()
            made.append((f"k{number}", digest, _signature(values)))
        elif roll < 0.45:
            made.append((f"k{number}", f"other-{number % 7}", b""))
        else:
            digest = hashlib.sha256(f"doc {number}".encode()).hexdigest()
            made.append((f"k{number}", digest, _signature(numbers.integers(0, 2**32, NUM_HASHES))))
    return made


@pytest.mark.parametrize(("seed", "copies"), [(1, 1.0), (2, 1.0), (3, 0.05), (4, 0.01)])
def test_screen_answers_as_check_and_add_one_at_a_time(seed: int, copies: float) -> None:
    """Mostly copies, and mostly fresh documents (whose runs are added together)."""
    rng = random.Random(seed)
    # crosses merges of both indexes and the signature blocks
    preload, entries = _entries(rng, 2500, copies), _entries(rng, 6000, copies)
    one, many = Deduplicator[str](0.7), Deduplicator[str](0.7)
    reference = _Reference(0.7)
    for key, digest, mark in preload:
        one.add(key, digest, mark)
        many.add(key, digest, mark)
        reference.add(key, digest, mark)
    expected = []
    for key, digest, mark in entries:
        duplicate = one.check(digest, mark)
        if duplicate is None:
            one.add(key, digest, mark)
        expected.append(duplicate)
    assert expected == [reference.check_add(*entry) for entry in entries]
    answers = []
    start = 0
    while start < len(entries):
        size = rng.choice([1, 2, 17, 64, 200])
        answers.extend(many.screen(entries[start : start + size]))
        start += size
    assert answers == expected
    assert len(many) == len(one)  # the same documents were added
    assert all(
        seen.query(mark) == one_more.query(mark)
        for seen, one_more in [(many._near, one._near)]
        for _, _, mark in entries[-50:]
    )
    kinds = {answer.kind for answer in answers if answer is not None}
    assert kinds == {"exact", "near"}


def test_a_batch_larger_than_the_merge_interval_answers_like_the_reference() -> None:
    """Pending keys past the merge point (it waits for the end of a batch) and right after a
    merge, one document at a time and in batches of thousands."""
    rng = random.Random(5)
    preload, entries = _entries(rng, 4000, 0.2), _entries(rng, 9000, 0.2)
    seen, reference = Deduplicator[str](), _Reference()
    for key, digest, mark in preload:
        seen.add(key, digest, mark)
        reference.add(key, digest, mark)
    answers = seen.screen(entries[:5000])
    answers += [seen.screen([entry])[0] for entry in entries[5000:5100]]
    answers += seen.screen(entries[5100:])
    assert answers == [reference.check_add(*entry) for entry in entries]
    assert sum(answer is not None and answer.kind == "near" for answer in answers) > 100


def test_documents_added_one_by_one_between_batches_are_found() -> None:
    """Rows added with ``add`` after a batch are caught up by the next batch's key filter."""
    numbers = np.random.default_rng(9)
    marks = [_signature(numbers.integers(0, 2**32, NUM_HASHES)) for _ in range(300)]
    seen = Deduplicator[str]()
    assert seen.screen([(f"a{n}", f"h{n}", marks[n]) for n in range(100)]) == [None] * 100
    for n in range(100, 200):
        seen.add(f"a{n}", f"h{n}", marks[n])
    near = np.frombuffer(marks[150][4:], "<u4").copy()
    near[:10] += 1  # 118 of 128 minima kept
    answers = seen.screen([("b", "x", marks[250]), ("c", "y", _signature(near))])
    assert answers[0] is None
    assert answers[1] is not None
    assert (answers[1].kind, answers[1].of) == ("near", "a150")


def test_screen_raises_on_a_signature_of_another_format_like_check() -> None:
    seen = Deduplicator[str]()
    seen.add("a", "x", _signature(np.arange(NUM_HASHES)))
    with pytest.raises(ValueError, match="MinHash"):
        seen.screen([("b", "y", b"MH\x02" + bytes(513))])


def test_screen_without_signatures_and_of_nothing() -> None:
    seen = Deduplicator[str]()
    answers = seen.screen([("a", "x", b""), ("b", "x", b""), ("c", "y", b"")])
    assert answers[0] is None
    assert answers[1] is not None
    assert (answers[1].kind, answers[1].of) == ("exact", "a")
    assert answers[2] is None
    assert seen.screen([]) == []
    assert len(seen) == 2


def test_copies_of_pending_and_of_merged_documents_are_found() -> None:
    """Copies of documents added since the last merge (as when an import is run again) and of
    merged ones are found, batch by batch (``benchmarks/dedup.py`` times both)."""
    numbers = np.random.default_rng(11)
    marks = [_signature(numbers.integers(0, 2**32, NUM_HASHES)) for _ in range(4096 + 1500)]
    seen = Deduplicator[str]()
    for n, mark in enumerate(marks):  # the first 4,096 are merged, the other 1,500 pending
        seen.add(f"a{n}", f"h{n}", mark)
    for copied in (range(1500), range(4096, 5596)):
        exact = [(f"b{n}", f"h{n}", marks[n]) for n in copied]
        near = [(f"c{n}", f"other{n}", marks[n]) for n in copied]
        for entries, kind in ((exact, "exact"), (near, "near")):
            answers = [seen.screen(entries[at : at + 64]) for at in range(0, len(entries), 64)]
            found = [answer for batch in answers for answer in batch]
            assert [(a.kind, a.of) if a else None for a in found] == [
                (kind, f"a{n}") for n in copied
            ]
