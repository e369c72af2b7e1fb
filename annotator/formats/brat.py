"""brat standoff: a ``.txt`` and an ``.ann`` per document, with annotation.conf and visual.conf.

Export (a folder, or a .zip when the name ends in .zip):

- ``<name>.txt`` holds the document text as is and ``<name>.ann`` its annotations; the name is
  the document's external id (else ``doc-<id>``) reduced to ``[A-Za-z0-9._-]``, made unique.
- ``T`` lines carry code-point offsets (brat counts code points). The text field cannot hold a
  line break or a TAB, so a span crossing one is written as fragments split there
  (``T1<TAB>CLAIM 0 5;6 10<TAB>text1 text2``, fragments joined by one space as brat does); the
  importer joins fragments separated only by whitespace back into one span.
- ``R`` lines (``R1<TAB>TYPE Arg1:T3 Arg2:T1``) for relations.
- ``A`` lines for attributes: a true flag as ``A1<TAB>name T1`` (a false flag is written as
  nothing, which is what an unset brat flag means), a choice as ``A2<TAB>name T1 value`` with
  whitespace, ``,`` and ``|`` in the value replaced by ``_`` (mapped back through the schema on
  import), an integer as ``A3<TAB>name T1 12`` declared in annotation.conf with the values that
  occur in the export (brat attributes take enumerated values only).
- text attributes become ``#`` notes (``#1<TAB>AnnotatorNotes T1<TAB>name: value``), which brat
  shows on the span; line breaks and TABs in a value become spaces (reported).
- a discontinuous span is one ``T`` line with a fragment per piece (``T1<TAB>CLAIM 0 5;10 15``);
  comments on spans and relations become ``#`` notes on them (``#2<TAB>AnnotatorNotes T1<TAB>
  text``), line breaks as spaces. A comment on a whole document has no place in brat (reported).
- ``annotation.conf`` lists the labels, the relation types with their argument labels
  (``Arg1:CLAIM, Arg2:ACTOR``), ``<OVERLAP>`` allowing any overlap, and the attributes
  (``name<TAB>Arg:LABEL`` or ``name<TAB>Arg:LABEL, Value:v1|v2``); ``visual.conf`` the label
  colours (``bgColor``). Both are written last, from the schema and what the export held.

Import (a folder, searched recursively, a .zip, or one .ann/.txt): ``.txt`` read with universal
newlines as brat does; ``T`` (discontinuous fragments kept in ``SpanRecord.fragments``), ``R``,
``E`` (each argument becomes a relation from the trigger span, typed by its role), ``*``
(a chain of relations), ``A``/``M`` (typed through the schema), ``N`` (an attribute named by
the normalisation type, the entry's name in the span's note) and ``#`` notes (``name: value``
for a text attribute of the span's label, else the span's or relation's note). Each ``T`` text is
checked against the ``.txt``; when code points do not fit, UTF-16 units, UTF-8 bytes and offsets
counted on CRLF text are tried and the unit that fits is named in the document's note. A bad
line is a Failure with its file and line; the rest of the document imports. annotation.conf
and visual.conf are not read.
"""

from __future__ import annotations

import re
import zipfile
from bisect import bisect_left
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from pathlib import Path, PurePosixPath
from typing import TypeVar

from annotator.core.annotation import AnnotatedDocument, Span
from annotator.core.document import DocumentDraft
from annotator.core.errors import OffsetError
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.offsets import OffsetConverter, Unit
from annotator.core.reports import Failure
from annotator.core.schema import AttributeType, AttributeValue, LabelSchema
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    ImportOptions,
    Layout,
    Loss,
    LossReport,
    MemberNames,
    OutputSink,
)

