"""The viewer's spans: extents and labels as columns, full Span values only when asked for.

Painting, hit-testing and selection need a span's extent, pieces and label, which the
:class:`SpanOutline` of an opened document holds for every span without a Span object per
span. Tooltips need the whole span (attributes, comment, annotator): :meth:`ViewerSpans.full`
asks the resolver the viewer was given (the window's lazily loaded spans).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from typing import NamedTuple, Protocol

from annotator.core.annotation import Span
from annotator.core.piece_index import PieceIndex
from annotator.core.span_outline import Pieces, SpanOutline

_END = itemgetter(1)


class SpanLike(Protocol):
    """A span's id, label, extent and pieces: a :class:`Span` or a :class:`SpanShape`."""

    @property
    def id(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def pieces(self) -> Pieces: ...


class SpanLookup(Protocol):
    def get(self, span_id: int) -> SpanLike | None: ...


class SpanShape(NamedTuple):
    """What the viewer draws of a span; ``start``/``end`` are the hull of its pieces."""

    id: int
    label: str
    start: int
    end: int
    pieces: Pieces

    @property
    def fragments(self) -> Pieces:
        return self.pieces if len(self.pieces) > 1 else ()


class ViewerSpans:
    """Span ids -> shapes, kept current by :meth:`set` and :meth:`remove`; iterates ids."""

    def __init__(self) -> None:
        self.index = PieceIndex()
        self.labels: dict[int, str] = {}
        self.pieces: dict[int, Pieces] = {}
        self._resolve: Callable[[int], Span | None] = lambda _span_id: None
        self._known: dict[int, Span] = {}
        """Full spans handed over (by :meth:`set_spans` and edits), asked of no resolver."""

    def set_spans(self, spans: Iterable[Span], length: int) -> None:
        """Show these spans (those within a text of ``length`` characters)."""
        known = {int(s.id): s for s in spans if 0 <= s.start < s.end <= length}
        self.load(SpanOutline.from_spans(known.values()), length, lambda _span_id: None)
        self._known = known

    def load(
        self, outline: SpanOutline, length: int, resolve: Callable[[int], Span | None]
    ) -> None:
        """Take the spans of ``outline`` that lie within a text of ``length`` characters (the
        outline is not changed)."""
        entries = outline.entries
        pieces = outline.pieces
        labels = outline.labels
        valid = not entries or (entries[0][0] >= 0 and max(map(_END, entries)) <= length)
        index: PieceIndex | None = None
        if valid:
            try:
                index = PieceIndex.from_outline(entries, pieces)
            except ValueError:  # an empty span: leave it out like one beyond the text
                index = None
        if index is None:
            entries = [e for e in entries if 0 <= e[0] < e[1] <= length]
            index = PieceIndex.from_outline(entries, pieces)
            labels = {e[2]: labels[e[2]] for e in entries}
            pieces = {i: p for i, p in pieces.items() if i in labels}
        self.index = index
        self.labels = dict(labels)
        self.pieces = dict(pieces)
        self._resolve = resolve
        self._known = {}

    def clear(self) -> None:
        self.load(SpanOutline(), 0, lambda _span_id: None)

    def __len__(self) -> int:
        return len(self.labels)

    def __bool__(self) -> bool:
        return bool(self.labels)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self.labels

    def __iter__(self) -> Iterator[int]:
        return iter(list(self.labels))

    def get(self, span_id: int | None) -> SpanShape | None:
        if span_id is None:
            return None
        label = self.labels.get(span_id)
        if label is None:
            return None
        pieces = self.pieces.get(span_id)
        if pieces is not None:
            return SpanShape(span_id, label, pieces[0][0], pieces[-1][1], pieces)
        first = self.index.get(span_id)
        assert first is not None
        return SpanShape(span_id, label, first[0], first[1], (first,))

    def __getitem__(self, span_id: int) -> SpanShape:
        shape = self.get(span_id)
        if shape is None:
            raise KeyError(span_id)
        return shape

    def label(self, span_id: int) -> str:
        return self.labels[span_id]

    def full(self, span_id: int) -> Span | None:
        """The whole span, from the resolver; None for a span the viewer does not show."""
        if span_id not in self.labels:
            return None
        known = self._known.get(span_id)
        return known if known is not None else self._resolve(span_id)

    def set(self, span: Span) -> None:
        """Add a span or bring it up to date (an edit's result)."""
        span_id = int(span.id)
        self._known[span_id] = span
        self.index.set(span_id, span.pieces)
        self.labels[span_id] = span.label
        if span.fragments:
            self.pieces[span_id] = span.fragments
        else:
            self.pieces.pop(span_id, None)

    def remove(self, span_id: int) -> SpanShape | None:
        shape = self.get(span_id)
        if shape is not None:
            self.index.remove(span_id)
            del self.labels[span_id]
            self.pieces.pop(span_id, None)
            self._known.pop(span_id, None)
        return shape


__all__ = ["SpanLike", "SpanLookup", "SpanShape", "ViewerSpans"]
