"""Curation units on hand-made cases, and the planned edits applied to the in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime

from annotator.core.annotation import CURATION_ANNOTATOR, Relation, Span
from annotator.core.curation import (
    CuratedLayer,
    SpanVersion,
    UnitKind,
    compute_units,
    plan_auto_merge,
    plan_choice,
)
from annotator.core.edits import EditApplier
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.core.memory_store import MemoryStore

from .edit_strategies import SCHEMA

DOC = DocumentId(1)
T0 = datetime(2026, 1, 1, tzinfo=UTC)
_ids = iter(range(1, 10_000))


def span(who: str, label: str, start: int, end: int, **attributes: object) -> Span:
    return Span(SpanId(next(_ids)), DOC, label, start, end, attributes, who)  # type: ignore[arg-type]


def relation(who: str, type_: str, source: Span, target: Span) -> Relation:
    return Relation(RelationId(next(_ids)), DOC, type_, source.id, target.id, who)


def test_agreed_spans_are_units_of_their_own_and_the_rest_groups_by_overlap() -> None:
    spans = [
        span("ana", "ACTOR", 0, 5),
        span("bob", "ACTOR", 0, 5),
        span("ana", "LOCATION", 10, 15),
        span("bob", "LOCATION", 10, 18),
        span("bob", "CLAIM", 12, 30),
        span("ana", "ACTOR", 40, 45),
    ]
    curation = compute_units(spans)
    assert curation.annotators == ("ana", "bob")
    agreed, first, second = curation.units
    assert agreed.agreed
    assert agreed.alternatives[0].annotators == ("ana", "bob")
    assert agreed.alternatives[0].spans == (SpanVersion(0, 5, "ACTOR"),)
    # LOCATION 10-15 (ana) overlaps LOCATION 10-18 and CLAIM 12-30 (bob): one disagreement
    assert not first.agreed
    assert (first.start, first.end) == (10, 30)
    assert first.alternative_of("ana").spans == (SpanVersion(10, 15, "LOCATION"),)
    assert first.alternative_of("bob").spans == (
        SpanVersion(10, 18, "LOCATION"),
        SpanVersion(12, 30, "CLAIM"),
    )
    # a span only ana made: bob's alternative is nothing
    assert not second.agreed
    assert second.alternative_of("bob").empty
    assert second.alternative_of("ana").spans == (SpanVersion(40, 45, "ACTOR"),)
    assert len(curation.disagreements) == 2


def test_same_range_and_label_with_other_attributes_is_a_disagreement() -> None:
    spans = [
        span("ana", "ACTOR", 0, 5, kind="official"),
        span("bob", "ACTOR", 0, 5, kind="organization"),
        span("cy", "ACTOR", 0, 5, kind="official"),
    ]
    (unit,) = compute_units(spans).units
    assert not unit.agreed
    assert [a.annotators for a in unit.alternatives] == [("ana", "cy"), ("bob",)]


def test_nested_agreed_spans_stay_separate_and_the_curated_layer_is_left_out() -> None:
    spans = [
        span("ana", "CLAIM", 0, 30),
        span("bob", "CLAIM", 0, 30),
        span("ana", "ACTOR", 5, 10),
        span("bob", "ACTOR", 5, 10),
        span(CURATION_ANNOTATOR, "LOCATION", 0, 3),
    ]
    curation = compute_units(spans)
    assert curation.annotators == ("ana", "bob")
    assert [u.agreed for u in curation.units] == [True, True]


def test_relations_agree_when_type_and_both_ends_match() -> None:
    a_claim, a_actor = span("ana", "CLAIM", 0, 10), span("ana", "ACTOR", 20, 25)
    b_claim, b_actor = span("bob", "CLAIM", 0, 10), span("bob", "ACTOR", 20, 25)
    a_fig, b_fig = span("ana", "CASUALTY_FIGURE", 30, 35), span("bob", "CASUALTY_FIGURE", 30, 35)
    relations = [
        relation("ana", "ATTRIBUTED_TO", a_claim, a_actor),
        relation("bob", "ATTRIBUTED_TO", b_claim, b_actor),
        relation("ana", "AFFECTS", a_fig, a_actor),
    ]
    curation = compute_units([a_claim, a_actor, b_claim, b_actor, a_fig, b_fig], relations)
    kinds = [(u.kind, u.agreed) for u in curation.units]
    assert kinds.count((UnitKind.SPANS, True)) == 3
    assert (UnitKind.RELATIONS, True) in kinds
    (disputed,) = curation.disagreements
    assert disputed.kind is UnitKind.RELATIONS
    assert disputed.alternative_of("bob").empty
    assert disputed.alternative_of("ana").relations[0].type == "AFFECTS"


def test_a_relation_unit_names_type_and_ends_and_marks_only_the_ends() -> None:
    text = (
        "Seven were killed.\n\n" + "Filler paragraph. " * 10 + "\n\nThe Kell Valley Defence Front"
    )
    figure, front = (0, 5), (text.index("The Kell"), len(text))
    a_fig, a_actor = span("ana", "CASUALTY_FIGURE", *figure), span("ana", "ACTOR", *front)
    b_fig, b_actor = span("bob", "CASUALTY_FIGURE", *figure), span("bob", "ACTOR", *front)
    relations = [
        relation("ana", "AFFECTED_BY", a_fig, a_actor),
        relation("bob", "CAUSED_BY", b_fig, b_actor),
    ]
    (unit,) = compute_units([a_fig, a_actor, b_fig, b_actor], relations).disagreements
    assert (unit.start, unit.end) == (0, len(text))  # the hull, still used for ordering
    assert unit.marks == (figure, front)
    assert unit.covers(2)
    assert unit.covers(front[0])
    assert not unit.covers(30)
    assert unit.title(text) == "Seven —AFFECTED_BY/CAUSED_BY→ The Kell Valley Defence Front"
    assert (
        unit.alternative_of("bob").describe(text)
        == "Seven —CAUSED_BY→ The Kell Valley Defence Front"
    )
    assert unit.alternative_of("ana").relations[0].describe() == (
        f"CASUALTY_FIGURE 0-5 —AFFECTED_BY→ ACTOR {front[0]}-{front[1]}"
    )
    (claim,) = compute_units([span("ana", "CLAIM", 0, 100)]).units
    assert claim.marks == ((0, 100),)
    assert claim.title(text).endswith("…")
    assert "\n" not in claim.title(text)


class Layer:
    """A document in the in-memory store with the annotators' spans, curated by plans."""

    def __init__(self, spans: list[Span], relations: list[Relation] = ()) -> None:  # type: ignore[assignment]
        self.store = MemoryStore({DOC: 100})
        self.store.spans = {s.id: s for s in spans}
        self.store.relations = {r.id: r for r in relations}
        self.store._next_span = self.store._next_relation = 10_000
        self.applied = 0

    def layer(self) -> CuratedLayer:
        return CuratedLayer.of(DOC, self.store.spans.values(), self.store.relations.values())

    def curation(self):  # type: ignore[no-untyped-def]
        return compute_units(self.store.spans.values(), self.store.relations.values())

    def run(self, plan) -> None:  # type: ignore[no-untyped-def]
        while (edit := plan()) is not None:
            EditApplier(self.store, SCHEMA, T0).apply(edit)
            self.applied += 1
            assert self.applied < 10, "plans must converge"

    def curated(self) -> set[tuple[str, int, int]]:
        return set(self.layer().spans)