FORMAT_NAME = "brat"
NOTE_TYPE = "AnnotatorNotes"
_FRAGMENT_BREAK = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_UNSAFE_VALUE = re.compile(r"[\s,|]+")
_TEXT_ATTRIBUTE_NOTE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*): (.*)$", re.DOTALL)
_OVERLAP = "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"
_CRLF = "CRLF"
"""Pseudo-unit: code points counted on the .txt before CRLF became LF (a common tool bug)."""
_Source = TypeVar("_Source")
Pieces = list[tuple[int, int]]


# -- export ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Declared:
    """What annotation.conf must declare beyond the schema: labels, ends, attribute values."""

    labels: dict[str, None] = field(default_factory=dict)
    relations: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)
    flags: dict[str, set[str]] = field(default_factory=dict)
    valued: dict[str, tuple[set[str], dict[str, None]]] = field(default_factory=dict)

    def flag(self, name: str, label: str) -> None:
        self.flags.setdefault(name, set()).add(label)

    def value(self, name: str, label: str, value: str) -> None:
        labels, values = self.valued.setdefault(name, (set(), {}))
        labels.add(label)
        values[value] = None


class BratExporter:
    name = FORMAT_NAME
    layout = Layout.FOLDER
    capabilities = Capabilities(
        overlaps=True, relations=True, attributes=True, discontinuous=True, notes=True
    )

    def write(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        sink: OutputSink,
        options: ExportOptions,
    ) -> LossReport:
        report = LossReport()
        declared = _Declared()
        names = MemberNames()
        for item in items:
            document = item.document
            name = names.take(document.external_id or f"doc-{document.id}")
            lines = ann_lines(item, schema, declared, report)
            with sink.member_binary(f"{name}.txt") as raw:
                raw.write(document.text.encode())
            with sink.member_binary(f"{name}.ann") as raw:
                raw.write("".join([line + "\n" for line in lines]).encode())
        with sink.member("annotation.conf") as out:
            out.write(annotation_conf(schema, declared))
        with sink.member("visual.conf") as out:
            out.write(visual_conf(schema, declared))
        return report

    def losses(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        options: ExportOptions = ExportOptions(),
    ) -> LossReport:
        """Exactly what :meth:`write` would report, without writing."""
        report = LossReport()
        declared = _Declared()
        for item in items:
            ann_lines(item, schema, declared, report)
        return report


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at line breaks and TABs (which the .ann text field cannot hold)."""
    pieces: list[tuple[int, int]] = []
    cursor = start
    for match in _FRAGMENT_BREAK.finditer(text, start, end):
        if match.start() > cursor:
            pieces.append((cursor, match.start()))
        cursor = match.end()
    if end > cursor:
        pieces.append((cursor, end))
    return pieces


def _pieces(text: str, span: Span, breaks: Sequence[int]) -> list[tuple[int, int]]:
    """:func:`fragments` of the span's pieces; ``breaks`` are where the text's line breaks and
    TABs are (most pieces hold none, and need no search)."""
    pieces: list[tuple[int, int]] = []
    for a, b in span.pieces:
        k = bisect_left(breaks, a)
        if k < len(breaks) and breaks[k] < b:
            pieces += fragments(text, a, b)
        elif b > a:
            pieces.append((a, b))
    return pieces


def ann_lines(
    item: AnnotatedDocument, schema: LabelSchema, declared: _Declared, report: LossReport
) -> list[str]:
    """The .ann lines of one document (and what annotation.conf must declare for them)."""
    text = item.document.text
    where = item.document.external_id or f"doc-{item.document.id}"
    if "\r" in text:
        report.add(
            Loss.CHARACTERS,
            text.count("\r"),
            f"{where}: carriage returns (brat reads .txt with universal newlines, so offsets "
            "after them shift)",
        )
    lines: list[str] = []
    keys: dict[int, str] = {}
    notes: list[tuple[str, str]] = []
    attributes: list[str] = []
    breaks = [match.start() for match in _FRAGMENT_BREAK.finditer(text)]
    for span in item.spans:
        pieces = _pieces(text, span, breaks)
        if not pieces:
            report.add(Loss.CHARACTERS, 1, f"{where}: {span.label} span of only line breaks")
            continue
        key = f"T{len(keys) + 1}"
        keys[span.id] = key
        declared.labels[span.label] = None
        extents = ";".join(f"{a} {b}" for a, b in pieces)
        surface = " ".join(text[a:b] for a, b in pieces)
        lines.append(f"{key}\t{span.label} {extents}\t{surface}")
        if span.attributes:
            _span_attributes(span, key, schema, declared, attributes, notes, report, where)
        if span.comment:
            notes.append((key, _one_line(span.comment, f"{where}: {key} comment", report)))
    for n, relation in enumerate(item.relations, start=1):
        source, target = keys.get(relation.source), keys.get(relation.target)
        if source is None or target is None:
            report.add(Loss.RELATIONS, 1, f"{where}: {relation.type} to a span left out")
            continue
        ends = declared.relations.setdefault(relation.type, (set(), set()))
        ends[0].add(_label_of(item.spans, relation.source))
        ends[1].add(_label_of(item.spans, relation.target))
        lines.append(f"R{n}\t{relation.type} Arg1:{source} Arg2:{target}\t")
        if relation.comment:
            notes.append((f"R{n}", _one_line(relation.comment, f"{where}: R{n} comment", report)))
    lines.extend(f"A{n}\t{body}" for n, body in enumerate(attributes, start=1))
    lines.extend(f"#{n}\t{NOTE_TYPE} {key}\t{note}" for n, (key, note) in enumerate(notes, start=1))
    return lines


def _one_line(comment: str, where: str, report: LossReport) -> str:
    """A comment for a ``#`` note, which ends at the line break: breaks become spaces."""
    flat = " ".join(_FRAGMENT_BREAK.split(comment))
    if flat != comment:
        report.add(Loss.CHARACTERS, 1, f"{where}: line breaks written as spaces")
    return flat


