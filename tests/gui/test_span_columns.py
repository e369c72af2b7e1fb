"""The columns the window keeps instead of Span objects: the viewer's ViewerSpans (from an
outline) and the open document's LazySpans (full spans loaded on demand, in batches)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from annotator.core.annotation import Span
from annotator.core.ids import DocumentId, SpanId
from annotator.core.span_outline import SpanOutline
from annotator.gui.current import LazySpans
from annotator.gui.viewer.shapes import ViewerSpans

DOC = DocumentId(1)
LENGTH = 500


def random_spans(seed: int, count: int = 300) -> list[Span]:
    rng = random.Random(seed)
    spans = []
    for n in range(1, count + 1):
        start = rng.randrange(LENGTH - 20)
        end = start + rng.randint(1, 19)
        fragments: tuple[tuple[int, int], ...] = ()
        if rng.random() < 0.1 and end - start > 4:
            fragments = ((start, start + 2), (end - 2, end))
        label = rng.choice(("ACTOR", "LOCATION", "CLAIM"))
        spans.append(Span(SpanId(n), DOC, label, start, end, fragments=fragments))
    return spans


def test_viewer_spans_from_an_outline_answer_like_the_spans() -> None:
    for seed in range(5):
        spans = random_spans(seed)
        shown = ViewerSpans()
        shown.load(SpanOutline.from_spans(spans), LENGTH, lambda _i: None)
        assert len(shown) == len(spans)
        for span in spans:
            shape = shown[int(span.id)]
            assert (shape.label, shape.start, shape.end) == (span.label, span.start, span.end)
            assert shape.pieces == span.pieces
            assert shape.fragments == span.fragments
        for pos in range(0, LENGTH, 7):
            expected = {int(s.id) for s in spans if any(a <= pos < b for a, b in s.pieces)}
            assert set(shown.index.at(pos)) == expected


def test_viewer_spans_leave_out_spans_beyond_the_text_and_follow_edits() -> None:
    spans = random_spans(7, 50)
    beyond = Span(SpanId(99), DOC, "ACTOR", LENGTH - 2, LENGTH + 5)
    shown = ViewerSpans()
    full = {int(s.id): s for s in spans}
    shown.load(SpanOutline.from_spans([*spans, beyond]), LENGTH, full.get)
    assert 99 not in shown
    assert len(shown) == 50
    assert shown.full(99) is None
    assert shown.full(3) == full[3]
    moved = Span(SpanId(3), DOC, "CLAIM", 10, 40, fragments=((10, 12), (30, 40)))
    shown.set(moved)
    assert shown.full(3) == moved  # the edit's own value, not the resolver's
    assert shown[3].pieces == moved.pieces
    assert 3 in shown.index.at(31)
    assert 3 not in shown.index.at(20)
    removed = shown.remove(3)
    assert removed is not None
    assert removed.label == "CLAIM"
    assert 3 not in shown
    assert shown.remove(3) is None


def test_lazy_spans_load_in_batches_and_forget_vanished_ones() -> None:
    spans = {int(s.id): s for s in random_spans(3, 40)}
    calls: list[list[int]] = []

    def load(ids: Sequence[int]) -> list[Span]:
        calls.append(list(ids))
        return [spans[i] for i in ids if i in spans and i != 5]  # 5 was deleted meanwhile

    lazy = LazySpans(spans, load)
    assert len(lazy) == 40
    assert not calls
    lazy.prefetch(range(1, 11))
    assert calls == [list(range(1, 11))]
    assert lazy.loaded(3) == spans[3]
    assert lazy[7] == spans[7]  # loaded already: no call
    assert len(calls) == 1
    assert 5 not in lazy
    assert lazy.get(SpanId(5)) is None
    assert lazy[20] == spans[20]
    assert calls[-1] == [20]
    assert sorted(s.id for s in lazy.values()) == [i for i in range(1, 41) if i != 5]
    assert len(calls) == 3  # the rest in one call
    lazy.drop(20)
    assert 20 not in lazy
    extra = Span(SpanId(77), DOC, "ACTOR", 1, 2)
    lazy.put(extra)
    assert lazy[77] == extra
