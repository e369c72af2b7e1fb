"""Convert offsets between code points, UTF-16 code units and UTF-8 bytes."""

from __future__ import annotations

import re
from bisect import bisect_right
from enum import StrEnum
from typing import Final

from annotator.core.errors import OffsetError

__all__ = [
    "OffsetConverter",
    "Unit",
    "convert_offset",
    "convert_span",
    "utf8_length",
    "utf16_length",
]

# Runs of characters that take more than one unit.  ``m.lastindex`` names the group, and
# ``_WIDTHS[unit][m.lastindex]`` the number of units per character in that run.  Lone
# surrogates (which valid text never holds) count as one UTF-16 unit and three UTF-8 bytes,
# as with the ``surrogatepass`` error handler.
_MULTI_UTF16: Final = re.compile("([\U00010000-\U0010ffff]+)")
_MULTI_UTF8: Final = re.compile("([\u0080-\u07ff]+)|([\u0800-\uffff]+)|([\U00010000-\U0010ffff]+)")
_UTF16_WIDTHS: Final = (1, 2)
_UTF8_WIDTHS: Final = (1, 2, 3, 4)


def utf16_length(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units (Qt's and XMI's unit)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf8_length(text: str) -> int:
    """Return the length of ``text`` in UTF-8 bytes."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


class Unit(StrEnum):
    """A unit in which a file or a toolkit counts offsets."""

    CODE_POINT = "codepoint"
    UTF16 = "utf16"
    UTF8 = "utf8"

    @property
    def description(self) -> str:
        """Return the unit's name as used in messages ("UTF-16 units")."""
        return _UNIT_NAMES[self]


_UNIT_NAMES: Final = {
    Unit.CODE_POINT: "code points",
    Unit.UTF16: "UTF-16 units",
    Unit.UTF8: "UTF-8 bytes",
}
_OFFSET_NAMES: Final = {
    Unit.CODE_POINT: "code point offset",
    Unit.UTF16: "UTF-16 offset",
    Unit.UTF8: "UTF-8 offset",
}


class _RunTable:
    """Positions where the width of a character (in units) changes.

    Run ``k`` starts at code point ``cps[k]`` and unit offset ``units[k]``; each of its
    characters takes ``widths[k]`` units.  Run 0 always starts at 0.  Width-one stretches
    between the multi-unit runs are runs too, so a lookup is one ``bisect`` and a multiply.
    """

    __slots__ = ("cps", "units", "widths")

    def __init__(self, text: str, pattern: re.Pattern[str], widths: tuple[int, ...]) -> None:
        cps: list[int] = [0]
        units: list[int] = [0]
        run_widths: list[int] = [1]
        cp = 0  # where the last run ends, in code points
        unit = 0  # the same position, in units
        for match in pattern.finditer(text):
            start, end = match.span()
            if start > cp:  # a stretch of one-unit characters before this run
                if run_widths[-1] != 1:
                    cps.append(cp)
                    units.append(unit)
                    run_widths.append(1)
                unit += start - cp
                cp = start
            width = widths[match.lastindex or 0]
            if cp == 0:  # the text starts with this run: replace the empty first run
                run_widths[0] = width
            else:
                cps.append(cp)
                units.append(unit)
                run_widths.append(width)
            unit += (end - start) * width
            cp = end
        if cp < len(text) and run_widths[-1] != 1:  # one-unit characters after the last run
            cps.append(cp)
            units.append(unit)
            run_widths.append(1)
        self.cps = cps
        self.units = units
        self.widths = run_widths

    def to_units(self, cp: int) -> int:
        k = bisect_right(self.cps, cp) - 1
        return self.units[k] + (cp - self.cps[k]) * self.widths[k]

    def locate(self, unit: int) -> tuple[int, int]:
        """Return ``(code point, remainder)``: remainder > 0 means inside a character."""
        k = bisect_right(self.units, unit) - 1
        chars, rest = divmod(unit - self.units[k], self.widths[k])
        return self.cps[k] + chars, rest


class OffsetConverter:
    """Convert offsets in one text between code points, UTF-16 units and UTF-8 bytes.

    Code points (Python ``str`` indices) are the unit used everywhere inside the program; the
    other two exist only at the edges (Qt, XMI, doccano: UTF-16; BioC option: UTF-8).

    Build one converter per text and reuse it.  Construction is O(1): everything is computed
    lazily, and only for the unit asked for.  A text without astral characters (>= U+10000)
    converts to UTF-16 by identity, an ASCII text to UTF-8 by identity; finding that out costs
    one C-speed pass over the text (about 1 ms per million characters) on first use, and no
    table is built.  Otherwise the first conversion builds a table of the runs of
    multi-unit characters (one C-speed regex pass, memory proportional to the number of runs)
    and each conversion is then a ``bisect``: O(log r) for r runs.

    Offsets in ``[0, length]`` are valid, so end offsets convert too.  An out-of-range offset, a
    UTF-16 offset between the two halves of a surrogate pair and a UTF-8 offset inside a
    multi-byte character raise :class:`~annotator.core.errors.OffsetError`.
    """

    __slots__ = (
        "_len",
        "_text",
        "_utf8",
        "_utf8_checked",
        "_utf8_len",
        "_utf16",
        "_utf16_checked",
        "_utf16_len",
    )

    def __init__(self, text: str) -> None:
        self._text = text
        self._len = len(text)
        self._utf16_len: int | None = None
        self._utf8_len: int | None = None
        # A table once built; None before that and for the identity fast path.
        self._utf16: _RunTable | None = None
        self._utf8: _RunTable | None = None
        self._utf16_checked = False
        self._utf8_checked = False

    def __repr__(self) -> str:
        return f"OffsetConverter(<text of {self._len} code points>)"

    # -- lengths ---------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The text whose offsets this converter converts."""
        return self._text

    @property
    def length(self) -> int:
        """Length of the text in code points (``len(text)``)."""
        return self._len

    @property
    def utf16_length(self) -> int:
        """Length of the text in UTF-16 code units."""
        if self._utf16_len is None:
            self._utf16_len = utf16_length(self._text)
        return self._utf16_len

    @property
    def utf8_length(self) -> int:
        """Length of the text in UTF-8 bytes."""
        if self._utf8_len is None:
            self._utf8_len = utf8_length(self._text)
        return self._utf8_len

    @property
    def has_astral(self) -> bool:
        """Whether the text holds a character >= U+10000 (two UTF-16 units: emoji, 🏛)."""
        return self.utf16_length != self._len

    def length_in(self, unit: Unit) -> int:
        """Length of the text in ``unit``."""
        if unit is Unit.UTF16:
            return self.utf16_length
        if unit is Unit.UTF8:
            return self.utf8_length
        return self._len

    # -- single offsets --------------------------------------------------------------------

    def cp_to_utf16(self, i: int) -> int:
        """Convert a code point offset to UTF-16 code units."""
        self._check_cp(i)
        table = self._utf16_table()
        return i if table is None else table.to_units(i)

    def utf16_to_cp(self, u: int) -> int:
        """Convert a UTF-16 offset to code points; it must not split a surrogate pair."""
        n16 = self.utf16_length
        if not 0 <= u <= n16:
            raise self._range_error(u, Unit.UTF16)
        table = self._utf16_table()
        if table is None:
            return u
        cp, rest = table.locate(u)
        if rest:
            char = self._text[cp]
            raise OffsetError(
                f"UTF-16 offset {u} falls between the two halves of the surrogate pair of "
                f"{_describe(char)} at code point {cp} (UTF-16 units {u - rest}-{u - rest + 2})"
                f"; the text is {n16} UTF-16 units ({self._len} code points) long"
            )
        return cp

    def cp_to_utf8(self, i: int) -> int:
        """Convert a code point offset to UTF-8 bytes."""
        self._check_cp(i)
        table = self._utf8_table()
        return i if table is None else table.to_units(i)

    def utf8_to_cp(self, b: int) -> int:
        """Convert a UTF-8 byte offset to code points; it must not fall inside a character."""
        n8 = self.utf8_length
        if not 0 <= b <= n8:
            raise self._range_error(b, Unit.UTF8)
        table = self._utf8_table()
        if table is None:
            return b
        cp, rest = table.locate(b)
        if rest:
            char = self._text[cp]
            width = len(char.encode("utf-8", "surrogatepass"))
            raise OffsetError(
                f"UTF-8 offset {b} falls inside the {width}-byte character {_describe(char)} "
                f"at code point {cp} (UTF-8 bytes {b - rest}-{b - rest + width}); "
                f"the text is {n8} UTF-8 bytes ({self._len} code points) long"
            )
        return cp

    def from_codepoint(self, i: int, unit: Unit) -> int:
        """Convert a code point offset to ``unit``."""
        if unit is Unit.UTF16:
            return self.cp_to_utf16(i)
        if unit is Unit.UTF8:
            return self.cp_to_utf8(i)
        self._check_cp(i)
        return i

    def to_codepoint(self, offset: int, unit: Unit) -> int:
        """Convert an offset in ``unit`` to code points."""
        if unit is Unit.UTF16:
            return self.utf16_to_cp(offset)
        if unit is Unit.UTF8:
            return self.utf8_to_cp(offset)
        self._check_cp(offset)
        return offset

    # -- spans -----------------------------------------------------------------------------

    def span_to_utf16(self, start: int, end: int) -> tuple[int, int]:
        """Convert a half-open code point span to UTF-16 units."""
        _check_order(start, end, Unit.CODE_POINT)
        return self.cp_to_utf16(start), self.cp_to_utf16(end)

    def span_from_utf16(self, start: int, end: int) -> tuple[int, int]:
        """Convert a half-open UTF-16 span to code points."""
        _check_order(start, end, Unit.UTF16)
        return self.utf16_to_cp(start), self.utf16_to_cp(end)

    def span_to_utf8(self, start: int, end: int) -> tuple[int, int]:
        """Convert a half-open code point span to UTF-8 bytes."""
        _check_order(start, end, Unit.CODE_POINT)
        return self.cp_to_utf8(start), self.cp_to_utf8(end)

    def span_from_utf8(self, start: int, end: int) -> tuple[int, int]:
        """Convert a half-open UTF-8 byte span to code points."""
        _check_order(start, end, Unit.UTF8)
        return self.utf8_to_cp(start), self.utf8_to_cp(end)

    # -- internals -------------------------------------------------------------------------

    def _check_cp(self, i: int) -> None:
        if not 0 <= i <= self._len:
            raise self._range_error(i, Unit.CODE_POINT)

    def _range_error(self, offset: int, unit: Unit) -> OffsetError:
        length = self.length_in(unit)
        detail = "" if unit is Unit.CODE_POINT else f" ({self._len} code points)"
        return OffsetError(
            f"{_OFFSET_NAMES[unit]} {offset} is out of range: the text is {length} "
            f"{unit.description}{detail} long, valid offsets are 0-{length}"
        )

    def _utf16_table(self) -> _RunTable | None:
        if not self._utf16_checked:
            if self.has_astral:
                self._utf16 = _RunTable(self._text, _MULTI_UTF16, _UTF16_WIDTHS)
            self._utf16_checked = True
        return self._utf16

    def _utf8_table(self) -> _RunTable | None:
        if not self._utf8_checked:
            if not self._text.isascii():
                self._utf8 = _RunTable(self._text, _MULTI_UTF8, _UTF8_WIDTHS)
            self._utf8_checked = True
        return self._utf8


def convert_offset(conv: OffsetConverter, offset: int, from_unit: Unit, to_unit: Unit) -> int:
    """Convert one offset of ``conv.text`` from ``from_unit`` to ``to_unit``."""
    if from_unit is to_unit:
        conv.to_codepoint(offset, from_unit)  # validate all the same
        return offset
    return conv.from_codepoint(conv.to_codepoint(offset, from_unit), to_unit)


def convert_span(
    conv: OffsetConverter, start: int, end: int, from_unit: Unit, to_unit: Unit
) -> tuple[int, int]:
    """Convert a half-open span of ``conv.text`` from ``from_unit`` to ``to_unit``."""
    _check_order(start, end, from_unit)
    return (
        convert_offset(conv, start, from_unit, to_unit),
        convert_offset(conv, end, from_unit, to_unit),
    )


def _check_order(start: int, end: int, unit: Unit) -> None:
    if start > end:
        raise OffsetError(f"span start {start} is after its end {end} ({unit.description})")


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"
