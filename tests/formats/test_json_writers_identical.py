"""The faster JSON-family writers write exactly the bytes, and report exactly the losses, that
the straightforward writers they replaced did (kept here as the reference), on varied data:
emoji and other astral characters before spans (code points, UTF-16 units and UTF-8 bytes
differ), escapes and control characters, floats and huge integers in metadata, attributes of
every type, discontinuous and commented spans, relations within and across annotators, span
ids that cannot serve as entity ids, a done document without spans, every offset unit."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.document import Document, DocumentStatus, content_hash
from annotator.core.errors import OffsetError
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.core.offsets import OffsetConverter, Unit
from annotator.core.schema import LabelSchema
from annotator.formats import doccano, jsontext, label_studio, native_jsonl, spacy_jsonl
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    Loss,
    LossReport,
    count_overlapping,
    describe_attributes,
    overlap_example,
    shape_losses,
)
from tests.formats.conftest import Export, round_trip_schema

T0 = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
PIECES = [
    "Rebels shelled Aleppo.",
    " The ministry 🏛 said",
    " 12 civilians",
    ' "quoted" \\ back\\slash',
    " tab\there, new\nline",
    " 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 maths",
    " 北京 reported",
    " a\u2028separator",
    " control \x01\x1f chars",
    " Aleppo’s east 👩‍👩‍👧.",
]
LABELS = ("ACTOR", "LOCATION", "CLAIM", "CASUALTY_FIGURE", "UNKNOWN")
ATTRIBUTES: list[dict[str, Any]] = [
    {},
    {},
    {"kind": "non-state armed group"},
    {"kind": "official", "comment": 'the "ministry" 🏛\n of health'},
    {"certainty": "reported", "disputed": True},
    {"certainty": "denied", "disputed": False},
    {"count": 12, "outcome": "killed"},
    {"count": -3},
    {"count": 2**70},
    {"kind": "not a choice"},
    {"made_up": "x"},
]
METADATA: list[dict[str, Any]] = [
    {},
    {"tags": ["x", "ÿ"], "score": 0.1, "n": 1},
    {"nested": {"a": [1.5, None, True]}, "émoji": "🏛"},
    {"huge": 2**80, "tiny": 1e-300, "big": 1.7976931348623157e308},
]


def _documents(count: int, seed: int) -> list[AnnotatedDocument]:
    rng = random.Random(seed)
    plus_two = timezone(timedelta(hours=2))
    made = []
    for n in range(1, count + 1):
        text = "".join(rng.sample(PIECES, rng.randint(2, len(PIECES))))
        document = Document(
            id=DocumentId(n),
            text=text,
            content_hash=content_hash(text),
            title=rng.choice(["", f"Doc {n}", 'A "title" 🏛']),
            source=rng.choice(["", "wire"]),
            url=rng.choice(["", "https://example.org/a?b=c&d=\u00e9"]),
            published=rng.choice([None, date(2016, 5, 3)]),
            metadata=rng.choice(METADATA),
            external_id=rng.choice(["", f"ext-{n}"]),
            status=rng.choice(list(DocumentStatus)),
            version=rng.randint(1, 4),
            created_at=T0,
            comment=rng.choice(["", "", 'check "this" 🏛']),
        )
        spans = []
        ids = rng.choice(["unique", "unique", "zero", "duplicate"])
        for k in range(rng.randint(0, 12)):
            start = rng.randrange(len(text))
            end = rng.randint(start + 1, min(len(text), start + 30))
            fragments: tuple[tuple[int, int], ...] = ()
            if end - start > 4 and rng.random() < 0.15:
                fragments = ((start, start + 1), (end - 1, end))
            span_id = {"unique": k + 1, "zero": 0, "duplicate": k % 3 + 1}[ids]
            updated = T0 if rng.random() < 0.7 else (T0 + timedelta(seconds=k)).astimezone(plus_two)
            spans.append(
                Span(
                    SpanId(span_id),
                    document.id,
                    rng.choice(LABELS),
                    start,
                    end,
                    rng.choice(ATTRIBUTES),
                    rng.choice(["ann", "ann", "bob", "", "curation"]),
                    T0,
                    updated,
                    version=rng.randint(1, 3),
                    fragments=fragments,
                    comment=rng.choice(["", "", "", 'why 🏛 "so"']),
                )
            )
        spans.sort(key=lambda s: (s.start, s.end, s.id))
        relations = []
        for k in range(rng.randint(0, 4) if spans else 0):
            source, target = rng.choice(spans), rng.choice(spans)
            relations.append(
                Relation(
                    RelationId(rng.choice([0, k + 1])),
                    document.id,
                    rng.choice(["ATTRIBUTED_TO", "LOCATED_IN"]),
                    source.id if rng.random() < 0.9 else SpanId(999),
                    target.id,
                    rng.choice([source.annotator, "bob"]),
                    T0,
                    T0,
                    comment=rng.choice(["", "because"]),
                )
            )
        made.append(AnnotatedDocument(document, tuple(spans), tuple(relations)))
    return made


DOCUMENTS = _documents(60, seed=5)


# -- the writers as they were ---------------------------------------------------------------------


def _old_native(item: AnnotatedDocument) -> dict[str, Any]:
    document = item.document
    text = document.text

    def span_record(span: Span) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": span.id,
            "label": span.label,
            "start": span.start,
            "end": span.end,
            "text": text[span.start : span.end],
            "attributes": dict(span.attributes),
            "annotator": span.annotator,
            "created_at": span.created_at,
            "updated_at": span.updated_at,
        }
        if span.fragments:
            record["fragments"] = [[a, b] for a, b in span.fragments]
        if span.comment:
            record["comment"] = span.comment
        return record

    return {
        "format": "annotator",
        "format_version": native_jsonl.FORMAT_VERSION,
        "offset_unit": "codepoint",
        "id": document.id,
        "external_id": document.external_id,
        "title": document.title,
        "source": document.source,
        "url": document.url,
        "published": document.published.isoformat() if document.published else None,
        "status": document.status.value,
        "content_hash": document.content_hash,
        "metadata": dict(document.metadata),
        "text": text,
        "spans": [span_record(span) for span in item.spans],
        "relations": [
            {
                "id": relation.id,
                "type": relation.type,
                "source": relation.source,
                "target": relation.target,
                "annotator": relation.annotator,
                "created_at": relation.created_at,
                "updated_at": relation.updated_at,
                **({"comment": relation.comment} if relation.comment else {}),
            }
            for relation in item.relations
        ],
        **({"comment": document.comment} if document.comment else {}),
    }


def _old_local_ids(spans: Sequence[Span]) -> list[int]:
    ids = [int(s.id) for s in spans]
    if all(ids) and len(set(ids)) == len(ids):
        return ids
    return list(range(1, len(spans) + 1))


def _old_doccano(item: AnnotatedDocument, form: str, unit: Unit) -> dict[str, Any]:
    text = item.document.text
    conv = OffsetConverter(text)
    record: dict[str, Any] = {"text": text}
    if form == doccano.SEQUENCE:
        record["label"] = [
            [conv.from_codepoint(s.start, unit), conv.from_codepoint(s.end, unit), s.label]
            for s in item.spans
        ]
    else:
        ids = _old_local_ids(item.spans)
        record["entities"] = [
            {
                "id": ids[i],
                "label": s.label,
                "start_offset": conv.from_codepoint(s.start, unit),
                "end_offset": conv.from_codepoint(s.end, unit),
            }
            for i, s in enumerate(item.spans)
        ]
        by_span = {s.id: ids[i] for i, s in enumerate(item.spans)}
        record["relations"] = [
            {
                "id": r.id or n + 1,
                "from_id": by_span[r.source],
                "to_id": by_span[r.target],
                "type": r.type,
            }
            for n, r in enumerate(item.relations)
            if r.source in by_span and r.target in by_span
        ]
    record.update(spacy_jsonl.document_meta(item.document))
    return record


def _old_doccano_losses(item: AnnotatedDocument, form: str) -> LossReport:
    report = LossReport()
    with_attributes = [s for s in item.spans if s.attributes]
    if with_attributes:
        first = with_attributes[0]
        report.add(
            Loss.ATTRIBUTES,
            sum(len(s.attributes) for s in with_attributes),
            describe_attributes(first.label, first.attributes),
        )
    if form == doccano.SEQUENCE and item.relations:
        report.add(
            Loss.RELATIONS,
            len(item.relations),
            f"{item.relations[0].type} (the sequence labelling form has no relations)",
        )
    overlapping = count_overlapping(item)
    if overlapping:
        report.add(
            Loss.OVERLAPS,
            overlapping,
            overlap_example(item),
            note="written, but doccano drops them unless the project allows overlapping spans",
        )
    return report


def _old_spacy(item: AnnotatedDocument) -> dict[str, Any]:
    text = item.document.text
    return {
        "text": text,
        "spans": [
            {"start": s.start, "end": s.end, "label": s.label, "text": text[s.start : s.end]}
            for s in item.spans
        ],
        "meta": spacy_jsonl.document_meta(item.document),
    }


def _old_spacy_losses(item: AnnotatedDocument) -> LossReport:
    report = LossReport()
    if item.relations:
        first = item.relations[0]
        report.add(
            Loss.RELATIONS, len(item.relations), f"{first.type} in document {first.document_id}"
        )
    for span in item.spans:
        if span.attributes:
            shown = describe_attributes(span.label, span.attributes)
            report.add(Loss.ATTRIBUTES, len(span.attributes), shown)
    return report


class _OldTaskWriter:
    def __init__(self, schema: LabelSchema, options: ExportOptions) -> None:
        self.options = options
        self.report = LossReport()
        self.controls: dict[tuple[str, str], label_studio.AttributeControl] = {}
        for control in label_studio.attribute_controls(schema):
            for label in control.labels:
                self.controls[(label, control.attribute.name)] = control
        self.relation = label_studio._TaskWriter(schema, options)
        self.relation.report = self.report

    def task(self, item: AnnotatedDocument) -> dict[str, Any]:
        document = item.document
        conv = OffsetConverter(document.text)
        ids = [int(s.id) for s in item.spans]
        if all(ids) and len(set(ids)) == len(ids):
            region_ids = [f"s{i}" for i in ids]
        else:
            region_ids = [f"s{n}" for n in range(1, len(item.spans) + 1)]
        by_span = {s.id: (s, region_ids[i]) for i, s in enumerate(item.spans)}
        groups: dict[str, list[dict[str, Any]]] = {}
        for span, region in zip(item.spans, region_ids, strict=True):
            groups.setdefault(span.annotator, []).extend(self._span_results(span, region, conv))
        for relation in item.relations:
            self.relation._relation(relation, by_span, groups)
        key = "predictions" if self.options.as_predictions else "annotations"
        if not groups and document.status is DocumentStatus.DONE:
            groups[""] = []
        entries = []
        for annotator, results in groups.items():
            entry: dict[str, Any] = {"result": results, "annotator": annotator}
            if self.options.as_predictions:
                entry["model_version"] = annotator or "annotator"
            else:
                entry["ground_truth"] = False
            entries.append(entry)
        data = {"text": document.text, **spacy_jsonl.document_meta(document)}
        return {"id": document.id, "data": data, key: entries}

    def _span_results(self, span: Span, region: str, conv: OffsetConverter) -> list[dict[str, Any]]:
        unit = self.options.offset_unit
        start, end = conv.from_codepoint(span.start, unit), conv.from_codepoint(span.end, unit)
        surface = conv.text[span.start : span.end]
        results: list[dict[str, Any]] = [
            {
                "id": region,
                "from_name": label_studio.LABELS_NAME,
                "to_name": label_studio.TEXT_NAME,
                "type": "labels",
                "value": {"start": start, "end": end, "text": surface, "labels": [span.label]},
            }
        ]
        for name, value in span.attributes.items():
            control = self.controls.get((span.label, name))
            payload = label_studio._attribute_payload(control, value) if control else None
            if control is None or payload is None:
                why = "not in the schema" if control is None else "does not fit its definition"
                self.report.add(Loss.ATTRIBUTES, 1, f"{span.label} {name}={value!r} ({why})")
                continue
            value_out: dict[str, Any] = {"start": start, "end": end}
            if control.result_type != "textarea":
                value_out["text"] = surface
            value_out.update(payload)
            results.append(
                {
                    "id": region,
                    "from_name": control.name,
                    "to_name": label_studio.TEXT_NAME,
                    "type": control.result_type,
                    "value": value_out,
                }
            )
        return results


def _lines(records: Iterator[dict[str, Any]]) -> bytes:
    return b"".join(jsontext.dumps_bytes(record, newline=True) for record in records)


def _array(records: Iterator[dict[str, Any]]) -> bytes:
    out = [b"["]
    first = True
    for record in records:
        out.append(b"\n" if first else b",\n")
        out.append(jsontext.dumps_bytes(record))
        first = False
    out.append(b"\n]\n")
    return b"".join(out)


def _same_report(found: LossReport, expected: LossReport) -> None:
    assert dict(found.counts) == dict(expected.counts)
    assert found.examples == expected.examples
    assert found.lines() == expected.lines()


# -- the comparisons ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 60])
def test_native_jsonl_bytes_are_unchanged(export: Export, count: int) -> None:
    items = DOCUMENTS[:count]
    path, losses = export(native_jsonl.EXPORTER, items, "out.jsonl")
    assert path.read_bytes() == _lines(_old_native(item) for item in items)
    assert losses.empty
    assert [native_jsonl.annotated_to_record(item) for item in items] == [
        _old_native(item) for item in items
    ]


@pytest.mark.parametrize("unit", list(Unit))
@pytest.mark.parametrize("form", [doccano.SEQUENCE, doccano.RELATION])
def test_doccano_bytes_and_losses_are_unchanged(export: Export, form: str, unit: Unit) -> None:
    options = ExportOptions(offset_unit=unit, extra={doccano.FORM_OPTION: form})
    path, losses = export(doccano.EXPORTER, DOCUMENTS, "out.jsonl", options=options)
    assert path.read_bytes() == _lines(_old_doccano(item, form, unit) for item in DOCUMENTS)
    expected = LossReport()
    for item in DOCUMENTS:
        expected.merge(_old_doccano_losses(item, form))
    _same_report(losses, expected)
    _same_report(doccano.EXPORTER.losses(iter(DOCUMENTS), round_trip_schema(), options), expected)


def test_spacy_jsonl_bytes_and_losses_are_unchanged(export: Export) -> None:
    path, losses = export(spacy_jsonl.EXPORTER, DOCUMENTS, "out.jsonl")
    assert path.read_bytes() == _lines(_old_spacy(item) for item in DOCUMENTS)
    expected = LossReport()
    for item in DOCUMENTS:
        expected.merge(_old_spacy_losses(item))
    _same_report(losses, expected)
    _same_report(
        spacy_jsonl.EXPORTER.losses(iter(DOCUMENTS), round_trip_schema(), ExportOptions()),
        expected,
    )


@pytest.mark.parametrize("predictions", [False, True])
@pytest.mark.parametrize("unit", list(Unit))
@pytest.mark.parametrize("count", [0, 1, 60])
def test_label_studio_bytes_and_losses_are_unchanged(
    export: Export, unit: Unit, predictions: bool, count: int
) -> None:
    items = DOCUMENTS[:count]
    options = ExportOptions(offset_unit=unit, as_predictions=predictions)
    path, losses = export(label_studio.EXPORTER, items, "out.json", options=options)
    old = _OldTaskWriter(round_trip_schema(), options)
    assert path.read_bytes() == _array(old.task(item) for item in items)
    _same_report(losses, old.report)


def _out_of_range() -> AnnotatedDocument:
    item = DOCUMENTS[1]
    text = item.document.text
    bad = Span(SpanId(77), item.document.id, "ACTOR", len(text) - 1, len(text) + 3, {}, "ann")
    return AnnotatedDocument(item.document, (*item.spans, bad), ())


@pytest.mark.parametrize("unit", list(Unit))
def test_an_offset_outside_the_text_fails_as_before(unit: Unit) -> None:
    item = _out_of_range()
    with pytest.raises(OffsetError) as old:
        _old_doccano(item, doccano.RELATION, unit)
    with pytest.raises(OffsetError) as new:
        doccano.to_record(item, doccano.RELATION, unit)
    assert str(new.value) == str(old.value)
    options = ExportOptions(offset_unit=unit)
    with pytest.raises(OffsetError) as old:
        _OldTaskWriter(round_trip_schema(), options).task(item)
    with pytest.raises(OffsetError) as new:
        label_studio._TaskWriter(round_trip_schema(), options).task(item)
    assert str(new.value) == str(old.value)


def test_the_data_exercises_what_it_claims() -> None:
    """Guards the generator: every case the module docstring names is present."""
    texts = [item.document.text for item in DOCUMENTS]
    spans = [span for item in DOCUMENTS for span in item.spans]
    assert any(OffsetConverter(text).has_astral for text in texts)
    assert any(not OffsetConverter(text).has_astral and not text.isascii() for text in texts)
    assert any(span.fragments for span in spans)
    assert any(span.comment for span in spans)
    assert any(2**70 in dict(span.attributes).values() for span in spans)
    assert any("huge" in item.document.metadata for item in DOCUMENTS)
    assert any(not item.spans and item.document.status is DocumentStatus.DONE for item in DOCUMENTS)
    assert any(len({s.id for s in item.spans}) < len(item.spans) for item in DOCUMENTS)
    assert any(
        r.source not in {s.id for s in item.spans} for item in DOCUMENTS for r in item.relations
    )


def _old_shape_losses(item: AnnotatedDocument, capabilities: Capabilities) -> LossReport:
    report = LossReport()
    where = item.document.external_id or f"doc-{item.document.id}"
    if not capabilities.discontinuous:
        pieced = [s for s in item.spans if s.fragments]
        if pieced:
            first = pieced[0]
            shown = " … ".join(item.document.text[a:b] for a, b in first.fragments)
            report.add(Loss.DISCONTINUOUS, len(pieced), f"{where}: {first.label} {shown!r}")
    if not capabilities.notes:
        commented = [s for s in item.spans if s.comment]
        linked = [r for r in item.relations if r.comment]
        example = commented[0].comment if commented else linked[0].comment if linked else ""
        report.add(Loss.NOTES, len(commented) + len(linked), f"{where}: {example[:40]!r}")
    if not capabilities.document_notes and item.document.comment:
        report.add(Loss.NOTES, 1, f"{where}: the document's comment")
    return report


@pytest.mark.parametrize(
    "capabilities",
    [Capabilities(), Capabilities(discontinuous=True, notes=True, document_notes=True)],
)
def test_shape_losses_are_unchanged(capabilities: Capabilities) -> None:
    found, expected = LossReport(), LossReport()
    for item in DOCUMENTS:
        shape_losses(item, capabilities, found)
        expected.merge(_old_shape_losses(item, capabilities))
    _same_report(found, expected)
