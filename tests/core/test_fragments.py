"""Discontinuous spans and comments as edits: the rules, the exact inverses, the names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from annotator.core.annotation import Span
from annotator.core.edits import (
    AddFragment,
    AddRelation,
    AddSpan,
    EditApplier,
    RemoveFragment,
    RemoveSpan,
    ResizeSpan,
    SetDocumentComment,
    SetRelationComment,
    SetSpanComment,
    describe,
)
from annotator.core.errors import EditError, FragmentError, StaleDataError
from annotator.core.fragments import normalised, resized, with_piece, without_piece
from annotator.core.ids import DocumentId, SpanId
from annotator.core.memory_store import MemoryStore

from .edit_strategies import SCHEMA

DOC = DocumentId(1)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def make() -> tuple[MemoryStore, EditApplier, Span]:
    store = MemoryStore({DOC: 80})
    applier = EditApplier(store, SCHEMA, T0)
    span = applier.apply(AddSpan(DOC, "CLAIM", 10, 20, {}, "ann")).changes.spans_added[0]
    return store, applier, span


def test_piece_rules() -> None:
    assert normalised([(5, 8), (0, 2), (2, 3), (7, 9), (4, 4)]) == ((0, 3), (5, 9))
    assert with_piece(((10, 20),), 30, 35) == ((10, 20), (30, 35))
    assert with_piece(((10, 20), (30, 35)), 20, 25) == ((10, 25), (30, 35))  # touching: joined
    assert with_piece(((10, 20), (30, 35)), 20, 30) == ((10, 35),)
    with pytest.raises(FragmentError, match="overlaps") as caught:
        with_piece(((10, 20),), 15, 25)
    assert caught.value.code == "ANN250"
    assert without_piece(((10, 20), (30, 35)), 30, 35) == ((10, 20),)
    assert without_piece(((10, 20),), 12, 15) == ((10, 12), (15, 20))
    with pytest.raises(FragmentError, match="not inside one piece") as caught:
        without_piece(((10, 20), (30, 35)), 15, 32)
    assert caught.value.code == "ANN251"
    with pytest.raises(FragmentError, match="last piece") as caught:
        without_piece(((10, 20),), 10, 20)
    assert caught.value.code == "ANN252"
    assert resized(((10, 20), (30, 35)), 8, 40) == ((8, 20), (30, 40))
    with pytest.raises(FragmentError, match="swallow") as caught:
        resized(((10, 20), (30, 35)), 20, 35)
    assert caught.value.code == "ANN253"


def test_add_and_remove_fragments_with_exact_inverses() -> None:
    store, applier, span = make()
    added = applier.apply(AddFragment(span.id, 40, 45, expected_version=1))
    after = store.spans[span.id]
    assert (after.start, after.end, after.fragments) == (10, 45, ((10, 20), (40, 45)))
    assert added.changes.spans_updated == ((span, after),)
    assert after.pieces == ((10, 20), (40, 45))
    joined = applier.apply(AddFragment(span.id, 20, 25))
    assert store.spans[span.id].fragments == ((10, 25), (40, 45))
    applier.apply(joined.inverse)
    assert store.spans[span.id].fragments == ((10, 20), (40, 45))
    removed = applier.apply(RemoveFragment(span.id, 40, 45))
    assert store.spans[span.id].fragments == ()  # one piece left: contiguous again
    assert (store.spans[span.id].start, store.spans[span.id].end) == (10, 20)
    applier.apply(removed.inverse)
    assert store.spans[span.id].fragments == ((10, 20), (40, 45))
    with pytest.raises(FragmentError):
        applier.apply(AddFragment(span.id, 42, 50))
    with pytest.raises(EditError, match="outside the text"):
        applier.apply(AddFragment(span.id, 70, 90))
    with pytest.raises(StaleDataError):
        applier.apply(AddFragment(span.id, 50, 55, expected_version=1))


def test_resize_moves_the_outer_pieces_and_remove_span_restores_everything() -> None:
    store, applier, span = make()
    applier.apply(AddFragment(span.id, 40, 45))
    applier.apply(SetSpanComment(span.id, "two halves of one claim"))
    grown = applier.apply(ResizeSpan(span.id, 8, 47))
    assert store.spans[span.id].fragments == ((8, 20), (40, 47))
    applier.apply(grown.inverse)
    assert store.spans[span.id].fragments == ((10, 20), (40, 45))
    with pytest.raises(FragmentError):
        applier.apply(ResizeSpan(span.id, 10, 40))
    before = store.spans[span.id].content()
    removed = applier.apply(RemoveSpan(span.id))
    applier.apply(removed.inverse)
    assert store.spans[span.id].content() == before


def test_bad_fragments_on_add_span_are_refused() -> None:
    _, applier, _ = make()
    with pytest.raises(EditError) as caught:
        applier.apply(AddSpan(DOC, "ACTOR", 0, 9, fragments=((0, 3), (3, 9))))
    assert caught.value.code == "ANN255"
    with pytest.raises(EditError):
        applier.apply(AddSpan(DOC, "ACTOR", 0, 9, fragments=((0, 3), (5, 8))))
    span = applier.apply(AddSpan(DOC, "ACTOR", 0, 9, fragments=((0, 3), (5, 9)))).changes
    assert span.spans_added[0].fragments == ((0, 3), (5, 9))


def test_comments_on_spans_relations_and_documents() -> None:
    store, applier, claim = make()
    actor = applier.apply(AddSpan(DOC, "ACTOR", 30, 35)).changes.spans_added[0]
    relation = applier.apply(AddRelation(DOC, "ATTRIBUTED_TO", claim.id, actor.id))
    link = relation.changes.relations_added[0]
    commented = applier.apply(SetRelationComment(link.id, "said twice"))
    assert store.relations[link.id].comment == "said twice"
    removed = applier.apply(RemoveSpan(actor.id))  # takes the relation with its comment
    applier.apply(removed.inverse)
    assert store.relations[link.id].comment == "said twice"
    assert commented.inverse == SetRelationComment(link.id, "", 2)
    applier.apply(SetRelationComment(link.id, ""))  # re-added: version 1 again
    assert store.relations[link.id].comment == ""

    applied = applier.apply(SetDocumentComment(DOC, "paywalled: text cut", expected=""))
    assert applied.changes.document_comments == ((DOC, "paywalled: text cut"),)
    assert applied.changes.document_ids == {DOC}
    assert not applied.changes.is_empty
    assert store.document_comment(DOC) == "paywalled: text cut"
    with pytest.raises(StaleDataError) as caught:
        applier.apply(SetDocumentComment(DOC, "mine", expected=""))
    assert caught.value.code == "ANN254"
    applier.apply(applied.inverse)
    assert store.document_comment(DOC) == ""
    with pytest.raises(EditError, match="no document"):
        applier.apply(SetDocumentComment(DocumentId(5), "x"))


def test_describe_names_the_new_edits() -> None:
    one = SpanId(1)
    assert describe(AddFragment(one, 0, 1)) == "Add fragment to span"
    assert describe(RemoveFragment(one, 0, 1)) == "Remove fragment from span"
    assert describe(SetSpanComment(one, "x")) == "Comment on span"
    assert describe(SetSpanComment(one, "")) == "Remove span comment"
    assert describe(SetDocumentComment(DOC, "x")) == "Comment on document"


def test_a_fragment_that_makes_a_span_equal_to_another_in_its_layer_is_refused() -> None:
    """Found by Hypothesis: [10, 20) grown by a touching piece to [10, 25) equalled another
    CLAIM of the same annotator; removing it then made its undo (re-adding it) impossible."""
    store, applier, span = make()
    applier.apply(AddSpan(DOC, "CLAIM", 10, 25, {}, "ann"))
    with pytest.raises(EditError) as raised:
        applier.apply(AddFragment(span.id, 20, 25))
    assert raised.value.code == "ANN151"
    assert store.spans[span.id].pieces == ((10, 20),)
    # another annotator's layer may hold the same extent
    other = applier.apply(AddSpan(DOC, "CLAIM", 30, 40, {}, "bob")).changes.spans_added[0]
    applier.apply(AddSpan(DOC, "CLAIM", 30, 45, {}, "ann"))
    grown = applier.apply(AddFragment(other.id, 40, 45)).changes.spans_updated[0][1]
    assert (grown.start, grown.end) == (30, 45)
