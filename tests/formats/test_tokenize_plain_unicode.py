"""The plain-text path on letters and digits outside ASCII that are easy to get wrong: ``str``
methods and ``re``'s ``\\w`` must agree with the general tokenizer on every one of them."""

from __future__ import annotations

import random

import pytest

from .test_tokenize_plain import MARKS, assert_same_as_general, every_span

WORDS = [
    "a", "B", "x²", "²", "½", "❶", "ℹ", "Ⅻ", "ⅰ", "ǅ", "ǅa", "Ǆ", "İ", "ß", "ﬁ", "Σ", "ς", "٣",
    "a٣", "ᾼ", "𝐀", "𝟘", "㈠", "〇", "ↂ", "K", "Ω", "Co", "Coal", "www", "http", "Ⓜ",
]  # fmt: skip
"""Superscript and fraction digits, circled and Roman numerals, title-case and other-case
letters, ligatures, mathematical letters and digits, a pictograph that is a letter (ℹ)."""


@pytest.mark.parametrize("seed", range(3))
def test_unicode_words_and_runs_of_spaces_match_the_general_path(seed: int) -> None:
    rng = random.Random(seed)
    plain = 0
    for _ in range(400):
        parts: list[str] = []
        for _ in range(rng.randint(1, 6)):
            parts.append(rng.choice(WORDS))
            if rng.random() < 0.5:
                parts.append(rng.choice(MARKS))
            parts.append(" " * rng.choice([1, 1, 1, 2, 3]))
        text = "".join(parts).rstrip(" ")
        plain += assert_same_as_general(text, every_span(text))
    assert plain > 250
