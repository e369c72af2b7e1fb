"""spaCy JSONL offsets ({"text", "spans", "meta"} lines) and JSON helpers the JSON formats share."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from annotator.core.annotation import AnnotatedDocument
from annotator.core.document import Document, DocumentDraft, DocumentStatus
from annotator.core.errors import OffsetError
from annotator.core.interchange import AnnotatedDraft, SpanRecord
from annotator.core.offsets import OffsetConverter, Unit
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import jsontext
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    ImportOptions,
    Layout,
    Loss,
    LossReport,
    OutputSink,
    describe_attributes,
)
from annotator.formats.json_writing import write_batched
from annotator.formats.offset_check import parse_offset, resolve_spans
from annotator.formats.plain_read import as_plain_draft, plain_columns

FORMAT_NAME = "spacy-jsonl"

# -- shared by the JSON formats (doccano, Label Studio, spaCy) ------------------------------------

META_KEYS = (
    "document_id",
    "external_id",
    "title",
    "source",
    "url",
    "published",
    "status",
    "metadata",
)
"""Keys :func:`document_meta` writes; :func:`draft_from_meta` reads them back."""


class RecordError(Exception):
    """One record cannot be used; the importer turns it into a :class:`Failure`."""

    def __init__(self, reason: str, code: str = "ANN131") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


def document_meta(document: Document) -> dict[str, Any]:
    """A document's metadata as flat JSON keys (empty fields left out); see :data:`META_KEYS`.

    The project's own metadata goes under ``metadata`` so that its keys never clash with ours.
    """
    meta: dict[str, Any] = {"document_id": document.id}
    if document.external_id:
        meta["external_id"] = document.external_id
    if document.title:
        meta["title"] = document.title
    if document.source:
        meta["source"] = document.source
    if document.url:
        meta["url"] = document.url
    if document.published:
        meta["published"] = document.published.isoformat()
    meta["status"] = document.status.value
    if document.metadata:
        meta["metadata"] = dict(document.metadata)
    return meta


def draft_from_meta(
    text: str, meta: Mapping[str, Any], *, foreign_id: object = None
) -> tuple[DocumentDraft, DocumentStatus | None]:
    """Rebuild a document draft from :func:`document_meta` keys, or from another tool's fields.

    Keys we do not know become metadata, and so do the contents of ``metadata`` and ``meta``
    objects. ``foreign_id`` (a doccano or Label Studio id) becomes the external id of a document
    that did not come from us (no ``document_id``).
    """
    metadata: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    status: DocumentStatus | None = None
    for key, value in meta.items():
        if key in ("metadata", "meta") and isinstance(value, Mapping):
            metadata.update(value)
        elif key in ("title", "source", "url", "external_id") and isinstance(value, str | int):
            fields[key] = str(value)
        elif key == "published" and isinstance(value, str) and _is_date(value):
            fields["published"] = date.fromisoformat(value)
        elif key == "status" and value in _STATUSES:
            status = _STATUSES[value]
        elif key == "document_id":
            continue  # our id in the project the file came from: meaningless here
        else:
            metadata[key] = value
    if "external_id" not in fields and "document_id" not in meta and foreign_id is not None:
        fields["external_id"] = str(foreign_id)
    return DocumentDraft(text=text, metadata=metadata, **fields), status


_STATUSES = {status.value: status for status in DocumentStatus}


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def open_text(path: Path) -> TextIO | Failure:
    """Open a UTF-8 file (a BOM is skipped), or say why not."""
    try:
        return path.open(encoding="utf-8-sig")
    except OSError as error:
        return Failure(str(path), None, f"cannot read ({error.strerror})", "ANN133")


def iter_json_records(path: Path) -> Iterator[tuple[int, object] | Failure]:
    """Yield ``(line, value)`` for every record of a JSONL file, or of a JSON file.

    JSONL is read line by line: a broken line is a :class:`Failure` and reading goes on. A file
    whose first line is not a JSON value by itself (a pretty-printed object, or an array) is read
    as a stream of JSON values, an array's items one by one; there a syntax error ends the file.
    """
    handle = open_text(path)
    if isinstance(handle, Failure):
        yield handle
        return
    with handle:
        try:
            yield from _records(handle, path)
        except UnicodeDecodeError as error:
            yield Failure(str(path), None, f"not UTF-8 text (byte {error.start})", "ANN136")


def _records(handle: TextIO, path: Path) -> Iterator[tuple[int, object] | Failure]:
    number = 0
    for line in handle:
        number += 1
        stripped = line.strip()
        if not stripped:
            continue
        try:
            first = jsontext.loads(stripped)
        except jsontext.JSONDecodeError as error:
            if stripped in ("{", "[") or stripped.startswith("["):
                stream = JsonStream(handle, line, first_line=number)
                yield from stream.records(path)
                return
            column = error.colno + len(line) - len(line.lstrip())
            reason = jsontext.syntax_error(error.msg, number, column)
            yield Failure(str(path), number, reason, "ANN131")
            break
        yield number, first
        break
    for line in handle:
        number += 1
        if not line.strip():
            continue
        try:
            yield number, jsontext.loads(line)
        except jsontext.JSONDecodeError as error:
            reason = jsontext.syntax_error(error.msg, number, error.colno)
            yield Failure(str(path), number, reason, "ANN131")


class JsonStream:
    """Reads JSON values from a text handle without loading the whole file: an array's items one
    at a time, or top-level values one after another, each with the line it starts on."""

    _CHUNK = 1 << 16

    def __init__(
        self, handle: TextIO, initial: str = "", *, first_line: int = 1, inside: str = ""
    ) -> None:
        """``inside``: where a reader that read the start of the file stopped, ``"item"``
        (an array's next item is due) or ``"after"`` (an array's ``,`` or ``]`` is due)."""
        self.inside = inside
        self.handle = handle
        self.buf = initial
        self.pos = 0
        self.base_line = first_line
        """Line number of ``buf[0]``."""
        self.base_column = 0
        """Characters before ``buf[0]`` on its line (``initial`` starts a line)."""
        self._mark, self._mark_line = 0, first_line
        """Newlines are counted once: ``buf[_mark]`` is on line ``_mark_line``."""
        self.eof = False
        self.decoder = json.JSONDecoder()

    def records(self, path: Path) -> Iterator[tuple[int, object] | Failure]:
        """Like :meth:`values`, with a syntax error turned into a final :class:`Failure`."""
        try:
            yield from self.values()
        except StreamError as error:
            reason = (
                jsontext.syntax_error(error.reason, error.line, error.column)
                if error.column
                else f"not valid JSON ({error.reason} at line {error.line})"
            )
            yield Failure(str(path), error.line, reason, "ANN131")

    def values(self) -> Iterator[tuple[int, object]]:
        if self.inside:
            yield from self._items(after=self.inside == "after")
        while True:
            char = self._skip_space()
            if char is None:
                return
            if char != "[":
                line = self._line()
                yield line, self._value()
                continue
            self.pos += 1
            char = self._skip_space()
            if char == "]":
                self.pos += 1
                continue
            yield from self._items()

    def _items(self, *, after: bool = False) -> Iterator[tuple[int, object]]:
        """An array's items up to its ``]``; ``after``: starting after an item."""
        char = self._skip_space()
        while True:
            if not after:
                if char is None:
                    raise StreamError(self._line(), "the array is not closed")
                line = self._line()
                yield line, self._value()
                char = self._skip_space()
            after = False
            if char == ",":
                self.pos += 1
                char = self._skip_space()
            elif char == "]":
                self.pos += 1
                return
            else:
                found = "end of file" if char is None else repr(char)
                raise StreamError(self._line(), f"expected ',' or ']', found {found}")

    def _whole_line(self) -> object | None:
        """The value when it fills the rest of its line (a comma after it allowed), as our
        exports and most tools write arrays: one fast decode instead of ``raw_decode``."""
        buf, pos = self.buf, self.pos
        newline = buf.find("\n", pos)
        while newline < 0 and len(buf) - pos < _WHOLE_LINE_LIMIT and self._fill():
            buf, pos = self.buf, self.pos  # the line goes on past the buffer: read more
            newline = buf.find("\n", pos)
        if newline < 0:
            return None
        end = newline
        while end > pos and buf[end - 1] in " \t\r,":
            end -= 1
        if end <= pos or buf[end - 1] != "}" or buf[pos] != "{":
            return None  # not one object on its own line (a minified array ends with "]")
        try:
            value: object = _decode_object(buf[pos:end])
        except (ValueError, TypeError):
            return None
        after = end
        while after < newline and buf[after] in " \t\r":
            after += 1
        self.pos = after
        return value

    def _line(self) -> int:
        if self.pos < self._mark:
            return self.base_line + self.buf.count("\n", 0, self.pos)
        self._mark_line += self.buf.count("\n", self._mark, self.pos)
        self._mark = self.pos
        return self._mark_line

    def _fill(self, at_least: int = 0) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(max(self._CHUNK, at_least))
        if not chunk:
            self.eof = True
            return False
        self.base_line += self.buf.count("\n", 0, self.pos)
        newline = self.buf.rfind("\n", 0, self.pos)
        self.base_column = self.pos - newline - 1 if newline >= 0 else self.base_column + self.pos
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        self._mark, self._mark_line = 0, self.base_line
        return True

    def _skip_space(self) -> str | None:
        while True:
            buf, pos = self.buf, self.pos
            size = len(buf)
            while pos < size and buf[pos] in " \t\r\n":
                pos += 1
            self.pos = pos
            if pos < size:
                return buf[pos]
            if not self._fill():
                return None

    def _value(self) -> object:
        whole = self._whole_line()
        if whole is not None:
            return whole
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as error:
                incomplete = error.msg.startswith("Unterminated") or error.pos >= len(self.buf) - 8
                if incomplete and self._fill(len(self.buf) - self.pos):
                    continue
                line = self.base_line + self.buf.count("\n", 0, error.pos)
                newline = self.buf.rfind("\n", 0, error.pos)
                column = error.pos - newline if newline >= 0 else self.base_column + error.pos + 1
                raise StreamError(line, error.msg, column) from None
            if end >= len(self.buf) and self._fill():
                continue  # a number cut at the buffer's end: decode it again whole
            self.pos = end
            return value


