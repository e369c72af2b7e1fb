"""The plain-text path gives the general tokenizer's words, sentence starts and alignments."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats.tokenize import align_words, scan, sentence_breaks, word_indices
from annotator.formats.tokenize_plain import plain_words

WORDS = ["a", "B", "x9", "Mr", "Dr", "J", "No", "3", "2016", "é", "Ærø", "ℹ", "Üb", "日本", "٣"]
MARKS = [".", ",", ";", ":", "!", "?", ")"]
ODD = [
    "(", "'", "’", "-", "_", "…", "...", '"', "“", "\n", "\t", "\u00a0", "\u2028", "  ", "e\u0301",
    "😀", "👩🏽‍🚒", "U.S.", "e.g.", "https://x.org/a?b=1.", "a@b.co", "#tag", "don't", "3,000.5",
]  # fmt: skip


def random_text(rng: random.Random, odd: float) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(1, 14)):
        parts.append(rng.choice(WORDS))
        if rng.random() < 0.35:
            parts.append(rng.choice(MARKS))
        if rng.random() < odd:
            parts.append(rng.choice(ODD))
        parts.append(" ")
    text = "".join(parts)
    return text.rstrip(" ") if rng.random() < 0.85 else text


def assert_same_as_general(text: str, spans: list[tuple[int, int]]) -> bool:
    """Check the plain path against scan/sentence_breaks/align_words; False if not plain."""
    plain = plain_words(text)
    if plain is None:
        return False
    texts, starts, ends, _ = scan(text)
    index = word_indices(text, texts)
    if index is not None:  # runs of spaces: space tokens, not words
        assert "  " in text
        texts, starts, ends = ([s[k] for k in index] for s in (texts, starts, ends))
    assert plain.texts == texts
    assert plain.breaks == sentence_breaks(text, texts, starts, ends)
    got = plain.align(spans)
    assert got == align_words(spans, starts, ends)
    for found in got:
        if found is not None and found[2]:
            assert plain.extent(found[0], found[1]) == (starts[found[0]], ends[found[1]])
    return True


def every_span(text: str) -> list[tuple[int, int]]:
    return [(a, b) for a in range(len(text) + 1) for b in range(a, len(text) + 1)]


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Rebels shelled Aleppo on Monday. Seven died, officials said.", True),
        ("Mr Smith left. Then J. K. Rowling spoke! Who? me) Yes: ok; 3.", True),
        ("Hello, world. Bye.", True),  # word-and-mark pieces next to each other
        ("Mr. Smith left.", False),  # an abbreviation keeps its period
        ("Smith left.\nThen", False),
        ("two  spaces", True),
        ("Yes.   So,  sir.  Bye", True),
        ("Mr.  Bond", False),
        (" leading", False),
        ("U.S. troops", False),
        ("a.) b", False),
        ("a.! b", False),
        ("a .", False),
        ("snake_case", False),
        ("", False),
        ("Zürich, 3 May. Die Stadt", True),
    ],
)
def test_plain_texts_are_recognised(text: str, plain: bool) -> None:
    assert (plain_words(text) is not None) is plain
    assert assert_same_as_general(text, every_span(text)) is plain


def test_random_plain_texts_match_the_general_path_for_every_span() -> None:
    rng = random.Random(7)
    plain = 0
    for n in range(1200):
        text = random_text(rng, 0.0 if n % 2 else 0.08)
        plain += assert_same_as_general(text, every_span(text))
    assert plain > 400


plain_alphabet = st.sampled_from([*WORDS, *MARKS, " ", *ODD[:12]])


@settings(max_examples=150, deadline=None)
@given(st.lists(plain_alphabet, max_size=30).map("".join), st.data())
def test_hypothesis_texts_match_the_general_path(text: str, data: st.DataObject) -> None:
    ends = st.integers(0, len(text))
    spans = data.draw(st.lists(st.tuples(ends, ends).map(sorted).map(tuple), max_size=8))
    assert_same_as_general(text, spans)
