"""Hypothesis strategies that build random, mostly valid edits against a store's current state."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import strategies as st

from annotator.core.edits import (
    AddFragment,
    AddRelation,
    AddSpan,
    Batch,
    Edit,
    RelabelSpan,
    RemoveFragment,
    RemoveRelation,
    RemoveSpan,
    ResizeSpan,
    RetypeRelation,
    SetAttribute,
    SetDocumentComment,
    SetRelationComment,
    SetSpanComment,
)
from annotator.core.ids import DocumentId
from annotator.core.schema import AttributeType, AttributeValue, LabelSchema, schema_from_mapping

TEMPLATE = Path(__file__).resolve().parents[2] / "resources" / "schemas" / "news-events.toml"


def news_schema() -> LabelSchema:
    return schema_from_mapping(tomllib.loads(TEMPLATE.read_text(encoding="utf-8")))


SCHEMA = news_schema()
COMMENTS = st.sampled_from(("", "check the source", "Zweifel: 2 or 3?", "line\nbreak"))
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
    span_pieces: dict[int, tuple[tuple[int, int], ...]] | None = None,
) -> Edit:
    """One edit chosen against the current state (ids that exist, ranges inside the text);
    ``span_pieces`` (each span's pieces) lets fragment removals hit real pieces."""

    def new_range() -> tuple[int, int]:
        start = draw(st.integers(0, length - 1))
        end = draw(st.integers(start + 1, min(length, start + 30)))
        return start, end

    kinds = ["add", "document comment"]
    if span_ids:
        kinds += ["remove", "relabel", "resize", "attribute", "relate"]
        kinds += ["fragment", "fragment", "unfragment", "comment"]
    if relation_ids:
        kinds += ["unrelate", "retype", "relation comment"]
    kind = draw(st.sampled_from(kinds))
    if kind == "add":
        start, end = new_range()
        return AddSpan(document_id, draw(st.sampled_from(LABELS)), start, end, {}, "tester")
    if kind == "document comment":
        return SetDocumentComment(document_id, draw(COMMENTS))
    if kind == "relation comment":
        return SetRelationComment(draw(st.sampled_from(relation_ids)), draw(COMMENTS))
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
    if kind == "fragment":
        start, end = new_range()
        return AddFragment(span, start, end)
    if kind == "unfragment":
        pieces = (span_pieces or {}).get(span)
        if not pieces:
            start, end = new_range()
            return RemoveFragment(span, start, end)
        piece_start, piece_end = draw(st.sampled_from(pieces))
        start = draw(st.integers(piece_start, piece_end - 1))
        end = draw(st.integers(start + 1, piece_end))
        return RemoveFragment(span, start, end)
    if kind == "comment":
        return SetSpanComment(span, draw(COMMENTS))
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