_decode_object = jsontext.loads
_WHOLE_LINE_LIMIT = 1 << 22
"""Read ahead at most this far (4 MB) for the end of a line: a minified array is one line."""


@dataclass(slots=True)
class StreamError(Exception):
    line: int
    reason: str
    column: int = 0
    """Where on the line (from 1) a syntax error is; 0 when it is not one or not known."""


def write_json_lines(records: Iterator[Mapping[str, Any]], out: BinaryIO) -> None:
    dumps = jsontext.dumps_bytes
    write_batched((dumps(record, newline=True) for record in records), out)


def raw_span(raw: object, where: str) -> tuple[int, int, str, str | None]:
    """``(start, end, label, surface)`` from ``{"start", "end", "label", "text"?}`` or
    ``[start, end, label]``."""
    # The usual case first, without the ABC isinstance checks that cost more than the rest.
    if type(raw) is list and len(raw) >= 3:
        start, end, label = raw[0], raw[1], raw[2]
        if type(start) is int and type(end) is int and type(label) is str and label:
            return start, end, label, None
    elif type(raw) is dict:
        start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
        if type(start) is int and type(end) is int and type(label) is str and label:
            surface = raw.get("text")
            return start, end, label, surface if isinstance(surface, str) else None
    return _checked_raw_span(raw, where)


