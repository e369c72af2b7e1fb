"""A documented, stable tokenizer, sentence splitter and span-to-token aligner for token formats.

Token formats (CoNLL, Hugging Face, Prodigy) need tokens; this module gives the same tokens for
the same text on every run and platform (pure regular expressions over ``str``; only the Unicode
tables of the Python version decide which characters are letters or marks).

Tokens (code-point offsets, half-open):

- a *word*: letters, digits, ``_`` and combining marks, joined by inner hyphens and apostrophes
  (``self-driving``, ``O'Brien``, ``rock'n'roll``), or by ``.``/``,`` between digits
  (``3,000.5``); English clitics are split off as their own token the way spaCy and the Penn
  Treebank do: ``Aleppo’s`` -> ``Aleppo`` ``’s``, ``don't`` -> ``do`` ``n't``;
- an abbreviation with its period: initialisms (``U.S.``, ``e.g.``) and the words in
  :data:`ABBREVIATIONS` (``Mr.``, ``Dr.``, ``Gen.``, ...);
- a URL, an e-mail address, a ``#hashtag`` or an ``@mention``;
- an emoji with its modifiers, variation selectors and ZWJ sequence (``👩🏽‍🚒``), a flag (two
  regional indicators) or a keycap;
- ``...`` and ``--`` runs; any other character (punctuation, symbols) is a token of its own.

Whitespace: a token followed by exactly one U+0020 space has ``ws=True`` and that space belongs
to no token. Any other whitespace (a newline, a tab, a second space, NBSP) is a *space token*
(``is_space``) covering the whole run, with ``ws=False`` -- the convention spaCy and Prodigy use.
So ``"".join(t.text + " " * t.ws for t in tokens) == text`` always holds.

Sentences (:func:`sentences`): every line break ends a sentence (news text puts headlines, bylines
and paragraphs on lines of their own, often without a final period), and so does ``.``, ``!``,
``?``, ``…`` or ``...`` (with any closing quotes or brackets after it) when followed by whitespace
and a token starting with an upper-case letter or an opening quote. An abbreviation token never
ends a sentence except before a line break, and neither does a period right after a single
capital letter (``J. K. Rowling``).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, count, pairwise, repeat
from operator import add, not_
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
_SIMPLE_TAIL = frozenset(".,;:!?)")
_KEEP_PERIOD = frozenset(ABBREVIATIONS) | frozenset(_NUMBERED)
_ASCII_WORD = b" 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
"""The ASCII characters ``str.isalnum`` accepts, and the space."""
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
"""The ASCII characters ``str.isprintable`` accepts."""
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
def _mark_ranges() -> tuple[tuple[int, int], ...]:
    """Every combining mark (categories Mn, Mc, Me) as inclusive code-point ranges."""
    ranges: list[tuple[int, int]] = []
    start = -1
    for code in [*range(0x20000), *range(0xE0100, 0xE01F0), 0x10FFFF]:
        mark = unicodedata.category(chr(code))[0] == "M" and code != 0x10FFFF
        if mark and start < 0:
            start = code
        elif not mark and start >= 0:
            ranges.append((start, code - 1))
            start = -1
    return tuple(ranges)


def _class_body(ranges: Iterable[tuple[int, int]]) -> str:
    return "".join(
        re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges
    )


@lru_cache(maxsize=1)
def _marks() -> str:
    """A character-class body with every combining mark (categories Mn, Mc, Me)."""
    return _class_body(_mark_ranges())


def _one_of(extra: str = "") -> str:
    """One character that is a combining mark or matches the class body ``extra``.

    The same set as ``[extra + _marks()]``, but fast: ``re`` tests characters above U+FFFF in
    a class one range at a time (~110 ranges of marks), and it does so for every character
    that is not in the class (each space and punctuation mark after a word, several times per
    token). Here the marks above U+FFFF are tried only for characters above U+FFFF.
    """
    ranges = _mark_ranges()
    low = _class_body((a, min(b, 0xFFFF)) for a, b in ranges if a <= 0xFFFF)
    high = _class_body((max(a, 0x10000), b) for a, b in ranges if b > 0xFFFF)
    return rf"(?:[{extra}{low}]|(?=[\U00010000-\U0010ffff])[{high}])"


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    mark = _one_of()
    word_char = _one_of(r"\w")
    char = rf"(?:(?!{_NT}){word_char})"
    join = rf"(?:-|['’](?!{_CLITIC_TAIL})|(?<=\d)[.,](?=\d))"
    abbreviations = "|".join(sorted(ABBREVIATIONS, key=len, reverse=True))
    assert all(a.isascii() and a.isalpha() and 2 <= len(a) <= 6 for a in ABBREVIATIONS)
    numbered = "|".join(_NUMBERED)
    picto = rf"[{_PICTO}](?!\u20e3){_EMOJI_TAIL}"
    emoji = rf"[\U0001f1e6-\U0001f1ff]{{2}}|[0-9#*]\ufe0f?\u20e3|{picto}(?:\u200d{picto})*"
    alternatives = [
        r"(?:https?://|www\.)[^\s<>\"“”]*[^\s<>\"“”.,;:!?'’)\]}]",
        r"[\w.+-]+@\w+(?:[.-]\w+)*\.\w+",
        rf"(?:[^\W\d_]{mark}*\.){{2,}}(?!{word_char})",
        rf"(?=[A-Za-z]{{2,6}}\.)(?<!{word_char})(?:{abbreviations})\.",
        rf"(?<!{word_char})(?:{numbered})\.(?=\s?\d)",
        emoji,
        rf"[#@]\w{word_char}*",
        _CLITIC,
        rf"{char}+(?:{join}{char}+)*",
        r"\.{2,}|-{2,}|[?!]{2}",
        rf"\S{mark}*",
    ]
    return re.compile("|".join(alternatives))


@lru_cache(maxsize=1)
def _scanner() -> re.Pattern[str]:
    """One pattern that finds every token of a text in order, as ``(token, ws)`` pairs.

    It is the definition above written as one regular expression so that the whole text is
    scanned in C: a whitespace run is a space token (the one space a token's ``ws`` takes is
    consumed with that token first); a run of non-space characters that is all letters and
    digits is one token; such a run plus one of ``.,;:!?)`` (unless the word is in
    :data:`ABBREVIATIONS`) is two tokens; any other run is cut by :func:`_pattern`. ``ws`` is
    the single U+0020 after a token, if any.
    """
    keep = "|".join(sorted(_KEEP_PERIOD, key=len, reverse=True))
    tail = "[" + re.escape("".join(sorted(_SIMPLE_TAIL))) + "]"
    word = r"[^\W_]+"  # str.isalnum()
    # Shortcuts first, each matching exactly what the alternatives after it would: a word of
    # letters and digits (not starting with a pictograph such as "ℹ") followed by whitespace,
    # the end or punctuation that no longer token takes in (no "." "-" "'" "@" "_", a mark or
    # a "," between digits); a bracket, comma or quote not followed by a combining mark.
    ends_word = r"(?=[\s;!?()\[\]{}\"“”«»…]|,(?!\d)|\Z)"
    alternatives = [
        rf"(?![{_PICTO}]){word}{ends_word}",
        rf"[,;:()\[\]{{}}\"“”«»](?!{_one_of()})",
        r"\s+",
        rf"(?<!\S){word}(?!\S)",
        rf"(?<!\S)(?!(?:{keep}){tail}(?!\S)){word}(?={tail}(?!\S))",
        _pattern().pattern,
    ]
    return re.compile("(" + "|".join(alternatives) + ")( ?)")


def scan(text: str) -> tuple[list[str], list[int], list[int], list[bool]]:
    """The tokens of ``text`` as parallel lists: texts, starts, ends and ``ws`` flags.

    The same tokens as :func:`tokenize`, for code that does not need :class:`Token` objects
    (the token formats). Most of a text is words between single spaces, so the text is split
    at spaces (in C) and only the pieces that are not all letters and digits are matched
    against :func:`_scanner`, each run of them from its first character to its last. The
    offsets come last, from the texts and ``ws`` flags (each token and its one space, if any,
    are followed by the next token).
    """
    if not text:
        return [], [], [], []
    pieces = text.split(" ")
    odd = _odd_pieces(text, pieces)
    simple = _split_simple(pieces, odd)
    if simple is not None:
        return simple
    last = len(pieces) - 1
    texts: list[str] = []
    ws: list[bool] = []
    match = _scanner().match
    keep = _KEEP_PERIOD
    tails = _SIMPLE_TAIL
    done = 0  # pieces before this one are in the lists
    known, at = 0, 0  # piece ``known`` starts at character ``at``
    n = 0
    count_odd = len(odd)
    while n < count_odd:
        first = odd[n]
        n += 1
        while n < count_odd and odd[n] == odd[n - 1] + 1:
            n += 1
        final = odd[n - 1]  # pieces first..final are not words
        texts += pieces[done:first]
        ws += repeat(True, first - done)
        done = final + 1
        piece = pieces[first]
        head = piece[:-1]
        if first == final and piece[-1:] in tails and head.isalnum() and head not in keep:
            texts += (head, piece[-1])
            ws += (False, final != last)
            continue
        at += sum(map(len, pieces[known:first])) + first - known
        known = first
        position = at
        # match the run from its first character to its end, with the space after it
        stop = at + sum(map(len, pieces[first : final + 1])) + final - first + (final != last)
        while position < stop:
            found = match(text, position)
            assert found is not None  # every character is in some token
            texts.append(found[1])
            position = found.end(1)
            if found[2]:
                ws.append(True)
                position += 1
            else:
                ws.append(False)
    texts += pieces[done:]
    ws += repeat(True, last - done)
    if done <= last:
        ws.append(False)
    lengths = list(map(len, texts))
    starts = list(accumulate(map(add, lengths, ws), initial=0))
    del starts[-1]
    return texts, starts, list(map(add, starts, lengths)), ws


def _odd_pieces(text: str, pieces: list[str]) -> list[int]:
    """Indices of the pieces (``text.split(" ")``) that are not all letters and digits.

    ``str.isalnum`` of every piece costs ~200 instructions a piece. An ASCII text without
    empty pieces (a leading, trailing or second space) is instead cleared of letters, digits
    and spaces by ``bytes.translate``; each character left is found with ``str.find`` and its
    piece is the count of spaces before it.
    """
    if not (text.isascii() and text[0] != " " and text[-1] != " " and "  " not in text):
        return list(compress(count(), map(not_, map(str.isalnum, pieces))))
    rest = text.encode("ascii").translate(None, _ASCII_WORD)
    if not rest:
        return []
    find = text.find
    places: list[int] = []
    for kind in set(rest):
        character = chr(kind)
        at = find(character)
        while at >= 0:
            places.append(at)
            at = find(character, at + 1)
    places.sort()
    odd: list[int] = []
    spaces, counted = 0, 0  # text[:counted] holds ``spaces`` spaces
    tally = text.count
    for at in places:
        spaces += tally(" ", counted, at)
        counted = at
        if not odd or odd[-1] != spaces:
            odd.append(spaces)
    return odd


def _split_simple(
    pieces: list[str], odd: list[int]
) -> tuple[list[str], list[int], list[int], list[bool]] | None:
    """:func:`scan`'s result when every piece that is not a word is a word and one of
    ``.,;:!?)`` (not an abbreviation in :data:`ABBREVIATIONS`) between two words, the usual
    news sentence: each such piece is its word (no space after it) and its mark. Else None."""
    keep, tails = _KEEP_PERIOD, _SIMPLE_TAIL
    texts = pieces.copy()
    ws = [True] * (len(pieces) + len(odd))
    ws[-1] = False
    after = len(pieces) + 1
    k = len(odd)
    for i in reversed(odd):
        if i == after - 1:
            return None  # two pieces in a row that are not words
        piece = texts[i]
        head = piece[:-1]
        if not (piece[-1:] in tails and head.isalnum()) or head in keep:
            return None
        texts[i : i + 1] = (head, piece[-1])
        k -= 1
        ws[i + k] = False
        after = i
    lengths = list(map(len, texts))
    starts = list(accumulate(map(add, lengths, ws), initial=0))
    del starts[-1]
    return texts, starts, list(map(add, starts, lengths)), ws


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens (see the module docstring for the rules)."""
    texts, starts, ends, ws = scan(text)
    return list(map(tuple.__new__, repeat(Token), zip(starts, ends, texts, ws, strict=True)))