def _label_of(spans: Sequence[Span], span_id: int) -> str:
    return next((s.label for s in spans if s.id == span_id), "")


def _span_attributes(
    span: Span,
    key: str,
    schema: LabelSchema,
    declared: _Declared,
    attributes: list[str],
    notes: list[tuple[str, str]],
    report: LossReport,
    where: str,
) -> None:
    label = schema.label(span.label)
    for name, value in sorted(span.attributes.items()):
        definition = label.attribute(name) if label is not None else None
        kind = definition.type if definition is not None else _kind_of(value)
        if kind is AttributeType.FLAG:
            if value is True:
                attributes.append(f"{name} {key}")
                declared.flag(name, span.label)
        elif kind is AttributeType.TEXT:
            flat = " ".join(_FRAGMENT_BREAK.split(str(value)))
            if flat != value:
                report.add(Loss.CHARACTERS, 1, f"{where}: line break in {span.label}.{name}")
            notes.append((key, f"{name}: {flat}"))
        else:
            written = _UNSAFE_VALUE.sub("_", str(value)) or "_"
            attributes.append(f"{name} {key} {written}")
            declared.value(name, span.label, written)


def _kind_of(value: AttributeValue) -> AttributeType:
    if isinstance(value, bool):
        return AttributeType.FLAG
    if isinstance(value, int):
        return AttributeType.INTEGER
    return AttributeType.TEXT


def annotation_conf(schema: LabelSchema, declared: _Declared) -> str:
    labels = dict.fromkeys([*schema.label_names, *declared.labels])
    lines = ["# Written by annotator from the project schema.", "[entities]", *labels, ""]
    lines += ["[relations]", _OVERLAP]
    relations: dict[str, tuple[set[str], set[str]]] = {
        rt.name: (set(rt.source_labels), set(rt.target_labels)) for rt in schema.relation_types
    }
    for name, (sources, targets) in declared.relations.items():
        ends = relations.setdefault(name, (set(), set()))
        ends[0].update(sources)
        ends[1].update(targets)
    for name, (sources, targets) in relations.items():
        lines.append(f"{name}\tArg1:{_alternatives(sources)}, Arg2:{_alternatives(targets)}")
    lines += ["", "[events]", "", "[attributes]"]
    lines.extend(_attribute_declarations(schema, declared))
    return "\n".join(lines) + "\n"


