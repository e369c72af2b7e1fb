"""Tests of the offset unit check and detection shared by the importers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.errors import OffsetError
from annotator.core.offsets import OffsetConverter, Unit
from annotator.formats.offset_check import (
    check_span,
    detect_unit,
    explain_mismatch,
    parse_offset,
    read_as,
    resolve_spans,
    to_code_points,
)
from tests.formats.conftest import ROUND_TRIP_TEXT

TEXT = ROUND_TRIP_TEXT
# (label, surface, code points, UTF-16, UTF-8) from shared/design/formats.md
TABLE = [
    ("ACTOR", "Rebels", (0, 6), (0, 6), (0, 6)),
    ("LOCATION", "Aleppo", (15, 21), (15, 21), (15, 21)),
    ("ACTOR", "The ministry", (37, 49), (37, 49), (37, 49)),
    ("CLAIM", "12 civilians died in Aleppo’s east", (57, 91), (58, 92), (60, 96)),
    ("CASUALTY_FIGURE", "12 civilians", (57, 69), (58, 70), (60, 72)),
    ("LOCATION", "Aleppo", (78, 84), (79, 85), (81, 87)),
]
UNITS = (Unit.CODE_POINT, Unit.UTF16, Unit.UTF8)


def offsets_in(unit: Unit) -> list[tuple[int, int]]:
    return [row[2 + UNITS.index(unit)] for row in TABLE]


def test_the_table_of_formats_md_holds() -> None:
    for _, surface, cp, u16, u8 in TABLE:
        assert TEXT[cp[0] : cp[1]] == surface
        assert read_as(TEXT, *u16, Unit.UTF16) == surface
        assert read_as(TEXT, *u8, Unit.UTF8) == surface


@pytest.mark.parametrize("unit", UNITS)
def test_check_span_finds_the_unit_that_reads_the_surface(unit: Unit) -> None:
    for (_, surface, cp, *_), offsets in zip(TABLE, offsets_in(unit), strict=True):
        checked = check_span(TEXT, *offsets, surface=surface)
        assert (checked.start, checked.end) == cp
        if offsets != cp:
            assert checked.unit is unit


def test_a_declared_unit_that_does_not_fit_is_overridden_and_said() -> None:
    checked = check_span(TEXT, 58, 70, surface="12 civilians", unit=Unit.CODE_POINT)
    assert (checked.start, checked.end, checked.unit) == (57, 69, Unit.UTF16)
    assert checked.unit_differs
    same = check_span(TEXT, 57, 69, surface="12 civilians", unit=Unit.CODE_POINT)
    assert not same.unit_differs


def test_without_surface_the_declared_or_default_unit_is_used() -> None:
    checked = check_span(TEXT, 58, 70, unit=Unit.UTF16)
    assert (checked.start, checked.end) == (57, 69)
    checked = check_span(TEXT, 58, 70, default=Unit.UTF8)
    assert TEXT[checked.start : checked.end] == "d 12 civilia"  # UTF-8 bytes 58-70


def test_mismatch_message_says_what_each_unit_reads_and_where_the_text_is() -> None:
    with pytest.raises(OffsetError) as caught:
        check_span(TEXT, 50, 55, surface="civilians")
    message = caught.value.message
    assert "'civilians' is not at offsets 50-55" in message
    assert "as code points they cover" in message
    assert "as UTF-16 units" in message
    assert "as UTF-8 bytes" in message
    assert "occurs at 60-69 (code points)" in message


def test_mismatch_message_for_text_not_in_the_document() -> None:
    message = explain_mismatch(TEXT, 0, 6, "Damascus")
    assert "does not occur in the document" in message
    message = explain_mismatch(TEXT, 0, 6, " Rebels ")
    assert "leading or trailing whitespace" in message


def test_impossible_offsets_are_explained() -> None:
    # UTF-16 unit 51 falls between the halves of 🏛; UTF-8 byte 51 inside it.
    assert read_as(TEXT, 51, 53, Unit.UTF16) is None
    assert read_as(TEXT, 51, 53, Unit.UTF8) is None
    with pytest.raises(OffsetError, match="surrogate pair"):
        to_code_points(TEXT, 51, 53, Unit.UTF16)
    with pytest.raises(OffsetError, match="out of range"):
        to_code_points(TEXT, 0, 200, Unit.CODE_POINT)
    with pytest.raises(OffsetError, match="empty"):
        to_code_points(TEXT, 5, 5, Unit.CODE_POINT)
    with pytest.raises(OffsetError, match="reversed"):
        check_span(TEXT, 6, 0, surface="Rebels")
    message = explain_mismatch(TEXT, 0, 500, "x")
    assert "impossible" in message


@pytest.mark.parametrize(
    ("value", "expected"), [(3, 3), (3.0, 3), ("12", 12), (" 4 ", 4), ("-1", -1)]
)
def test_parse_offset_accepts_whole_numbers(value: object, expected: int) -> None:
    assert parse_offset(value) == expected


@pytest.mark.parametrize("value", [True, 1.5, "x", None, [1], ""])
def test_parse_offset_rejects_the_rest(value: object) -> None:
    with pytest.raises(OffsetError, match="whole number"):
        parse_offset(value, "start")


@pytest.mark.parametrize("unit", UNITS)
def test_detect_unit_on_the_emoji_document(unit: Unit) -> None:
    guess = detect_unit(TEXT, offsets_in(unit), default=Unit.UTF16)
    assert guess.unit is unit, guess.reason


def test_detect_unit_with_surfaces_is_certain() -> None:
    surfaces = [row[1] for row in TABLE]
    guess = detect_unit(TEXT, offsets_in(Unit.UTF8), surfaces=surfaces)
    assert (guess.unit, guess.certain) == (Unit.UTF8, True)


def test_detect_unit_equivalent_units_take_the_default() -> None:
    before_emoji = [(0, 6), (15, 21), (37, 49)]
    guess = detect_unit(TEXT, before_emoji, default=Unit.UTF16)
    assert (guess.unit, guess.certain) == (Unit.UTF16, True)
    guess = detect_unit("plain ascii text", [(0, 5)], default=Unit.CODE_POINT)
    assert (guess.unit, guess.certain) == (Unit.CODE_POINT, True)


def test_detect_unit_rules_out_impossible_units() -> None:
    # 93 is past the end in code points (92) but fine in UTF-16 (93 units).
    guess = detect_unit(TEXT, [(89, 93)], candidates=(Unit.CODE_POINT, Unit.UTF16))
    assert (guess.unit, guess.certain) == (Unit.UTF16, True)
    with pytest.raises(OffsetError, match="fit none"):
        detect_unit(TEXT, [(0, 500)])


def test_resolve_spans_notes() -> None:
    cp = offsets_in(Unit.CODE_POINT)
    resolved = resolve_spans(TEXT, offsets_in(Unit.UTF16), default=Unit.UTF16)
    assert (resolved.spans, resolved.unit, resolved.note) == (cp, Unit.UTF16, "")
    resolved = resolve_spans(TEXT, cp, default=Unit.UTF16, candidates=(Unit.UTF16, Unit.CODE_POINT))
    assert resolved.spans == cp
    assert resolved.note.startswith("offsets read as code points, not UTF-16 units (guessed")
    surfaces = [row[1] for row in TABLE]
    declared = resolve_spans(TEXT, offsets_in(Unit.UTF16), surfaces, declared=Unit.CODE_POINT)
    assert declared.spans == cp
    assert "matched their text only as UTF-16 units, not code points" in declared.note
    assert resolve_spans(TEXT, [], declared=Unit.UTF8).unit is Unit.UTF8


def test_resolve_spans_names_the_bad_span() -> None:
    with pytest.raises(OffsetError, match="'Damascus' is not at offsets 0-6"):
        resolve_spans(TEXT, [(0, 6), (15, 21)], ["Damascus", "Aleppo"])
    with pytest.raises(OffsetError, match="out of range"):
        resolve_spans(TEXT, [(0, 6), (15, 2100)])


def test_a_clear_winner_is_silent_and_a_tie_is_said() -> None:
    # code points 2-4 are "ab", UTF-16 units 2-4 are " a": code points win, as the default
    clear = resolve_spans("🏛 ab cd", [(2, 4)])
    assert (clear.spans, clear.unit, clear.note) == ([(2, 4)], Unit.CODE_POINT, "")
    # code points 3-5 are "bc", UTF-16 units 3-5 are "ab": one word edge each
    tie = resolve_spans("🏛 abc def", [(3, 5)])
    assert tie.unit is Unit.CODE_POINT
    assert "other units fit as well" in tie.note


astral_texts = st.text(
    alphabet=st.sampled_from([*list("ab c\n’é"), "🏛", "😀", "中"]), min_size=1, max_size=40
)


@given(astral_texts, st.data())
def test_any_span_converted_to_any_unit_comes_back(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    unit = data.draw(st.sampled_from(UNITS))
    conv = OffsetConverter(text)
    offsets = conv.from_codepoint(start, unit), conv.from_codepoint(end, unit)
    checked = check_span(conv, *offsets, surface=text[start:end], unit=unit)
    assert (checked.start, checked.end, checked.unit) == (start, end, unit)
    # with no unit declared, some unit reads the surface and gives the same text
    found = check_span(conv, *offsets, surface=text[start:end])
    assert text[found.start : found.end] == text[start:end]
