"""Snap a selection to what an annotator means: whole words, no surrounding whitespace.

All offsets are code points (Python ``str`` indices), half-open ``[start, end)``.

The functions never return an offset that splits a *grapheme-ish cluster*: a base character and
the combining marks after it, an emoji ZWJ sequence (👩‍🔬), an emoji with its skin tone or
variation selector, the two regional indicators of a flag (🇸🇾), a tag sequence (🏴󠁧󠁢󠁳󠁣󠁴󠁿), CR LF, and
Hangul jamo. The rules follow UAX #29 closely enough for annotation; they are not a full
implementation (no Prepend, no Indic conjunct rules beyond "a ZWJ joins what follows it").

Words are runs of letters, digits, marks and ``_`` (graded by the base character of each
cluster), plus the characters that join two word characters inside a word: apostrophes
("Aleppo’s"), hyphens ("al-Assad"), the soft hyphen, the middle dot, ZWJ/ZWNJ, and ``.`` or
``,`` between two digits ("1,200", "3.5").

Whitespace is everything ``str.isspace`` says (so NBSP, U+2009 thin space, U+3000 ...) plus the
invisible zero-width space, word joiner and BOM.
"""

from __future__ import annotations

import unicodedata
from typing import Final, Literal

__all__ = [
    "Edge",
    "is_grapheme_boundary",
    "next_grapheme_boundary",
    "next_word_boundary",
    "snap_to_words",
    "trim_whitespace",
    "word_at",
]

Edge = Literal["start", "end", "any"]

_ZWJ: Final = "\u200d"
_ZWNJ: Final = "\u200c"
_EXTRA_SPACE: Final = frozenset("\u200b\u2060\ufeff\u180e")
_APOSTROPHES: Final = frozenset("'\u2019\u02bc\u02bb")
_HYPHENS: Final = frozenset("-\u2010\u2011")
_INNER_JOINERS: Final = _APOSTROPHES | _HYPHENS | frozenset("\u00ad\u00b7\u30fb" + _ZWJ + _ZWNJ)
_DIGIT_JOINERS: Final = frozenset(".,\u066b\u066c\u2009\u202f")
"""Decimal and thousands separators, joined only between two digits."""
_KEPT_EDGE_PUNCTUATION: Final = frozenset("%‰‱#@&§°′″")
"""Punctuation that belongs to what it is attached to (50%, #tag, @user), never stripped."""


# -- character classes ------------------------------------------------------------------------


def _is_space(ch: str) -> bool:
    return ch.isspace() or ch in _EXTRA_SPACE


def _is_control(ch: str) -> bool:
    """Characters a cluster never extends across (GB4/GB5): controls and line separators."""
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def _is_extend(ch: str) -> bool:
    """Characters that attach to the character before them (GB9, GB9a)."""
    if ch == _ZWJ:
        return True
    cp = ord(ch)
    if 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F:  # skin tones, tag characters
        return True
    return unicodedata.category(ch) in ("Mn", "Me", "Mc")


_PICTOGRAPHIC_BMP: Final = frozenset(
    (0xA9, 0xAE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D, 0x3297, 0x3299)
)


def _is_pictographic(ch: str) -> bool:
    """Approximately Extended_Pictographic: emoji and the symbols that take emoji style."""
    cp = ord(ch)
    if 0x1F000 <= cp <= 0x1FFFF:
        return not 0x1F1E6 <= cp <= 0x1F1FF and not 0x1F3FB <= cp <= 0x1F3FF
    if 0x2190 <= cp <= 0x2BFF:
        return unicodedata.category(ch) == "So"
    return cp in _PICTOGRAPHIC_BMP


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _hangul_kind(ch: str) -> str:
    cp = ord(ch)
    if 0x1100 <= cp <= 0x115F or 0xA960 <= cp <= 0xA97C:
        return "L"
    if 0x1160 <= cp <= 0x11A7 or 0xD7B0 <= cp <= 0xD7C6:
        return "V"
    if 0x11A8 <= cp <= 0x11FF or 0xD7CB <= cp <= 0xD7FB:
        return "T"
    if 0xAC00 <= cp <= 0xD7A3:
        return "LV" if (cp - 0xAC00) % 28 == 0 else "LVT"
    return ""


def _is_word_char(ch: str) -> bool:
    return ch == "_" or unicodedata.category(ch)[0] in ("L", "N", "M")