def _alternatives(labels: set[str]) -> str:
    return "|".join(sorted(labels)) or "<ENTITY>"


def _attribute_declarations(schema: LabelSchema, declared: _Declared) -> list[str]:
    flags: dict[str, set[str]] = {}
    valued: dict[str, tuple[set[str], dict[str, None]]] = {}
    for label in schema.labels:
        for definition in label.attributes:
            if definition.type is AttributeType.FLAG:
                flags.setdefault(definition.name, set()).add(label.name)
            elif definition.type is AttributeType.CHOICE:
                labels, values = valued.setdefault(definition.name, (set(), {}))
                labels.add(label.name)
                values.update((_UNSAFE_VALUE.sub("_", c) or "_", None) for c in definition.choices)
    for name, labels in declared.flags.items():
        flags.setdefault(name, set()).update(labels)
    for name, (labels, values) in declared.valued.items():
        mine = valued.setdefault(name, (set(), {}))
        mine[0].update(labels)
        mine[1].update(values)
    lines = [f"{name}\tArg:{_alternatives(labels)}" for name, labels in flags.items()]
    lines += [
        f"{name}\tArg:{_alternatives(labels)}, Value:{'|'.join(values)}"
        for name, (labels, values) in valued.items()
        if values and name not in flags
    ]
    return lines


def visual_conf(schema: LabelSchema, declared: _Declared) -> str:
    lines = ["# Written by annotator from the project schema.", "[labels]"]
    lines += [f"{name} | {name}" for name in dict.fromkeys([*schema.label_names, *declared.labels])]
    lines += [
        "",
        "[drawing]",
        "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
        "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5",
    ]
    for label in schema.labels:
        lines.append(f"{label.name}\tbgColor:{label.color}, fgColor:{_readable_on(label.color)}")
    return "\n".join(lines) + "\n"


def _readable_on(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "white"


# -- import ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Entity:
    label: str
    pieces: list[tuple[int, int]]
    surface: str | None
    line: int
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Link:
    type: str
    source: str
    target: str
    line: int
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Parsed:
    entities: dict[str, _Entity] = field(default_factory=dict)
    links: dict[str, _Link] = field(default_factory=dict)
    triggers: dict[str, str] = field(default_factory=dict)
    """Event id -> the id of its trigger T."""
    later: list[tuple[int, str, list[str]]] = field(default_factory=list)
    """Lines that refer to other annotations (E args, A, N, #, *): (line, kind, fields)."""
    events: int = 0
    equivalences: int = 0


@dataclass(frozen=True, slots=True)
class _Pair:
    stem: str
    """Relative path without the suffix: the document's external id."""
    text: Callable[[], bytes] | None
    ann: Callable[[], bytes] | None
    text_name: str
    ann_name: str


class BratImporter:
    name = FORMAT_NAME

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | Failure]:
        with ExitStack() as stack:
            try:
                pairs = _pairs(path, stack)
            except (OSError, zipfile.BadZipFile) as error:
                yield Failure(str(path), None, f"cannot read ({error})", "ANN133")
                return
            if not pairs:
                yield Failure(str(path), None, "no .txt or .ann files found", "ANN133")
                return
            for pair in pairs:
                yield from _read_pair(pair, schema, options)