def _checked_raw_span(raw: object, where: str) -> tuple[int, int, str, str | None]:
    if isinstance(raw, Mapping):
        try:
            start = parse_offset(raw["start"], f"{where}.start")
            end = parse_offset(raw["end"], f"{where}.end")
            label = raw["label"]
        except KeyError as error:
            raise RecordError(f"{where}: missing {error.args[0]!r}") from None
        surface = raw.get("text")
    elif isinstance(raw, Sequence) and not isinstance(raw, str) and len(raw) >= 3:
        start = parse_offset(raw[0], f"{where}[0]")
        end = parse_offset(raw[1], f"{where}[1]")
        label, surface = raw[2], None
    else:
        raise RecordError(f"{where}: expected {{start, end, label}} or [start, end, label]")
    if not isinstance(label, str) or not label:
        raise RecordError(f"{where}: the label must be a non-empty string, got {label!r}")
    return start, end, label, surface if isinstance(surface, str) else None


def resolve_raw_spans(
    text: str,
    found: Sequence[tuple[int, int, str, str | None]],
    options: ImportOptions,
    default: Unit,
    candidates: Sequence[Unit],
) -> tuple[list[tuple[int, int]], str]:
    """Convert ``raw_span`` tuples to code points (declared unit or detected); returns the
    spans and a note for the import report."""
    surfaces = [s for *_, s in found]
    try:
        resolved = resolve_spans(
            OffsetConverter(text),
            [(s, e) for s, e, *_ in found],
            surfaces if any(x is not None for x in surfaces) else None,
            declared=options.offset_unit,
            default=default,
            candidates=candidates,
        )
    except OffsetError as error:
        raise RecordError(error.message, "ANN132") from None
    return resolved.spans, resolved.note


def read_json_records(
    path: Path, convert: Callable[[object, str], AnnotatedDraft | PlainDraft]
) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
    """Each JSON record of ``path`` through ``convert(record, "file:line")``; a record it refuses
    (RecordError, OffsetError) becomes a Failure with its line and reading goes on."""
    for found in iter_json_records(path):
        if isinstance(found, Failure):
            yield found
            continue
        line, record = found
        try:
            yield convert(record, f"{path}:{line}")
        except RecordError as error:
            yield failure_from(path, line, error)
        except OffsetError as error:
            yield Failure(str(path), line, error.message, "ANN132")


def failure_from(path: Path, line: int | None, error: RecordError) -> Failure:
    return Failure(str(path), line, error.reason, error.code)


# -- the spaCy JSONL format -----------------------------------------------------------------------