def word_indices(text: str, texts: Sequence[str]) -> list[int] | None:
    """Indices of the tokens that are not space tokens, or None when every token is a word
    (the common case, told from the text alone: no whitespace but single spaces after words)."""
    if _printable(text) and "  " not in text and not text.startswith(" "):
        return None  # every whitespace character but U+0020 is unprintable
    return list(compress(count(), map(not_, map(str.isspace, texts))))


def _printable(text: str) -> bool:
    """``text.isprintable()``; for ASCII (~18 instructions a character there) whether
    ``bytes.translate`` leaves nothing once the printable characters are deleted (~4)."""
    if text.isascii():
        return not text.encode("ascii").translate(None, _PRINTABLE_ASCII)
    return text.isprintable()


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
    word_index = words(tokens)
    if not word_index:
        return []
    breaks = sentence_breaks(
        text,
        [tokens[i].text for i in word_index],
        [tokens[i].start for i in word_index],
        [tokens[i].end for i in word_index],
    )
    out: list[range] = []
    begin = 0
    for start in breaks:
        out.append(range(begin, word_index[start]))
        begin = word_index[start]
    out.append(range(begin, len(tokens)))
    return out


def sentence_breaks(
    text: str, texts: Sequence[str], starts: Sequence[int], ends: Sequence[int]
) -> list[int]:
    """Where sentences start, as indices (> 0, ascending) into the *non-space* tokens given by
    ``texts``, ``starts`` and ``ends`` (the rules are in the module docstring).

    Whitespace between two words is a gap in their offsets, so the space tokens themselves are
    not needed: a line break after the first word starts a sentence at the next word, and so
    does sentence-final punctuation (with its closing quotes or brackets) followed by whitespace
    and a capitalised word or an opening quote.
    """
    n = len(texts)
    if n < 2:
        return []
    found: list[int] = []
    if not text.isprintable():  # every line break is unprintable
        for match in _LINE_BREAK.finditer(text, ends[0]):
            after = bisect_right(starts, match.start())
            if after < n:
                found.append(after)
    closers = _CLOSERS
    openers = _OPENERS
    search = _LINE_BREAK.search
    last = n - 1
    for i in compress(count(), map(SENTENCE_END.__contains__, texts)):
        if i == last:
            continue
        if i and texts[i] == "." and ends[i - 1] == starts[i]:
            before = texts[i - 1]
            if len(before) == 1 and before.isupper():
                continue  # an initial: "J. K. Rowling"
        j = i + 1
        end = ends[i]
        while end == starts[j] and texts[j] in closers:
            end = ends[j]
            j += 1
            if j == n:
                break
        else:
            if end != starts[j]:  # whitespace follows
                follower = texts[j][0]
                if follower.isupper() or follower in openers or search(text, end, starts[j]):
                    found.append(j)
    return sorted(set(found))


