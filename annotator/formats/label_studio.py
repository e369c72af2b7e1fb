"""Label Studio JSON tasks with annotations or predictions, and the labelling config beside them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter, methodcaller
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import quoteattr

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.document import DocumentStatus
from annotator.core.errors import OffsetError, SchemaError, UserError
from annotator.core.ids import SpanId
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.offsets import OffsetConverter, Unit
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.core.schema import AttributeDefinition, AttributeType, AttributeValue, LabelSchema
from annotator.formats import jsontext
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    ImportOptions,
    Layout,
    Loss,
    LossReport,
    OutputSink,
)
from annotator.formats.json_array_lines import array_values
from annotator.formats.json_writing import unconverted_bounds, write_batched
from annotator.formats.offset_check import parse_offset, resolve_spans
from annotator.formats.plain_read import as_plain_draft, plain_columns
from annotator.formats.spacy_jsonl import (
    RecordError,
    document_meta,
    draft_from_meta,
    failure_from,
)

FORMAT_NAME = "label-studio"
CONFIG_SUFFIX = "-config.xml"
"""The labelling config is written beside the tasks: ``tasks.json`` -> ``tasks-config.xml``."""
LABELS_NAME = "label"
TEXT_NAME = "text"
SOURCE_OPTION = "label_studio_source"
"""``ImportOptions.extra`` key: ``annotations``, ``predictions``, ``both`` or ``auto`` (default:
the annotations, or the predictions of a task that has no annotation)."""
TEXT_KEY_OPTION = "text_key"
"""``ImportOptions.extra`` key: the task data field holding the text (default ``text``)."""
DEFAULT_RELATION = "related"
"""The type given to an imported relation that has no label."""
_RESULT_TYPES = {
    AttributeType.CHOICE: "choices",
    AttributeType.FLAG: "choices",
    AttributeType.INTEGER: "number",
    AttributeType.TEXT: "textarea",
}
_CONTROL_TAGS = {"choices": "Choices", "number": "Number", "textarea": "TextArea"}


# -- the labelling config -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttributeControl:
    """One per-region control of the config: an attribute shared by one or more labels."""

    name: str
    attribute: AttributeDefinition
    labels: tuple[str, ...]

    @property
    def result_type(self) -> str:
        return _RESULT_TYPES[self.attribute.type]


def attribute_controls(schema: LabelSchema) -> list[AttributeControl]:
    """The per-region controls for the schema's attributes.

    Labels that define an attribute the same way (name, type, choices) share one control named
    after the attribute; when the same name is defined differently by different labels, each
    definition gets ``<attribute>_<first label>``. Names that would clash with the config's own
    (``label``, ``text``) get an ``attr_`` prefix.
    """
    groups: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
    definitions: dict[tuple[str, str, tuple[str, ...]], AttributeDefinition] = {}
    for label in schema.labels:
        for attribute in label.attributes:
            key = (attribute.name, attribute.type.value, attribute.choices)
            groups.setdefault(key, []).append(label.name)
            definitions.setdefault(key, attribute)
    per_name: dict[str, int] = {}
    for name, _, _ in groups:
        per_name[name] = per_name.get(name, 0) + 1
    controls = []
    taken = {LABELS_NAME, TEXT_NAME}
    for key, labels in groups.items():
        name = key[0] if per_name[key[0]] == 1 else f"{key[0]}_{labels[0]}"
        while name in taken:
            name = f"attr_{name}"
        taken.add(name)
        controls.append(AttributeControl(name, definitions[key], tuple(labels)))
    return controls


def labeling_config(schema: LabelSchema) -> str:
    """The labelling config XML for the schema: ``<Labels name="label">`` with a colour per
    label, ``<Text name="text" value="$text">``, ``<Relations>`` with the relation types, and
    per-region controls for the attributes, shown when a region with one of their labels is
    selected (choice -> ``<Choices>``, flag -> ``<Choices choice="multiple">`` with one option
    named after the attribute, integer -> ``<Number>``, text -> ``<TextArea>``)."""
    lines = ["<View>", f'  <Labels name="{LABELS_NAME}" toName="{TEXT_NAME}">']
    for label in schema.labels:
        lines.append(
            f"    <Label value={quoteattr(label.name)} background={quoteattr(label.color)}/>"
        )
    lines.append("  </Labels>")
    lines.append(f'  <Text name="{TEXT_NAME}" value="$text"/>')
    if schema.relation_types:
        lines.append("  <Relations>")
        for relation_type in schema.relation_types:
            lines.append(f"    <Relation value={quoteattr(relation_type.name)}/>")
        lines.append("  </Relations>")
    for control in attribute_controls(schema):
        when = quoteattr(",".join(control.labels))
        lines.append(f'  <View visibleWhen="region-selected" whenLabelValue={when}>')
        title = control.attribute.description or control.attribute.name
        lines.append(f"    <Header value={quoteattr(title)}/>")
        common = f'name={quoteattr(control.name)} toName="{TEXT_NAME}" perRegion="true"'
        kind = control.attribute.type
        if kind is AttributeType.CHOICE:
            lines.append(f'    <Choices {common} choice="single">')
            for choice in control.attribute.choices:
                lines.append(f"      <Choice value={quoteattr(choice)}/>")
            lines.append("    </Choices>")
        elif kind is AttributeType.FLAG:
            lines.append(f'    <Choices {common} choice="multiple">')
            lines.append(f"      <Choice value={quoteattr(control.attribute.name)}/>")
            lines.append("    </Choices>")
        elif kind is AttributeType.INTEGER:
            lines.append(f"    <Number {common}/>")
        else:
            lines.append(f'    <TextArea {common} editable="true" maxSubmissions="1"/>')
        lines.append("  </View>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


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


# -- import ---------------------------------------------------------------------------------------


class LabelStudioImporter:
    """Reads a Label Studio JSON export (an array of tasks, or one task), streaming.

    Which results are read is ``options.extra["label_studio_source"]`` (see
    :data:`SOURCE_OPTION`); cancelled annotations are skipped. Each ``labels`` result becomes a
    span per label, checked against its ``value.text`` (Label Studio's own validator does not):
    code points, or UTF-16 units as files from before 2022 count, detected per task and said in
    the draft's note. Results sharing a region's id become its attributes (by control name:
    ours, or an attribute of that name), ``relation`` results relations (``left`` reversed,
    no label -> ``related``). The text is the data field ``text`` (or
    ``options.extra["text_key"]``, or the data's only field). Annotators come from our
    ``annotator`` key, a prediction's ``model_version`` or ``completed_by``. A bad task fails
    with the line it starts on.
    """

    name = FORMAT_NAME

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        reader = _TaskReader(schema, options)
        try:
            for found in array_values(path):
                if isinstance(found, Failure):
                    yield found
                    continue
                line, task = found
                try:
                    yield reader.task(task, f"{path}:{line}")
                except RecordError as error:
                    yield failure_from(path, line, error)
                except OffsetError as error:
                    yield Failure(str(path), line, error.message, "ANN132")
        except UnicodeDecodeError as error:
            yield Failure(str(path), None, f"not UTF-8 text (byte {error.start})", "ANN136")


@dataclass(slots=True)
class _Region:
    key: str
    labels: list[str]
    start: int
    end: int
    surface: str | None
    annotator: str
    attributes: dict[str, AttributeValue]


_NO_ID = object()
_UNITS = (Unit.CODE_POINT, Unit.UTF16)
_TYPE = methodcaller("get", "type")
_VALUE = methodcaller("get", "value")
_TEXT = methodcaller("get", "text")
_EXTENT = itemgetter("start", "end", "labels")
_FIRST = itemgetter(0)
_record = tuple.__new__
"""``_record(SpanRecord, fields)`` makes a SpanRecord without a Python call per span."""


class _TaskReader:
    def __init__(self, schema: LabelSchema, options: ImportOptions) -> None:
        self.schema = schema
        self.options = options
        self.source = options.extra.get(SOURCE_OPTION, "auto")
        if self.source not in ("auto", "annotations", "predictions", "both"):
            raise UserError(
                f"{SOURCE_OPTION} must be auto, annotations, predictions or both, "
                f"not {self.source!r}",
                code="ANN199",
            )
        self.text_key = options.extra.get(TEXT_KEY_OPTION, TEXT_NAME)
        self.controls = {control.name: control for control in attribute_controls(schema)}

    def task(self, task: object, origin: str) -> AnnotatedDraft | PlainDraft:
        if not isinstance(task, Mapping):
            raise RecordError("expected a task object")
        data = task.get("data", task)
        if not isinstance(data, Mapping):
            raise RecordError("'data' must be an object")
        text_key = self._text_key(data)
        text = data[text_key]
        entries = self._entries(task)
        if self.options.plain and len(entries) == 1:
            plain = self._plain(task, data, text_key, entries[0], origin)
            if plain is not None:
                return plain
        regions: list[_Region] = []
        relations: list[tuple[str, str, str, str]] = []
        notes: list[str] = []
        for index, (entry, annotator) in enumerate(entries):
            prefix = f"{index + 1}:" if len(entries) > 1 else ""
            self._read_entry(entry, annotator, prefix, regions, relations, notes)
        resolved = resolve_spans(
            OffsetConverter(text),
            [(r.start, r.end) for r in regions],
            [r.surface for r in regions],
            declared=self.options.offset_unit,
            default=Unit.CODE_POINT,
            candidates=_UNITS,
        )
        if resolved.note:
            notes.insert(0, resolved.note)
        spans: list[SpanRecord] = []
        first_key: dict[str, str] = {}
        for region, (start, end) in zip(regions, resolved.spans, strict=True):
            for n, label in enumerate(region.labels):
                key = region.key if n == 0 else f"{region.key}#{n + 1}"
                if n == 0:
                    first_key.setdefault(key, key)
                spans.append(
                    _record(
                        SpanRecord,
                        (key, label, start, end, dict(region.attributes), region.annotator, "", ()),
                    )
                )
        relation_records = []
        for kind, source, target, annotator in relations:
            if source not in first_key or target not in first_key:
                missing = source if source not in first_key else target
                raise RecordError(f"a relation names region {missing!r}, which has no labels")
            relation_records.append(
                RelationRecord(kind, first_key[source], first_key[target], annotator)
            )
        meta = {k: v for k, v in data.items() if k != text_key}
        draft, status = draft_from_meta(text, meta, foreign_id=task.get("id"))
        return AnnotatedDraft(
            draft, origin, tuple(spans), tuple(relation_records), status, "; ".join(notes)
        )

    def _plain(
        self,
        task: Mapping[str, Any],
        data: Mapping[str, Any],
        text_key: str,
        chosen: tuple[Mapping[str, Any], str],
        origin: str,
    ) -> PlainDraft | None:
        """The task as a PlainDraft when its one entry holds only ``labels`` results of one
        label each (no relations, no per-region attributes) that fit the text as they are (see
        :mod:`annotator.formats.plain_read`), read column by column; else ``None``."""
        entry, annotator = chosen
        results = entry.get("result")
        if type(results) is not list or not results:
            return None
        try:  # a result or value that is not an object fails one of these
            if set(map(_TYPE, results)) != {"labels"}:
                return None
            values = list(map(_VALUE, results))
            starts, ends, names = zip(*map(_EXTENT, values), strict=True)
            surfaces = list(map(_TEXT, values))
        except (AttributeError, KeyError, TypeError):
            return None
        if set(map(type, names)) != {list} or set(map(len, names)) != {1}:
            return None
        units = (self.options.offset_unit,) if self.options.offset_unit else _UNITS
        text = data[text_key]
        labels = list(map(_FIRST, names))
        columns = plain_columns(text, labels, starts, ends, surfaces, units)
        if columns is None:
            return None
        meta = {k: v for k, v in data.items() if k != text_key}
        draft, status = draft_from_meta(text, meta, foreign_id=task.get("id"))
        return as_plain_draft(draft, origin, columns, annotator, status)

    def _text_key(self, data: Mapping[str, Any]) -> str:
        if isinstance(data.get(self.text_key), str):
            return self.text_key
        if self.text_key == TEXT_NAME and len(data) == 1:
            (only,) = data
            if isinstance(data[only], str):
                return str(only)  # {"content": "..."}: the one field must be the text
        raise RecordError(
            f"the task data has no {self.text_key!r} text (set the text field with "
            f"{TEXT_KEY_OPTION})"
        )

    def _entries(self, task: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], str]]:
        annotations = task.get("annotations", task.get("completions")) or []
        predictions = task.get("predictions") or []
        if not isinstance(annotations, list) or not isinstance(predictions, list):
            raise RecordError("'annotations' and 'predictions' must be lists")
        kept = [
            a
            for a in annotations
            if isinstance(a, Mapping) and not a.get("was_cancelled") and not a.get("skipped")
        ]
        chosen: list[tuple[Mapping[str, Any], str]] = []
        if self.source in ("annotations", "both") or (self.source == "auto" and kept):
            chosen += [(a, self._annotator(a, prediction=False)) for a in kept]
        if self.source in ("predictions", "both") or (self.source == "auto" and not kept):
            chosen += [
                (p, self._annotator(p, prediction=True))
                for p in predictions
                if isinstance(p, Mapping)
            ]
        return chosen

    def _annotator(self, entry: Mapping[str, Any], *, prediction: bool) -> str:
        ours = entry.get("annotator")
        if isinstance(ours, str):
            return ours or self.options.annotator
        if prediction and isinstance(entry.get("model_version"), str):
            return str(entry["model_version"])
        completed_by = entry.get("completed_by")
        if isinstance(completed_by, Mapping):
            for key in ("email", "username", "id"):
                if completed_by.get(key):
                    return str(completed_by[key])
        if isinstance(completed_by, int) and not isinstance(completed_by, bool):
            return f"label-studio user {completed_by}"
        return self.options.annotator

    def _read_entry(
        self,
        entry: Mapping[str, Any],
        annotator: str,
        prefix: str,
        regions: list[_Region],
        relations: list[tuple[str, str, str, str]],
        notes: list[str],
    ) -> None:
        results = entry.get("result") or []
        if not isinstance(results, list):
            raise RecordError("'result' must be a list")
        mine: dict[str, _Region] = {}
        extras: list[tuple[int, Mapping[str, Any]]] = []
        for i, result in enumerate(results):
            # type(...) is dict first: ABC isinstance checks cost more than the rest of a region
            if type(result) is not dict and not isinstance(result, Mapping):
                raise RecordError(f"result[{i}] is not an object")
            kind = result.get("type")
            value = result.get("value")
            if kind == "relation":
                relations.append(self._relation(result, prefix, annotator, i, notes))
            elif kind == "labels" and (type(value) is dict or isinstance(value, Mapping)):
                region_id = result.get("id", _NO_ID)
                region_id = (
                    f"#{i}"
                    if region_id is _NO_ID
                    else region_id
                    if type(region_id) is str
                    else str(region_id)
                )
                labels = value.get("labels")
                if not (type(labels) is list and len(labels) == 1 and type(labels[0]) is str) and (
                    not isinstance(labels, list) or not all(isinstance(x, str) for x in labels)
                ):
                    raise RecordError(f"result[{i}]: value.labels must be a list of strings")
                if not labels:
                    continue
                surface = value.get("text")
                start, end = value.get("start"), value.get("end")
                region = _Region(
                    prefix + region_id,
                    list(labels),
                    start
                    if type(start) is int
                    else parse_offset(start, f"result[{i}].value.start"),
                    end if type(end) is int else parse_offset(end, f"result[{i}].value.end"),
                    surface if type(surface) is str else None,
                    annotator,
                    {},
                )
                mine[region_id] = region
                regions.append(region)
            else:
                extras.append((i, result))
        for i, result in extras:
            owner = mine.get(str(result.get("id")))
            if owner is None:
                continue  # a per-task classification or a region type we do not read
            name, value = self._attribute(owner.labels[0], result)
            if name is None:
                notes.append(f"result[{i}] ({result.get('type')}) was not read")
            elif value is not None:
                owner.attributes[name] = value

    def _relation(
        self,
        result: Mapping[str, Any],
        prefix: str,
        annotator: str,
        index: int,
        notes: list[str],
    ) -> tuple[str, str, str, str]:
        source, target = result.get("from_id"), result.get("to_id")
        if source is None or target is None:
            raise RecordError(f"result[{index}]: a relation needs from_id and to_id")
        labels = result.get("labels") or []
        kind = labels[0] if isinstance(labels, list) and labels else DEFAULT_RELATION
        direction = result.get("direction", "right")
        if direction == "left":
            source, target = target, source
        elif direction == "bi":
            notes.append(f"result[{index}]: a two-way relation was read as from_id -> to_id")
        return str(kind), prefix + str(source), prefix + str(target), annotator

    def _attribute(
        self, label: str, result: Mapping[str, Any]
    ) -> tuple[str | None, AttributeValue | None]:
        from_name = str(result.get("from_name", ""))
        value = result.get("value")
        if not isinstance(value, Mapping):
            return None, None
        control = self.controls.get(from_name)
        definition: AttributeDefinition | None = None
        if control is not None and label in control.labels:
            definition = control.attribute
        else:
            known = self.schema.label(label)
            definition = known.attribute(from_name) if known else None
        name = definition.name if definition else from_name
        kind = result.get("type")
        if kind == "choices":
            choices = value.get("choices")
            if not isinstance(choices, list):
                return None, None
            if definition is not None and definition.type is AttributeType.FLAG:
                return name, bool(choices)
            if not choices:
                return name, None
            return name, str(choices[0]) if len(choices) == 1 else ", ".join(map(str, choices))
        if kind in ("number", "rating"):
            number = value.get(kind)
            if isinstance(number, int | float) and not isinstance(number, bool):
                return name, int(number) if float(number).is_integer() else str(number)
            return None, None
        if kind == "textarea":
            texts = value.get("text")
            if isinstance(texts, list):
                return name, "\n".join(map(str, texts))
            return None, None
        return None, None


EXPORTER = LabelStudioExporter()
IMPORTER = LabelStudioImporter()
