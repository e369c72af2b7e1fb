"""Shared fixtures of the format tests: the round-trip document, its schema, a sink, peer files.

The round-trip document is the one in shared/design/formats.md: a curly apostrophe and an emoji
before the later spans (so code points, UTF-16 units and UTF-8 bytes all differ there), nested
spans, two relations, and attributes of every type (choice with a space in a value, integer,
flag, text).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.document import Document, content_hash
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.core.interchange import AnnotatedDraft
from annotator.core.schema import (
    AttributeDefinition,
    AttributeType,
    Label,
    LabelSchema,
    RelationType,
)
from annotator.formats.base import Exporter, ExportOptions, LossReport
from annotator.services.sinks import AtomicSink

ROUND_TRIP_TEXT = (
    "Rebels shelled Aleppo on 3 May 2016.\nThe ministry 🏛 said 12 civilians died in Aleppo’s east."
)
SHARED_FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
"""The peers' real files (../shared/fixtures beside the repository), absent in some checkouts."""


def round_trip_schema() -> LabelSchema:
    """The news-events labels, plus a flag and a text attribute so every type is exercised."""
    return LabelSchema(
        labels=(
            Label(
                "ACTOR",
                "#0072B2",
                "a",
                attributes=(
                    AttributeDefinition(
                        "kind",
                        AttributeType.CHOICE,
                        ("state", "non-state armed group", "official", "civilian", "other"),
                    ),
                    AttributeDefinition("comment", AttributeType.TEXT),
                ),
            ),
            Label("LOCATION", "#009E73", "l"),
            Label(
                "CLAIM",
                "#E69F00",
                "c",
                attributes=(
                    AttributeDefinition(
                        "certainty", AttributeType.CHOICE, ("asserted", "reported", "denied")
                    ),
                    AttributeDefinition("disputed", AttributeType.FLAG),
                ),
            ),
            Label(
                "CASUALTY_FIGURE",
                "#CC79A7",
                "f",
                attributes=(
                    AttributeDefinition("count", AttributeType.INTEGER),
                    AttributeDefinition(
                        "outcome", AttributeType.CHOICE, ("killed", "injured", "missing")
                    ),
                ),
            ),
        ),
        relation_types=(
            RelationType("ATTRIBUTED_TO", frozenset({"CLAIM"}), frozenset({"ACTOR"})),
            RelationType(
                "LOCATED_IN", frozenset({"CASUALTY_FIGURE", "ACTOR"}), frozenset({"LOCATION"})
            ),
        ),
    )


def make_document(
    text: str,
    spans: list[tuple[str, int, int, dict[str, str | int | bool]]],
    relations: list[tuple[str, int, int]] = (),  # type: ignore[assignment]
    *,
    doc_id: int = 1,
    external_id: str = "",
) -> AnnotatedDocument:
    """An AnnotatedDocument with span ids 1..n in the given order; relations name span ids."""
    document_id = DocumentId(doc_id)
    document = Document(
        id=document_id,
        text=text,
        content_hash=content_hash(text),
        title=f"Document {doc_id}",
        external_id=external_id,
    )
    made = tuple(
        Span(SpanId(n), document_id, label, start, end, attributes)
        for n, (label, start, end, attributes) in enumerate(spans, start=1)
    )
    ordered = tuple(sorted(made, key=lambda s: (s.start, s.end, s.id)))
    links = tuple(
        Relation(RelationId(n), document_id, kind, SpanId(source), SpanId(target))
        for n, (kind, source, target) in enumerate(relations, start=1)
    )
    return AnnotatedDocument(document, ordered, links)


def round_trip_document(doc_id: int = 1, external_id: str = "") -> AnnotatedDocument:
    """The formats.md document: offsets in code points (UTF-16 and UTF-8 differ after 🏛)."""
    return make_document(
        ROUND_TRIP_TEXT,
        [
            ("ACTOR", 0, 6, {"kind": "non-state armed group"}),
            ("LOCATION", 15, 21, {}),
            ("ACTOR", 37, 49, {"kind": "official", "comment": "the ministry of health"}),
            ("CLAIM", 57, 91, {"certainty": "reported", "disputed": True}),
            ("CASUALTY_FIGURE", 57, 69, {"count": 12, "outcome": "killed"}),
            ("LOCATION", 78, 84, {}),
        ],
        [("ATTRIBUTED_TO", 4, 3), ("LOCATED_IN", 5, 6)],
        doc_id=doc_id,
        external_id=external_id,
    )


def span_key(
    label: str, start: int, end: int, attributes: object = None
) -> tuple[str, int, int, tuple[tuple[str, object], ...]]:
    items = sorted(dict(attributes or {}).items())  # type: ignore[call-overload]
    return (label, start, end, tuple(items))


def original_keys(item: AnnotatedDocument, *, attributes: bool = True) -> list[object]:
    return sorted(
        span_key(s.label, s.start, s.end, s.attributes if attributes else None) for s in item.spans
    )


def original_relations(
    item: AnnotatedDocument,
) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    spans = {s.id: s for s in item.spans}
    return sorted(
        (
            r.type,
            (spans[r.source].start, spans[r.source].end),
            (spans[r.target].start, spans[r.target].end),
        )
        for r in item.relations
    )


def draft_keys(draft: AnnotatedDraft, *, attributes: bool = True) -> list[object]:
    """An imported document's spans in the form of :func:`original_keys`."""
    return sorted(
        span_key(s.label, s.start, s.end, s.attributes if attributes else None) for s in draft.spans
    )


def draft_relations(draft: AnnotatedDraft) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    """An imported document's relations in the form of :func:`original_relations`."""
    spans = {s.key: s for s in draft.spans}
    return sorted(
        (
            r.type,
            (spans[r.source].start, spans[r.source].end),
            (spans[r.target].start, spans[r.target].end),
        )
        for r in draft.relations
    )


@pytest.fixture
def schema() -> LabelSchema:
    return round_trip_schema()


@pytest.fixture
def document() -> AnnotatedDocument:
    return round_trip_document()


Export = Callable[..., tuple[Path, LossReport]]


@pytest.fixture
def export(tmp_path: Path) -> Export:
    """Write documents with an exporter through a real AtomicSink; returns (path, losses)."""

    def run(
        exporter: Exporter,
        items: list[AnnotatedDocument],
        name: str,
        schema: LabelSchema | None = None,
        options: ExportOptions = ExportOptions(),
    ) -> tuple[Path, LossReport]:
        target = tmp_path / name
        sink = AtomicSink(target, exporter.layout)
        try:
            losses = exporter.write(iter(items), schema or round_trip_schema(), sink, options)
            sink.commit()
        except BaseException:
            sink.abort()
            raise
        return target, losses

    return run


@pytest.fixture
def shared_fixtures() -> Path:
    """The peers' fixture folder; the test is skipped when ../shared is not there."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"{SHARED_FIXTURES} is not available")
    return SHARED_FIXTURES


def renumbered(item: AnnotatedDocument, doc_id: int) -> AnnotatedDocument:
    """The same annotations on a document with another id (for multi-document files)."""
    document = replace(item.document, id=DocumentId(doc_id))
    spans = tuple(replace(s, document_id=DocumentId(doc_id)) for s in item.spans)
    relations = tuple(replace(r, document_id=DocumentId(doc_id)) for r in item.relations)
    return AnnotatedDocument(document, spans, relations)