def _pairs(path: Path, stack: ExitStack) -> list[_Pair]:
    """The documents under ``path``; a zip stays open (on ``stack``) while they are read."""
    if path.is_dir():
        files = {
            p.relative_to(path).as_posix(): p
            for p in path.rglob("*")
            if p.suffix in (".txt", ".ann") and p.is_file()
        }
        return _pair_up(files, lambda p: p.read_bytes, str(path) + "/")
    if path.suffix.lower() == ".zip":
        archive = stack.enter_context(zipfile.ZipFile(path))
        members = {
            info.filename: info.filename
            for info in archive.infolist()
            if not info.is_dir() and PurePosixPath(info.filename).suffix in (".txt", ".ann")
        }
        return _pair_up(members, lambda name: partial(archive.read, name), f"{path}!")
    if path.suffix in (".txt", ".ann"):
        pair = (path.with_suffix(".txt"), path.with_suffix(".ann"))
        files = {p.name: p for p in pair if p.is_file()}
        return _pair_up(files, lambda p: p.read_bytes, f"{path.parent}/")
    raise OSError(f"{path} is not a folder, a .zip, a .txt or an .ann file")


def _pair_up(
    files: dict[str, _Source], reader: Callable[[_Source], Callable[[], bytes]], prefix: str
) -> list[_Pair]:
    stems = sorted({name.rsplit(".", 1)[0] for name in files})
    pairs = []
    for stem in stems:
        text, ann = files.get(f"{stem}.txt"), files.get(f"{stem}.ann")
        pairs.append(
            _Pair(
                stem,
                reader(text) if text is not None else None,
                reader(ann) if ann is not None else None,
                f"{prefix}{stem}.txt",
                f"{prefix}{stem}.ann",
            )
        )
    return pairs


def _decode(data: bytes, name: str, encoding: str = "utf-8") -> str | Failure:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        return Failure(name, None, f"not UTF-8 text (byte {error.start})", "ANN136")


def _read_pair(
    pair: _Pair, schema: LabelSchema, options: ImportOptions
) -> Iterator[AnnotatedDraft | Failure]:
    if pair.text is None:
        missing = PurePosixPath(pair.text_name).name
        yield Failure(pair.ann_name, None, f"no {missing} beside it", "ANN133")
        return
    raw = _decode(pair.text(), pair.text_name)
    if isinstance(raw, Failure):
        yield raw
        return
    ann = _decode(pair.ann(), pair.ann_name, "utf-8-sig") if pair.ann is not None else ""
    if isinstance(ann, Failure):
        yield ann
        return
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    parsed = _Parsed()
    lines = ann.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if line.strip():
            failure = _parse_line(parsed, line, number, pair.ann_name)
            if failure is not None:
                yield failure
    notes: list[str] = []
    spans = yield from _spans(parsed, raw, text, options, pair.ann_name, notes)
    yield from _resolve_later(parsed, spans, schema, pair.ann_name)
    if parsed.events:
        notes.append(
            f"{parsed.events} event(s) (E lines) became relations from the trigger span to each "
            "argument, typed by the argument's role"
        )
    if parsed.equivalences:
        notes.append(f"{parsed.equivalences} equivalence(s) (* lines) became chains of relations")
    relations = yield from _relations(parsed, spans, options, pair.ann_name)
    records = tuple(
        _span_record(key, entity, spans[key], text, options)
        for key, entity in parsed.entities.items()
        if key in spans
    )
    draft = DocumentDraft(text=text, external_id=pair.stem)
    yield AnnotatedDraft(draft, pair.ann_name, records, relations, note="\n".join(notes))


