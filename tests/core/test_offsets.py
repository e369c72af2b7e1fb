"""Tests for the offset converter: code points, UTF-16 units and UTF-8 bytes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from annotator.core import offsets as offsets_module
from annotator.core.errors import OffsetError, UserError
from annotator.core.offsets import (
    OffsetConverter,
    Unit,
    convert_offset,
    convert_span,
    utf8_length,
    utf16_length,
)

# The test document from shared/design/formats.md.
FORMATS_TEXT = (
    "Rebels shelled Aleppo on 3 May 2016.\nThe ministry 🏛 said 12 civilians died in Aleppo’s east."
)
# span text, code points, UTF-16 units, UTF-8 bytes (the table in formats.md)
FORMATS_TABLE = [
    ("Rebels", (0, 6), (0, 6), (0, 6)),
    ("Aleppo", (15, 21), (15, 21), (15, 21)),
    ("The ministry", (37, 49), (37, 49), (37, 49)),
    ("12 civilians died in Aleppo’s east", (57, 91), (58, 92), (60, 96)),
    ("12 civilians", (57, 69), (58, 70), (60, 72)),
    ("Aleppo", (78, 84), (79, 85), (81, 87)),
]

PIECES = [
    "a",
    "Z",
    " ",
    "\n",
    ".",
    "é",  # precomposed, 2 UTF-8 bytes
    "e\u0301",  # e + combining acute accent
    "😀",  # astral: 2 UTF-16 units, 4 UTF-8 bytes
    "👩\u200d👩\u200d👧",  # ZWJ sequence
    "🇺🇳",  # flag: two regional indicators
    "🏛",
    "中",
    "文",
    "\u00a0",  # no-break space
    "’",
    "\U0010ffff",  # the last code point
    "\u07ff",  # the last 2-byte character
    "\u0800",  # the first 3-byte character
    "\uffff",  # the last BMP character
]

# Any text that UTF-8 and UTF-16 can carry (no lone surrogates), weighted to the tricky pieces.
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.lists(
        st.one_of(st.sampled_from(PIECES), st.text(st.characters(codec="utf-8"), max_size=3)),
        max_size=30,
    ).map("".join),
)


# Tables keep one offset per block of code points; small blocks put boundaries everywhere.
block_sizes = st.sampled_from([1, 2, 3, 5, 128])


@contextmanager
def block_size(size: int) -> Iterator[None]:
    original = offsets_module._BLOCK
    offsets_module._BLOCK = size
    try:
        yield
    finally:
        offsets_module._BLOCK = original


def ref_utf16(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


def ref_utf8(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


# -- the formats.md example -----------------------------------------------------------------


@pytest.mark.parametrize(("surface", "cp", "utf16", "utf8"), FORMATS_TABLE)
def test_formats_example_matches_the_table(
    surface: str, cp: tuple[int, int], utf16: tuple[int, int], utf8: tuple[int, int]
) -> None:
    conv = OffsetConverter(FORMATS_TEXT)
    assert FORMATS_TEXT[cp[0] : cp[1]] == surface
    assert conv.span_to_utf16(*cp) == utf16
    assert conv.span_to_utf8(*cp) == utf8
    assert conv.span_from_utf16(*utf16) == cp
    assert conv.span_from_utf8(*utf8) == cp
    assert convert_span(conv, *utf16, Unit.UTF16, Unit.UTF8) == utf8
    assert convert_span(conv, *utf8, Unit.UTF8, Unit.UTF16) == utf16
    # The slices agree in every unit.
    assert FORMATS_TEXT.encode("utf-16-le")[utf16[0] * 2 : utf16[1] * 2].decode("utf-16-le") == (
        surface
    )
    assert FORMATS_TEXT.encode()[utf8[0] : utf8[1]].decode() == surface


def test_formats_example_lengths_and_errors() -> None:
    conv = OffsetConverter(FORMATS_TEXT)
    assert conv.text is FORMATS_TEXT
    assert conv.length == 92
    assert conv.utf16_length == 93
    assert conv.utf8_length == 97
    assert conv.has_astral
    # 🏛 is code point 50, UTF-16 units 50-52, UTF-8 bytes 50-54; ’ is bytes 87-90.
    with pytest.raises(OffsetError, match="surrogate pair"):
        conv.utf16_to_cp(51)
    for inside in (51, 52, 53, 88, 89):
        with pytest.raises(OffsetError, match="inside the"):
            conv.utf8_to_cp(inside)


# -- round trips against a brute-force reference --------------------------------------------


@given(texts, block_sizes)
@example("", 128)
@example("😀", 1)
@example("a😀b", 2)
@example("👩\u200d👩\u200d👧🇺🇳e\u0301\u00a0中", 3)
@example("😀" * 300 + "é" * 300, 128)
def test_every_code_point_offset_round_trips(text: str, block: int) -> None:
    with block_size(block):
        conv = OffsetConverter(text)
        check_every_offset(conv, text)


def check_every_offset(conv: OffsetConverter, text: str) -> None:
    assert conv.utf16_length == len(text.encode("utf-16-le")) // 2 == utf16_length(text)
    assert conv.utf8_length == len(text.encode("utf-8")) == utf8_length(text)
    assert conv.has_astral == any(ord(c) >= 0x10000 for c in text)
    for i in range(len(text) + 1):
        u = ref_utf16(text, i)
        b = ref_utf8(text, i)
        assert conv.cp_to_utf16(i) == u
        assert conv.utf16_to_cp(u) == i
        assert conv.cp_to_utf8(i) == b
        assert conv.utf8_to_cp(b) == i
        assert conv.from_codepoint(i, Unit.UTF16) == u
        assert conv.to_codepoint(b, Unit.UTF8) == i
        assert convert_offset(conv, u, Unit.UTF16, Unit.UTF8) == b
        assert convert_offset(conv, i, Unit.CODE_POINT, Unit.CODE_POINT) == i


@given(texts, block_sizes)
@example("😀x", 1)
@example("é中😀", 2)
def test_offsets_inside_a_character_raise(text: str, block: int) -> None:
    with block_size(block):
        conv = OffsetConverter(text)
        check_offsets_inside_characters(conv, text)


def check_offsets_inside_characters(conv: OffsetConverter, text: str) -> None:
    utf16_boundaries = {ref_utf16(text, i) for i in range(len(text) + 1)}
    for u in range(conv.utf16_length + 1):
        if u not in utf16_boundaries:
            with pytest.raises(OffsetError, match=rf"UTF-16 offset {u} .*surrogate pair"):
                conv.utf16_to_cp(u)
    utf8_boundaries = {ref_utf8(text, i) for i in range(len(text) + 1)}
    for b in range(conv.utf8_length + 1):
        if b not in utf8_boundaries:
            with pytest.raises(OffsetError, match=rf"UTF-8 offset {b} falls inside the \d-byte"):
                conv.utf8_to_cp(b)


@given(texts, st.data())
def test_spans_convert_like_their_ends(text: str, data: st.DataObject) -> None:
    with block_size(data.draw(block_sizes)):
        conv = OffsetConverter(text)
        conv.cp_to_utf16(0)  # build the tables now, with this block size
        conv.cp_to_utf8(0)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    utf16 = (ref_utf16(text, start), ref_utf16(text, end))
    utf8 = (ref_utf8(text, start), ref_utf8(text, end))
    assert conv.span_to_utf16(start, end) == utf16
    assert conv.span_to_utf8(start, end) == utf8
    assert conv.span_from_utf16(*utf16) == (start, end)
    assert conv.span_from_utf8(*utf8) == (start, end)
    by_unit = {Unit.CODE_POINT: (start, end), Unit.UTF16: utf16, Unit.UTF8: utf8}
    for from_unit, span in by_unit.items():
        for to_unit, expected in by_unit.items():
            assert convert_span(conv, *span, from_unit, to_unit) == expected


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "abc", "é😀", FORMATS_TEXT])
def test_out_of_range_offsets_raise_naming_offset_and_length(text: str) -> None:
    conv = OffsetConverter(text)
    cases = [
        (conv.cp_to_utf16, len(text), "code point"),
        (conv.cp_to_utf8, len(text), "code point"),
        (conv.utf16_to_cp, conv.utf16_length, "UTF-16"),
        (conv.utf8_to_cp, conv.utf8_length, "UTF-8"),
    ]
    for function, length, unit in cases:
        for bad in (-1, length + 1, length + 1000):
            with pytest.raises(OffsetError) as info:
                function(bad)
            message = str(info.value)
            assert f"{unit} offset {bad} is out of range" in message
            assert f"is {length} " in message
        assert function(length) is not None  # the end offset itself is valid


def test_offset_error_is_a_user_error_with_a_code() -> None:
    with pytest.raises(OffsetError) as info:
        OffsetConverter("abc").cp_to_utf16(4)
    assert isinstance(info.value, UserError)
    assert info.value.code == "ANN140"
    assert "[ANN140]" in str(info.value)


def test_reversed_spans_raise() -> None:
    conv = OffsetConverter("a😀b")
    with pytest.raises(OffsetError, match="start 3 is after its end 1"):
        conv.span_to_utf16(3, 1)
    with pytest.raises(OffsetError, match="UTF-16"):
        conv.span_from_utf16(4, 0)
    with pytest.raises(OffsetError, match="UTF-8"):
        conv.span_from_utf8(6, 0)
    with pytest.raises(OffsetError):
        conv.span_to_utf8(2, 0)
    with pytest.raises(OffsetError):
        convert_span(conv, 2, 1, Unit.CODE_POINT, Unit.CODE_POINT)
    assert conv.span_to_utf16(1, 1) == (1, 1)  # empty spans are fine


def test_a_span_end_inside_a_character_raises() -> None:
    conv = OffsetConverter("a😀b")
    with pytest.raises(OffsetError, match="surrogate"):
        conv.span_from_utf16(0, 2)
    with pytest.raises(OffsetError, match="4-byte character U\\+1F600 at code point 1"):
        conv.span_from_utf8(1, 3)


# -- fast paths -----------------------------------------------------------------------------


@given(st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"]), max_size=50))
def test_bmp_text_converts_to_utf16_without_a_table(text: str) -> None:
    conv = OffsetConverter(text)
    assert not conv.has_astral
    for i in range(len(text) + 1):
        assert conv.cp_to_utf16(i) == i
        assert conv.utf16_to_cp(i) == i
    assert conv._utf16 is None  # the identity fast path: no table was built
    assert conv._utf16_checked


def test_ascii_text_converts_to_utf8_without_a_table() -> None:
    conv = OffsetConverter("plain ASCII text\n")
    assert conv.span_to_utf8(6, 11) == (6, 11)
    assert conv.span_from_utf8(6, 11) == (6, 11)
    assert conv._utf8 is None
    assert conv.utf8_length == conv.length == 17


def test_tables_are_built_lazily_and_only_for_the_unit_asked_for() -> None:
    conv = OffsetConverter("café 😀")
    assert conv._utf16 is None
    assert conv._utf8 is None
    assert conv.cp_to_utf8(5) == 6
    assert conv._utf8 is not None
    assert conv._utf16 is None
    assert not conv._utf16_checked
    assert conv.cp_to_utf16(6) == 7
    assert conv._utf16 is not None


def test_non_ascii_bmp_text_builds_a_utf8_table_only() -> None:
    text = "Aleppo’s east, café, 中文"
    conv = OffsetConverter(text)
    assert not conv.has_astral
    assert conv.span_to_utf16(0, len(text)) == (0, len(text))
    assert conv.span_to_utf8(0, len(text)) == (0, len(text.encode()))
    assert conv._utf16 is None
    assert conv._utf8 is not None


# -- units ----------------------------------------------------------------------------------


def test_units() -> None:
    assert [unit.value for unit in Unit] == ["codepoint", "utf16", "utf8"]
    assert Unit("utf16") is Unit.UTF16
    assert Unit.UTF8 == "utf8"
    assert Unit.UTF16.description == "UTF-16 units"
    conv = OffsetConverter(FORMATS_TEXT)
    assert [conv.length_in(unit) for unit in Unit] == [92, 93, 97]
