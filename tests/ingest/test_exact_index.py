"""The compact content-hash index answers like a dict that keeps the first key of a hash."""

from __future__ import annotations

import hashlib
import random

from annotator.ingest.exact_index import ExactIndex


def digest(number: int) -> str:
    return hashlib.sha256(str(number).encode()).hexdigest()


def test_answers_like_a_dict_across_merges() -> None:
    rng = random.Random(7)
    index: ExactIndex[str] = ExactIndex()
    reference: dict[str, str] = {}
    hashes = [digest(rng.randrange(12_000)) for _ in range(15_000)]  # repeats, several merges
    hashes += ["not a digest", "ABC", digest(1).upper(), ""]
    for number, content_hash in enumerate(hashes):
        assert index.get(content_hash) == reference.get(content_hash)
        index.add(content_hash, f"key {number}")
        reference.setdefault(content_hash, f"key {number}")
    assert len(index) == len(reference)
    for content_hash in [*reference, digest(99_999), "missing"]:
        assert index.get(content_hash) == reference.get(content_hash)


def test_equal_prefixes_are_told_apart_by_the_whole_digest() -> None:
    index: ExactIndex[int] = ExactIndex()
    first, second = "ab" * 8 + "0" * 48, "ab" * 8 + "1" * 48
    index.add(first, 1)
    for number in range(5000):  # merged into the sorted arrays
        index.add(digest(number), 100 + number)
    assert index.get(second) is None
    index.add(second, 2)
    for number in range(5000, 10_000):
        index.add(digest(number), 100 + number)
    assert (index.get(first), index.get(second)) == (1, 2)
    assert index.get("ab" * 8 + "2" * 48) is None
