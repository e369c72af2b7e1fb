"""Tests for snapping selections to words, whitespace trimming and cluster boundaries."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.snapping import (
    is_grapheme_boundary,
    next_grapheme_boundary,
    next_word_boundary,
    snap_to_words,
    trim_whitespace,
    word_at,
)

FAMILY = "👩\u200d👩\u200d👧"  # one ZWJ sequence of 5 code points
FLAG_SY = "🇸🇾"
FLAG_FR = "🇫🇷"
THUMB = "👍🏽"  # emoji + skin tone
E_ACUTE = "e\u0301"  # e + combining acute


def select(text: str, part: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def snapped(text: str, start: int, end: int) -> str | None:
    result = snap_to_words(text, start, end)
    return None if result is None else text[result[0] : result[1]]


# -- examples ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "selected", "expected"),
    [
        ("the army of al-Assad said", "Assad", "al-Assad"),
        ("the army of al-Assad said", "l-As", "al-Assad"),
        ("in Aleppo’s old city", "Alep", "Aleppo’s"),
        ("in Aleppo's old city", "po's ol", "Aleppo's old"),
        ("killed 1,200 people", "200", "1,200"),
        ("a 3.5 magnitude", ".5", "3.5"),
        ("the market in Brennick, officials said", "Brennick, ", "Brennick"),
        ("the market in Brennick, officials said", "Brennick,", "Brennick"),
        (
            "said “working far beyond its capacity.” He",
            "“working far beyond its capacity.”",
            "working far beyond its capacity",
        ),
        (
            "said “working far beyond its capacity.” He",
            "orking far beyond its capa",
            "working far beyond its capacity",
        ),
        ("up to 50% of them", "50%", "50%"),
        ("a \u00a0Brennick\u00a0 market", "\u00a0Brennick\u00a0 ", "Brennick"),
        ("x\u2009thin\u2009y", "\u2009thin\u2009", "thin"),
        ("a — b", " — ", "—"),
        ("Hello, world", ",", ","),
        ("end. (Start", ". (", ". ("),
        ("caf" + E_ACUTE + " noir", "caf", "caf" + E_ACUTE),
        ("the soldiers' guns", "soldiers'", "soldiers"),
        ("go\u200b now", "go\u200b", "go"),
    ],
)
def test_snap_to_words_examples(text: str, selected: str, expected: str) -> None:
    assert snapped(text, *select(text, selected)) == expected


def test_snap_to_words_whitespace_only_is_none() -> None:
    text = "one \u00a0\u2009\n two"
    assert snap_to_words(text, 3, 8) is None
    assert snap_to_words(text, 5, 5) is None
    assert trim_whitespace(text, 3, 8) is None


def test_snap_does_not_split_emoji_sequences() -> None:
    text = f"a {FAMILY} b {FLAG_SY}{FLAG_FR} c {THUMB} d"
    start = text.index(FAMILY)
    # a selection ending inside the ZWJ sequence takes all of it
    assert snapped(text, start, start + 2) == FAMILY
    assert snapped(text, start + 3, start + 4) == FAMILY
    flags = text.index(FLAG_SY)
    assert snapped(text, flags + 1, flags + 2) == FLAG_SY
    assert snapped(text, flags + 1, flags + 3) == FLAG_SY + FLAG_FR
    assert snapped(text, flags + 2, flags + 3) == FLAG_FR
    thumb = text.index(THUMB)
    assert snapped(text, thumb, thumb + 1) == THUMB


def test_trim_whitespace_character_precision() -> None:
    text = "the  Brennick\u00a0market "
    start, end = select(text, " Brenn")
    result = trim_whitespace(text, start - 1, end)
    assert result is not None
    assert text[result[0] : result[1]] == "Brenn"  # no extension to the word
    assert trim_whitespace(text, 0, len(text)) == (0, len(text) - 1)


def test_trim_whitespace_widens_only_to_clusters() -> None:
    text = f"x{FLAG_SY}{FLAG_FR}y"
    assert trim_whitespace(text, 2, 4) == (1, 5)  # inside both flags: both whole
    assert trim_whitespace(text, 3, 4) == (3, 5)


@pytest.mark.parametrize(
    ("text", "pos", "expected"),
    [
        ("the army of al-Assad said", 14, "al-Assad"),
        ("the army of al-Assad said", 12, "al-Assad"),
        ("in Aleppo’s old city", 9, "Aleppo’s"),
        ("killed 1,200 people.", 8, "1,200"),
        ("killed 1,200 people.", 19, "."),
        ("killed 1,200 people.", 20, "."),
        ("caf" + E_ACUTE + " noir", 4, "caf" + E_ACUTE),
        (f"see {FAMILY} here", 6, FAMILY),
        (f"see {FLAG_SY}{FLAG_FR} here", 7, FLAG_FR),
    ],
)
def test_word_at(text: str, pos: int, expected: str) -> None:
    start, end = word_at(text, pos)
    assert text[start:end] == expected


def test_word_at_whitespace_is_empty() -> None:
    assert word_at("a  b", 1) == (1, 1)
    assert word_at("a\u00a0b", 1) == (1, 1)
    assert word_at("", 0) == (0, 0)


def test_next_word_boundary_grows_and_shrinks() -> None:
    text = "the army, which fired"
    army = select(text, "army")
    # grow the end by a word: the comma is a token of its own, then "which"
    assert next_word_boundary(text, army[1], +1) == army[1] + 1
    assert next_word_boundary(text, army[1] + 1, +1) == select(text, "which")[1]
    # grow the start: "the"
    assert next_word_boundary(text, army[0], -1) == 0
    # shrink: end one word back, start one word forward
    which = select(text, "which")
    assert next_word_boundary(text, which[1], -1, edge="end") == army[1] + 1
    assert next_word_boundary(text, army[0], +1, edge="start") == army[1]
    assert next_word_boundary(text, 0, +1, edge="start") == army[0]
    # nowhere to go
    assert next_word_boundary(text, len(text), +1) == len(text)
    assert next_word_boundary(text, 0, -1) == 0
    # from inside a word
    assert next_word_boundary(text, army[0] + 2, +1) == army[1]
    assert next_word_boundary(text, army[0] + 2, -1) == army[0]
    assert next_word_boundary(text, army[0] + 2, +1, edge="any") == army[1]


def test_next_word_boundary_keeps_words_with_joiners() -> None:
    text = "near al-Assad’s base"
    assert next_word_boundary(text, 4, +1) == text.index(" base")
    assert next_word_boundary(text, len(text) - 5, -1) == 5


def test_grapheme_boundaries() -> None:
    text = f"{E_ACUTE}{FAMILY}{FLAG_SY}{FLAG_FR}{THUMB}\r\n"
    inside = {1, 3, 4, 5, 6, 8, 10, 12, 14}
    for pos in range(len(text) + 1):
        assert is_grapheme_boundary(text, pos) == (pos not in inside), pos
    assert next_grapheme_boundary(text, 0, +1) == 2
    assert next_grapheme_boundary(text, 2, +1) == 7
    assert next_grapheme_boundary(text, 7, +1) == 9
    assert next_grapheme_boundary(text, 9, +1) == 11
    assert next_grapheme_boundary(text, 11, -1) == 9
    assert next_grapheme_boundary(text, 7, -1) == 2
    assert next_grapheme_boundary(text, len(text), +1) == len(text)
    assert next_grapheme_boundary(text, 0, -1) == 0


def test_hangul_jamo_cluster() -> None:
    text = "\u1100\u1161\u11a8x"  # L V T = one syllable
    assert [is_grapheme_boundary(text, i) for i in range(5)] == [True, False, False, True, True]


def test_control_breaks_a_cluster() -> None:
    text = "a\n\u0301b"
    assert is_grapheme_boundary(text, 2)


# -- properties -------------------------------------------------------------------------------

PIECES = [
    "a", "b", "Z", "é", E_ACUTE, "7", "_", "ü", "ل", "ب", "क्ष", "\u0301",
    " ", "\u00a0", "\u2009", "\u3000", "\n", "\t", "\u200b",
    "’", "'", "-", ",", ".", "“", "”", "(", ")", "!", "%", "$", "—",
    FAMILY, FLAG_SY, FLAG_FR, "\U0001f1e6", THUMB, "👍", "\u200d", "\u200c", "\ufe0f",
    "\u1100", "\u1161", "\u11a8", "\r",
]  # fmt: skip

texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    st.text(max_size=30),
)


@st.composite
def selections(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(texts)
    start = draw(st.integers(-2, len(text) + 2))
    end = draw(st.integers(-2, len(text) + 2))
    return text, start, end


def is_visible(ch: str) -> bool:
    """Not whitespace, not a mark, format character or skin tone (which may sit on a space)."""
    if 0x1F3FB <= ord(ch) <= 0x1F3FF:
        return False
    return not ch.isspace() and unicodedata.category(ch)[0] not in "MC"


def _check_range(text: str, result: tuple[int, int]) -> None:
    start, end = result
    assert 0 <= start < end <= len(text)
    assert is_grapheme_boundary(text, start)
    assert is_grapheme_boundary(text, end)
    assert not text[start].isspace()
    assert not text[end - 1].isspace()
    assert text[start] != "\u200b"


@settings(max_examples=400)
@given(selections())
def test_snap_to_words_properties(case: tuple[str, int, int]) -> None:
    text, start, end = case
    result = snap_to_words(text, start, end)
    lo, hi = sorted((max(0, min(len(text), start)), max(0, min(len(text), end))))
    visible = [i for i in range(lo, hi) if is_visible(text[i])]
    if result is None:
        assert not visible
        return
    _check_range(text, result)
    assert snap_to_words(text, *result) == result  # idempotent
    # every letter or digit that was selected is kept
    for i in visible:
        if text[i].isalnum():
            assert result[0] <= i < result[1]


@settings(max_examples=400)
@given(selections())
def test_trim_whitespace_properties(case: tuple[str, int, int]) -> None:
    text, start, end = case
    result = trim_whitespace(text, start, end)
    if result is None:
        return
    _check_range(text, result)
    assert trim_whitespace(text, *result) == result
    lo, hi = sorted((max(0, min(len(text), start)), max(0, min(len(text), end))))
    for i in range(lo, hi):  # nothing visible is dropped (a mark on a space may be)
        if is_visible(text[i]):
            assert result[0] <= i < result[1]


@settings(max_examples=300)
@given(texts, st.integers(-2, 40))
def test_word_at_properties(text: str, pos: int) -> None:
    start, end = word_at(text, pos)
    assert 0 <= start <= end <= len(text)
    if start < end:
        assert is_grapheme_boundary(text, start)
        assert is_grapheme_boundary(text, end)
        assert not text[start].isspace()
        assert snap_to_words(text, start, end) == (start, end) or not any(
            c.isalnum() for c in text[start:end]
        )


@settings(max_examples=300)
@given(
    texts,
    st.integers(-2, 40),
    st.sampled_from([1, -1]),
    st.sampled_from(["start", "end", "any", None]),
)
def test_next_word_boundary_properties(
    text: str, pos: int, direction: int, edge: str | None
) -> None:
    clamped = max(0, min(len(text), pos))
    result = next_word_boundary(text, pos, direction, edge=edge)  # type: ignore[arg-type]
    assert 0 <= result <= len(text)
    if result != clamped:  # it moved, to a boundary in the right direction
        assert is_grapheme_boundary(text, result)
        assert (result > clamped) == (direction > 0)


@settings(max_examples=300)
@given(texts, st.integers(-2, 40), st.sampled_from([1, -1]))
def test_next_grapheme_boundary_properties(text: str, pos: int, direction: int) -> None:
    clamped = max(0, min(len(text), pos))
    result = next_grapheme_boundary(text, pos, direction)
    assert is_grapheme_boundary(text, result)
    assert 0 <= result <= len(text)
    if direction > 0:
        assert result > clamped or clamped == len(text)
    else:
        assert result < clamped or clamped == 0
