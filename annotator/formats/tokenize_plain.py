"""Words, sentence starts and span alignment of *plain* text without per-token offsets.

A plain text is what most synthetic and much wire news is: words of letters and digits
separated by single spaces, some followed by one of ``.,;:!?)`` (not an abbreviation of
:data:`~annotator.formats.tokenize.ABBREVIATIONS`), nothing else. Its tokens are the words and
those marks, all non-space, so the token formats need neither the space-token filter nor the
offsets of every token: sentence starts are found at the marks, and a span's ends are placed by
counting spaces up to them. Every answer equals what :func:`~annotator.formats.tokenize.scan`,
:func:`~annotator.formats.tokenize.sentence_breaks` and
:func:`~annotator.formats.tokenize.align_words` give (``tests/formats/test_tokenize_plain.py``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.formats.tokenize import _KEEP_PERIOD, _OPENERS, _SIMPLE_TAIL, SENTENCE_END

_MARK = re.compile(r"[^\w ]")
"""A character that is neither a space nor a word character (``str.isalnum`` or ``_``)."""
_ASCII_WORD = b" 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ASCII_TAILS = frozenset(map(ord, _SIMPLE_TAIL))
_ENDS = SENTENCE_END & _SIMPLE_TAIL


@dataclass(slots=True)
class Plain:
    """A plain text's tokens (all words) and where its sentences start."""

    text: str
    texts: list[str]
    breaks: list[int]
    """Token indices (> 0, ascending) where sentences start, as ``sentence_breaks`` gives."""
    split: list[int]
    """Indices of the space-separated pieces that are a word and a mark (two tokens)."""
    runs: list[tuple[int, int]] = field(default_factory=list)
    """Runs of spaces, collapsed to one in ``text``: where each starts there, and its length."""
    extents: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    def align(self, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int, bool] | None]:
        """``align_words`` of the spans over this text's tokens; where a widened span's tokens
        start and end is kept for :meth:`extent`. With runs of spaces, the span ends are moved
        into the collapsed text (a run's inner positions onto the word after it, which changes
        no alignment) and the tokens' ends moved back for the widening test."""
        pairs = list(spans)
        runs = self.runs
        found = self._aligned([(_collapsed(runs, s), _collapsed(runs, e)) for s, e in pairs])
        out: list[tuple[int, int, bool] | None] = []
        for (start, end), place in zip(pairs, found, strict=True):
            if place is None:
                out.append(None)
                continue
            first, last, first_start, last_end = place
            if runs:
                first_start, last_end = _original(runs, first_start), _original(runs, last_end)
            widened = first_start != start or last_end != end
            if widened:
                self.extents[first, last] = first_start, last_end
            out.append((first, last, widened))
        return out

    def _aligned(self, pairs: list[tuple[int, int]]) -> list[tuple[int, int, int, int] | None]:
        """First and last token of each span and where they start and end, or None."""
        places = self._locate(sorted({x for s, e in pairs for x in (s, e - 1) if x >= 0}))
        out: list[tuple[int, int, int, int] | None] = []
        for start, end in pairs:
            if end <= 0:
                out.append(None)
                continue
            first, first_start, _ = places[start]
            last, last_start, last_end = places[end - 1]
            if last_start >= end:  # end - 1 is a space: the token before it ends there
                last, last_end = last - 1, end - 1
            out.append(None if first > last else (first, last, first_start, last_end))
        return out

    def extent(self, first: int, last: int) -> tuple[int, int]:
        """Where tokens ``first`` to ``last`` of a widened span start and end in the text."""
        return self.extents[first, last]

    def _locate(self, xs: list[int]) -> dict[int, tuple[int, int, int]]:
        """For each position (ascending): the first token that ends after it (the one holding
        it, or the next when it is a space or the end of a token), its start and end."""
        text, split = self.text, self.split
        size = len(text)
        total = len(self.texts)
        out: dict[int, tuple[int, int, int]] = {}
        piece, counted = 0, 0  # text[:counted] holds ``piece`` spaces
        for x in xs:
            piece += text.count(" ", counted, x)
            counted = x
            start = text.rfind(" ", 0, x) + 1
            end = text.find(" ", x)
            if end < 0:
                end = size
            k = bisect_left(split, piece)
            token = piece + k
            if k < len(split) and split[k] == piece:
                if x < end - 1:
                    out[x] = (token, start, end - 1)
                    continue
                if x < end:
                    out[x] = (token + 1, end - 1, end)
                    continue
                token += 2
            elif x < end:
                out[x] = (token, start, end)
                continue
            else:
                token += 1
            if end >= size:
                out[x] = (total, size, size)
                continue
            following = text.find(" ", end + 1)
            if following < 0:
                following = size
            if k < len(split) and split[k] <= piece:
                k += 1
            if k < len(split) and split[k] == piece + 1:
                following -= 1
            out[x] = (token, end + 1, following)
        return out


