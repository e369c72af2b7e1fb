"""fast_constructor builds values indistinguishable from the dataclass's own."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from annotator.core.annotation import Relation, Span
from annotator.core.document import DocumentDraft
from annotator.core.frozen import fast_constructor
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.core.interchange import RelationRecord

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_values_equal_those_of_the_dataclass_constructor() -> None:
    values = (SpanId(3), DocumentId(1), "ACTOR", 0, 5, {"n": 1}, "ann", T0, T0, 2, ((0, 2),), "c")
    made = fast_constructor(Span)(*values)
    reference = Span(*values)
    assert type(made) is Span
    assert made == reference
    assert repr(made) == repr(reference)
    assert dataclasses.astuple(made) == dataclasses.astuple(reference)
    assert dataclasses.replace(made, label="PLACE").label == "PLACE"
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.label = "PLACE"  # type: ignore[misc]
    relation = (RelationId(1), DocumentId(1), "t", SpanId(1), SpanId(2), "", T0, None, 1, "")
    assert fast_constructor(Relation)(*relation) == Relation(*relation)
    record = ("works_for", "T1", "T2", "ann", "")
    assert fast_constructor(RelationRecord)(*record) == RelationRecord(*record)


def test_classes_it_cannot_build_are_refused() -> None:
    with pytest.raises(TypeError, match="DocumentDraft"):
        fast_constructor(DocumentDraft)  # has a field outside __init__ and __post_init__


def test_restoring_builds_a_class_with_derived_fields_as_given() -> None:
    reference = DocumentDraft("Rebels shelled Aleppo.", title="t", metadata={"k": 1})
    values = [getattr(reference, field.name) for field in dataclasses.fields(DocumentDraft)]
    made = fast_constructor(DocumentDraft, restoring=True)(*values)
    assert type(made) is DocumentDraft
    assert made == reference
    assert made.content_hash == reference.content_hash
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.title = "other"  # type: ignore[misc]
