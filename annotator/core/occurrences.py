"""Finding every occurrence of a string in a text, for "annotate all occurrences"."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from annotator.core.errors import UserError
from annotator.core.snapping import is_grapheme_boundary, is_word_boundary, snap_to_words


class MatchMode(StrEnum):
    EXACT = "exact"
    IGNORE_CASE = "ignore case"
    WHOLE_WORD = "whole word"
    REGEX = "regex"


class QueryError(UserError):
    """The search query cannot be used (empty, or an invalid regular expression)."""

    code = "ANN260"


@dataclass(frozen=True, slots=True)
class Query:
    """What to look for: ``text`` matched as ``mode`` says (``ignore_case`` also applies to
    whole words and regular expressions)."""

    text: str
    mode: MatchMode = MatchMode.WHOLE_WORD
    ignore_case: bool = False

    def pattern(self) -> re.Pattern[str]:
        """The compiled query; raises :class:`QueryError` for an empty or invalid one."""
        if not self.text.strip():
            raise QueryError("nothing to search for: the query is empty")
        flags = re.IGNORECASE if self.ignore_case or self.mode is MatchMode.IGNORE_CASE else 0
        if self.mode is not MatchMode.REGEX:
            return re.compile(re.escape(self.text), flags)
        try:
            return re.compile(self.text, flags | re.MULTILINE)
        except re.error as error:
            where = f" at position {error.pos}" if error.pos is not None else ""
            raise QueryError(
                f"invalid regular expression {self.text!r}: {error.msg}{where}", code="ANN261"
            ) from None


def find_occurrences(
    text: str,
    query: Query,
    *,
    skip: Iterable[tuple[int, int]] = (),
    snap: bool = False,
    pattern: re.Pattern[str] | None = None,
) -> Iterator[tuple[int, int]]:
    """``(start, end)`` code-point ranges of ``query`` in ``text``, in order.

    Matches never overlap (``"aa"`` in ``"aaa"`` is found once, at 0), empty regex matches and
    matches that split a visible character are dropped, and ranges in ``skip`` (those already
    carrying a span of the wanted label) are left out. With ``snap`` each hit is widened to
    whole words as the viewer snaps a selection (:func:`~annotator.core.snapping.snap_to_words`).
    """
    compiled = pattern or query.pattern()
    skipped = set(skip)
    whole = query.mode is MatchMode.WHOLE_WORD
    last_end = -1
    for match in compiled.finditer(text):
        start, end = match.span()
        if start == end:
            continue
        if whole and not (is_word_boundary(text, start) and is_word_boundary(text, end)):
            continue
        if not (is_grapheme_boundary(text, start) and is_grapheme_boundary(text, end)):
            continue
        if snap:
            snapped = snap_to_words(text, start, end)
            if snapped is None:
                continue
            start, end = snapped
        if start < last_end or (start, end) in skipped:
            continue
        last_end = end
        yield start, end
