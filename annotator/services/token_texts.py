"""Matching a text rebuilt from tokens (CoNLL, Hugging Face) to the project document it came from.

Those formats keep tokens, not the text: reading one back joins the tokens with spaces and puts
sentences on lines, so "Aleppo." comes back as "Aleppo ." and never equals the stored text. The
characters other than whitespace are the same, in the same order; a stored document whose text
differs from the rebuilt one only in whitespace is that document. Its text replaces the rebuilt
one and every span offset is moved onto it (a token starts and ends on a character that is not
whitespace), so the import updates the document instead of creating a near copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from itertools import chain

from annotator.core.ids import DocumentId
from annotator.core.interchange import AnnotatedDraft
from annotator.core.plain_draft import PlainDraft

Item = AnnotatedDraft | PlainDraft


def squeezed(text: str) -> str:
    """The text without its whitespace."""
    return "".join(text.split())


_ASCII_SPACE = b" \n\t\r\x0b\x0c\x1c\x1d\x1e\x1f"
"""The ASCII characters ``str.split()`` splits on."""


def squeezed_length(text: str) -> int:
    """``len(squeezed(text))``, counted in C for ASCII text: its bytes without those
    characters (one pass, one copy; ten ``str.count`` passes took four times as long)."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ASCII_SPACE))
    return len(squeezed(text))


class TokenTextMatcher:
    """Finds, for a rebuilt text, the one stored text equal to it but for whitespace: stored
    texts are indexed by the length they have without whitespace (one pass, no copies), and
    the few of the same length are read and compared when a rebuilt text comes."""

    def __init__(
        self,
        texts: Callable[[], Iterable[tuple[DocumentId, str]]],
        text_of: Callable[[DocumentId], str | None],
    ) -> None:
        self._texts = texts
        self._text_of = text_of
        self._index: dict[int, list[DocumentId]] | None = None
        self.matched = 0
        self.unmatched = 0

    def prepare(self) -> None:
        """Read every stored text now (before a write transaction starts), keeping lengths."""
        self._built()

    def _built(self) -> dict[int, list[DocumentId]]:
        if self._index is None:
            index: dict[int, list[DocumentId]] = {}
            for document_id, text in self._texts():
                index.setdefault(squeezed_length(text), []).append(document_id)
            self._index = index
        return self._index

    def _stored(self, text: str) -> str | None:
        """The one stored text equal to ``text`` but for whitespace (None: none, or several)."""
        index = self._built()
        if not index:  # an import into an empty project
            return None
        candidates = index.get(squeezed_length(text), ())
        if not candidates:
            return None
        wanted = squeezed(text)
        found = None
        for document_id in candidates:
            stored = self._text_of(document_id)
            if stored is not None and squeezed(stored) == wanted:
                if found is not None:
                    return None
                found = stored
        return found

    def match(self, item: Item) -> Item:
        """``item`` on the stored text it matches (offsets moved), else ``item`` unchanged."""
        stored = self._stored(item.draft.text)
        if stored is None:
            self.unmatched += 1
            return item
        if stored == item.draft.text:
            self.matched += 1
            return item
        moved = _moved(item, stored)
        if moved is None:
            self.unmatched += 1
            return item
        self.matched += 1
        return moved


def _moved(item: Item, stored: str) -> Item | None:
    """``item`` on ``stored``, or None when a span holds only whitespace (no place there)."""
    move, move_end = _mover(item.draft.text, stored)
    draft = replace(item.draft, text=stored)
    if isinstance(item, PlainDraft):
        starts = tuple(move(s) for s in item.starts)
        ends = tuple(move_end(e) for e in item.ends)
        if not all(map(int.__lt__, starts, ends)):
            return None
        return replace(item, draft=draft, starts=starts, ends=ends)
    spans = tuple(
        span._replace(
            start=move(span.start),
            end=move_end(span.end),
            fragments=tuple((move(a), move_end(b)) for a, b in span.fragments),
        )
        for span in item.spans
    )
    extents = chain.from_iterable(((s.start, s.end), *s.fragments) for s in spans)
    if any(start >= end for start, end in extents):
        return None
    return replace(item, draft=draft, spans=spans)


def _mover(rebuilt: str, stored: str) -> tuple[Callable[[int], int], Callable[[int], int]]:
    """Offset of a non-whitespace character of ``rebuilt`` -> the same character in ``stored``
    (the n-th non-whitespace character of one is the n-th of the other), for a start; and an
    end offset -> the end just after the same last non-whitespace character before it (a
    token may end in whitespace, "Anna ": its end stays on "a", not on the next token)."""
    targets = [i for i, char in enumerate(stored) if not char.isspace()]
    rank: dict[int, int] = {}
    n = 0
    for i, char in enumerate(rebuilt):
        if not char.isspace():
            rank[i] = n
            n += 1

    def move(offset: int) -> int:
        found = rank.get(offset)
        if found is None:  # on whitespace: the next character that is not
            following = [r for i, r in rank.items() if i > offset]
            return targets[min(following)] if following else len(stored)
        return targets[found]

    def move_end(offset: int) -> int:
        found = rank.get(offset - 1)
        if found is None:  # after whitespace: after the last character before it that is not
            before = [r for i, r in rank.items() if i < offset]
            return targets[max(before)] + 1 if before else 0
        return targets[found] + 1

    return move, move_end
