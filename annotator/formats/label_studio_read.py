"""Reading Label Studio JSON tasks (an array of tasks, or one task) into drafts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter, methodcaller
from pathlib import Path
from typing import Any

from annotator.core.errors import OffsetError, UserError
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.offsets import OffsetConverter, Unit
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.core.schema import AttributeDefinition, AttributeType, AttributeValue, LabelSchema
from annotator.formats import jsontext
from annotator.formats.base import ImportOptions
from annotator.formats.json_array_lines import array_values
from annotator.formats.label_studio_config import (
    DEFAULT_RELATION,
    FORMAT_NAME,
    SOURCE_OPTION,
    TEXT_KEY_OPTION,
    TEXT_NAME,
    attribute_controls,
)
from annotator.formats.label_studio_fast import DecodedTask, Task, decode_task, predictions_unused
from annotator.formats.offset_check import parse_offset, resolve_spans
from annotator.formats.plain_read import as_plain_draft, plain_columns
from annotator.formats.spacy_jsonl import RecordError, draft_from_meta, failure_from


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
        fast = decode_task if reader.may_be_fast else None
        try:
            for found in array_values(path, fast):
                if isinstance(found, Failure):
                    yield found
                    continue
                line, task = found
                try:
                    if type(task) is DecodedTask:
                        plain = reader.fast(task.task, f"{path}:{line}")
                        if plain is not None:
                            yield plain
                            continue
                        task = jsontext.loads(task.body)  # what array_values gives otherwise
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
_KIND_VALUE = itemgetter("type", "value")
_TEXT = methodcaller("get", "text")
_EXTENT = itemgetter("start", "end", "labels")
_EXTENT_TEXT = itemgetter("start", "end", "labels", "text")
_FIRST = itemgetter(0)
_VALUE = attrgetter("value")
_FAST_EXTENT = attrgetter("start", "end", "labels", "text")
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
        self.may_be_fast = options.plain and self.source in ("auto", "annotations")
        """Whether a task read by :mod:`label_studio_fast` may become a PlainDraft: one
        annotation chosen, predictions not read."""

    def task(self, task: object, origin: str) -> AnnotatedDraft | PlainDraft:
        # type(...) is dict first: an ABC's isinstance costs more than the test it saves
        if type(task) is not dict and not isinstance(task, Mapping):
            raise RecordError("expected a task object")
        data = task.get("data", task)
        if type(data) is not dict and not isinstance(data, Mapping):
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
        surfaces: Sequence[Any]
        try:  # a result or value that is not an object fails one of these
            kinds, values = zip(*map(_KIND_VALUE, results), strict=True)
            if set(kinds) != {"labels"}:
                return None
            try:  # the usual values: each gives its text; one tuple each, then columns
                starts, ends, names, surfaces = zip(*map(_EXTENT_TEXT, values), strict=True)
            except KeyError:
                starts, ends, names = zip(*map(_EXTENT, values), strict=True)
                surfaces = list(map(_TEXT, values))
        except (AttributeError, KeyError, TypeError, ValueError):
            return None
        columns = (names, starts, ends, surfaces)
        return self._plain_draft(data, text_key, task.get("id"), columns, annotator, origin)

    def fast(self, task: Task, origin: str) -> PlainDraft | None:
        """The task :func:`decode_task` decoded as the PlainDraft :meth:`task` would make of
        it (same choice of annotation, annotator, checks), or ``None``: then :meth:`task`
        reads it."""
        if not predictions_unused(task) or not task.annotations:
            return None
        kept = [a for a in task.annotations if not a.was_cancelled and not a.skipped]
        if len(kept) != 1:
            return None  # several: not plain; none: the predictions are read
        data = task.data
        try:
            text_key = self._text_key(data)
        except RecordError:
            return None
        entry = kept[0]
        results = entry.result
        if not results:
            return None
        # the decoder checked the types, that every result is ``labels`` with one non-empty
        # label and a start of 0 or more: plain_columns checks the rest
        starts, ends, names, surfaces = zip(*map(_FAST_EXTENT, map(_VALUE, results)), strict=True)
        (labels,) = zip(*names, strict=True)
        units = (self.options.offset_unit,) if self.options.offset_unit else _UNITS
        text = data[text_key]
        plain = plain_columns(text, labels, starts, ends, surfaces, units, typed=True)
        if plain is None:
            return None
        annotator = self._annotator_of(entry.annotator, None, entry.completed_by)
        meta = {k: v for k, v in data.items() if k != text_key}
        draft, status = draft_from_meta(text, meta, foreign_id=task.id)
        return as_plain_draft(draft, origin, plain, annotator, status)

    def _plain_draft(
        self,
        data: Mapping[str, Any],
        text_key: str,
        task_id: object,
        columns: tuple[Sequence[Any], Sequence[Any], Sequence[Any], Sequence[Any]],
        annotator: str,
        origin: str,
    ) -> PlainDraft | None:
        """A PlainDraft of results' values read as columns (labels lists, starts, ends, texts)
        when each has one label and :func:`plain_columns` accepts them, else ``None``."""
        names, starts, ends, surfaces = columns
        if set(map(type, names)) != {list} or set(map(len, names)) != {1}:
            return None
        units = (self.options.offset_unit,) if self.options.offset_unit else _UNITS
        text = data[text_key]
        labels = list(map(_FIRST, names))
        plain = plain_columns(text, labels, starts, ends, surfaces, units)
        if plain is None:
            return None
        meta = {k: v for k, v in data.items() if k != text_key}
        draft, status = draft_from_meta(text, meta, foreign_id=task_id)
        return as_plain_draft(draft, origin, plain, annotator, status)

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
            if (type(a) is dict or isinstance(a, Mapping))
            and not a.get("was_cancelled")
            and not a.get("skipped")
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
        model_version = entry.get("model_version") if prediction else None
        return self._annotator_of(entry.get("annotator"), model_version, entry.get("completed_by"))

    def _annotator_of(self, ours: object, model_version: object, completed_by: object) -> str:
        """Who made an entry: our ``annotator`` key, a prediction's ``model_version``, Label
        Studio's ``completed_by``, else the import's annotator."""
        if isinstance(ours, str):
            return ours or self.options.annotator
        if isinstance(model_version, str):
            return model_version
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