class SpacyJsonlExporter:
    """One line per document: ``{"text", "spans": [{"start", "end", "label", "text"}], "meta"}``.

    Offsets are code points (what ``doc.char_span`` takes); ``text`` repeats each span's text
    so readers can check. Relations and attributes have no place here and are reported lost.
    """

    name = FORMAT_NAME
    layout = Layout.FILE
    capabilities = Capabilities(overlaps=True, relations=False, attributes=False)

    def write(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        sink: OutputSink,
        options: ExportOptions,
    ) -> LossReport:
        report = LossReport()

        def records() -> Iterator[dict[str, Any]]:
            for item in items:
                _add_jsonl_losses(report, item)
                yield to_record(item)

        with sink.main_binary() as out:
            write_json_lines(records(), out)
        return report

    def losses(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        options: ExportOptions | None = None,
    ) -> LossReport:
        report = LossReport()
        for item in items:
            _add_jsonl_losses(report, item)
        return report


def to_record(item: AnnotatedDocument) -> dict[str, Any]:
    text = item.document.text
    return {
        "text": text,
        "spans": [
            {"start": s.start, "end": s.end, "label": s.label, "text": text[s.start : s.end]}
            for s in item.spans
        ],
        "meta": document_meta(item.document),
    }


def _add_jsonl_losses(report: LossReport, item: AnnotatedDocument) -> None:
    """Add what spaCy JSONL cannot carry of one document to ``report``."""
    if item.relations:
        first = item.relations[0]
        report.add(
            Loss.RELATIONS, len(item.relations), f"{first.type} in document {first.document_id}"
        )
    for span in item.spans:
        if span.attributes:
            shown = describe_attributes(span.label, span.attributes)
            report.add(Loss.ATTRIBUTES, len(span.attributes), shown)


class SpacyJsonlImporter:
    """Reads ``{"text", "spans"|"entities", "meta"?}`` lines; spans as objects or triples.

    Offsets are code points unless ``options.offset_unit`` says otherwise; without it, spans
    with a ``text`` are checked against the document and, when they do not match, read in
    UTF-16 units or UTF-8 bytes (reported in the draft's note).
    """

    name = FORMAT_NAME

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        yield from read_json_records(
            path, lambda record, origin: _from_record(record, origin, options)
        )


_record = tuple.__new__
"""``_record(SpanRecord, fields)`` makes a SpanRecord without a Python call per span."""


_UNITS = (Unit.CODE_POINT, Unit.UTF16, Unit.UTF8)
_SPAN = itemgetter("start", "end", "label")
_SURFACE = methodcaller("get", "text")


def _from_record(
    record: object, origin: str, options: ImportOptions
) -> AnnotatedDraft | PlainDraft:
    if not isinstance(record, Mapping):
        raise RecordError("expected a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise RecordError("no 'text' string")
    raw = record.get("spans", record.get("entities", []))
    if not isinstance(raw, list):
        raise RecordError("'spans' must be a list")
    if options.plain and raw and set(map(type, raw)) == {dict}:
        # the usual spans column by column (see annotator.formats.plain_read)
        try:
            starts, ends, labels = zip(*map(_SPAN, raw), strict=True)
        except KeyError:
            starts = ()
        units = (options.offset_unit,) if options.offset_unit else _UNITS
        surfaces = list(map(_SURFACE, raw))
        columns = starts and plain_columns(text, labels, starts, ends, surfaces, units)
        if columns:
            draft, status = draft_from_meta(text, _meta(record))
            return as_plain_draft(draft, origin, columns, options.annotator, status)
    found: list[tuple[int, int, str, str | None]] = []
    add = found.append
    for i, item in enumerate(raw):
        if type(item) is dict:  # the usual span, without raw_span's call and checks
            start, end, label = item.get("start"), item.get("end"), item.get("label")
            if type(start) is int and type(end) is int and type(label) is str and label:
                surface = item.get("text")
                add((start, end, label, surface if type(surface) is str else None))
                continue
        add(raw_span(item, f"spans[{i}]"))
    spans, note = resolve_raw_spans(
        text, found, options, Unit.CODE_POINT, (Unit.CODE_POINT, Unit.UTF16, Unit.UTF8)
    )
    draft, status = draft_from_meta(text, _meta(record))
    annotator = options.annotator
    records = tuple(
        _record(SpanRecord, (str(i), label, start, end, {}, annotator, "", ()))
        for i, ((start, end), (_, _, label, _)) in enumerate(zip(spans, found, strict=True))
    )
    return AnnotatedDraft(draft, origin, records, (), status, note)


def _meta(record: Mapping[str, Any]) -> dict[str, Any]:
    meta = record.get("meta")
    extra = {k: v for k, v in record.items() if k not in ("text", "spans", "entities", "meta")}
    if isinstance(meta, Mapping):
        extra = {**extra, **meta}
    return extra


EXPORTER = SpacyJsonlExporter()
IMPORTER = SpacyJsonlImporter()
