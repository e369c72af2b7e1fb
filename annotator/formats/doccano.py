"""doccano JSONL: sequence labelling and relation forms, UTF-16 offsets by default."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from annotator.core.annotation import AnnotatedDocument, Span
from annotator.core.errors import UserError
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.offsets import OffsetConverter, Unit
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    ImportOptions,
    Layout,
    Loss,
    LossReport,
    OutputSink,
    count_overlapping,
    describe_attributes,
    overlap_example,
)
from annotator.formats.json_writing import unconverted_bounds
from annotator.formats.offset_check import parse_offset
from annotator.formats.plain_read import as_plain_draft, plain_columns
from annotator.formats.spacy_jsonl import (
    RecordError,
    document_meta,
    draft_from_meta,
    raw_span,
    read_json_records,
    resolve_raw_spans,
    write_json_lines,
)

FORMAT_NAME = "doccano"
SEQUENCE = "sequence"
RELATION = "relation"
FORM_OPTION = "doccano_form"
"""``ExportOptions.extra`` key: ``"sequence"`` or ``"relation"``."""
_UNITS = (Unit.UTF16, Unit.CODE_POINT)
_SPAN_ID = attrgetter("id")
_RESERVED = frozenset({"text", "label", "labels", "entities", "relations", "id"})


def export_form(schema: LabelSchema, options: ExportOptions) -> str:
    """The form to write: ``options.extra["doccano_form"]``, else the relation form when the
    schema has relation types and the sequence labelling form when it has none."""
    chosen = options.extra.get(FORM_OPTION, "")
    if chosen in (SEQUENCE, RELATION):
        return chosen
    if chosen:
        raise UserError(
            f"{FORM_OPTION} must be {SEQUENCE!r} or {RELATION!r}, not {chosen!r}", code="ANN199"
        )
    return RELATION if schema.relation_types else SEQUENCE


class DoccanoExporter:
    """Writes one JSON object per line, in one of doccano's two span forms:

    - sequence labelling: ``{"text", "label": [[start, end, "LABEL"], ...], ...}``;
    - relation extraction: ``{"text", "entities": [{"id", "label", "start_offset",
      "end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}], ...}``.

    ``options.extra["doccano_form"]`` chooses; by default the relation form is written when the
    project's schema has relation types, the sequence form otherwise (see :func:`export_form`).
    Offsets are in ``options.offset_unit``: the registry's default for doccano is UTF-16 units,
    what doccano counts in; pass code points for medkit and other Python readers. The document's
    fields (:func:`~annotator.formats.spacy_jsonl.document_meta`) are top-level keys, which
    doccano keeps as the example's metadata.

    Lost: attributes (doccano has none), relations in the sequence form. Overlapping spans are
    written, but doccano drops them on import unless the project allows overlapping spans, so
    they are reported too.
    """

    name = FORMAT_NAME
    layout = Layout.FILE
    capabilities = Capabilities(overlaps=False, relations=True, attributes=False)

    def write(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        sink: OutputSink,
        options: ExportOptions,
    ) -> LossReport:
        form = export_form(schema, options)
        unit = options.offset_unit
        report = LossReport()

        def records() -> Iterator[dict[str, Any]]:
            for item in items:
                _add_losses(report, item, form)
                yield to_record(item, form, unit)

        with sink.main_binary() as out:
            write_json_lines(records(), out)
        return report

    def losses(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        options: ExportOptions | None = None,
    ) -> LossReport:
        form = export_form(schema, options or ExportOptions())
        report = LossReport()
        for item in items:
            _add_losses(report, item, form)
        return report


def to_record(item: AnnotatedDocument, form: str, unit: Unit) -> dict[str, Any]:
    text = item.document.text
    spans = item.spans
    bounds = unconverted_bounds(text, spans, unit)
    if bounds is None:
        conv = OffsetConverter(text)
        bounds = [
            (conv.from_codepoint(s.start, unit), conv.from_codepoint(s.end, unit)) for s in spans
        ]
    record: dict[str, Any] = {"text": text}
    if form == SEQUENCE:
        record["label"] = [
            [start, end, s.label] for s, (start, end) in zip(spans, bounds, strict=True)
        ]
    else:
        ids = _local_ids(spans)
        record["entities"] = [
            {"id": id_, "label": s.label, "start_offset": start, "end_offset": end}
            for id_, s, (start, end) in zip(ids, spans, bounds, strict=True)
        ]
        by_span = dict(zip(map(_SPAN_ID, spans), ids, strict=True)) if item.relations else {}
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
    record.update(document_meta(item.document))
    return record


def _local_ids(spans: Sequence[Span]) -> list[int]:
    """Span ids when they are usable as entity ids (set and unique), else 1, 2, 3..."""
    ids = list(map(int, map(_SPAN_ID, spans)))
    if all(ids) and len(set(ids)) == len(ids):
        return ids
    return list(range(1, len(spans) + 1))


def _add_losses(report: LossReport, item: AnnotatedDocument, form: str) -> None:
    """Add what doccano cannot carry of one document to ``report``."""
    with_attributes = [s for s in item.spans if s.attributes]
    if with_attributes:
        first = with_attributes[0]
        report.add(
            Loss.ATTRIBUTES,
            sum(len(s.attributes) for s in with_attributes),
            describe_attributes(first.label, first.attributes),
        )
    if form == SEQUENCE and item.relations:
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


class DoccanoImporter:
    """Reads both forms, one JSON object per line (or a pretty-printed export of one object).

    The unit is ``options.offset_unit`` if given; otherwise it is detected per document between
    UTF-16 units (the default) and code points (what medkit and scripts write): they differ only
    after a character outside the BMP such as an emoji, and the unit whose spans fall on word
    boundaries wins (the draft's note says so). Records with start >= end, offsets outside the
    text, category labels (text classification) or relations to unknown entities fail with their
    line; identical spans (same label and extent) are imported once.
    """

    name = FORMAT_NAME

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        yield from read_json_records(
            path, lambda record, origin: from_record(record, origin, options)
        )


_NO_ID = object()
_record = tuple.__new__
"""``_record(SpanRecord, fields)`` makes a SpanRecord without a Python call per span."""


def from_record(record: object, origin: str, options: ImportOptions) -> AnnotatedDraft | PlainDraft:
    if not isinstance(record, Mapping):
        raise RecordError("expected a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise RecordError("no 'text' string (doccano needs one per example)")
    if options.plain and type(record) is dict:
        plain = _plain(record, text, origin, options)
        if plain is not None:
            return plain
    keys: list[str] = []
    found: list[tuple[int, int, str, str | None]] = []
    relations: list[tuple[str, str, str]] = []
    if "entities" in record and not isinstance(record["entities"], list):
        raise RecordError("'entities' must be a list")
    if isinstance(record.get("entities"), list):
        for i, entity in enumerate(record["entities"]):
            # type(...) is dict first: ABC isinstance checks cost more than the rest of a span
            if type(entity) is dict or isinstance(entity, Mapping):
                start, end = entity.get("start_offset"), entity.get("end_offset")
                if type(start) is not int:
                    start = parse_offset(start, f"entities[{i}].start_offset")
                if type(end) is not int:
                    end = parse_offset(end, f"entities[{i}].end_offset")
                label = entity.get("label")
                if type(label) is not str or not label:
                    raise RecordError(f"entities[{i}]: the label must be a non-empty string")
                found.append((start, end, label, None))
                key = entity.get("id", _NO_ID)
                keys.append(f"#{i}" if key is _NO_ID else key if type(key) is str else str(key))
            else:
                found.append(raw_span(entity, f"entities[{i}]"))
                keys.append(f"#{i}")
        relations = _relations(record.get("relations"), set(keys))
    else:
        raw = record.get("label", record.get("labels", []))
        if not isinstance(raw, list):
            raise RecordError("'label' must be a list of [start, end, label]")
        if any(isinstance(item, str) for item in raw):
            raise RecordError("'label' holds categories (a text classification export), not spans")
        found = [raw_span(item, f"label[{i}]") for i, item in enumerate(raw)]
        keys = [f"#{i}" for i in range(len(found))]
    spans, note = resolve_raw_spans(text, found, options, Unit.UTF16, _UNITS)
    records: list[SpanRecord] = []
    first_key: dict[tuple[str, int, int], str] = {}
    alias: dict[str, str] = {}
    annotator = options.annotator
    for key, (start, end), (_, _, label, _) in zip(keys, spans, found, strict=True):
        known = len(first_key)
        seen = first_key.setdefault((label, start, end), key)
        if len(first_key) == known:  # the same span again: relations to it go to the first
            alias[key] = seen
            continue
        records.append(_record(SpanRecord, (key, label, start, end, {}, annotator, "", ())))
    meta = {k: v for k, v in record.items() if k not in _RESERVED}
    draft, status = draft_from_meta(text, meta, foreign_id=record.get("id"))
    relation_records = tuple(
        RelationRecord(
            kind, alias.get(source, source), alias.get(target, target), options.annotator
        )
        for kind, source, target in relations
    )
    return AnnotatedDraft(draft, origin, tuple(records), relation_records, status, note)


_ENTITY = itemgetter("start_offset", "end_offset", "label")
_TRIPLE = itemgetter(0, 1, 2)


def _plain(
    record: dict[str, Any], text: str, origin: str, options: ImportOptions
) -> PlainDraft | None:
    """The example as a PlainDraft when its spans are all usual ones (see
    :mod:`annotator.formats.plain_read`), read column by column; else ``None``."""
    relations = record.get("relations")
    if relations is not None and relations != []:
        return None
    pick: Callable[[Any], tuple[Any, ...]] = _ENTITY
    if "entities" in record:
        raw = record["entities"]
    else:
        raw, pick = record.get("label", record.get("labels", [])), _TRIPLE
    if type(raw) is not list or not raw:
        return None
    try:
        starts, ends, labels = zip(*map(pick, raw), strict=True)
    except (KeyError, TypeError, IndexError, ValueError):
        return None
    units = (options.offset_unit,) if options.offset_unit else _UNITS
    columns = plain_columns(text, labels, starts, ends, None, units, once=True)
    if columns is None:
        return None
    meta = {k: v for k, v in record.items() if k not in _RESERVED}
    draft, status = draft_from_meta(text, meta, foreign_id=record.get("id"))
    return as_plain_draft(draft, origin, columns, options.annotator, status)


def _relations(raw: object, keys: set[str]) -> list[tuple[str, str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RecordError("'relations' must be a list")
    out = []
    for i, relation in enumerate(raw):
        where = f"relations[{i}]"
        if not isinstance(relation, Mapping):
            raise RecordError(f"{where}: expected an object with from_id, to_id and type")
        kind = relation.get("type")
        if not isinstance(kind, str) or not kind:
            raise RecordError(f"{where}: the type must be a non-empty string")
        ends = []
        for name in ("from_id", "to_id"):
            value = relation.get(name)
            if value is None or str(value) not in keys:
                raise RecordError(f"{where}: {name} {value!r} names no entity of this example")
            ends.append(str(value))
        out.append((kind, ends[0], ends[1]))
    return out


EXPORTER = DoccanoExporter()
IMPORTER = DoccanoImporter()
