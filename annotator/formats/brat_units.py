"""The unit a brat file's offsets were counted in, found from its span texts, and conversion."""

from __future__ import annotations

import re
from bisect import bisect_left

from annotator.core.errors import OffsetError
from annotator.core.offsets import OffsetConverter, Unit
from annotator.formats.brat_common import Pieces, surface
from annotator.formats.brat_parse import Entity

_CRLF = re.compile("\r\n")
CRLF = "CRLF"
"""Pseudo-unit: code points counted on the .txt before CRLF became LF (a common tool bug)."""


def describe_unit(unit: str) -> str:
    if unit == CRLF:
        return "code points of the text with CRLF line ends"
    return Unit(unit).description


class UnitResolver:
    """Finds the unit of a document's offsets from its span texts, and converts them."""

    def __init__(self, raw: str, text: str, declared: Unit | None) -> None:
        self.text = text
        self.converter = OffsetConverter(text)
        self.declared = declared
        crlf = raw != text and "\r" in raw
        self.raw = raw
        self.raw_converter = OffsetConverter(raw) if crlf else None
        self._crs: list[int] | None = None
        units: list[str] = [u.value for u in ((declared,) if declared else tuple(Unit))]
        self.units = [*units, *([CRLF] if crlf and declared is None else [])]
        # Units that read every offset of this text as code points do: trying them after code
        # points can find nothing else (a text without astral characters in UTF-16, an ASCII
        # one in UTF-8). Only after: code points must be tried first.
        self._tried = self.units
        if declared is None:
            assert self.units[0] == Unit.CODE_POINT.value
            same = {Unit.UTF8.value} if text.isascii() else set()
            if not self.converter.has_astral:
                same.add(Unit.UTF16.value)
            self._tried = [unit for unit in self.units if unit not in same]

    def document_pieces(self, entities: list[Entity]) -> tuple[str, list[Pieces | None]]:
        """The unit that fits most entities (the first such), and each entity converted from it
        (``None`` where it does not fit)."""
        best: tuple[str, list[Pieces | None]] | None = None
        best_count = -1
        for unit in self._tried:
            found = [self.convert(entity, unit) for entity in entities]
            count = len(found) - found.count(None)
            if count == len(entities):
                return unit, found
            if count > best_count:
                best, best_count = (unit, found), count
        assert best is not None
        return best

    def convert(self, entity: Entity, unit: str) -> Pieces | None:
        try:
            if unit == CRLF:
                assert self.raw_converter is not None
                for a, b in entity.pieces:
                    self.raw_converter.to_codepoint(a, Unit.CODE_POINT)
                    self.raw_converter.to_codepoint(b, Unit.CODE_POINT)
                pieces = [(self._from_crlf(a), self._from_crlf(b)) for a, b in entity.pieces]
            else:
                pieces = self._to_code_points(entity.pieces, Unit(unit))
        except OffsetError:
            return None
        if any(a >= b for a, b in pieces):
            return None
        if entity.surface is not None and entity.surface != surface(self.text, pieces):
            return None
        return pieces

    def _to_code_points(self, pieces: Pieces, unit: Unit) -> Pieces:
        to_codepoint = self.converter.to_codepoint
        return [(to_codepoint(a, unit), to_codepoint(b, unit)) for a, b in pieces]

    def convert_any(self, entity: Entity) -> Pieces | None:
        for unit in self._tried:
            found = self.convert(entity, unit)
            if found is not None:
                return found
        return None

    def _from_crlf(self, offset: int) -> int:
        if self._crs is None:  # where each CRLF's CR is: found once, when first needed
            self._crs = [match.start() for match in _CRLF.finditer(self.raw)]
        return offset - bisect_left(self._crs, offset)

    def explain(self, key: str, entity: Entity) -> str:
        extents = ";".join(f"{a} {b}" for a, b in entity.pieces)
        try:
            pieces = self._to_code_points(entity.pieces, Unit.CODE_POINT)
        except OffsetError as error:
            return f"{key} {entity.label} {extents}: {error.message}; left out"
        actual = surface(self.text, pieces)
        return (
            f"{key} {entity.label} {extents}: text {entity.surface!r} does not match the .txt "
            f"({actual!r}) in code points, UTF-16 units or UTF-8 bytes; left out"
        )