def align(spans: Iterable[tuple[int, int]], tokens: Sequence[Token]) -> list[Alignment | None]:
    """Map character spans to tokens with *expand* semantics.

    A span covers every non-space token it touches; when it starts or ends inside a token it is
    widened to the whole token (``widened``). A span that touches no non-space token (only
    whitespace) gives ``None``.
    """
    word_index = words(tokens)
    starts = [tokens[i].start for i in word_index]
    ends = [tokens[i].end for i in word_index]
    return [
        None if found is None else Alignment(word_index[found[0]], word_index[found[1]], found[2])
        for found in align_words(spans, starts, ends)
    ]


def align_words(
    spans: Iterable[tuple[int, int]], starts: Sequence[int], ends: Sequence[int]
) -> list[tuple[int, int, bool] | None]:
    """:func:`align` over the non-space tokens' ``starts`` and ``ends``: ``(first, last,
    widened)`` as indices into them, or None for a span on whitespace only."""
    out: list[tuple[int, int, bool] | None] = []
    for start, end in spans:
        first = bisect_right(ends, start)
        last = bisect_left(starts, end) - 1
        if first > last:
            out.append(None)
            continue
        out.append((first, last, starts[first] != start or ends[last] != end))
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


def split_scanned(
    text: str,
    tokens: tuple[list[str], list[int], list[int], list[bool]],
    boundaries: Iterable[int],
) -> tuple[list[str], list[int], list[int], list[bool]]:
    """:func:`split_at` for the parallel lists of :func:`scan` (returned as they are when no
    boundary falls inside a token)."""
    texts, starts, ends, ws = tokens
    inside: dict[int, list[int]] = {}
    for cut in sorted(set(boundaries)):
        k = bisect_right(starts, cut) - 1
        if k >= 0 and cut < ends[k] and cut > starts[k] and not texts[k].isspace():
            inside.setdefault(k, []).append(cut)
    if not inside:
        return tokens
    out: tuple[list[str], list[int], list[int], list[bool]] = ([], [], [], [])
    new_texts, new_starts, new_ends, new_ws = out
    done = 0
    for k, cuts in inside.items():
        new_texts += texts[done:k]
        new_starts += starts[done:k]
        new_ends += ends[done:k]
        new_ws += ws[done:k]
        edges = [starts[k], *cuts, ends[k]]
        new_texts += [text[a:b] for a, b in pairwise(edges)]
        new_starts += edges[:-1]
        new_ends += edges[1:]
        new_ws += [False] * len(cuts) + [ws[k]]
        done = k + 1
    new_texts += texts[done:]
    new_starts += starts[done:]
    new_ends += ends[done:]
    new_ws += ws[done:]
    return out