def _is_edge_punctuation(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "P" and ch not in _KEPT_EDGE_PUNCTUATION


# -- grapheme-ish clusters --------------------------------------------------------------------


def is_grapheme_boundary(text: str, pos: int) -> bool:
    """Whether an offset may start or end a selection without splitting a visible character."""
    if pos <= 0 or pos >= len(text):
        return True
    before = text[pos - 1]
    after = text[pos]
    if before == "\r" and after == "\n":
        return False
    if _is_control(before) or _is_control(after):
        return True
    if _is_extend(after):
        return False
    if before == _ZWJ and _is_pictographic(after):  # GB11: emoji ZWJ sequences
        i = pos - 2
        while i >= 0 and _is_extend(text[i]) and not _is_control(text[i]):
            i -= 1
        if i >= 0 and _is_pictographic(text[i]):
            return False
    if _is_regional_indicator(before) and _is_regional_indicator(after):
        run = 0
        i = pos - 1
        while i >= 0 and _is_regional_indicator(text[i]):
            run += 1
            i -= 1
        return run % 2 == 0
    kind_before = _hangul_kind(before)
    if kind_before:
        kind_after = _hangul_kind(after)
        if kind_before == "L" and kind_after in ("L", "V", "LV", "LVT"):
            return False
        if kind_before in ("LV", "V") and kind_after in ("V", "T"):
            return False
        if kind_before in ("LVT", "T") and kind_after == "T":
            return False
    return True


def _floor(text: str, pos: int) -> int:
    while not is_grapheme_boundary(text, pos):
        pos -= 1
    return pos


def _ceil(text: str, pos: int) -> int:
    while not is_grapheme_boundary(text, pos):
        pos += 1
    return pos


def next_grapheme_boundary(text: str, pos: int, direction: int) -> int:
    """The next cluster boundary after (``direction > 0``) or before ``pos``, clamped to the
    text: moving a span edge "by one character" without splitting an emoji or a flag."""
    pos = max(0, min(len(text), pos))
    if direction > 0:
        return _ceil(text, pos + 1) if pos < len(text) else pos
    return _floor(text, pos - 1) if pos > 0 else pos


def _cluster_end(text: str, pos: int) -> int:
    """End of the cluster starting at boundary ``pos`` (``pos < len(text)``)."""
    return _ceil(text, pos + 1)


def _cluster_start(text: str, pos: int) -> int:
    """Start of the cluster ending at boundary ``pos`` (``pos > 0``)."""
    return _floor(text, pos - 1)


# -- words ------------------------------------------------------------------------------------


def _joins(text: str, i: int) -> bool:
    """Whether the character at ``i`` joins the word characters on both sides of it."""
    ch = text[i]
    if i == 0 or i + 1 >= len(text):
        return False
    if ch in _INNER_JOINERS:
        # the base character of the cluster before the joiner, and the character after it
        return _is_word_char(text[_floor(text, i - 1)]) and _is_word_char(text[i + 1])
    if ch in _DIGIT_JOINERS:
        return text[i - 1].isdigit() and text[i + 1].isdigit()
    return False


def _in_word(text: str, cluster_start: int) -> bool:
    """Whether the cluster starting at ``cluster_start`` is part of a word."""
    if cluster_start < 0 or cluster_start >= len(text):
        return False
    ch = text[cluster_start]
    return _is_word_char(ch) or _joins(text, cluster_start)


def _word_start(text: str, pos: int) -> int:
    """Move a boundary ``pos`` inside a word back to the start of that word."""
    while pos > 0:
        previous = _cluster_start(text, pos)
        if not _in_word(text, previous):
            break
        pos = previous
    return pos


def _word_end(text: str, pos: int) -> int:
    """Move a boundary ``pos`` inside a word forward to the end of that word."""
    while pos < len(text) and _in_word(text, pos):
        pos = _cluster_end(text, pos)
    return pos


def _clamp(text: str, start: int, end: int) -> tuple[int, int]:
    n = len(text)
    start = max(0, min(n, start))
    end = max(0, min(n, end))
    if start > end:
        start, end = end, start
    return _floor(text, start), _ceil(text, end)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop whitespace clusters from both ends of a cluster-aligned range."""
    while start < end and _is_space(text[start]):
        start = _cluster_end(text, start)
    while end > start and _is_space(text[_cluster_start(text, end)]):
        end = _cluster_start(text, end)
    return start, end


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Character precision: the selection without surrounding whitespace, widened only as far
    as needed not to split a cluster; ``None`` if nothing but whitespace was selected."""
    start, end = _trim(text, *_clamp(text, start, end))
    return (start, end) if start < end else None


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Word precision: trim whitespace, drop punctuation at the edges (unless that is all that
    was selected) and extend a partly selected word at either end to the whole word.

    ``None`` if nothing but whitespace was selected.
    """
    start, end = _trim(text, *_clamp(text, start, end))
    if start >= end:
        return None
    inner_start, inner_end = start, end
    while inner_start < inner_end and _strippable(text, inner_start):
        inner_start = _cluster_end(text, inner_start)
    while inner_end > inner_start and _strippable(text, _cluster_start(text, inner_end)):
        inner_end = _cluster_start(text, inner_end)
    if inner_start >= inner_end:  # only punctuation (and spaces) was selected: keep it
        return start, end
    start, end = inner_start, inner_end
    if _in_word(text, start):
        start = _word_start(text, start)
    if end < len(text) and _in_word(text, _cluster_start(text, end)):
        end = _word_end(text, end)
    return start, end


def _strippable(text: str, cluster_start: int) -> bool:
    """Whitespace, or punctuation that is not inside a word."""
    ch = text[cluster_start]
    return _is_space(ch) or (_is_edge_punctuation(ch) and not _in_word(text, cluster_start))


def word_at(text: str, pos: int) -> tuple[int, int]:
    """The word around the character at ``pos`` (for a double click).

    On punctuation or a symbol: that one cluster. On whitespace or outside the text:
    ``(pos, pos)``, empty. ``pos == len(text)`` looks at the last character.
    """
    n = len(text)
    if n == 0:
        return (0, 0)
    pos = max(0, min(n, pos))
    if pos == n:
        pos = n - 1
    start = _floor(text, pos)
    if _is_space(text[start]):
        return (pos, pos)
    if _in_word(text, start):
        return _word_start(text, start), _word_end(text, start)
    return start, _cluster_end(text, start)


def _token_bounds(text: str, pos: int, direction: int) -> tuple[int, int] | None:
    """The next token (word, or one other non-space cluster) at or after / before ``pos``."""
    n = len(text)
    if direction > 0:
        i = _ceil(text, pos)
        while i < n and _is_space(text[i]):
            i = _cluster_end(text, i)
        if i >= n:
            return None
        if _in_word(text, i):
            return _word_start(text, i), _word_end(text, i)
        return i, _cluster_end(text, i)
    i = _floor(text, pos)
    while i > 0 and _is_space(text[_cluster_start(text, i)]):
        i = _cluster_start(text, i)
    if i <= 0:
        return None
    last = _cluster_start(text, i)
    if _in_word(text, last):
        return _word_start(text, last), _word_end(text, last)
    return last, i


def next_word_boundary(text: str, pos: int, direction: int, *, edge: Edge | None = None) -> int:
    """The next place a span edge can move to, one word forward (``direction > 0``) or back.

    Tokens are words and single punctuation/symbol clusters. ``edge="end"`` gives token ends
    (move a span's end), ``edge="start"`` token starts (move a span's start); ``"any"`` either.
    The default is ``"end"`` going forward and ``"start"`` going back, which grows a span by a
    word at either side; to shrink, pass the other edge::

        next_word_boundary(text, span.end, -1, edge="end")     # end one word to the left
        next_word_boundary(text, span.start, +1, edge="start") # start one word to the right

    Returns ``pos`` itself when there is nowhere further to go.
    """
    n = len(text)
    pos = max(0, min(n, pos))
    if edge is None:
        edge = "end" if direction > 0 else "start"
    cursor = pos
    while True:
        token = _token_bounds(text, cursor, direction)
        if token is None:
            return pos
        token_start, token_end = token
        candidates: list[int] = []
        if edge in ("start", "any"):
            candidates.append(token_start)
        if edge in ("end", "any"):
            candidates.append(token_end)
        if direction > 0:
            found = [c for c in candidates if c > pos]
            if found:
                return min(found)
            cursor = token_end
        else:
            found = [c for c in candidates if c < pos]
            if found:
                return max(found)
            cursor = token_start


def is_word_boundary(text: str, pos: int) -> bool:
    """Whether ``pos`` does not fall between two characters of the same word (the ends of the
    text and any side of whitespace or punctuation are boundaries)."""
    if pos <= 0 or pos >= len(text):
        return True
    return not (_in_word(text, _cluster_start(text, pos)) and _in_word(text, pos))
