"""The piece index against brute force: every piece of every span is found, owned by its span."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.fragments import normalised
from annotator.core.piece_index import PieceIndex, Pieces


@st.composite
def pieces(draw: st.DrawFn) -> Pieces:
    raw = draw(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), min_size=1, max_size=4))
    return normalised((a, a + n) for a, n in raw)


@settings(max_examples=120, deadline=None)
@given(
    first=st.dictionaries(st.integers(1, 30), pieces(), max_size=12),
    changes=st.lists(st.tuples(st.integers(1, 30), st.one_of(st.none(), pieces())), max_size=20),
    probes=st.lists(st.tuples(st.integers(0, 70), st.integers(0, 12)), max_size=10),
)
def test_matches_brute_force(
    first: dict[int, Pieces],
    changes: list[tuple[int, Pieces | None]],
    probes: list[tuple[int, int]],
) -> None:
    index = PieceIndex.from_spans(first.items())
    spans = dict(first)
    for span_id, new in changes:
        if new is None:
            if span_id in spans:
                index.remove(span_id)
                del spans[span_id]
        else:
            index.set(span_id, new)
            spans[span_id] = new
    assert len(index) == len(spans)
    for a, width in probes:
        b = a + width
        hits = index.overlapping_entries(a, b)
        expected = sorted(
            (s, e, span_id) for span_id, ps in spans.items() for s, e in ps if s < b and e > a
        )
        assert sorted((s, e, index.owner(k)) for s, e, k in hits) == expected
        at = {span_id for span_id, ps in spans.items() if any(s <= a < e for s, e in ps)}
        assert sorted(index.at(a)) == sorted(at)
        gapped = {
            span_id
            for span_id, ps in spans.items()
            if any(x[1] < b and y[0] > a for x, y in pairwise(ps))
        }
        assert sorted(index.gapped(a, b)) == sorted(gapped)
    for span_id, ps in spans.items():
        assert index.get(span_id) == ps[0]
        assert index.is_pieced(span_id) == (len(ps) > 1)
