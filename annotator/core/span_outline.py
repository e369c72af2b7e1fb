"""A document's spans as columns: what drawing them needs, without building a Span per span."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.core.annotation import Span

Entry = tuple[int, int, int]
"""``(start, end, id)``: a span's hull and id, the order of :class:`SpanIndex` entries."""
Pieces = tuple[tuple[int, int], ...]


@dataclass(slots=True)
class SpanOutline:
    """Every span of one document by id: its extent, label and (discontinuous ones) pieces.

    Full :class:`Span` values (attributes, comment, annotator, timestamps, version) are read
    only for the spans someone looks at; the outline is enough to paint, count and hit-test.
    """

    entries: list[Entry] = field(default_factory=list)
    """``(start, end, id)`` of every span, sorted."""
    labels: dict[int, str] = field(default_factory=dict)
    pieces: dict[int, Pieces] = field(default_factory=dict)
    """The pieces of the discontinuous spans only."""

    @classmethod
    def from_spans(cls, spans: Iterable[Span]) -> SpanOutline:
        items = list(spans)
        entries = sorted((s.start, s.end, int(s.id)) for s in items)
        labels = {int(s.id): s.label for s in items}
        pieces = {int(s.id): s.fragments for s in items if s.fragments}
        return cls(entries, labels, pieces)

    def __len__(self) -> int:
        return len(self.entries)

    def counts(self) -> Counter[str]:
        """How many spans of each label."""
        return Counter(self.labels.values())

    def pieces_of(self, span_id: int, start: int, end: int) -> Pieces:
        return self.pieces.get(span_id) or ((start, end),)


__all__ = ["Entry", "Pieces", "SpanOutline"]
