"""Publication dates from the forms news dumps use: ISO 8601, RFC 2822, "June 28, 2021", epochs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_ISO = re.compile(r"(?P<year>(?:19|20)\d\d)[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)")
_COMPACT = re.compile(r"^(?P<year>(?:19|20)\d\d)(?P<month>\d\d)(?P<day>\d\d)$")
_MONTH_FIRST = re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I)
_DAY_FIRST = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I)
_NUMERIC = re.compile(r"^(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>(?:19|20)\d\d)$")


def _make(year: int, month: int, day: int) -> date | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2100 else None


def _from_match(match: re.Match[str]) -> date | None:
    month = match.group("month")
    number = int(month) if month.isdigit() else _MONTHS[month.lower()]
    return _make(int(match.group("year")), number, int(match.group("day")))


def _from_epoch(value: float) -> date | None:
    seconds = value / 1000 if value > 1e11 else value
    try:
        stamp = datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return stamp.date() if 1900 <= stamp.year <= 2100 else None


def parse_date(value: object) -> date | None:
    """The calendar date ``value`` names, or None when it names none unambiguously.

    Accepts date/datetime objects, epoch seconds or milliseconds, and strings in ISO 8601
    (date part), RFC 2822, ``June 28, 2021``, ``28 June 2021``, ``20210628`` and
    ``28/06/2021`` when the day is over 12. The time zone is not applied: the date written is
    the date kept.
    """
    if type(value) is str:  # the usual value: none of the checks below applies
        return _parse_text(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    if not isinstance(value, str):
        return None
    return _parse_text(value)


def _parse_text(value: str) -> date | None:
    text = value.strip()
    if not text:
        return None
    if text.isdigit() and len(text) >= 9:
        return _from_epoch(float(text))
    for pattern in (_ISO, _COMPACT):
        match = pattern.match(text)
        if match is not None:
            return _from_match(match)
    numeric = _NUMERIC.match(text)
    if numeric is not None:
        a, b, year = int(numeric.group("a")), int(numeric.group("b")), int(numeric.group("year"))
        if a > 12 >= b:
            return _make(year, b, a)
        if b > 12 >= a:
            return _make(year, a, b)
        return None
    return search_date(text) or _rfc2822(text)


def _rfc2822(text: str) -> date | None:
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def search_date(text: str) -> date | None:
    """The first written-out date (``June 28, 2021``, ``28 June 2021``, ISO) inside ``text``."""
    found: list[tuple[int, date]] = []
    for pattern in (_MONTH_FIRST, _DAY_FIRST, _ISO):
        match = pattern.search(text)
        if match is not None:
            value = _from_match(match)
            if value is not None:
                found.append((match.start(), value))
    return min(found)[1] if found else None
