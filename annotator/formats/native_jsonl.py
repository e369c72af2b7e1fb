"""The native lossless JSONL: one document per line with its text, metadata, spans and relations.

Offsets are code points (Python ``str`` indices). Each span also carries its ``text`` so that a
reader can check the offsets against the document; :func:`record_to_annotated` does. A
discontinuous span adds ``fragments`` (``[[start, end], ...]``, its ``start``/``end``/``text``
being the hull); spans, relations and the document carry a ``comment`` when they have one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.document import Document, DocumentDraft, DocumentStatus, content_hash
from annotator.core.errors import InputFileError
from annotator.core.fragments import Pieces, normalised
from annotator.core.frozen import fast_constructor
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.offsets import Unit
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import jsontext
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    ImportOptions,
    Layout,
    LossReport,
    OutputSink,
)
from annotator.formats.json_writing import write_batched
from annotator.formats.plain_read import plain_columns

FORMAT_NAME = "jsonl"
FORMAT_VERSION = 1


def annotated_to_record(item: AnnotatedDocument) -> dict[str, Any]:
    """The line's value; timestamps stay datetimes, which the encoder writes as ISO 8601."""
    document = item.document
    text = document.text
    return {
        "format": "annotator",
        "format_version": FORMAT_VERSION,
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
        "spans": [
            {
                "id": span.id,
                "label": span.label,
                "start": span.start,
                "end": span.end,
                "text": text[span.start : span.end],
                "attributes": dict(attributes) if (attributes := span.attributes) else {},
                "annotator": span.annotator,
                "created_at": span.created_at,
                "updated_at": span.updated_at,
            }
            if not (span.fragments or span.comment)
            else _span_record(span, text)
            for span in item.spans
        ],
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


def _span_record(span: Span, text: str) -> dict[str, Any]:
    """A span's value (:func:`annotated_to_record` builds the usual ones inline, the same)."""
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


def _fragments(raw: Mapping[str, Any], start: int, end: int, length: int) -> Pieces:
    """A span's ``fragments`` checked: inside the text, apart, ordered, covering start-end."""
    found = raw.get("fragments")
    if not found:
        return ()
    pieces = tuple((int(a), int(b)) for a, b in found)
    if (
        normalised(pieces) != pieces
        or len(pieces) < 2
        or (pieces[0][0], pieces[-1][1]) != (start, end)
        or not 0 <= start < end <= length
    ):
        raise ValueError(
            f"fragments {found!r} must be two or more ordered, separate pieces from {start} "
            f"to {end}"
        )
    return pieces


def write_jsonl(items: Iterator[AnnotatedDocument], out: BinaryIO) -> int:
    """Write one UTF-8 line per document; returns how many were written."""
    count = 0

    def lines() -> Iterator[bytes]:
        nonlocal count
        for item in items:
            yield jsontext.dumps_bytes(annotated_to_record(item), newline=True)
            count += 1

    write_batched(lines(), out)
    return count


def record_to_annotated(record: Mapping[str, Any], *, where: str) -> AnnotatedDocument:
    """Read one line back; ``where`` (``file:line``) prefixes every error message."""
    try:
        text = record["text"]
        if not isinstance(text, str):
            raise InputFileError(f"{where}: 'text' must be a string", code="ANN131")
        document_id = DocumentId(int(record.get("id") or 0))
        published = record.get("published")
        document = Document(
            id=document_id,
            text=text,
            content_hash=content_hash(text),
            title=str(record.get("title") or ""),
            source=str(record.get("source") or ""),
            url=str(record.get("url") or ""),
            published=date.fromisoformat(published) if published else None,
            metadata=dict(record.get("metadata") or {}),
            external_id=str(record.get("external_id") or ""),
            status=DocumentStatus(record.get("status") or "new"),
            comment=str(record.get("comment") or ""),
        )
        spans = tuple(
            _span(raw, document_id, text, f"{where}: spans[{i}]")
            for i, raw in enumerate(record.get("spans") or [])
        )
        relations = tuple(
            Relation(
                id=RelationId(int(raw.get("id") or 0)),
                document_id=document_id,
                type=str(raw["type"]),
                source=SpanId(int(raw["source"])),
                target=SpanId(int(raw["target"])),
                annotator=str(raw.get("annotator") or ""),
                created_at=_parse_time(raw.get("created_at")),
                updated_at=_parse_time(raw.get("updated_at")),
                comment=str(raw.get("comment") or ""),
            )
            for raw in record.get("relations") or []
        )
    except InputFileError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise InputFileError(f"{where}: malformed record ({error!r})", code="ANN131") from None
    span_ids = {span.id for span in spans}
    for i, relation in enumerate(relations):
        if relation.source not in span_ids or relation.target not in span_ids:
            raise InputFileError(
                f"{where}: relations[{i}] names a span that is not in this document",
                code="ANN132",
            )
    return AnnotatedDocument(document, spans, relations)


def read_jsonl(lines: TextIO, *, name: str) -> Iterator[AnnotatedDocument | InputFileError]:
    """Stream records; a bad line yields its error (with file and line) and reading goes on."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            record = jsontext.loads(line)
        except jsontext.JSONDecodeError as error:
            reason = jsontext.syntax_error(error.msg, None, error.colno)
            yield InputFileError(f"{where}: {reason}", code="ANN131")
            continue
        if not isinstance(record, Mapping):
            yield InputFileError(f"{where}: expected a JSON object", code="ANN131")
            continue
        try:
            yield record_to_annotated(record, where=where)
        except InputFileError as error:
            yield error


def _span(raw: Mapping[str, Any], document_id: DocumentId, text: str, where: str) -> Span:
    start, end = int(raw["start"]), int(raw["end"])
    if not 0 <= start < end <= len(text):
        raise InputFileError(
            f"{where}: offsets {start}-{end} are outside the text (0-{len(text)})", code="ANN132"
        )
    surface = raw.get("text")
    if surface is not None and surface != text[start:end]:
        raise InputFileError(
            f"{where}: text {surface!r} does not match the document at {start}-{end} "
            f"({text[start:end]!r})",
            code="ANN132",
        )
    return Span(
        id=SpanId(int(raw.get("id") or 0)),
        document_id=document_id,
        label=str(raw["label"]),
        start=start,
        end=end,
        attributes=dict(raw.get("attributes") or {}),
        annotator=str(raw.get("annotator") or ""),
        created_at=_parse_time(raw.get("created_at")),
        updated_at=_parse_time(raw.get("updated_at")),
        fragments=_fragments(raw, start, end, len(text)),
        comment=str(raw.get("comment") or ""),
    )


def _parse_time(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


class NativeExporter:
    name = FORMAT_NAME
    layout = Layout.FILE
    capabilities = Capabilities(discontinuous=True, notes=True, document_notes=True)

    def write(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        sink: OutputSink,
        options: ExportOptions,
    ) -> LossReport:
        with sink.main_binary() as out:
            write_jsonl(items, out)
        return LossReport()


class NativeImporter:
    name = FORMAT_NAME

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        name = str(path)
        for found in jsontext.json_lines(path):
            if isinstance(found, Failure):
                yield found
                continue
            number, line = found
            try:
                draft = _line_to_draft(line, name, number, options)
            except UnicodeDecodeError as error:
                yield Failure(name, number, f"not UTF-8 text (byte {error.start})", "ANN136")
                return
            yield draft


def _line_to_draft(
    line: bytes | str, name: str, number: int, options: ImportOptions
) -> AnnotatedDraft | PlainDraft | Failure:
    """One line straight to an AnnotatedDraft, every offset checked against the text."""
    try:
        record = jsontext.loads(line)
    except jsontext.JSONDecodeError as error:
        return Failure(
            name, number, jsontext.syntax_error(error.msg, number, error.colno), "ANN131"
        )
    if not isinstance(record, dict):
        return Failure(name, number, "expected a JSON object", "ANN131")
    try:
        text = record["text"]
        if not isinstance(text, str):
            return Failure(name, number, "'text' must be a string", "ANN131")
        published = record.get("published")
        draft = DocumentDraft(
            text=text,
            title=str(record.get("title") or ""),
            source=str(record.get("source") or ""),
            url=str(record.get("url") or ""),
            published=date.fromisoformat(published) if published else None,
            metadata=dict(record.get("metadata") or {}),
            external_id=str(record.get("external_id") or ""),
        )
        found = record.get("spans") or ()
        if options.plain and found and not record.get("relations"):
            columns = _plain_spans(found, text, options.annotator)
            if columns is not None:
                given = record.get("status") or "new"
                status = (type(given) is str and _STATUS_OF.get(given)) or DocumentStatus(given)
                comment = record.get("comment") or ""
                labels, starts, ends, annotator = columns
                return _new_plain(
                    draft,
                    f"{name}:{number}",
                    labels,
                    starts,
                    ends,
                    annotator,
                    status,
                    "",
                    comment if type(comment) is str else str(comment),
                )
        spans = _spans(found, text, name, number, options.annotator)
        if isinstance(spans, Failure):
            return spans
        relations = []
        if record.get("relations"):
            keys = {span.key for span in spans}
            for i, raw in enumerate(record["relations"]):
                relation = RelationRecord(
                    str(raw["type"]),
                    str(raw["source"]),
                    str(raw["target"]),
                    str(raw.get("annotator") or options.annotator),
                    str(raw.get("comment") or ""),
                )
                if relation.source not in keys or relation.target not in keys:
                    return Failure(
                        name, number, f"relations[{i}] names a span not in this document", "ANN132"
                    )
                relations.append(relation)
        status = DocumentStatus(record.get("status") or "new")
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        return Failure(name, number, f"malformed record ({error!r})", "ANN131")
    comment = str(record.get("comment") or "")
    return AnnotatedDraft(
        draft, f"{name}:{number}", tuple(spans), tuple(relations), status, comment=comment
    )


def _spans(
    found: Iterable[Any], text: str, name: str, number: int, annotator: str
) -> list[SpanRecord] | Failure:
    """The spans of one line; the first whose offsets or text do not fit makes the line fail.
    (The hot loop of an import: 20 spans a document, one tuple each, no calls it can avoid.)"""
    spans: list[SpanRecord] = []
    add = spans.append
    length = len(text)
    for i, raw in enumerate(found):
        get = raw.get
        start, end = int(raw["start"]), int(raw["end"])
        if not 0 <= start < end <= length:
            return Failure(
                name,
                number,
                f"spans[{i}]: {start}-{end} is empty or outside the text (0-{length})",
                "ANN132",
            )
        surface = get("text")
        if surface is not None and surface != text[start:end]:
            return Failure(
                name,
                number,
                f"spans[{i}]: text {surface!r} does not match the document at "
                f"{start}-{end} ({text[start:end]!r})",
                "ANN132",
            )
        key = get("id", i)
        label = raw["label"]
        attributes = get("attributes")
        who = get("annotator")
        note = get("comment")
        fragments = get("fragments")
        add(
            _record(
                SpanRecord,
                (
                    key if type(key) is str else str(key),
                    label if type(label) is str else str(label),
                    start,
                    end,
                    attributes if type(attributes) is dict else dict(attributes or {}),
                    who if type(who) is str and who else str(who or annotator),
                    note if type(note) is str else str(note or ""),
                    _fragments(raw, start, end, length) if fragments else (),
                ),
            )
        )
    return spans


_record = tuple.__new__


def _plain_spans(
    found: Any, text: str, annotator: str
) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...], str] | None:
    """The spans of one line as columns (labels, starts, ends, annotator) when every span is
    plain and fits the text as :func:`_spans` checks it; else ``None`` (:func:`_spans` reads
    them, and reports what does not fit). Every step is a C loop over the spans."""
    if type(found) is not list:
        return None
    surfaces: Sequence[Any] | None
    try:  # a span that is not an object, or lacks one of these, fails here
        keys = frozenset().union(*found)
        if set(map(len, found)) == {len(keys)} and _OPTIONAL.isdisjoint(keys):
            # The usual line: every span has the same keys, none of them a note or pieces.
            # One tuple per span holds every value looked at, transposed into columns.
            present = (_TEXT_KEY in keys, _ATTRIBUTES_KEY in keys, _ANNOTATOR_KEY in keys)
            starts, ends, labels, *rest = zip(*map(_GETTERS[present], found), strict=True)
            surfaces = rest.pop(0) if present[0] else None
            if present[1] and any(rest.pop(0)):
                return None
            layers = set(rest.pop(0)) if present[2] else {None}
        else:
            starts, ends, labels = zip(*map(_EXTENT, found), strict=True)
            if any(map(_ATTRIBUTES, found)) or any(map(_COMMENT, found)):
                return None
            if any(map(_FRAGMENTS, found)):
                return None
            layers = set(map(_ANNOTATOR, found))
            surfaces = list(map(_TEXT, found))
    except (KeyError, TypeError, AttributeError, ValueError):
        return None
    who = layers.pop()
    if layers or (who is not None and type(who) is not str):
        return None
    columns = plain_columns(text, labels, starts, ends, surfaces, _UNITS)
    if columns is None:
        return None
    return (*columns, who or annotator)


_TEXT_KEY, _ATTRIBUTES_KEY, _ANNOTATOR_KEY = "text", "attributes", "annotator"
_OPTIONAL = frozenset(("comment", "fragments"))
"""Keys whose presence sends a line to the span-by-span checks (``""`` is still plain)."""
_GETTERS = {
    (text, attributes, who): itemgetter(
        *(
            ("start", "end", "label")
            + ((_TEXT_KEY,) if text else ())
            + ((_ATTRIBUTES_KEY,) if attributes else ())
            + ((_ANNOTATOR_KEY,) if who else ())
        )
    )
    for text in (False, True)
    for attributes in (False, True)
    for who in (False, True)
}
_STATUS_OF = {status.value: status for status in DocumentStatus}
_new_plain = fast_constructor(PlainDraft)
_UNITS = (Unit.CODE_POINT,)
_EXTENT = itemgetter("start", "end", "label")
_ATTRIBUTES = methodcaller("get", "attributes")
_COMMENT = methodcaller("get", "comment")
_FRAGMENTS = methodcaller("get", "fragments")
_ANNOTATOR = methodcaller("get", "annotator")
_TEXT = methodcaller("get", "text")


EXPORTER = NativeExporter()
IMPORTER = NativeImporter()
