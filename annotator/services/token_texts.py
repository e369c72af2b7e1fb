"""Matching a text rebuilt from tokens (CoNLL, Hugging Face) to the project document it came from.

Those formats keep tokens, not the text: reading one back joins the tokens with spaces and puts
sentences on lines, so "Aleppo." comes back as "Aleppo ." and never equals the stored text. The
characters other than whitespace are the same, in the same order; a stored document whose text
differs from the rebuilt one only in whitespace is that document. Its text replaces the rebuilt
one and every span offset is moved onto it (a token starts and ends on a character that is not
whitespace), so the import updates the document instead of creating a near copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import replace

from annotator.core.ids import DocumentId
from annotator.core.interchange import AnnotatedDraft
from annotator.core.plain_draft import PlainDraft

Item = AnnotatedDraft | PlainDraft


def squeezed(text: str) -> str:
    """The text without its whitespace."""
    return "".join(text.split())


def _key(text: str) -> bytes:
    return hashlib.blake2b(squeezed(text).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class TokenTextMatcher:
    """Finds, for a rebuilt text, the one stored text equal to it but for whitespace."""

    def __init__(
        self,
        texts: Callable[[], Iterable[tuple[DocumentId, str]]],
        text_of: Callable[[DocumentId], str | None],
    ) -> None:
        self._texts = texts
        self._text_of = text_of
        self._index: dict[bytes, DocumentId | None] | None = None
        """Squeezed-text key -> the document (None: several documents share it)."""
        self.matched = 0
        self.unmatched = 0

    def prepare(self) -> None:
        """Read every stored text now (before a write transaction starts), keeping their keys."""
        self._built()

    def _built(self) -> dict[bytes, DocumentId | None]:
        if self._index is None:
            index: dict[bytes, DocumentId | None] = {}
            for document_id, text in self._texts():
                key = _key(text)
                index[key] = None if key in index else document_id
            self._index = index
        return self._index

    def match(self, item: Item) -> Item:
        """``item`` on the stored text it matches (offsets moved), else ``item`` unchanged."""
        document_id = self._built().get(_key(item.draft.text))
        stored = self._text_of(document_id) if document_id is not None else None
        if stored is None or squeezed(stored) != squeezed(item.draft.text):
            self.unmatched += 1
            return item
        self.matched += 1
        if stored == item.draft.text:
            return item
        move = _mover(item.draft.text, stored)
        draft = replace(item.draft, text=stored)
        if isinstance(item, PlainDraft):
            starts = tuple(move(s) for s in item.starts)
            ends = tuple(move(e - 1) + 1 for e in item.ends)
            return replace(item, draft=draft, starts=starts, ends=ends)
        spans = tuple(
            span._replace(
                start=move(span.start),
                end=move(span.end - 1) + 1,
                fragments=tuple((move(a), move(b - 1) + 1) for a, b in span.fragments),
            )
            for span in item.spans
        )
        return replace(item, draft=draft, spans=spans)


def _mover(rebuilt: str, stored: str) -> Callable[[int], int]:
    """Offset of a non-whitespace character of ``rebuilt`` -> the same character in ``stored``
    (the n-th non-whitespace character of one is the n-th of the other)."""
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

    return move
