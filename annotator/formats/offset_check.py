"""Detect the unit of offsets in a file, convert them to code points, or explain the mismatch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.core.errors import OffsetError
from annotator.core.offsets import OffsetConverter, Unit

__all__ = [
    "ALL_UNITS",
    "CheckedSpan",
    "ResolvedSpans",
    "UnitGuess",
    "check_span",
    "detect_unit",
    "explain_mismatch",
    "parse_offset",
    "read_as",
    "resolve_spans",
    "to_code_points",
]

ALL_UNITS: tuple[Unit, ...] = (Unit.CODE_POINT, Unit.UTF16, Unit.UTF8)
_SHOWN = 40
"""Surface texts longer than this are shortened in messages."""


@dataclass(frozen=True, slots=True)
class CheckedSpan:
    """A span converted to code points, with the unit that fitted."""

    start: int
    end: int
    unit: Unit
    declared: Unit | None = None

    @property
    def unit_differs(self) -> bool:
        """The file declared one unit but the surface text matched another."""
        return self.declared is not None and self.unit is not self.declared


@dataclass(frozen=True, slots=True)
class UnitGuess:
    """The unit chosen for a document's offsets and why."""

    unit: Unit
    certain: bool
    """False when several units stayed possible and gave different spans (a heuristic pick)."""
    reason: str
    tied: bool = False
    """The heuristic could not tell the units apart; ``unit`` is the default (or the first)."""


