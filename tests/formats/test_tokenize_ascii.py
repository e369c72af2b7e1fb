"""The ASCII shortcuts of the tokenizer answer what the ``str`` methods they replace answer:
the pieces that are not ``isalnum`` (:func:`_odd_pieces`) and ``isprintable``."""

from __future__ import annotations

import random
from itertools import compress, count
from operator import not_

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats.tokenize import _odd_pieces, _printable, scan
from tests.formats.conftest import ROUND_TRIP_TEXT

ALPHABET = [chr(c) for c in range(128)] + ["é", "🏛", "\u00a0", " ", " ", "a", "Z", "7", "."]


def odd_by_isalnum(pieces: list[str]) -> list[int]:
    return list(compress(count(), map(not_, map(str.isalnum, pieces))))


def test_every_ascii_character_is_told_as_str_tells_it() -> None:
    for code in range(128):
        character = chr(code)
        for text in (character, f"a{character}b", f"ab {character} c", f"{character}{character}"):
            pieces = text.split(" ")
            assert _odd_pieces(text, pieces) == odd_by_isalnum(pieces), text
            assert _printable(text) is text.isprintable(), text


def test_random_texts_match_the_str_methods() -> None:
    rng = random.Random(5)
    for _ in range(20000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30)))
        pieces = text.split(" ")
        assert _odd_pieces(text, pieces) == odd_by_isalnum(pieces), text
        assert _printable(text) is text.isprintable(), text


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(ALPHABET), min_size=1, max_size=40))
def test_hypothesis_texts_match_the_str_methods(text: str) -> None:
    pieces = text.split(" ")
    assert _odd_pieces(text, pieces) == odd_by_isalnum(pieces)
    assert _printable(text) is text.isprintable()


def test_news_text_tokens_are_unchanged() -> None:
    text = "Rebels shelled Aleppo on Monday, officials said. Seven died; 12 fled!"
    assert scan(text)[0] == [
        "Rebels", "shelled", "Aleppo", "on", "Monday", ",", "officials", "said", ".", "Seven",
        "died", ";", "12", "fled", "!",
    ]  # fmt: skip
    assert "".join(t + " " * w for t, w in zip(*scan(ROUND_TRIP_TEXT)[::3], strict=True)) == (
        ROUND_TRIP_TEXT
    )
