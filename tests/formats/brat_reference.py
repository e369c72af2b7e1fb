"""The brat reader and writer as they were before session 8's speed work, frozen: the
reference the fast paths (:mod:`annotator.formats.brat_fast`, the zip reading of
:mod:`annotator.formats.brat_files`, the export workers) must agree with exactly, item for
item, failure for failure and byte for byte (tests/formats/test_brat_differential.py).
Only what the speed work replaced is copied; the line parser, the references and the .conf
writers are imported as they are.
"""

from __future__ import annotations

import zipfile
from bisect import bisect_left
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
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
from annotator.formats.brat_common import (
    FORMAT_NAME,
    FRAGMENT_BREAK,
    NOTE_TYPE,
    UNSAFE_VALUE,
    Pieces,
    surface,
)
from annotator.formats.brat_conf import Declared, annotation_conf, visual_conf
from annotator.formats.brat_locate import locate
from annotator.formats.brat_parse import Entity, Parsed, parse_line
from annotator.formats.brat_references import resolve_later

_Source = TypeVar("_Source")


@dataclass(frozen=True, slots=True)
class Pair:
    """One document's .txt and .ann: how to read each (``None``: missing), and their names."""

    stem: str
    """Relative path without the suffix: the document's external id."""
    text: Callable[[], bytes] | None
    ann: Callable[[], bytes] | None
    text_name: str
    ann_name: str


def document_files(path: Path, stack: ExitStack) -> list[Pair]:
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
) -> list[Pair]:
    stems = sorted({name.rsplit(".", 1)[0] for name in files})
    pairs = []
    for stem in stems:
        text, ann = files.get(f"{stem}.txt"), files.get(f"{stem}.ann")
        pairs.append(
            Pair(
                stem,
                reader(text) if text is not None else None,
                reader(ann) if ann is not None else None,
                f"{prefix}{stem}.txt",
                f"{prefix}{stem}.ann",
            )
        )
    return pairs


def decode(data: bytes, name: str, encoding: str = "utf-8") -> str | Failure:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        return Failure(name, None, f"not UTF-8 text (byte {error.start})", "ANN136")


CRLF = "CRLF"
"""Pseudo-unit: code points counted on the .txt before CRLF became LF (a common tool bug)."""


def describe_unit(unit: str) -> str:
    if unit == CRLF:
        return "code points of the text with CRLF line ends"
    return Unit(unit).description


class UnitResolver:
    """Finds the unit of a document's offsets from its span texts, and converts them."""

    def __init__(self, raw: str, text: str, declared: Unit | None) -> None:
        self.text = text
        self.converter = OffsetConverter(text)
        self.declared = declared
        crlf = raw != text and "\r" in raw
        self.raw_converter = OffsetConverter(raw) if crlf else None
        self._crs = [i for i, c in enumerate(raw) if c == "\r" and raw[i + 1 : i + 2] == "\n"]
        units: list[str] = [u.value for u in ((declared,) if declared else tuple(Unit))]
        self.units = [*units, *([CRLF] if crlf and declared is None else [])]

    def document_unit(self, entities: Iterable[Entity]) -> str:
        items = list(entities)
        best, best_count = self.units[0], -1
        for unit in self.units:
            count = sum(1 for e in items if self.convert(e, unit) is not None)
            if count == len(items):
                return unit
            if count > best_count:
                best, best_count = unit, count
        return best

    def convert(self, entity: Entity, unit: str) -> Pieces | None:
        try:
            if unit == CRLF:
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
        if entity.surface is not None and entity.surface != surface(self.text, pieces):
            return None
        return pieces

    def _to_code_points(self, pieces: Pieces, unit: Unit) -> Pieces:
        to_codepoint = self.converter.to_codepoint
        return [(to_codepoint(a, unit), to_codepoint(b, unit)) for a, b in pieces]

    def convert_any(self, entity: Entity) -> Pieces | None:
        for unit in self.units:
            found = self.convert(entity, unit)
            if found is not None:
                return found
        return None

    def _from_crlf(self, offset: int) -> int:
        return offset - bisect_left(self._crs, offset)

    def explain(self, key: str, entity: Entity) -> str:
        extents = ";".join(f"{a} {b}" for a, b in entity.pieces)
        try:
            pieces = self._to_code_points(entity.pieces, Unit.CODE_POINT)
        except OffsetError as error:
            return f"{key} {entity.label} {extents}: {error.message}; left out"
        actual = surface(self.text, pieces)
        return (
            f"{key} {entity.label} {extents}: text {entity.surface!r} does not match the .txt "
            f"({actual!r}) in code points, UTF-16 units or UTF-8 bytes; left out"
        )


