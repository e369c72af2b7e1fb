"""Every edit against its inverse, and the rules the applier enforces, on the in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.annotation import Span
from annotator.core.edits import (
    AddRelation,
    AddSpan,
    Batch,
    EditApplier,
    RelabelSpan,
    RemoveSpan,
    ResizeSpan,
    SetAttribute,
    describe,
)
from annotator.core.errors import EditError, StaleDataError, UserError
from annotator.core.ids import DocumentId, SpanId
from annotator.core.memory_store import MemoryStore

from .edit_strategies import SCHEMA, edit_for

DOC = DocumentId(1)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def state(store: MemoryStore) -> tuple[object, object, object]:
    spans = sorted(span.content() for span in store.spans.values())
    relations = sorted(relation.content() for relation in store.relations.values())
    return spans, relations, sorted(store.document_comments.items())


@settings(max_examples=150, deadline=None)
@given(data=st.data(), length=st.integers(5, 200), steps=st.integers(1, 25))
def test_every_edit_is_undone_by_its_inverse_and_redone_by_the_inverse_of_that(
    data: st.DataObject, length: int, steps: int
) -> None:
    store = MemoryStore({DOC: length})
    clock = iter(T0 + timedelta(seconds=i) for i in range(10_000))
    for _ in range(steps):
        edit = data.draw(
            edit_for(
                DOC,
                length,
                sorted(store.spans),
                sorted(store.relations),
                {i: s.label for i, s in store.spans.items()},
                {i: s.pieces for i, s in store.spans.items()},
            )
        )
        before = state(store)
        try:
            applied = EditApplier(store, SCHEMA, next(clock)).apply(edit)
        except UserError:
            assert state(store) == before, "a refused edit must change nothing"
            continue
        after = state(store)
        assert applied.changes.document_ids <= {DOC}
        undone = EditApplier(store, SCHEMA, next(clock)).apply(applied.inverse)
        assert state(store) == before
        EditApplier(store, SCHEMA, next(clock)).apply(undone.inverse)
        assert state(store) == after


def make_store() -> tuple[MemoryStore, EditApplier]:
    store = MemoryStore({DOC: 60})
    return store, EditApplier(store, SCHEMA, T0)


def add(applier: EditApplier, label: str, start: int, end: int) -> Span:
    return applier.apply(AddSpan(DOC, label, start, end, {}, "ann")).changes.spans_added[0]


def test_rules_are_enforced_with_codes() -> None:
    store, applier = make_store()
    with pytest.raises(EditError, match="empty or outside the text") as caught:
        applier.apply(AddSpan(DOC, "ACTOR", 10, 10))
    assert caught.value.code == "ANN155"
    with pytest.raises(EditError, match="outside the text"):
        applier.apply(AddSpan(DOC, "ACTOR", 50, 61))
    with pytest.raises(EditError, match="unknown label"):
        applier.apply(AddSpan(DOC, "PERSON", 0, 5))
    with pytest.raises(EditError, match="no document"):
        applier.apply(AddSpan(DocumentId(9), "ACTOR", 0, 5))
    actor = add(applier, "ACTOR", 0, 5)
    with pytest.raises(EditError, match="already covers"):
        applier.apply(AddSpan(DOC, "ACTOR", 0, 5, {}, "ann"))
    assert add(applier, "LOCATION", 0, 5).label == "LOCATION"  # same extent, other label: fine
    other = applier.apply(AddSpan(DOC, "ACTOR", 0, 5, {}, "bob")).changes.spans_added[0]
    assert other.annotator == "bob"  # each annotator's layer may mark the same words
    applier.apply(RemoveSpan(other.id))
    claim = add(applier, "CLAIM", 6, 30)
    with pytest.raises(EditError, match="ATTRIBUTED_TO cannot link ACTOR to CLAIM"):
        applier.apply(AddRelation(DOC, "ATTRIBUTED_TO", actor.id, claim.id))
    applier.apply(AddRelation(DOC, "ATTRIBUTED_TO", claim.id, actor.id))
    with pytest.raises(EditError, match="already exists"):
        applier.apply(AddRelation(DOC, "ATTRIBUTED_TO", claim.id, actor.id))
    with pytest.raises(EditError, match="cannot link CLAIM to CASUALTY_FIGURE"):
        applier.apply(RelabelSpan(actor.id, "CASUALTY_FIGURE"))  # would break the relation
    with pytest.raises(EditError, match="expects one of"):
        applier.apply(SetAttribute(actor.id, "kind", "alien"))
    with pytest.raises(StaleDataError, match="no longer exists"):
        applier.apply(RemoveSpan(SpanId(999)))
    with pytest.raises(StaleDataError, match="changed by someone else"):
        applier.apply(RemoveSpan(actor.id, expected_version=7))
    assert len(store.spans) == 3


def test_removing_a_span_takes_its_relations_and_undo_brings_both_back() -> None:
    store, applier = make_store()
    actor = add(applier, "ACTOR", 0, 5)
    claim = add(applier, "CLAIM", 6, 30)
    relation = applier.apply(AddRelation(DOC, "ATTRIBUTED_TO", claim.id, actor.id, "ann"))
    removed = applier.apply(RemoveSpan(actor.id))
    assert removed.changes.relations_removed == relation.changes.relations_added
    assert not store.relations
    applier.apply(removed.inverse)
    assert store.spans[actor.id].content() == actor.content()
    assert [r.content() for r in store.relations.values()] == [
        r.content() for r in relation.changes.relations_added
    ]


def test_relabel_keeps_attributes_the_new_label_defines_and_undo_restores_them() -> None:
    store, applier = make_store()
    actor = add(applier, "ACTOR", 0, 5)
    applier.apply(SetAttribute(actor.id, "kind", "state"))
    relabelled = applier.apply(RelabelSpan(actor.id, "LOCATION"))
    assert store.spans[actor.id].attributes == {}
    applier.apply(relabelled.inverse)
    assert store.spans[actor.id].attributes == {"kind": "state"}
    assert store.spans[actor.id].label == "ACTOR"


def test_batch_inverse_runs_backwards_and_describe_names_edits() -> None:
    store, applier = make_store()
    batch = Batch((AddSpan(DOC, "ACTOR", 0, 5), AddSpan(DOC, "LOCATION", 10, 15)), "Accept 2")
    applied = applier.apply(batch)
    assert len(applied.changes.spans_added) == 2
    applier.apply(applied.inverse)
    assert not store.spans
    assert describe(batch) == "Accept 2"
    assert describe(AddSpan(DOC, "ACTOR", 0, 5)) == "Add ACTOR span"
    assert describe(ResizeSpan(SpanId(1), 0, 3)) == "Resize span"
    assert describe(SetAttribute(SpanId(1), "kind", None)) == "Set kind"


def test_change_set_touched_ranges_cover_before_and_after() -> None:
    _, applier = make_store()
    actor = add(applier, "ACTOR", 0, 5)
    resized = applier.apply(ResizeSpan(actor.id, 2, 9))
    assert set(resized.changes.touched_ranges()) == {(0, 5), (2, 9)}
    assert resized.changes.spans_updated[0][1].version == 2