def test_auto_merge_copies_agreed_spans_and_relations_once() -> None:
    a_claim, a_actor = span("ana", "CLAIM", 0, 10), span("ana", "ACTOR", 20, 25)
    b_claim, b_actor = span("bob", "CLAIM", 0, 10), span("bob", "ACTOR", 20, 25)
    doc = Layer(
        [a_claim, a_actor, b_claim, b_actor, span("ana", "LOCATION", 50, 60)],
        [
            relation("ana", "ATTRIBUTED_TO", a_claim, a_actor),
            relation("bob", "ATTRIBUTED_TO", b_claim, b_actor),
        ],
    )
    doc.run(lambda: plan_auto_merge(doc.curation(), doc.layer()))
    assert doc.curated() == {("CLAIM", 0, 10), ("ACTOR", 20, 25)}
    assert list(doc.layer().relations) == [("ATTRIBUTED_TO", ("CLAIM", 0, 10), ("ACTOR", 20, 25))]
    assert doc.applied == 2  # spans, then the relation between them
    doc.run(lambda: plan_auto_merge(doc.curation(), doc.layer()))
    assert doc.applied == 2  # idempotent


def test_accept_switch_and_reject_a_disagreement() -> None:
    doc = Layer([span("ana", "LOCATION", 10, 15), span("bob", "LOCATION", 10, 18)])
    (unit,) = doc.curation().units
    ana, bob = unit.alternative_of("ana"), unit.alternative_of("bob")
    doc.run(lambda: plan_choice(unit, ana, doc.layer()))
    assert doc.curated() == {("LOCATION", 10, 15)}
    assert doc.layer().state(unit) == ana
    doc.run(lambda: plan_choice(unit, ana, doc.layer()))
    assert doc.applied == 1  # accepting again changes nothing
    doc.run(lambda: plan_choice(unit, bob, doc.layer()))
    assert doc.curated() == {("LOCATION", 10, 18)}
    assert doc.layer().state(unit) == bob
    doc.run(lambda: plan_choice(unit, None, doc.layer()))
    assert doc.curated() == set()
    assert doc.layer().state(unit) is None