def _collapsed(runs: list[tuple[int, int]], x: int) -> int:
    """Where position ``x`` of the original text is once the runs are one space each."""
    for where, length in runs:
        if x <= where:
            break
        x -= min(x - where - 1, length - 1)
    return x


def _original(runs: list[tuple[int, int]], y: int) -> int:
    """Where a token's start or end ``y`` in the collapsed text is in the original."""
    shift = 0
    for where, length in runs:
        if y <= where:
            break
        shift += length - 1
    return y + shift


def plain_words(text: str) -> Plain | None:
    """The tokens and sentence starts of ``text`` when it is plain (see the module), else
    None."""
    if not text or text[0] == " " or text[-1] == " " or "\n" in text:
        return None  # (a line break: most prose, told at once)
    if "  " in text:
        return _without_runs(text)
    marks = _marks(text)
    if marks is None:
        return None
    keep, tails, ends, openers = _KEEP_PERIOD, _SIMPLE_TAIL, _ENDS, _OPENERS
    count = text.count
    texts = text.split(" ")
    split: list[int] = []
    breaks: list[int] = []
    last = len(text) - 1
    piece, counted = -1, 0  # text[:counted] holds ``piece`` spaces (-1: none counted yet)
    for at in marks:
        spaces = count(" ", counted, at)
        if not spaces and piece >= 0:
            return None  # a second mark in the piece
        piece += spaces + (piece < 0)
        counted = at
        if at < last and text[at + 1] != " ":
            return None  # not the last character of its piece
        token = piece + len(split)  # the piece, not split yet
        word = texts[token]
        mark = word[-1]
        head = word[:-1]
        if mark not in tails or not head or head in keep:
            return None
        texts[token : token + 1] = (head, mark)
        split.append(piece)
        if mark in ends and at < last:
            if mark == "." and len(head) == 1 and head.isupper():
                continue  # an initial: "J. K. Rowling"
            follower = text[at + 2]
            if follower.isupper() or follower in openers:
                breaks.append(token + 2)
    return Plain(text, texts, breaks, split)


def _marks(text: str) -> Iterable[int] | None:
    """Where the characters that are neither spaces nor alphanumeric are, ascending; None when
    one is surely not a mark a plain text can hold.

    ``re`` tests a character class at ~75 instructions a character; ASCII text (the usual
    case) is instead cleared of letters, digits and spaces by ``bytes.translate`` and each
    remaining character is found with ``str.find``.
    """
    if not text.isascii():
        if "_" in text:
            return None
        return (found.start() for found in _MARK.finditer(text))  # up to the first odd one
    rest = text.encode("ascii").translate(None, _ASCII_WORD)
    if not rest:
        return []
    kinds = set(rest)
    if not kinds <= _ASCII_TAILS:
        return None
    find = text.find
    out: list[int] = []
    for kind in kinds:
        mark = chr(kind)
        at = find(mark)
        while at >= 0:
            out.append(at)
            at = find(mark, at + 1)
    if len(kinds) > 1:
        out.sort()
    return out


def _without_runs(text: str) -> Plain | None:
    """:func:`plain_words` of a text with runs of spaces between its words: the words and
    sentence starts are those of the text with each run made one space (space tokens are not
    words, and a run is whitespace after a word as one space is)."""
    if _marks(text) is None:
        return None  # odd ASCII marks (or "_") are told before the runs are collapsed; other
        # non-ASCII text is told only by the check of the collapsed text
    runs: list[tuple[int, int]] = []
    parts: list[str] = []
    size = len(text)
    at, removed = 0, 0
    found = text.find("  ")
    while found >= 0:
        end = found + 2
        while end < size and text[end] == " ":
            end += 1
        parts.append(text[at : found + 1])
        runs.append((found - removed, end - found))
        removed += end - found - 1
        at = end
        found = text.find("  ", at)
    parts.append(text[at:])
    plain = plain_words("".join(parts))
    if plain is not None:
        plain.runs = runs
    return plain
