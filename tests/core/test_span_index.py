"""Tests for the span index, against a brute-force list of spans."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from annotator.core import span_index as span_index_module
from annotator.core.span_index import SpanIndex

Entry = tuple[int, int, int]

positions = st.integers(-5, 120)
lengths = st.one_of(st.integers(1, 6), st.integers(1, 40), st.sampled_from([64, 100, 250]))


def brute_overlapping(spans: dict[int, tuple[int, int]], a: int, b: int) -> list[int]:
    return [i for s, e, i in sorted((s, e, i) for i, (s, e) in spans.items()) if s < b and e > a]


def entries_of(spans: dict[int, tuple[int, int]]) -> list[Entry]:
    return sorted((s, e, i) for i, (s, e) in spans.items())


@st.composite
def span_sets(draw: st.DrawFn, max_size: int = 60) -> list[Entry]:
    """Spans with unique ids, in no particular order."""
    ids = draw(st.lists(st.integers(0, 10_000), unique=True, max_size=max_size))
    entries = []
    for span_id in ids:
        start = draw(positions)
        entries.append((start, start + draw(lengths), span_id))
    return entries


class SpanIndexMachine(RuleBasedStateMachine):
    """Random add/remove/move/query sequences, checked against a dict of spans."""

    ids = Bundle("ids")

    def __init__(self) -> None:
        super().__init__()
        self.index = SpanIndex()
        self.model: dict[int, tuple[int, int]] = {}
        self.next_id = 0

    @initialize(entries=span_sets(max_size=40))
    def start(self, entries: list[Entry]) -> None:
        self.index = SpanIndex.from_entries(entries)
        self.model = {i: (s, e) for s, e, i in entries}
        self.next_id = max(self.model, default=-1) + 1

    @rule(target=ids, start=positions, length=lengths)
    def add(self, start: int, length: int) -> int:
        span_id = self.next_id
        self.next_id += 1
        self.index.add(start, start + length, span_id)
        self.model[span_id] = (start, start + length)
        return span_id

    @rule(start=positions, length=st.integers(1, 3))
    def add_at_the_same_place_many_times(self, start: int, length: int) -> None:
        for _ in range(3):
            self.index.add(start, start + length, self.next_id)
            self.model[self.next_id] = (start, start + length)
            self.next_id += 1

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def remove_existing(self, data: st.DataObject) -> None:
        span_id = data.draw(st.sampled_from(sorted(self.model)))
        self.index.remove(span_id)
        del self.model[span_id]

    @rule(span_id=consumes(ids))
    def remove_added(self, span_id: int) -> None:
        if span_id in self.model:
            self.index.remove(span_id)
            del self.model[span_id]
        else:
            with pytest.raises(KeyError):
                self.index.remove(span_id)

    @rule(span_id=st.integers(-3, 3) | st.integers(10**6, 10**6 + 3))
    def remove_unknown(self, span_id: int) -> None:
        if span_id in self.model:
            return
        with pytest.raises(KeyError):
            self.index.remove(span_id)

    @precondition(lambda self: self.model)
    @rule(data=st.data(), start=positions, length=lengths)
    def move(self, data: st.DataObject, start: int, length: int) -> None:
        span_id = data.draw(st.sampled_from(sorted(self.model)))
        self.index.move(span_id, start, start + length)
        self.model[span_id] = (start, start + length)

    @precondition(lambda self: self.model)
    @rule(data=st.data(), bad_end=st.integers(-10, 0))
    def invalid_edits_change_nothing(self, data: st.DataObject, bad_end: int) -> None:
        span_id = data.draw(st.sampled_from(sorted(self.model)))
        start, _ = self.model[span_id]
        with pytest.raises(ValueError, match="empty or reversed"):
            self.index.move(span_id, start, start + bad_end)
        with pytest.raises(ValueError, match="already"):
            self.index.add(0, 1, span_id)
        with pytest.raises(ValueError, match="empty or reversed"):
            self.index.add(start, start + bad_end, self.next_id)
        with pytest.raises(KeyError):
            self.index.move(-(10**9), 0, 1)

    @rule(a=st.integers(-10, 400), b=st.integers(-10, 400))
    def overlapping(self, a: int, b: int) -> None:
        expected = brute_overlapping(self.model, a, b)
        assert self.index.overlapping(a, b) == expected
        assert [e[2] for e in self.index.overlapping_entries(a, b)] == expected

    @rule(a=st.integers(-10, 400), width=st.integers(1, 60))
    def window(self, a: int, width: int) -> None:
        assert self.index.overlapping(a, a + width) == brute_overlapping(self.model, a, a + width)

    @rule(pos=st.integers(-10, 400))
    def at(self, pos: int) -> None:
        expected = [i for s, e, i in entries_of(self.model) if s <= pos < e]
        assert self.index.at(pos) == expected

    @rule(span_id=st.integers(-2, 200))
    def lookups(self, span_id: int) -> None:
        assert (span_id in self.index) == (span_id in self.model)
        assert self.index.get(span_id) == self.model.get(span_id)

    @invariant()
    def same_contents(self) -> None:
        assert len(self.index) == len(self.model)
        assert list(self.index) == entries_of(self.model)
        self.index._check_invariants()


@pytest.mark.parametrize("load", [2, 3, 8, 256])
def test_state_machine(monkeypatch: pytest.MonkeyPatch, load: int) -> None:
    # Tiny chunks exercise splits, merges, the segment tree and the by-end lists.
    monkeypatch.setattr(span_index_module, "_LOAD", load)
    run_state_machine_as_test(
        SpanIndexMachine,
        settings=settings(
            max_examples=60 if load < 256 else 30,
            stateful_step_count=60,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


@settings(deadline=None)
@given(span_sets(), st.randoms(use_true_random=False), st.sampled_from([2, 5, 256]))
def test_from_entries_equals_repeated_add(
    entries: list[Entry], rnd: random.Random, load: int
) -> None:
    original = span_index_module._LOAD
    span_index_module._LOAD = load
    try:
        built = SpanIndex.from_entries(entries)
        shuffled = entries[:]
        rnd.shuffle(shuffled)
        added = SpanIndex()
        for start, end, span_id in shuffled:
            added.add(start, end, span_id)
        built._check_invariants()
        added._check_invariants()
        assert list(built) == list(added) == sorted(entries)
        assert len(built) == len(added) == len(entries)
        spans = {i: (s, e) for s, e, i in entries}
        for a in range(-10, 400, 7):
            for width in (1, 5, 30, 200):
                expected = brute_overlapping(spans, a, a + width)
                assert built.overlapping(a, a + width) == expected
                assert added.overlapping(a, a + width) == expected
    finally:
        span_index_module._LOAD = original


def test_from_entries_accepts_any_iterable_of_triples() -> None:
    rows = [[5, 9, 2], [0, 3, 1]]
    index = SpanIndex.from_entries(iter(rows))
    assert list(index) == [(0, 3, 1), (5, 9, 2)]
    assert all(type(entry) is tuple for entry in index)


def test_from_entries_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="span id 7 occurs more than once"):
        SpanIndex.from_entries([(0, 1, 7), (3, 4, 8), (5, 9, 7)])
    with pytest.raises(ValueError, match=r"span 3 \[4, 4\) is empty"):
        SpanIndex.from_entries([(0, 1, 1), (4, 4, 3)])
    with pytest.raises(ValueError, match=r"span 2 \[9, 4\) is empty or reversed"):
        SpanIndex.from_entries([(9, 4, 2)])


def test_empty_index() -> None:
    index = SpanIndex.from_entries([])
    assert len(index) == 0
    assert list(index) == []
    assert index.overlapping(0, 100) == []
    assert index.at(0) == []
    assert index.get(1) is None
    assert 1 not in index
    with pytest.raises(KeyError):
        index.remove(1)
    index.add(1, 2, 1)
    index.remove(1)
    assert index.overlapping(-100, 100) == []
    index._check_invariants()


def test_formats_example_spans() -> None:
    # The nested spans of the formats.md test document, in code points.
    index = SpanIndex.from_entries(
        [(0, 6, 1), (15, 21, 2), (37, 49, 3), (57, 91, 4), (57, 69, 5), (78, 84, 6)]
    )
    assert index.at(60) == [5, 4]  # (57, 69) sorts before (57, 91)
    assert index.at(80) == [4, 6]
    assert index.at(6) == []  # half-open: "Rebels" ends at 6
    assert index.overlapping(0, 100) == [1, 2, 3, 5, 4, 6]
    assert index.overlapping(50, 58) == [5, 4]
    assert index.overlapping(91, 100) == []
    index.move(6, 15, 21)  # a second span with the same extent
    assert index.at(16) == [2, 6]
    assert index.get(6) == (15, 21)


def test_iteration_is_a_snapshot() -> None:
    index = SpanIndex.from_entries([(i, i + 2, i) for i in range(10)])
    seen = []
    for start, _end, span_id in index:
        seen.append(start)
        if span_id < 5:
            index.remove(span_id)
    assert seen == list(range(10))
    assert len(index) == 5


def test_many_spans_against_brute_force() -> None:
    """A text-sized index with the default chunk size: many chunks, long and nested spans."""
    rng = random.Random(2016)
    spans: dict[int, tuple[int, int]] = {}
    for span_id in range(6_000):
        start = rng.randrange(100_000)
        roll = rng.random()
        length = rng.randint(1, 20) if roll < 0.9 else rng.randint(50, 500)
        if roll > 0.995:
            length = rng.randint(5_000, 60_000)
        spans[span_id] = (start, start + length)
    index = SpanIndex.from_entries((s, e, i) for i, (s, e) in spans.items())
    ordered = entries_of(spans)

    def check(a: int, b: int) -> None:
        expected = [i for s, e, i in ordered if s < b and e > a]
        assert index.overlapping(a, b) == expected

    for _ in range(150):
        a = rng.randrange(-100, 170_000)
        check(a, a + rng.choice([1, 50, 2_000, 20_000]))
    for step in range(3_000):  # edits, with queries that build and then use by-end lists
        span_id = rng.randrange(7_000)
        if span_id in spans and rng.random() < 0.5:
            index.remove(span_id)
            del spans[span_id]
        else:
            start = rng.randrange(100_000)
            end = start + rng.choice([3, 30, 3_000])
            if span_id in spans:
                index.move(span_id, start, end)
            else:
                index.add(start, end, span_id)
            spans[span_id] = (start, end)
        if step % 100 == 0:
            ordered = entries_of(spans)
            a = rng.randrange(100_000)
            check(a, a + 2_000)
    index._check_invariants()
    assert list(index) == entries_of(spans)
