"""The tokenizer as first written: a pure-Python loop per token, kept as the reference that
:mod:`annotator.formats.tokenize` (which matches the whole text in C) must agree with exactly.

Changing the tokenization changes every exported token file, so the fast implementation is
checked against this frozen copy token for token, sentence for sentence and alignment for
alignment (tests/formats/test_tokenize.py). A deliberate change of the rules changes both.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

ABBREVIATIONS: tuple[str, ...] = (
    # titles and ranks
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Rev", "Hon", "Pres", "Gov", "Sen", "Rep", "Amb",
    "Gen", "Lt", "Col", "Maj", "Capt", "Cmdr", "Adm", "Sgt", "Cpl", "Pvt", "Brig", "Insp",
    "Supt", "Det", "Fr", "Sr", "Jr", "St", "Mt", "Ft",
    # organisations and addresses
    "Inc", "Ltd", "Co", "Corp", "Bros", "Dept", "Univ", "Assn", "Ave", "Blvd", "Rd",
    # months
    "Jan", "Feb", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    # others
    "approx", "est", "etc", "vs", "viz", "cf", "al", "Fig", "fig", "Vol", "vol", "pp",
)  # fmt: skip
"""Words that keep their period as part of the token and do not end a sentence."""

_NUMBERED = ("No", "no", "Nos", "Art", "art")
"""Abbreviations only before a number (``No. 5``), so that ``No.`` can still end a sentence."""

SENTENCE_END = frozenset({".", "!", "?", "…", "...", "?!", "!?"})
_CLOSERS = frozenset({'"', "'", "”", "’", "»", ")", "]", "}", "›"})
_OPENERS = frozenset("\"'“‘«([‹¿¡")
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")

_CLITIC_TAIL = r"(?:[sSdDmM]|re|RE|ll|LL|ve|VE)(?![\w'’])"
_NT = r"[nN]['’][tT](?![\w'’])"
_CLITIC = rf"(?:['’]{_CLITIC_TAIL}|{_NT})"
_PICTO = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u23cf"
    "\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf"
    "\u2934\u2935\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299"
    "\U0001f000-\U0001f1e5\U0001f200-\U0001faff"
)
_RUN = re.compile(r"\S+")
_SIMPLE_TAIL = frozenset(".,;:!?)")
_KEEP_PERIOD = frozenset(ABBREVIATIONS) | frozenset(_NUMBERED)
_EMOJI_TAIL = r"[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f\u20e3]*"


class Token(NamedTuple):
    """A token: ``text == document[start:end]``; ``ws`` when one plain space follows it."""

    start: int
    end: int
    text: str
    ws: bool

    @property
    def is_space(self) -> bool:
        return self.text.isspace()


@dataclass(frozen=True, slots=True)
class Alignment:
    """Where a character span lands on tokens: token indices ``[first, last]`` (inclusive)."""

    first: int
    last: int
    widened: bool
    """The span did not start and end on token boundaries and was widened to whole tokens."""


@lru_cache(maxsize=1)
def _marks() -> str:
    """A character-class body with every combining mark (categories Mn, Mc, Me)."""
    ranges: list[str] = []
    start = -1
    for code in [*range(0x20000), *range(0xE0100, 0xE01F0), 0x10FFFF]:
        mark = unicodedata.category(chr(code))[0] == "M" and code != 0x10FFFF
        if mark and start < 0:
            start = code
        elif not mark and start >= 0:
            last = code - 1
            ranges.append(
                re.escape(chr(start)) + ("-" + re.escape(chr(last)) if last > start else "")
            )
            start = -1
    return "".join(ranges)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    marks = _marks()
    char = rf"(?:(?!{_NT})[\w{marks}])"
    join = rf"(?:-|['’](?!{_CLITIC_TAIL})|(?<=\d)[.,](?=\d))"
    abbreviations = "|".join(sorted(ABBREVIATIONS, key=len, reverse=True))
    numbered = "|".join(_NUMBERED)
    picto = rf"[{_PICTO}](?!\u20e3){_EMOJI_TAIL}"
    emoji = rf"[\U0001f1e6-\U0001f1ff]{{2}}|[0-9#*]\ufe0f?\u20e3|{picto}(?:\u200d{picto})*"
    alternatives = [
        r"(?:https?://|www\.)[^\s<>\"“”]*[^\s<>\"“”.,;:!?'’)\]}]",
        r"[\w.+-]+@\w+(?:[.-]\w+)*\.\w+",
        rf"(?:[^\W\d_][{marks}]*\.){{2,}}(?![\w{marks}])",
        rf"(?<![\w{marks}])(?:{abbreviations})\.",
        rf"(?<![\w{marks}])(?:{numbered})\.(?=\s?\d)",
        emoji,
        rf"[#@]\w[\w{marks}]*",
        _CLITIC,
        rf"{char}+(?:{join}{char}+)*",
        r"\.{2,}|-{2,}|[?!]{2}",
        rf"\S[{marks}]*",
    ]
    return re.compile("|".join(alternatives))


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens (see the module docstring for the rules)."""
    tokens: list[Token] = []
    append = tokens.append
    new = tuple.__new__
    length = len(text)
    previous = 0
    for match in _RUN.finditer(text):
        start, end = match.span()
        if start != previous and (start - previous > 1 or text[previous] != " " or not previous):
            _space(text, previous, start, append)
        previous = end
        run = match.group()
        ws = end < length and text[end] == " "
        if run.isalnum():
            append(new(Token, (start, end, run, ws)))
        elif run[-1] in _SIMPLE_TAIL and run[:-1].isalnum() and run[:-1] not in _KEEP_PERIOD:
            append(new(Token, (start, end - 1, run[:-1], False)))
            append(new(Token, (end - 1, end, run[-1], ws)))
        else:
            _split_run(text, start, end, ws, append)
    if previous != length:
        _space(text, previous, length, append)
    return tokens


