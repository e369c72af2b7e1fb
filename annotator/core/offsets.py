"""Convert offsets between code points, UTF-16 code units and UTF-8 bytes."""

from __future__ import annotations

from bisect import bisect_right
from enum import StrEnum
from itertools import accumulate, count
from operator import methodcaller
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

_BLOCK = 128
"""Code points per block: tables hold one unit offset per block (see ``_BlockTable``).
Tests lower it to exercise block boundaries."""


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


class _BlockTable:
    """Unit offsets at every ``_BLOCK``-th code point of a text, in one encoding.

    ``starts[j]`` is the unit offset of code point ``j * _BLOCK``, and the last entry is the
    length of the text in units.  Within a block, offsets are found by encoding (or decoding)
    at most ``_BLOCK`` characters, which runs at C speed.  Building costs one encode of the
    text, in blocks; the table takes one int per block whatever the script of the text.
    """

    __slots__ = ("block", "encoding", "starts", "text", "width")

    def __init__(self, text: str, encoding: str, width: int) -> None:
        self.text = text
        self.encoding = encoding  # "utf-16-le" or "utf-8"
        self.width = width  # bytes per unit
        self.block = block = _BLOCK
        bounds = range(0, len(text), block)
        blocks = map(text.__getitem__, map(slice, bounds, count(block, block)))
        sizes = map(len, map(methodcaller("encode", encoding, "surrogatepass"), blocks))
        starts = list(accumulate(sizes, initial=0))
        self.starts = starts if width == 1 else [size // width for size in starts]

    def to_units(self, cp: int) -> int:
        j, rest = divmod(cp, self.block)
        if not rest:
            return self.starts[j]
        head = self.text[cp - rest : cp].encode(self.encoding, "surrogatepass")
        return self.starts[j] + len(head) // self.width

    def locate(self, unit: int) -> tuple[int, int]:
        """Return ``(code point, remainder)``.

        With remainder 0 the code point starts at ``unit``; otherwise ``unit`` lies
        ``remainder`` units inside the character at that code point.
        """
        starts = self.starts
        j = bisect_right(starts, unit) - 1
        first = j * self.block
        rel = (unit - starts[j]) * self.width  # in bytes
        if not rel:
            return min(first, len(self.text)), 0
        data = self.text[first : first + self.block].encode(self.encoding, "surrogatepass")
        inside = 0  # bytes from the start of the character holding `rel`
        if self.width == 1:
            while data[rel - inside] & 0xC0 == 0x80:  # a UTF-8 continuation byte
                inside += 1
        elif 0xDC00 <= int.from_bytes(data[rel : rel + 2], "little") <= 0xDFFF:
            inside = 2  # a low surrogate: the second half of a pair
        head = data[: rel - inside].decode(self.encoding, "surrogatepass")
        return first + len(head), inside // self.width


class OffsetConverter:
    """Convert offsets in one text between code points, UTF-16 units and UTF-8 bytes.

    Code points (Python ``str`` indices) are the unit used everywhere inside the program; the
    other two exist only at the edges (Qt, XMI, doccano: UTF-16; BioC option: UTF-8).

    Build one converter per text and reuse it.  Construction is O(1): everything is computed
    lazily, and only for the unit asked for.

    - Fast paths: a text without astral characters (>= U+10000) converts to UTF-16 by
      identity (finding that out is one C-speed encode on first use, about 1 ms per million
      characters; no table), an ASCII text to UTF-8 by identity (an O(1) check).
    - Otherwise the first conversion builds a table of the unit offset at every 128th code
      point (one C-speed encode of the text; n / 128 ints, whatever the script), and each
      conversion is O(log n) to find the block by ``bisect`` plus one encode or decode of at
      most 128 characters: about a microsecond.

    Offsets in ``[0, length]`` are valid, so end offsets convert too.  An out-of-range offset, a
    UTF-16 offset between the two halves of a surrogate pair and a UTF-8 offset inside a
    multi-byte character raise :class:`~annotator.core.errors.OffsetError`.  The text must not
    hold lone surrogates (no valid text does: they cannot be encoded).
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
        self._utf16: _BlockTable | None = None
        self._utf8: _BlockTable | None = None
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

    def _utf16_table(self) -> _BlockTable | None:
        if not self._utf16_checked:
            if self.has_astral:
                self._utf16 = _BlockTable(self._text, "utf-16-le", 2)
            self._utf16_checked = True
        return self._utf16

    def _utf8_table(self) -> _BlockTable | None:
        if not self._utf8_checked:
            if not self._text.isascii():
                self._utf8 = _BlockTable(self._text, "utf-8", 1)
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
