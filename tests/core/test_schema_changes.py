"""Schema changes as values: the schema after each, and how annotations migrate (no database)."""

from __future__ import annotations

from annotator.core.annotation import Relation, Span
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.core.schema import Label, LabelSchema, RelationType
from annotator.core.schema_changes import (
    DeleteLabel,
    MergeLabels,
    RenameLabel,
    changed_schema,
    inverse_changes,
    migrate_annotations,
    scope_of,
)

DOC = DocumentId(1)
SCHEMA = LabelSchema(
    (Label("PER", "#000000", "p"), Label("ORG", "#111111", "o"), Label("LOC", "#222222")),
    (
        RelationType("MEMBER_OF", frozenset({"PER"}), frozenset({"ORG"})),
        RelationType("IN", frozenset({"PER", "ORG"}), frozenset({"LOC"})),
    ),
)


def span(id_: int, label: str, start: int, end: int) -> Span:
    return Span(SpanId(id_), DOC, label, start, end, version=2)


def relation(id_: int, type_: str, source: int, target: int) -> Relation:
    return Relation(RelationId(id_), DOC, type_, SpanId(source), SpanId(target))


def test_the_schema_after_each_change() -> None:
    renamed = changed_schema(SCHEMA, RenameLabel("ORG", "GROUP"))
    assert renamed.label_names == ("PER", "GROUP", "LOC")
    assert renamed.relation_type("IN").source_labels == {"PER", "GROUP"}
    merged = changed_schema(SCHEMA, MergeLabels("ORG", "PER"))
    assert merged.relation_type("MEMBER_OF").target_labels == {"PER"}
    deleted = changed_schema(SCHEMA, DeleteLabel("ORG"))
    assert deleted.relation_type("MEMBER_OF") is None  # no target label left
    assert deleted.relation_type("IN").source_labels == {"PER"}
    assert scope_of(MergeLabels("ORG", "PER")).labels == {"ORG", "PER"}


def test_merging_into_an_identical_span_moves_relations_and_drops_duplicates() -> None:
    spans = [
        span(1, "PER", 0, 4),
        span(2, "ORG", 0, 4),
        span(3, "LOC", 10, 14),
        span(4, "ORG", 5, 8),
    ]
    relations = [
        relation(1, "IN", 1, 3),  # PER -> LOC
        relation(2, "IN", 2, 3),  # ORG (the twin) -> LOC: the same as 1 once merged
        relation(3, "MEMBER_OF", 1, 4),  # PER -> ORG: PER -> PER, still allowed
    ]
    after = changed_schema(SCHEMA, MergeLabels("ORG", "PER"))
    labels = {s.id: s.label for s in spans}
    migration = migrate_annotations(MergeLabels("ORG", "PER"), after, spans, relations, labels)
    impact = migration.impact
    assert (impact.spans_merged, impact.spans_relabelled) == (1, 1)
    assert impact.relations_removed == 1  # relation 2 would duplicate relation 1
    changes = migration.changes
    assert [s.id for s in changes.spans_removed] == [2]
    assert [(b.label, a.label) for b, a in changes.spans_updated] == [("ORG", "PER")]
    assert [r.id for r in changes.relations_removed] == [2]
    assert changes.relations_added == ()

    back = inverse_changes(changes)
    assert back.spans_added == changes.spans_removed
    assert back.relations_added == changes.relations_removed
    assert [(b.label, a.label) for b, a in back.spans_updated] == [("PER", "ORG")]
