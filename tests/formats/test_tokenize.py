"""The tokenizer, sentence splitter and aligner that the token formats share."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats.tokenize import (
    Alignment,
    Token,
    align,
    scan,
    sentences,
    split_at,
    split_scanned,
    tokenize,
    words,
)
from tests.formats import tokenize_reference as reference
from tests.formats.conftest import ROUND_TRIP_TEXT


def texts_of(text: str) -> list[str]:
    return [t.text for t in tokenize(text) if not t.is_space]


def sentence_texts(text: str) -> list[str]:
    tokens = tokenize(text)
    return [
        " ".join(tokens[i].text for i in sentence if not tokens[i].is_space)
        for sentence in sentences(text, tokens)
    ]


def test_round_trip_document_tokens() -> None:
    tokens = tokenize(ROUND_TRIP_TEXT)
    assert [(t.text, t.ws) for t in tokens] == [
        ("Rebels", True), ("shelled", True), ("Aleppo", True), ("on", True), ("3", True),
        ("May", True), ("2016", False), (".", False), ("\n", False), ("The", True),
        ("ministry", True), ("🏛", True), ("said", True), ("12", True), ("civilians", True),
        ("died", True), ("in", True), ("Aleppo", False), ("’s", True), ("east", False),
        (".", False),
    ]  # fmt: skip
    for token in tokens:
        assert ROUND_TRIP_TEXT[token.start : token.end] == token.text
    assert tokens[8].is_space


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("self-driving cars", ["self-driving", "cars"]),
        ("O'Brien's rock'n'roll", ["O'Brien", "'s", "rock'n'roll"]),
        ("didn't, won’t", ["did", "n't", ",", "wo", "n’t"]),
        ("they're I'm we'll", ["they", "'re", "I", "'m", "we", "'ll"]),
        ("3,000.50 and 1.5, 2016.", ["3,000.50", "and", "1.5", ",", "2016", "."]),
        (
            "Mr. Smith, Dr. Jones and Gen. Ali",
            ["Mr.", "Smith", ",", "Dr.", "Jones", "and", "Gen.", "Ali"],
        ),
        ("the U.S. and e.g. this", ["the", "U.S.", "and", "e.g.", "this"]),
        ("No. 5 but no.", ["No.", "5", "but", "no", "."]),
        ("wait... what?!", ["wait", "...", "what", "?!"]),
        ("a -- b", ["a", "--", "b"]),
        ("«quoted» (x) [y]", ["«", "quoted", "»", "(", "x", ")", "[", "y", "]"]),
        ("“Hi,” she said.", ["“", "Hi", ",", "”", "she", "said", "."]),
        ("👩🏽‍🚒 fire 🇫🇷 1️⃣ 👍🏻!", ["👩🏽\u200d🚒", "fire", "🇫🇷", "1️⃣", "👍🏻", "!"]),
        ("see https://example.org/a?b=1.", ["see", "https://example.org/a?b=1", "."]),
        ("mail a.b@c.org #Aleppo @UN", ["mail", "a.b@c.org", "#Aleppo", "@UN"]),
        ("cafe\u0301 नमस्ते", ["cafe\u0301", "नमस्ते"]),
        ("中文文本。", ["中文文本", "。"]),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert texts_of(text) == expected


def test_whitespace_other_than_one_space_is_a_token() -> None:
    text = "a  b\tc\n\nd \ne\u00a0f "
    tokens = tokenize(text)
    assert [(t.text, t.ws) for t in tokens] == [
        ("a", True), (" ", False), ("b", False), ("\t", False), ("c", False), ("\n\n", False),
        ("d", True), ("\n", False), ("e", False), ("\u00a0", False), ("f", True),
    ]  # fmt: skip
    assert "".join(t.text + " " * t.ws for t in tokens) == text
    assert tokenize("") == []
    assert [(t.text, t.ws) for t in tokenize(" x")] == [(" ", False), ("x", False)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ROUND_TRIP_TEXT, [
            "Rebels shelled Aleppo on 3 May 2016 .",
            "The ministry 🏛 said 12 civilians died in Aleppo ’s east .",
        ]),
        ("Mr. Smith met Dr. Jones in the U.S. Army. Then he left.", [
            "Mr. Smith met Dr. Jones in the U.S. Army .", "Then he left .",
        ]),
        ("J. K. Rowling wrote it. “Yes,” she said! (Really.) Fine? ok", [
            "J . K . Rowling wrote it .", "“ Yes , ” she said !", "( Really . )", "Fine ? ok",
        ]),
        ("Headline without a period\nFirst sentence. second part", [
            "Headline without a period", "First sentence . second part",
        ]),
        ("He said \"Go.\" Then left.", ["He said \" Go . \"", "Then left ."]),
        ("Rose 3.5 per cent. 12 people died.", ["Rose 3.5 per cent . 12 people died ."]),
        ("Paragraph one\n\n\nParagraph two", ["Paragraph one", "Paragraph two"]),
        ("\n\n  lead space. Next", ["lead space .", "Next"]),
        ("The end…  Another", ["The end …", "Another"]),
    ],
)  # fmt: skip
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentence_texts(text) == expected


def test_sentences_cover_every_token_and_own_the_space_after_them() -> None:
    text = "  One.\n\nTwo!  "
    tokens = tokenize(text)
    ranges = sentences(text, tokens)
    assert [list(r) for r in ranges] == [[0, 1, 2, 3], [4, 5, 6]]
    assert sentences("   \n", tokenize("   \n")) == []
    assert sentences("one two") == [range(2)]


def test_align_expands_to_whole_tokens_and_says_so() -> None:
    tokens = tokenize(ROUND_TRIP_TEXT)
    exact, partial, wide, space_only = align([(15, 21), (16, 21), (76, 86), (36, 37)], tokens)
    assert exact is not None
    assert (exact.first, exact.last, exact.widened) == (2, 2, False)
    assert partial is not None
    assert (partial.first, partial.last, partial.widened) == (2, 2, True)
    assert wide is not None
    assert [tokens[i].text for i in (wide.first, wide.last)] == ["in", "’s"]
    assert wide.widened  # 76 is inside "in", 86 inside "’s"
    assert space_only is None  # only the line break


def test_split_at_cuts_tokens_at_span_boundaries() -> None:
    text = "Aleppo-based rebels"
    tokens = split_at(text, tokenize(text), [0, 6, 13])
    assert [(t.text, t.ws) for t in tokens] == [
        ("Aleppo", False),
        ("-based", True),
        ("rebels", False),
    ]
    (alignment,) = align([(0, 6)], tokens)
    assert alignment is not None
    assert not alignment.widened


# -- properties -----------------------------------------------------------------------------------

ALPHABET = st.sampled_from(
    [
        *"aZé9_ .,;:!?'’\"“”-()…@#/\n\t",
        *("\u00a0", "🏛", "👍", "\U0001f3fb", "\u200d", "\u0301", "\ufe0f", "🇫", "中"),
        *("Mr.", "U.S.", "n't"),
    ]
)
texts = st.one_of(st.lists(ALPHABET, max_size=60).map("".join), st.text(max_size=40))


@given(texts)
def test_tokens_tile_the_text(text: str) -> None:
    tokens = tokenize(text)
    assert "".join(t.text + " " * t.ws for t in tokens) == text
    position = 0
    for token in tokens:
        assert token.start == position
        assert token.end > token.start
        assert text[token.start : token.end] == token.text
        assert token.is_space == token.text.isspace()
        if not token.is_space:
            assert not any(c.isspace() for c in token.text)
        else:
            assert not token.ws
        position = token.end + token.ws
    covered = {i for t in tokens if not t.is_space for i in range(t.start, t.end)}
    assert covered == {i for i, c in enumerate(text) if not c.isspace()}
    assert tokenize(text) == tokens  # deterministic


@given(texts)
def test_sentences_partition_the_tokens(text: str) -> None:
    tokens = tokenize(text)
    ranges = sentences(text, tokens)
    flat = [i for r in ranges for i in r]
    assert flat == (list(range(len(tokens))) if ranges else [])
    for sentence in ranges:
        assert any(not tokens[i].is_space for i in sentence)
    assert bool(ranges) == bool(words(tokens))


@given(texts, st.data())
def test_aligned_spans_cover_their_characters(text: str, data: st.DataObject) -> None:
    if not text:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    tokens = tokenize(text)
    (alignment,) = align([(start, end)], tokens)
    inside = [i for i in range(start, end) if not text[i].isspace()]
    if alignment is None:
        assert not inside
        return
    first, last = tokens[alignment.first], tokens[alignment.last]
    assert (first.start <= start and last.end >= end) or alignment.widened
    assert all(first.start <= i < last.end for i in inside)
    assert alignment.widened == (first.start != start or last.end != end)
    split = split_at(text, tokens, [start, end])
    (exact,) = align([(start, end)], split)
    assert exact is not None
    assert exact.widened == (text[start].isspace() or text[end - 1].isspace())


# -- the fast implementation against the reference ------------------------------------------------

REFERENCE_ALPHABET = st.sampled_from(
    [
        *"aZé9_ .,;:!?'’\"“”-()…@#/\n\t)xX0",
        *("\u00a0", "🏛", "👍", "\U0001f3fb", "\u200d", "\u0301", "\ufe0f", "🇫", "中", "ℹ", "❶"),
        *("©", "\u20e3", "\u2028", "\x85", "  ", "1.5", "www.", "http://a", "a@b.co", "No. 5"),
        *("Mr.", "U.S.", "n't", "No.", "Mr", "Mrs.", "'s", "’ll", "...", "--", "J.", "e.g."),
        *reference.ABBREVIATIONS,
    ]
)
reference_texts = st.one_of(
    st.lists(REFERENCE_ALPHABET, max_size=60).map("".join),
    st.text(max_size=60),
    st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=80),
)


def _alignments(found: list[Alignment | None] | list[reference.Alignment | None]) -> list[object]:
    return [a and (a.first, a.last, a.widened) for a in found]


@settings(max_examples=400, deadline=None)  # a busy machine must not fail it
@given(reference_texts, st.lists(st.tuples(st.integers(0, 90), st.integers(1, 30)), max_size=5))
def test_tokens_sentences_and_alignment_are_the_reference_ones(
    text: str, raw_spans: list[tuple[int, int]]
) -> None:
    expected = reference.tokenize(text)
    tokens = tokenize(text)
    assert tokens == expected
    assert all(type(t) is Token for t in tokens)
    texts, starts, ends, ws = scan(text)
    assert list(zip(starts, ends, texts, ws, strict=True)) == expected
    assert sentences(text, tokens) == reference.sentences(text, expected)
    assert sentences(text) == reference.sentences(text)
    spans = [(a, min(a + b, len(text))) for a, b in raw_spans if a < len(text)]
    assert _alignments(align(spans, tokens)) == _alignments(reference.align(spans, expected))
    cuts = [c for span in spans for c in span]
    split = reference.split_at(text, expected, cuts)
    assert split_at(text, tokens, cuts) == split
    texts, starts, ends, ws = split_scanned(text, scan(text), cuts)
    assert list(zip(starts, ends, texts, ws, strict=True)) == split


def test_news_text_is_tokenized_as_the_reference_does() -> None:
    text = (
        "ALEPPO, Syria (Reuters) -- Rebels shelled the city on Monday, the ministry said.\n\n"
        "“At least 12 civilians were killed,” Gen. Ali told reporters.  He didn't say more... "
        "The U.S. State Dept. called it “unacceptable” (see https://example.org/a?b=1).\n"
        "No. 5 on the list: Mr. O'Brien’s self-driving car, worth $3,000.50!? 👍🏽 #Aleppo @UN "
    )
    expected = reference.tokenize(text)
    assert tokenize(text) == expected
    assert sentences(text) == reference.sentences(text, expected)
