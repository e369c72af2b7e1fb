"""Sentence boundaries in scraped text: split for filtering, re-separate glued sentences."""

from __future__ import annotations

import re
import string

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_GLUED_WORDS = re.compile(r"[.!?](?=[A-Z])")
_CURLY_OPEN = re.compile(r"(?<=[\w)][.!?,:])(?=“)")
_CURLY_CLOSE = re.compile(r"(?<=[.!?,]”)(?=[\w“])")
_QUOTE = re.compile('"')
_GLUE_HINT = re.compile(r'[.!?,:](?:[A-Z]|["“”]["“A-Z]|“|["”]\w)')
_GLUED_QUOTE = re.compile(r'\S"\S')


def _glue_class(char: str) -> str:
    if char in string.ascii_uppercase:
        return "A"
    if char in string.ascii_lowercase + string.digits + "_":
        return "a"
    if char in ".!?,:":
        return "."
    return char if char == '"' else " "


_GLUE_CLASSES = "".join(_glue_class(chr(code)) for code in range(256)).encode("latin-1")
"""ASCII characters as the classes ``_GLUE_HINT`` tells apart: A, a (other word characters), .
(sentence or clause mark), " and space (anything else)."""
_GLUED_CLASSES = re.compile(rb'\.(?:A|"["Aa])')
"""``_GLUE_HINT`` on ASCII text mapped to those classes (a literal first: a fast scan)."""
_OPEN_AFTER = frozenset(".!?,:")
_CLOSE_AFTER = frozenset(".!?,")


def may_be_glued(text: str) -> bool:
    """Whether ``text`` has anything ``separate_glued_sentences`` could change (one fast scan).

    ASCII text is mapped to character classes first: a quarter of the instructions of the
    regex, which tests a character class at every position."""
    if text.isascii():
        return _GLUED_CLASSES.search(text.encode("ascii").translate(_GLUE_CLASSES)) is not None
    return _GLUE_HINT.search(text) is not None


def split_sentences(text: str) -> list[str]:
    """Cut ``text`` after sentence-ending punctuation; each piece keeps its trailing space.

    Over-splitting at abbreviations (``U.S. Army``) is harmless for filtering: joining the
    pieces gives ``text`` back exactly.
    """
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _straight_quotes(text: str) -> str:
    """Insert the space lost between a sentence and a straight double quote.

    Whether a quote opens or closes comes from counting quotes in the segment, which is
    trusted only when they balance; ``.""X`` (a close then an open) is fixed either way.
    """
    positions = [match.start() for match in _QUOTE.finditer(text)]
    if not positions:
        return text
    balanced = len(positions) % 2 == 0
    insert_before: list[int] = []
    for k, i in enumerate(positions):
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        closes_then_opens = after == '"' and before in _CLOSE_AFTER
        if closes_then_opens and (not balanced or k % 2 == 1):
            insert_before.append(i + 1)
        elif not balanced:
            continue
        elif (
            k % 2 == 0
            and before in _OPEN_AFTER
            and i >= 2
            and (text[i - 2].isalnum() or text[i - 2] in ").")
        ):
            insert_before.append(i)
        elif k % 2 == 1 and before in _CLOSE_AFTER and after.isalnum():
            insert_before.append(i + 1)
    if not insert_before:
        return text
    parts: list[str] = []
    last = 0
    for i in insert_before:
        parts.append(text[last:i])
        last = i
    parts.append(text[last:])
    return " ".join(parts)


def separate_glued_sentences(text: str) -> str:
    """``Erbil."We assess`` -> ``Erbil. "We assess``; ``said."Iraq`` -> ``said." Iraq``;
    ``buildings.A defense`` -> ``buildings. A defense``. Adds spaces only, never removes text."""
    if '"' in text and _GLUED_QUOTE.search(text):
        text = _straight_quotes(text)
    if "“" in text or "”" in text:
        text = _CURLY_CLOSE.sub(" ", _CURLY_OPEN.sub(" ", text))
    return _GLUED_WORDS.sub(_space_after_word, text)


def _space_after_word(match: re.Match[str]) -> str:
    """Only after a lower-case word or a number (``buildings.A``, ``2021.The``), not inside
    ``U.S.Army`` or ``Ph.D``."""
    before = match.string[max(match.start() - 2, 0) : match.start()]
    mark = match.group()
    glued = len(before) == 2 and all(char.isdigit() or char.islower() for char in before)
    return mark + " " if glued else mark