class BratImporter:
    name = FORMAT_NAME
    locate = staticmethod(locate)

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | Failure]:
        with ExitStack() as stack:
            try:
                pairs = document_files(path, stack)
            except (OSError, zipfile.BadZipFile) as error:
                yield Failure(str(path), None, f"cannot read ({error})", "ANN133")
                return
            if not pairs:
                yield Failure(str(path), None, "no .txt or .ann files found", "ANN133")
                return
            for pair in pairs:
                yield from _read_pair(pair, schema, options)


def _read_pair(
    pair: Pair, schema: LabelSchema, options: ImportOptions
) -> Iterator[AnnotatedDraft | Failure]:
    if pair.text is None:
        missing = PurePosixPath(pair.text_name).name
        yield Failure(pair.ann_name, None, f"no {missing} beside it", "ANN133")
        return
    raw = decode(pair.text(), pair.text_name)
    if isinstance(raw, Failure):
        yield raw
        return
    ann = decode(pair.ann(), pair.ann_name, "utf-8-sig") if pair.ann is not None else ""
    if isinstance(ann, Failure):
        yield ann
        return
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    parsed = Parsed()
    lines = ann.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if line.strip():
            failure = parse_line(parsed, line, number, pair.ann_name)
            if failure is not None:
                yield failure
    notes: list[str] = []
    spans = yield from _spans(parsed, raw, text, options, pair.ann_name, notes)
    yield from resolve_later(parsed, spans, schema, pair.ann_name)
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


def _spans(
    parsed: Parsed,
    raw: str,
    text: str,
    options: ImportOptions,
    name: str,
    notes: list[str],
) -> Generator[Failure, None, dict[str, Pieces]]:
    """Convert every T's fragments to code points of ``text``; returns {key: fragments}."""
    resolver = UnitResolver(raw, text, options.offset_unit)
    unit = resolver.document_unit(parsed.entities.values())
    if unit != Unit.CODE_POINT.value and parsed.entities:
        notes.append(f"offsets were counted in {describe_unit(unit)} (found from the span texts)")
    out: dict[str, Pieces] = {}
    for key, entity in parsed.entities.items():
        converted = resolver.convert(entity, unit) or resolver.convert_any(entity)
        if converted is None:
            yield Failure(name, entity.line, resolver.explain(key, entity), "ANN132")
            continue
        out[key] = converted
    return out


def _relations(
    parsed: Parsed,
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
    key: str, entity: Entity, found: Pieces, text: str, options: ImportOptions
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
        declared = Declared()
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
        declared = Declared()
        for item in items:
            ann_lines(item, schema, declared, report)
        return report


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at line breaks and TABs (which the .ann text field cannot hold)."""
    pieces: list[tuple[int, int]] = []
    cursor = start
    for match in FRAGMENT_BREAK.finditer(text, start, end):
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
    item: AnnotatedDocument, schema: LabelSchema, declared: Declared, report: LossReport
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
    breaks = [match.start() for match in FRAGMENT_BREAK.finditer(text)]
    for span in item.spans:
        pieces = _pieces(text, span, breaks)
        if not pieces:
            report.add(Loss.DROPPED, 1, f"{where}: {span.label} span of only line breaks")
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
    flat = " ".join(FRAGMENT_BREAK.split(comment))
    if flat != comment:
        report.add(Loss.CHARACTERS, 1, f"{where}: line breaks written as spaces")
    return flat


def _label_of(spans: Sequence[Span], span_id: int) -> str:
    return next((s.label for s in spans if s.id == span_id), "")


def _span_attributes(
    span: Span,
    key: str,
    schema: LabelSchema,
    declared: Declared,
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
            flat = " ".join(FRAGMENT_BREAK.split(str(value)))
            if flat != value:
                report.add(Loss.CHARACTERS, 1, f"{where}: line break in {span.label}.{name}")
            notes.append((key, f"{name}: {flat}"))
        else:
            written = UNSAFE_VALUE.sub("_", str(value)) or "_"
            attributes.append(f"{name} {key} {written}")
            declared.value(name, span.label, written)


def _kind_of(value: AttributeValue) -> AttributeType:
    if isinstance(value, bool):
        return AttributeType.FLAG
    if isinstance(value, int):
        return AttributeType.INTEGER
    return AttributeType.TEXT