def _parse_line(parsed: _Parsed, line: str, number: int, name: str) -> Failure | None:
    key, _, rest = line.partition("\t")
    kind = key[:1]
    try:
        if key in parsed.entities or key in parsed.links or key in parsed.triggers:
            raise ValueError(f"{key} is already defined")
        if kind == "T":
            _parse_entity(parsed, key, rest, number)
        elif kind == "R":
            body = rest.split("\t", 1)[0].split()
            arguments = dict(arg.split(":", 1) for arg in body[1:])
            if len(body) != 3 or len(arguments) != 2:
                raise ValueError("expected 'TYPE Arg1:ID Arg2:ID'")
            ends = [arguments[r] for r in ("Arg1", "Arg2")] if "Arg1" in arguments else None
            source, target = ends or list(arguments.values())
            parsed.links[key] = _Link(body[0], source, target, number)
        elif kind == "E":
            body = rest.split("\t", 1)[0].split()
            trigger = body[0].partition(":")[2]
            if not trigger:
                raise ValueError("expected 'TYPE:TRIGGER ROLE:ID ...'")
            parsed.triggers[key] = trigger
            parsed.later.append((number, "E", [key, *body[1:]]))
        elif kind in ("A", "M", "N", "#", "*"):
            parsed.later.append((number, kind, [key, rest]))
        else:
            raise ValueError(f"unknown annotation id {key!r}")
    except (ValueError, IndexError) as error:
        return Failure(name, number, f"malformed line {line[:60]!r}: {error}", "ANN135")
    return None


def _parse_entity(parsed: _Parsed, key: str, rest: str, number: int) -> None:
    head, tab, surface = rest.partition("\t")
    label, _, extents = head.partition(" ")
    if not label or not extents:
        raise ValueError("expected 'LABEL START END[;START END]*'")
    pieces = []
    for extent in extents.split(";"):
        a, b = extent.split()
        pieces.append((int(a), int(b)))
    parsed.entities[key] = _Entity(label, pieces, surface if tab else None, number)


def _spans(
    parsed: _Parsed,
    raw: str,
    text: str,
    options: ImportOptions,
    name: str,
    notes: list[str],
) -> Generator[Failure, None, dict[str, Pieces]]:
    """Convert every T's fragments to code points of ``text``; returns {key: fragments}."""
    resolver = _UnitResolver(raw, text, options.offset_unit)
    unit = resolver.document_unit(parsed.entities.values())
    if unit != Unit.CODE_POINT.value and parsed.entities:
        notes.append(f"offsets were counted in {_describe(unit)} (found from the span texts)")
    out: dict[str, Pieces] = {}
    for key, entity in parsed.entities.items():
        converted = resolver.convert(entity, unit) or resolver.convert_any(entity)
        if converted is None:
            yield Failure(name, entity.line, resolver.explain(key, entity), "ANN132")
            continue
        out[key] = converted
    return out


def _describe(unit: str) -> str:
    if unit == _CRLF:
        return "code points of the text with CRLF line ends"
    return Unit(unit).description


class _UnitResolver:
    """Finds the unit of a document's offsets from its span texts, and converts them."""

    def __init__(self, raw: str, text: str, declared: Unit | None) -> None:
        self.text = text
        self.converter = OffsetConverter(text)
        self.declared = declared
        crlf = raw != text and "\r" in raw
        self.raw_converter = OffsetConverter(raw) if crlf else None
        self._crs = [i for i, c in enumerate(raw) if c == "\r" and raw[i + 1 : i + 2] == "\n"]
        units: list[str] = [u.value for u in ((declared,) if declared else tuple(Unit))]
        self.units = [*units, *([_CRLF] if crlf and declared is None else [])]

    def document_unit(self, entities: Iterable[_Entity]) -> str:
        items = list(entities)
        best, best_count = self.units[0], -1
        for unit in self.units:
            count = sum(1 for e in items if self.convert(e, unit) is not None)
            if count == len(items):
                return unit
            if count > best_count:
                best, best_count = unit, count
        return best

    def convert(self, entity: _Entity, unit: str) -> Pieces | None:
        try:
            if unit == _CRLF:
                assert self.raw_converter is not None
                for a, b in entity.pieces:
                    self.raw_converter.to_codepoint(a, Unit.CODE_POINT)
                    self.raw_converter.to_codepoint(b, Unit.CODE_POINT)
                pieces = [(self._from_crlf(a), self._from_crlf(b)) for a, b in entity.pieces]
            else:
                pieces = self._to_code_points(entity.pieces, Unit(unit))
        except OffsetError:
            return None
        if any(a >= b for a, b in pieces):
            return None
        if entity.surface is not None and entity.surface != _surface(self.text, pieces):
            return None
        return pieces

    def _to_code_points(self, pieces: Pieces, unit: Unit) -> Pieces:
        to_codepoint = self.converter.to_codepoint
        return [(to_codepoint(a, unit), to_codepoint(b, unit)) for a, b in pieces]

    def convert_any(self, entity: _Entity) -> Pieces | None:
        for unit in self.units:
            found = self.convert(entity, unit)
            if found is not None:
                return found
        return None

    def _from_crlf(self, offset: int) -> int:
        return offset - bisect_left(self._crs, offset)

    def explain(self, key: str, entity: _Entity) -> str:
        extents = ";".join(f"{a} {b}" for a, b in entity.pieces)
        try:
            pieces = self._to_code_points(entity.pieces, Unit.CODE_POINT)
        except OffsetError as error:
            return f"{key} {entity.label} {extents}: {error.message}; left out"
        actual = _surface(self.text, pieces)
        return (
            f"{key} {entity.label} {extents}: text {entity.surface!r} does not match the .txt "
            f"({actual!r}) in code points, UTF-16 units or UTF-8 bytes; left out"
        )


