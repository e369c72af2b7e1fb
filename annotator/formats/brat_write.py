"""Writing brat: a .txt and an .ann per document, then annotation.conf and visual.conf."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import fields
from functools import partial
from itertools import starmap
from operator import attrgetter
from typing import Any

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.document import Document
from annotator.core.frozen import fast_constructor
from annotator.core.schema import AttributeType, AttributeValue, LabelSchema
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
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
)
from annotator.formats.brat_conf import Declared, annotation_conf, visual_conf
from annotator.formats.brat_deflated import deflate, write_member, writes_a_zip
from annotator.formats.workers import BATCH_DOCUMENTS, batched, ordered_map, worker_count


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
        """Documents are laid out (and, for a zip, deflated) in worker processes, a batch at a
        time (:mod:`annotator.formats.workers`), while this process reads the next ones and
        writes the members in order."""
        report = LossReport()
        declared = Declared()
        names = MemberNames()
        workers = worker_count(options.extra)
        render = partial(render_documents, schema, workers > 1 and writes_a_zip(sink))
        batches = batched(map(pack if workers > 1 else _as_is, items), BATCH_DOCUMENTS)
        for rendered, batch_declared, batch_report in ordered_map(
            render, batches, workers, BATCH_DOCUMENTS
        ):
            for key, text, ann, text_deflated, ann_deflated in rendered:
                name = names.take(key)
                write_member(sink, f"{name}.txt", text, text_deflated)
                write_member(sink, f"{name}.ann", ann, ann_deflated)
            declared.merge(batch_declared)
            report.merge(batch_report)
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


Packed = tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]] | AnnotatedDocument
"""A document for a worker as what the .ann lines read of it (see :func:`pack`), or as it is
when it stays in this process."""
_document_fields = attrgetter(*(f.name for f in fields(Document)))
_span_fields = attrgetter(
    "id", "document_id", "label", "start", "end", "attributes", "fragments", "comment"
)
_relation_fields = attrgetter("id", "document_id", "type", "source", "target", "comment")
_new_document = fast_constructor(Document)
_new_span = fast_constructor(Span)
_new_relation = fast_constructor(Relation)


def pack(item: AnnotatedDocument) -> Packed:
    """The document, and what :func:`ann_lines` reads of its spans and relations, as tuples (no
    annotator, times or version: a quarter less to pickle here)."""
    return (
        _document_fields(item.document),
        list(map(_span_fields, item.spans)),
        list(map(_relation_fields, item.relations)),
    )


def _as_is(item: AnnotatedDocument) -> Packed:
    return item


def unpack(packed: Packed) -> AnnotatedDocument:
    """What :func:`pack` packed, the fields it left out as their defaults."""
    if isinstance(packed, AnnotatedDocument):
        return packed
    document, spans, relations = packed
    return AnnotatedDocument(
        _new_document(*document),
        tuple(starmap(_new_span, map(_span_defaults, spans))),
        tuple(starmap(_new_relation, map(_relation_defaults, relations))),
    )


def _span_defaults(packed: tuple[Any, ...]) -> tuple[Any, ...]:
    return (*packed[:6], "", None, None, 1, *packed[6:])


def _relation_defaults(packed: tuple[Any, ...]) -> tuple[Any, ...]:
    return (*packed[:5], "", None, None, 1, packed[5])


Rendered = tuple[str, bytes, bytes, bytes | None, bytes | None]
"""A document's name to take, its .txt and .ann bytes, and both deflated (or ``None``)."""


def render_documents(
    schema: LabelSchema, deflating: bool, batch: list[Packed]
) -> tuple[list[Rendered], Declared, LossReport]:
    """A batch of documents as their files, what annotation.conf must declare for them and
    what they could not carry (in a worker; deflated there when the export is a zip)."""
    report = LossReport()
    declared = Declared()
    rendered: list[Rendered] = []
    for packed in batch:
        item = unpack(packed)
        document = item.document
        lines = ann_lines(item, schema, declared, report)
        text = document.text.encode()
        ann = "".join([line + "\n" for line in lines]).encode()
        key = document.external_id or f"doc-{document.id}"
        if deflating:
            rendered.append((key, text, ann, deflate(text), deflate(ann)))
        else:
            rendered.append((key, text, ann, None, None))
    return rendered, declared, report


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
    last = len(breaks)
    labels = declared.labels
    for span in item.spans:
        start, end = span.start, span.end
        key = f"T{len(keys) + 1}"
        k = bisect_left(breaks, start) if not span.fragments and start < end else -1
        if k >= 0 and (k == last or breaks[k] >= end):  # the usual span: no line break in it
            line = f"{key}\t{span.label} {start} {end}\t{text[start:end]}"
        else:
            pieces = _pieces(text, span, breaks)
            if not pieces:
                report.add(Loss.DROPPED, 1, f"{where}: {span.label} span of only line breaks")
                continue
            extents = ";".join(f"{a} {b}" for a, b in pieces)
            surface = " ".join(text[a:b] for a, b in pieces)
            line = f"{key}\t{span.label} {extents}\t{surface}"
        keys[span.id] = key
        labels[span.label] = None
        lines.append(line)
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
