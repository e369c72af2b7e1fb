"""Exact and near-duplicate detection: signatures, LSH index, pre-loading."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.document import content_hash
from annotator.ingest import (
    Deduplicator,
    IngestOptions,
    NearDuplicateIndex,
    signature,
    similarity,
)
from annotator.ingest.dedup import bands_for
from annotator.ingest.minhash import SIGNATURE_BYTES, decode

from .conftest import run


def _outlet_a(story: str) -> str:
    """Outlet A: dateline prefix, one sentence reworded, last paragraph cut."""
    paragraphs = story.strip().split("\n")
    paragraphs[0] = "NORTHERN VALLEYS (Wire) — " + paragraphs[0]
    paragraphs[4] = paragraphs[4].replace("warned that heavy snow", "cautioned that snow")
    return "\n".join(paragraphs[:-1])


def _outlet_b(story: str) -> str:
    """Outlet B: house style edits and an extra closing line."""
    text = story.replace("kilometers per hour", "km/h").replace("neighbors", "neighbours")
    text = text.replace("on Tuesday", "on Tuesday morning")
    return text + "\nThis story has been updated with comment from the utility."


@pytest.fixture
def story(fixtures: Path) -> str:
    return (fixtures / "wire_story.txt").read_text(encoding="utf-8")


UNRELATED = (
    "The city council approved a new budget for public libraries on Thursday, adding funds for "
    "longer opening hours and more children's books. The mayor said the plan would be reviewed "
    "next year after a survey of readers. Opposition members asked for more money for rural "
    "branches, which have lost staff in recent years. Librarians welcomed the decision but said "
    "the buildings themselves still needed repairs to their roofs and heating systems."
)


def test_signatures_are_stable_bytes(story: str) -> None:
    first = signature(story)
    assert len(first) == SIGNATURE_BYTES
    assert first == signature(story)
    assert first[:4] == b"MH\x01\x80"
    assert len(decode(first)) == 128
    assert signature("") == b""
    assert signature("  ... !!! ") == b""


def test_signatures_match_those_stored_by_earlier_versions(story: str) -> None:
    """Projects keep their stored signatures, so the computation must never drift: a digest
    of these signatures as the first (per-word Python) implementation computed them."""
    texts = [
        story,
        "Naïve CAFÉ “quoted” — dash… «x» ’s 10\u00a0km ÉCOLE İstanbul",
        "Internationalisation counterrevolutionaries electroencephalographically a b",
        "one",
        "two words",
    ]
    digest = hashlib.sha256(b"".join(signature(text) for text in texts)).hexdigest()
    assert digest == "edab227b88ae88c416b779e4597c9e70ae3b444633d81af6c2180f9429df5d09"


def test_the_same_wire_story_from_two_outlets_is_a_near_duplicate(story: str) -> None:
    a, b = signature(_outlet_a(story)), signature(_outlet_b(story))
    assert similarity(a, b) >= 0.7  # 0.78 Jaccard: why the default threshold is 0.7
    assert similarity(signature(story), a) >= 0.8
    assert similarity(a, signature(UNRELATED)) < 0.2
    index: NearDuplicateIndex[str] = NearDuplicateIndex()
    index.add("outlet-a", a)
    index.add("other", signature(UNRELATED))
    match = index.query(b)
    assert match is not None
    assert match[0] == "outlet-a"
    assert index.query(signature("A completely different text about football results.")) is None


def test_index_is_preloaded_and_survives_compaction(story: str) -> None:
    rng = random.Random(7)
    words = UNRELATED.split()
    index: NearDuplicateIndex[int] = NearDuplicateIndex()
    for key in range(5000):
        rng.shuffle(words)
        index.add(key, signature(" ".join(words)))
    index.add(99999, signature(story))
    index.add(-1, b"")
    assert len(index) == 5001
    match = index.query(signature(_outlet_b(story)))
    assert match is not None
    assert match[0] == 99999


def test_documents_merged_into_the_sorted_index_are_found(story: str) -> None:
    """Index entries from before, between and after merges (4,096 additions each) are found;
    a merge keeps the entries of every band key."""
    rng = random.Random(11)
    words = UNRELATED.split()
    index: NearDuplicateIndex[int] = NearDuplicateIndex()
    index.add(-10, signature(story))
    for key in range(9000):
        rng.shuffle(words)
        index.add(key, signature(" ".join(words)))
        if key == 4500:
            index.add(-20, signature(_outlet_a(story) + " A closing line about the storm."))
    index.add(-30, signature(UNRELATED + " Extra words for the last one added."))
    assert len(index) == 9003
    first = index.query(signature(story))
    assert first is not None
    assert first[0] == -10
    second = index.query(signature(_outlet_a(story) + " A closing line about the storm."))
    assert second == (-20, 1.0)
    last = index.query(signature(UNRELATED + " Extra words for the last one added."))
    assert last is not None
    assert last[0] == -30


def test_deduplicator_exact_then_near(story: str) -> None:
    dedup: Deduplicator[int] = Deduplicator(IngestOptions().near_duplicate_threshold)
    dedup.add(1, content_hash(story), signature(story))
    exact = dedup.check(content_hash(story), signature(story))
    assert exact is not None
    assert (exact.kind, exact.of, exact.similarity) == ("exact", 1, 1.0)
    text = _outlet_b(story)
    near = dedup.check(content_hash(text), signature(text))
    assert near is not None
    assert (near.kind, near.of) == ("near", 1)
    assert dedup.check(content_hash(UNRELATED), signature(UNRELATED)) is None


def test_imported_documents_carry_signatures(tmp_path: Path, story: str) -> None:
    (tmp_path / "a.txt").write_text(_outlet_a(story))
    (tmp_path / "b.txt").write_text(_outlet_b(story))
    documents, _ = run([tmp_path])
    assert similarity(documents[0].signature, documents[1].signature) >= 0.7
    documents, _ = run([tmp_path], IngestOptions(signatures=False))
    assert [d.signature for d in documents] == [b"", b""]


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.8, 0.9, 1.0])
def test_bands_keep_recall_at_the_threshold(threshold: float) -> None:
    bands, rows = bands_for(threshold)
    assert bands * rows == 128
    assert 1 - (1 - threshold**rows) ** bands >= 0.97


@settings(max_examples=60, deadline=None)
@given(st.integers(30, 600), st.floats(0.0, 0.5), st.randoms(use_true_random=False))
def test_similarity_estimates_jaccard(size: int, edit: float, rng: random.Random) -> None:
    words = [f"w{rng.randrange(20000)}" for _ in range(size)]
    edited = [f"x{rng.randrange(20000)}" if rng.random() < edit else w for w in words]

    def shingles(ws: list[str]) -> set[tuple[str, ...]]:
        return {tuple(ws[i : i + 3]) for i in range(len(ws) - 2)}

    first, second = shingles(words), shingles(edited)
    jaccard = len(first & second) / len(first | second)
    estimate = similarity(signature(" ".join(words)), signature(" ".join(edited)))
    assert abs(estimate - jaccard) < 0.2
