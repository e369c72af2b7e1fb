"""Label Studio JSON tasks with annotations or predictions, and the labelling config beside them
(the writer; the reader is :mod:`label_studio_read`, the config :mod:`label_studio_config`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from operator import attrgetter
from typing import Any, BinaryIO

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.document import DocumentStatus
from annotator.core.errors import SchemaError
from annotator.core.ids import SpanId
from annotator.core.offsets import OffsetConverter
from annotator.core.schema import AttributeType, AttributeValue, LabelSchema
from annotator.formats import jsontext
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    Layout,
    Loss,
    LossReport,
    OutputSink,
)
from annotator.formats.json_writing import unconverted_bounds, write_batched
from annotator.formats.label_studio_config import (
    CONFIG_SUFFIX,
    DEFAULT_RELATION,
    FORMAT_NAME,
    LABELS_NAME,
    SOURCE_OPTION,
    TEXT_KEY_OPTION,
    TEXT_NAME,
    AttributeControl,
    attribute_controls,
    labeling_config,
)
from annotator.formats.label_studio_read import LabelStudioImporter
from annotator.formats.spacy_jsonl import document_meta

__all__ = [
    "CONFIG_SUFFIX",
    "DEFAULT_RELATION",
    "EXPORTER",
    "FORMAT_NAME",
    "IMPORTER",
    "LABELS_NAME",
    "SOURCE_OPTION",
    "TEXT_KEY_OPTION",
    "TEXT_NAME",
    "AttributeControl",
    "LabelStudioExporter",
    "LabelStudioImporter",
    "attribute_controls",
    "labeling_config",
]


# -- export ---------------------------------------------------------------------------------------


class LabelStudioExporter:
    """Writes a JSON array of tasks, one at a time, and the labelling config beside it.

    A task is ``{"id", "data": {"text", ...document fields}, "annotations": [...]}`` (or
    ``"predictions"`` with ``options.as_predictions``). Each annotator's spans make one
    annotation (``"annotator"`` names it; a prediction also gets it as ``model_version``):
    a ``labels`` result per span (``value``: ``start``, ``end``, ``text``, ``labels``; offsets in
    ``options.offset_unit``, code points by default as Label Studio counts for ``<Text>``), a
    result per attribute sharing the span's region id (``choices``, ``number`` or ``textarea``,
    see :func:`labeling_config`) and a ``relation`` result per relation (``direction: right``).

    Lost: attributes that the schema does not define for the span's label or whose value does
    not fit the definition (they have no control), and relations between spans of different
    annotators (results of one annotation can only link regions of that annotation).
    """

    name = FORMAT_NAME
    layout = Layout.FILE
    capabilities = Capabilities(overlaps=True, relations=True, attributes=True)

    def write(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        sink: OutputSink,
        options: ExportOptions,
    ) -> LossReport:
        with sink.beside(CONFIG_SUFFIX) as config:
            config.write(labeling_config(schema))
        writer = _TaskWriter(schema, options)
        with sink.main_binary() as out:
            write_array((writer.task(item) for item in items), out)
        return writer.report

    def losses(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        options: ExportOptions | None = None,
    ) -> LossReport:
        writer = _TaskWriter(schema, options or ExportOptions())
        for item in items:
            writer.task(item)
        return writer.report


def write_array(values: Iterator[Mapping[str, Any]], out: BinaryIO) -> None:
    """A JSON array written item by item, one per line (never held whole in memory)."""

    def parts() -> Iterator[bytes]:
        dumps = jsontext.dumps_bytes
        separator = b"[\n"
        for value in values:
            yield separator
            yield dumps(value)
            separator = b",\n"
        yield b"[\n]\n" if separator == b"[\n" else b"\n]\n"

    write_batched(parts(), out)


class _TaskWriter:
    def __init__(self, schema: LabelSchema, options: ExportOptions) -> None:
        self.schema = schema
        self.options = options
        self.report = LossReport()
        self.controls: dict[tuple[str, str], AttributeControl] = {}
        for control in attribute_controls(schema):
            for label in control.labels:
                self.controls[(label, control.attribute.name)] = control

    def task(self, item: AnnotatedDocument) -> dict[str, Any]:
        document = item.document
        text = document.text
        spans = item.spans
        unit = self.options.offset_unit
        bounds = unconverted_bounds(text, spans, unit)
        if bounds is None:
            conv = OffsetConverter(text)
            bounds = [
                (conv.from_codepoint(s.start, unit), conv.from_codepoint(s.end, unit))
                for s in spans
            ]
        region_ids = _region_ids(spans)
        by_span = (
            {s.id: (s, region) for s, region in zip(spans, region_ids, strict=True)}
            if item.relations
            else {}
        )
        groups: dict[str, list[dict[str, Any]]] = {}
        for span, region, (start, end) in zip(spans, region_ids, bounds, strict=True):
            results = groups.get(span.annotator)
            if results is None:
                results = groups[span.annotator] = []
            surface = text[span.start : span.end]
            results.append(
                {
                    "id": region,
                    "from_name": LABELS_NAME,
                    "to_name": TEXT_NAME,
                    "type": "labels",
                    "value": {"start": start, "end": end, "text": surface, "labels": [span.label]},
                }
            )
            if span.attributes:
                self._attribute_results(span, region, start, end, surface, results)
        for relation in item.relations:
            self._relation(relation, by_span, groups)
        key = "predictions" if self.options.as_predictions else "annotations"
        if not groups and document.status is DocumentStatus.DONE:
            groups[""] = []  # done and nothing to label: an empty annotation says so
        entries = []
        for annotator, results in groups.items():
            entry: dict[str, Any] = {"result": results, "annotator": annotator}
            if self.options.as_predictions:
                entry["model_version"] = annotator or "annotator"
            else:
                entry["ground_truth"] = False
            entries.append(entry)
        data = {"text": document.text, **document_meta(document)}
        return {"id": document.id, "data": data, key: entries}

    def _attribute_results(
        self,
        span: Span,
        region: str,
        start: int,
        end: int,
        surface: str,
        results: list[dict[str, Any]],
    ) -> None:
        """Add a result per attribute of the span that has a control (else report it lost)."""
        for name, value in span.attributes.items():
            control = self.controls.get((span.label, name))
            payload = _attribute_payload(control, value) if control else None
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
                    "to_name": TEXT_NAME,
                    "type": control.result_type,
                    "value": value_out,
                }
            )

    def _relation(
        self,
        relation: Relation,
        by_span: Mapping[SpanId, tuple[Span, str]],
        groups: dict[str, list[dict[str, Any]]],
    ) -> None:
        source, target = by_span.get(relation.source), by_span.get(relation.target)
        if source is None or target is None:
            self.report.add(Loss.RELATIONS, 1, f"{relation.type}: a span is not exported")
            return
        if source[0].annotator != target[0].annotator:
            self.report.add(
                Loss.RELATIONS,
                1,
                f"{relation.type} links spans of {source[0].annotator or 'nobody'} and "
                f"{target[0].annotator or 'nobody'} (different annotations)",
            )
            return
        groups[source[0].annotator].append(
            {
                "type": "relation",
                "from_id": source[1],
                "to_id": target[1],
                "direction": "right",
                "labels": [relation.type],
            }
        )


_SPAN_ID = attrgetter("id")


def _region_ids(spans: Sequence[Span]) -> list[str]:
    ids = list(map(int, map(_SPAN_ID, spans)))
    if all(ids) and len(set(ids)) == len(ids):
        return [f"s{i}" for i in ids]
    return [f"s{n}" for n in range(1, len(spans) + 1)]


def _attribute_payload(control: AttributeControl, value: AttributeValue) -> dict[str, Any] | None:
    definition = control.attribute
    try:
        definition.check(value)
    except SchemaError:
        return None
    if definition.type is AttributeType.FLAG:
        return {"choices": [definition.name] if value else []}
    if definition.type is AttributeType.CHOICE:
        return {"choices": [value]}
    if definition.type is AttributeType.INTEGER:
        return {"number": value}
    return {"text": [value]}


EXPORTER = LabelStudioExporter()
IMPORTER = LabelStudioImporter()