def _space(text: str, start: int, end: int, append: Callable[[Token], None]) -> None:
    """The space token of a whitespace run, less the one space that is its token's ``ws``."""
    if start and text[start] == " ":
        start += 1
    if start < end:
        append(Token(start, end, text[start:end], False))


def _split_run(text: str, start: int, end: int, ws: bool, append: Callable[[Token], None]) -> None:
    """Tokens of one run of non-space characters that needs the full pattern."""
    pieces = []
    for piece in _pattern().finditer(text, start):
        if piece.start() >= end:
            break
        pieces.append(piece.span())
    for k, (piece_start, piece_end) in enumerate(pieces):
        last = k == len(pieces) - 1
        append(Token(piece_start, piece_end, text[piece_start:piece_end], ws and last))


def words(tokens: Sequence[Token]) -> list[int]:
    """Indices of the tokens that are not space tokens."""
    return [i for i, token in enumerate(tokens) if not token.text.isspace()]


def sentences(text: str, tokens: Sequence[Token] | None = None) -> list[range]:
    """Sentences as ranges of indices into ``tokens`` (``tokenize(text)`` when not given), in
    order, covering every token.

    Space tokens belong to the sentence before them (leading ones to the first sentence); every
    sentence holds at least one non-space token, so a text of only whitespace has none.
    """
    if tokens is None:
        tokens = tokenize(text)
    out: list[range] = []
    begin = 0
    for start in _sentence_starts(tokens):
        out.append(range(begin, start))
        begin = start
    if begin < len(tokens) and (out or any(not t.is_space for t in tokens)):
        out.append(range(begin, len(tokens)))
    return out


def _sentence_starts(tokens: Sequence[Token]) -> list[int]:
    """Token indices (of non-space tokens) where a new sentence starts."""
    starts: list[int] = []
    has_word = False
    pending = False  # the next non-space token at or after `resume` starts a sentence
    resume = 0
    for i, token in enumerate(tokens):
        if token.text.isspace():
            if has_word and _LINE_BREAK.search(token.text):
                pending, resume = True, i
            continue
        if pending and i >= resume:
            starts.append(i)
            pending = has_word = False
        has_word = True
        if not pending and token.text in SENTENCE_END:
            after = _sentence_final(tokens, i)
            if after is not None:
                pending, resume = True, after
    return starts


def _sentence_final(tokens: Sequence[Token], i: int) -> int | None:
    """If the punctuation at ``i`` ends its sentence, the index after its closing quotes."""
    token = tokens[i]
    if token.text == "." and i > 0:
        before = tokens[i - 1]
        if before.end == token.start and len(before.text) == 1 and before.text.isupper():
            return None  # an initial: "J. K. Rowling"
    j = i + 1
    n = len(tokens)
    while j < n and tokens[j].text in _CLOSERS and tokens[j - 1].end == tokens[j].start:
        j += 1
    if j >= n or not (tokens[j - 1].ws or tokens[j].is_space):
        return None
    k = j
    while k < n and tokens[k].is_space:
        if _LINE_BREAK.search(tokens[k].text):
            return j
        k += 1
    if k >= n:
        return None
    follower = tokens[k].text
    return j if follower[0].isupper() or follower[0] in _OPENERS else None


def align(spans: Iterable[tuple[int, int]], tokens: Sequence[Token]) -> list[Alignment | None]:
    """Map character spans to tokens with *expand* semantics.

    A span covers every non-space token it touches; when it starts or ends inside a token it is
    widened to the whole token (``widened``). A span that touches no non-space token (only
    whitespace) gives ``None``.
    """
    word_index = words(tokens)
    starts = [tokens[i].start for i in word_index]
    ends = [tokens[i].end for i in word_index]
    out: list[Alignment | None] = []
    for start, end in spans:
        first = bisect_right(ends, start)
        last = bisect_left(starts, end) - 1
        if first > last:
            out.append(None)
            continue
        widened = starts[first] != start or ends[last] != end
        out.append(Alignment(word_index[first], word_index[last], widened))
    return out


def split_at(text: str, tokens: Sequence[Token], boundaries: Iterable[int]) -> list[Token]:
    """Split tokens so that every offset in ``boundaries`` falls between two tokens.

    The lossless alternative to widening: a span ``Aleppo`` inside ``Aleppo-based`` keeps its
    extent and the token becomes ``Aleppo`` + ``-based``. Whitespace handling is unchanged.
    """
    cuts = sorted(set(boundaries))
    out: list[Token] = []
    for token in tokens:
        inside = cuts[bisect_right(cuts, token.start) : bisect_left(cuts, token.end)]
        if not inside or token.is_space:
            out.append(token)
            continue
        edges = [token.start, *inside, token.end]
        for k in range(len(edges) - 1):
            last = k == len(edges) - 2
            piece_start, piece_end = edges[k], edges[k + 1]
            out.append(
                Token(piece_start, piece_end, text[piece_start:piece_end], token.ws and last)
            )
    return out