def _surface(text: str, pieces: Sequence[tuple[int, int]]) -> str:
    return " ".join(text[a:b] for a, b in pieces)


def _resolve_later(
    parsed: _Parsed, spans: dict[str, Pieces], schema: LabelSchema, name: str
) -> Iterator[Failure]:
    for number, kind, fields in parsed.later:
        try:
            problem = _apply_later(parsed, spans, schema, kind, fields, number)
        except (ValueError, IndexError) as error:
            problem = f"malformed line: {error}"
        if problem:
            yield Failure(name, number, problem, "ANN135")


def _apply_later(
    parsed: _Parsed,
    spans: dict[str, Pieces],
    schema: LabelSchema,
    kind: str,
    fields: list[str],
    number: int,
) -> str:
    """Apply an E, A, M, N, # or * line; return what was wrong with it, or ''."""
    if kind == "E":
        return _event(parsed, spans, fields, number)
    if kind == "*":
        body = fields[1].split("\t", 1)[0].split()
        members = [parsed.triggers.get(m, m) for m in body[1:]]
        missing = [m for m in members if m not in spans]
        if missing:
            return f"{body[0]} names {', '.join(missing)}, not in this file or left out"
        for n, (a, b) in enumerate(pairwise(members)):
            parsed.links[f"*{number}.{n}"] = _Link(body[0], a, b, number)
        parsed.equivalences += 1
        return ""
    head, _, tail = fields[1].partition("\t")
    parts = head.split()
    target = parsed.triggers.get(parts[1], parts[1])
    if kind in ("A", "M"):
        return _attribute(parsed, spans, schema, parts[0], target, parts[2:])
    if kind == "N":
        return _normalisation(parsed, spans, parts, target, tail)
    return _note(parsed, spans, schema, target, tail)


def _event(parsed: _Parsed, spans: dict[str, Pieces], fields: list[str], number: int) -> str:
    key, arguments = fields[0], fields[1:]
    trigger = parsed.triggers[key]
    if trigger not in spans:
        return f"event {key}: trigger {trigger} is not in this file or was left out"
    problems = []
    parsed.events += 1
    for n, argument in enumerate(arguments):
        role, _, ref = argument.partition(":")
        target = parsed.triggers.get(ref, ref)
        if not role or target not in spans:
            problems.append(f"argument {argument!r} names nothing in this file")
            continue
        parsed.links[f"{key}.{n}"] = _Link(role, trigger, target, number)
    return f"event {key}: {'; '.join(problems)}" if problems else ""