def parse_offset(value: object, what: str = "offset") -> int:
    """An offset from a parsed file: an int, or a float or digit string holding one.

    Raises :class:`OffsetError` for anything else (``True``, ``1.5``, ``"x"``, ``None``).
    """
    if type(value) is int:
        return value
    if isinstance(value, bool):
        raise OffsetError(f"{what} must be a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise OffsetError(f"{what} must be a whole number, got {value!r}")


def _converter(text: str | OffsetConverter) -> OffsetConverter:
    return text if isinstance(text, OffsetConverter) else OffsetConverter(text)


def to_code_points(
    text: str | OffsetConverter, start: int, end: int, unit: Unit, *, allow_empty: bool = False
) -> tuple[int, int]:
    """Convert ``[start, end)`` counted in ``unit`` to code points, checking range and order."""
    conv = _converter(text)
    if start > end or (start == end and not allow_empty):
        raise OffsetError(
            f"span {start}-{end} is {'empty' if start == end else 'reversed'} ({unit.description})"
        )
    return conv.to_codepoint(start, unit), conv.to_codepoint(end, unit)


def read_as(text: str | OffsetConverter, start: int, end: int, unit: Unit) -> str | None:
    """What ``[start, end)`` covers when counted in ``unit``; ``None`` when impossible there."""
    conv = _converter(text)
    try:
        first, last = to_code_points(conv, start, end, unit, allow_empty=True)
    except OffsetError:
        return None
    return conv.text[first:last]


def check_span(
    text: str | OffsetConverter,
    start: int,
    end: int,
    *,
    surface: str | None = None,
    unit: Unit | None = None,
    default: Unit = Unit.CODE_POINT,
    candidates: Sequence[Unit] = ALL_UNITS,
) -> CheckedSpan:
    """Convert one span to code points, checking it against its ``surface`` text if given.

    ``unit`` is what the file declares (``None``: unknown). Without a surface the declared unit
    (or ``default``) is used as is. With one, the declared unit is tried first, then ``default``,
    then the other ``candidates``; the first that reads exactly ``surface`` wins
    (:attr:`CheckedSpan.unit_differs` tells the caller to report it). When none does, the
    :class:`OffsetError` message says what each unit reads at these offsets and where the
    surface text occurs in the document.
    """
    conv = _converter(text)
    if surface is None:
        chosen = unit or default
        first, last = to_code_points(conv, start, end, chosen)
        return CheckedSpan(first, last, chosen, unit)
    order: list[Unit] = []
    for candidate in (unit, default, *candidates):
        if candidate is not None and candidate not in order:
            order.append(candidate)
    if start >= end:
        raise OffsetError(
            f"span {start}-{end} is {'empty' if start == end else 'reversed'} "
            f"(text {_show(surface)})"
        )
    for candidate in order:
        if read_as(conv, start, end, candidate) == surface:
            first, last = to_code_points(conv, start, end, candidate)
            return CheckedSpan(first, last, candidate, unit)
    raise OffsetError(explain_mismatch(conv, start, end, surface, order))


def explain_mismatch(
    text: str | OffsetConverter,
    start: int,
    end: int,
    surface: str,
    units: Iterable[Unit] = ALL_UNITS,
) -> str:
    """Say why ``surface`` is not at ``[start, end)`` in any of ``units``."""
    conv = _converter(text)
    readings = []
    for unit in units:
        got = read_as(conv, start, end, unit)
        if got is None:
            length = conv.length_in(unit)
            readings.append(f"as {unit.description} they are impossible (text is {length} long)")
        else:
            readings.append(f"as {unit.description} they cover {_show(got)}")
    message = f"text {_show(surface)} is not at offsets {start}-{end}: " + "; ".join(readings)
    found = conv.text.find(surface) if surface else -1
    if found >= 0:
        message += f"; the text occurs at {found}-{found + len(surface)} (code points)"
    elif surface.strip() and conv.text.find(surface.strip()) >= 0:
        message += " (it differs from the document in leading or trailing whitespace)"
    else:
        message += "; it does not occur in the document at all"
    return message


def detect_unit(
    text: str | OffsetConverter,
    spans: Sequence[tuple[int, int]],
    *,
    surfaces: Sequence[str | None] | None = None,
    default: Unit = Unit.CODE_POINT,
    candidates: Sequence[Unit] = ALL_UNITS,
) -> UnitGuess:
    """Choose the unit of a document's span offsets.

    With ``surfaces`` (one per span, ``None`` where the file gives none) a unit must read every
    given surface exactly. Without, a unit is ruled out when an offset is out of range or splits
    a character in it. When the remaining units convert every span to the same code points (an
    ASCII text, or spans before the first emoji) the choice does not matter and ``default`` is
    taken. Otherwise the unit whose spans start and end on word boundaries most often wins;
    ``certain`` is then False. Raises :class:`OffsetError` when no candidate fits.
    """
    return _detect(_converter(text), spans, surfaces, default, candidates)[0]


def _detect(
    conv: OffsetConverter,
    spans: Sequence[tuple[int, int]],
    surfaces: Sequence[str | None] | None,
    default: Unit,
    candidates: Sequence[Unit],
) -> tuple[UnitGuess, list[tuple[int, int]]]:
    """:func:`detect_unit`, and the spans converted in the unit chosen."""
    if not spans:
        return UnitGuess(default, True, "no spans"), []
    order = [default, *(u for u in candidates if u is not default)]
    possible: dict[Unit, list[tuple[int, int]]] = {}
    # Units in which this text's offsets are code points give the same spans: convert once.
    as_is: list[tuple[int, int]] | None = None
    as_is_done = False
    for unit in order:
        if _is_identity(conv, unit):
            if not as_is_done:
                as_is, as_is_done = _convert_all(conv, spans, unit, surfaces), True
            converted = as_is
        else:
            converted = _convert_all(conv, spans, unit, surfaces)
        if converted is not None:
            possible[unit] = converted
            if surfaces is not None and all(x is not None for x in surfaces):
                break  # every span reads its own text: no other unit needs a look
    if not possible:
        names = ", ".join(u.description for u in order)
        raise OffsetError(f"the offsets fit none of {names}" + _first_problem(conv, spans, order))
    if len(possible) == 1:
        ((unit, converted),) = possible.items()
        return UnitGuess(unit, True, f"only {unit.description} fit"), converted
    distinct = {tuple(v) for v in possible.values()}
    if len(distinct) == 1:
        unit = default if default in possible else next(iter(possible))
        return UnitGuess(unit, True, "every possible unit gives the same spans"), possible[unit]
    if surfaces is not None and all(s is not None for s in surfaces):
        # Different spans that all read their surfaces: cannot happen unless texts repeat.
        unit = next(iter(possible))
        return UnitGuess(unit, False, "several units read the same surface texts"), possible[unit]
    scores = {unit: _boundary_score(conv.text, converted) for unit, converted in possible.items()}
    best = max(scores.values())
    winners = [unit for unit in possible if scores[unit] == best]
    unit = winners[0]
    ranked = ", ".join(f"{u.description} {scores[u]}" for u in possible)
    guess = UnitGuess(
        unit, False, f"span edges on word boundaries: {ranked}", tied=len(winners) > 1
    )
    return guess, possible[unit]


def _is_identity(conv: OffsetConverter, unit: Unit) -> bool:
    """Offsets in ``unit`` are code points in this text (no character is wider in it)."""
    if unit is Unit.CODE_POINT:
        return True
    if unit is Unit.UTF16:
        return not conv.has_astral
    return conv.text.isascii()


@dataclass(frozen=True, slots=True)
class ResolvedSpans:
    """A document's spans in code points, the unit they were read in and a note for the report."""

    spans: list[tuple[int, int]]
    unit: Unit
    note: str = ""


def resolve_spans(
    text: str | OffsetConverter,
    spans: Sequence[tuple[int, int]],
    surfaces: Sequence[str | None] | None = None,
    *,
    declared: Unit | None = None,
    default: Unit = Unit.CODE_POINT,
    candidates: Sequence[Unit] = ALL_UNITS,
) -> ResolvedSpans:
    """Convert all of a document's spans to code points, the way importers need it.

    With a ``declared`` unit each span is converted (and checked against its surface, trying the
    other units for that span before failing); without, :func:`detect_unit` picks one unit for
    the whole document. ``note`` says when the unit differs from the declared or default
    one, or when the guess was a tie. Raises :class:`OffsetError` naming the first span that
    fits no unit.
    """
    conv = _converter(text)
    if not spans:
        return ResolvedSpans([], declared or default)
    if declared is not None:
        out: list[tuple[int, int]] = []
        others: set[Unit] = set()
        for i, (start, end) in enumerate(spans):
            surface = surfaces[i] if surfaces is not None else None
            checked = check_span(
                conv, start, end, surface=surface, unit=declared, candidates=candidates
            )
            if checked.unit_differs:
                others.add(checked.unit)
            out.append((checked.start, checked.end))
        note = ""
        if others:
            found = ", ".join(sorted(u.description for u in others))
            note = f"some offsets matched their text only as {found}, not {declared.description}"
        return ResolvedSpans(out, declared, note)
    try:
        guess, converted = _detect(conv, spans, surfaces, default, candidates)
    except OffsetError:
        for i, (start, end) in enumerate(spans):
            surface = surfaces[i] if surfaces is not None else None
            check_span(conv, start, end, surface=surface, default=default, candidates=candidates)
        raise
    note = ""
    if guess.unit is not default:
        how = "" if guess.certain else f" (guessed from {guess.reason})"
        note = f"offsets read as {guess.unit.description}, not {default.description}{how}"
    elif guess.tied:
        note = f"offsets read as {default.description}, but other units fit as well"
    return ResolvedSpans(converted, guess.unit, note)


def _convert_all(
    conv: OffsetConverter,
    spans: Sequence[tuple[int, int]],
    unit: Unit,
    surfaces: Sequence[str | None] | None,
) -> list[tuple[int, int]] | None:
    out = []
    identity = _is_identity(conv, unit)
    size = conv.length
    for i, (start, end) in enumerate(spans):
        if identity:
            if not 0 <= start < end <= size:
                return None
            first, last = start, end
        else:
            try:
                first, last = to_code_points(conv, start, end, unit)
            except OffsetError:
                return None
        if surfaces is not None:
            surface = surfaces[i]
            if surface is not None and conv.text[first:last] != surface:
                return None
        out.append((first, last))
    return out


def _first_problem(
    conv: OffsetConverter, spans: Sequence[tuple[int, int]], units: Sequence[Unit]
) -> str:
    for start, end in spans:
        for unit in units:
            try:
                to_code_points(conv, start, end, unit)
            except OffsetError as error:
                return f" (e.g. span {start}-{end}: {error.message})"
    return " (their texts do not match the document)"


def _boundary_score(text: str, spans: Iterable[tuple[int, int]]) -> int:
    score = 0
    size = len(text)
    for start, end in spans:
        if start == 0 or not (text[start - 1].isalnum() and text[start].isalnum()):
            score += 1
        if end == size or not (text[end - 1].isalnum() and text[end].isalnum()):
            score += 1
        if text[start].isspace():
            score -= 1
        if text[end - 1].isspace():
            score -= 1
    return score


def _show(text: str) -> str:
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 1] + "…"
    return repr(text)