def test_accepting_other_attributes_updates_the_curated_span() -> None:
    doc = Layer([span("ana", "ACTOR", 0, 5, kind="official"), span("bob", "ACTOR", 0, 5)])
    (unit,) = doc.curation().units
    doc.run(lambda: plan_choice(unit, unit.alternative_of("ana"), doc.layer()))
    (curated,) = doc.layer().spans.values()
    assert dict(curated.attributes) == {"kind": "official"}
    doc.run(lambda: plan_choice(unit, unit.alternative_of("bob"), doc.layer()))
    (curated,) = doc.layer().spans.values()
    assert dict(curated.attributes) == {}


def test_accepting_a_relation_adds_its_missing_ends_first() -> None:
    a_fig, a_actor = span("ana", "CASUALTY_FIGURE", 0, 5), span("ana", "ACTOR", 20, 25)
    doc = Layer(
        [a_fig, a_actor, span("bob", "CASUALTY_FIGURE", 0, 5), span("bob", "ACTOR", 20, 25)],
        [relation("ana", "AFFECTS", a_fig, a_actor)],
    )
    (unit,) = doc.curation().disagreements
    doc.run(lambda: plan_choice(unit, unit.alternative_of("ana"), doc.layer()))
    assert doc.curated() == {("CASUALTY_FIGURE", 0, 5), ("ACTOR", 20, 25)}
    assert len(doc.layer().relations) == 1
    assert doc.layer().state(unit) == unit.alternative_of("ana")
    doc.run(lambda: plan_choice(unit, None, doc.layer()))
    assert len(doc.layer().relations) == 0


def test_attribute_values_of_different_types_do_not_break_the_ordering() -> None:
    spans = [
        span("ana", "CASUALTY_FIGURE", 0, 5, count=7),
        span("bob", "CASUALTY_FIGURE", 0, 5, count="seven"),
        span("cy", "CASUALTY_FIGURE", 0, 5, count=None),
    ]
    (unit,) = compute_units(spans).units
    assert len(unit.alternatives) == 3