def _attribute(
    parsed: _Parsed,
    spans: dict[str, Pieces],
    schema: LabelSchema,
    name: str,
    target: str,
    values: list[str],
) -> str:
    value = values[0] if values else None
    if target in parsed.links:
        parsed.links[target].notes.append(name if value is None else f"{name}: {value}")
        return ""
    entity = parsed.entities.get(target)
    if entity is None or target not in spans:
        return f"attribute {name} names {target}, not in this file or left out"
    entity.attributes[name] = typed_value(schema, entity.label, name, value)
    return ""


def typed_value(schema: LabelSchema, label: str, name: str, value: str | None) -> AttributeValue:
    """A brat attribute value as the schema types it (brat values are all words)."""
    found = schema.label(label)
    definition = found.attribute(name) if found is not None else None
    if value is None:
        return True
    if definition is None:
        return value
    if definition.type is AttributeType.FLAG:
        lowered = value.lower()
        return lowered in ("true", "yes", "1") or lowered not in ("false", "no", "0")
    if definition.type is AttributeType.INTEGER:
        try:
            return int(value)
        except ValueError:
            return value
    if definition.type is AttributeType.CHOICE and value not in definition.choices:
        return next((c for c in definition.choices if _UNSAFE_VALUE.sub("_", c) == value), value)
    return value


def _normalisation(
    parsed: _Parsed,
    spans: dict[str, Pieces],
    parts: list[str],
    target: str,
    tail: str,
) -> str:
    entity = parsed.entities.get(target)
    if entity is None or target not in spans or len(parts) < 3:
        return f"normalisation names {target}, not in this file or left out"
    entity.attributes[parts[0]] = parts[2]
    if tail:
        entity.notes.append(f"{parts[0]} {parts[2]}: {tail}")
    return ""


def _note(
    parsed: _Parsed,
    spans: dict[str, Pieces],
    schema: LabelSchema,
    target: str,
    note: str,
) -> str:
    if target in parsed.links:
        parsed.links[target].notes.append(note)
        return ""
    entity = parsed.entities.get(target)
    if entity is None or target not in spans:
        return f"note names {target}, not in this file or left out"
    match = _TEXT_ATTRIBUTE_NOTE.match(note)
    if match is not None:
        label = schema.label(entity.label)
        definition = label.attribute(match.group(1)) if label is not None else None
        if definition is not None and definition.type is AttributeType.TEXT:
            entity.attributes[match.group(1)] = match.group(2)
            return ""
    entity.notes.append(note)
    return ""


def _relations(
    parsed: _Parsed,
    spans: dict[str, Pieces],
    options: ImportOptions,
    name: str,
) -> Generator[Failure, None, tuple[RelationRecord, ...]]:
    out: list[RelationRecord] = []
    for key, link in parsed.links.items():
        source = parsed.triggers.get(link.source, link.source)
        target = parsed.triggers.get(link.target, link.target)
        missing = [k for k in (source, target) if k not in spans]
        if missing:
            yield Failure(
                name,
                link.line,
                f"{key} {link.type} names {', '.join(missing)}, not in this file or left out",
                "ANN135",
            )
            continue
        note = "\n".join(link.notes)
        out.append(RelationRecord(link.type, source, target, options.annotator, note))
    return tuple(out)


def merge_fragments(text: str, pieces: Pieces) -> Pieces:
    """Fragments in order, joined where only whitespace separates them (a line break)."""
    merged: Pieces = []
    for a, b in sorted(pieces):
        if merged and (a <= merged[-1][1] or text[merged[-1][1] : a].isspace()):
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _span_record(
    key: str, entity: _Entity, found: Pieces, text: str, options: ImportOptions
) -> SpanRecord:
    pieces = merge_fragments(text, found)
    return SpanRecord(
        key=key,
        label=entity.label,
        start=pieces[0][0],
        end=pieces[-1][1],
        attributes=entity.attributes,
        annotator=options.annotator,
        note="\n".join(entity.notes),
        fragments=() if len(pieces) == 1 else tuple(pieces),
    )


EXPORTER = BratExporter()
IMPORTER = BratImporter()
