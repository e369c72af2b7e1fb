"""Hypothesis strategies that build random, mostly valid edits against a store's current state."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import strategies as st

from annotator.core.edits import (
    AddRelation,
    AddSpan,
    Batch,
    Edit,
    RelabelSpan,
    RemoveRelation,
    RemoveSpan,
    ResizeSpan,
    RetypeRelation,
    SetAttribute,
)
from annotator.core.ids import DocumentId
from annotator.core.schema import AttributeType, AttributeValue, LabelSchema, schema_from_mapping

TEMPLATE = Path(__file__).resolve().parents[2] / "resources" / "schemas" / "news-events.toml"


def news_schema() -> LabelSchema:
    return schema_from_mapping(tomllib.loads(TEMPLATE.read_text(encoding="utf-8")))


SCHEMA = news_schema()
LABELS = SCHEMA.label_names
RELATION_TYPES = tuple(rt.name for rt in SCHEMA.relation_types)


def attribute_value(label: str, draw: st.DrawFn) -> tuple[str, AttributeValue | None] | None:
    definition = SCHEMA.label(label)
    assert definition is not None
    if not definition.attributes:
        return None
    attribute = draw(st.sampled_from(definition.attributes))
    value: AttributeValue | None
    if attribute.type is AttributeType.CHOICE:
        value = draw(st.sampled_from((*attribute.choices, None)))
    elif attribute.type is AttributeType.INTEGER:
        value = draw(st.one_of(st.none(), st.integers(-5, 10_000)))
    elif attribute.type is AttributeType.FLAG:
        value = draw(st.one_of(st.none(), st.booleans()))
    else:
        value = draw(st.one_of(st.none(), st.text(max_size=10)))
    return attribute.name, value


@st.composite
def edit_for(
    draw: st.DrawFn,
    document_id: DocumentId,
    length: int,
    span_ids: list[int],
    relation_ids: list[int],
    span_labels: dict[int, str],
) -> Edit:
    """One edit chosen against the current state (ids that exist, ranges inside the text)."""

    def new_range() -> tuple[int, int]:
        start = draw(st.integers(0, length - 1))
        end = draw(st.integers(start + 1, min(length, start + 30)))
        return start, end

    kinds = ["add"]
    if span_ids:
        kinds += ["remove", "relabel", "resize", "attribute", "relate"]
    if relation_ids:
        kinds += ["unrelate", "retype"]
    kind = draw(st.sampled_from(kinds))
    if kind == "add":
        start, end = new_range()
        return AddSpan(document_id, draw(st.sampled_from(LABELS)), start, end, {}, "tester")
    if kind == "relate":
        source = draw(st.sampled_from(span_ids))
        target = draw(st.sampled_from(span_ids))
        return AddRelation(document_id, draw(st.sampled_from(RELATION_TYPES)), source, target, "t")
    if kind in ("unrelate", "retype"):
        relation = draw(st.sampled_from(relation_ids))
        if kind == "unrelate":
            return RemoveRelation(relation)
        return RetypeRelation(relation, draw(st.sampled_from(RELATION_TYPES)))
    span = draw(st.sampled_from(span_ids))
    if kind == "remove":
        return RemoveSpan(span)
    if kind == "relabel":
        return RelabelSpan(span, draw(st.sampled_from(LABELS)))
    if kind == "resize":
        start, end = new_range()
        return ResizeSpan(span, start, end)
    found = attribute_value(span_labels[span], draw)
    if found is None:
        return Batch((RemoveSpan(span),), "Delete one")
    return SetAttribute(span, found[0], found[1])
