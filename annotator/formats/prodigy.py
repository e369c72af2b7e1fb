"""Prodigy JSONL: text, tokens with ``ws``, spans with inclusive ``token_end``, relations.

Export, one document a line, in the shape Prodigy's ``ner.manual``/``spans.manual`` and
``rel.manual`` recipes save::

    {"text": ..., "meta": {"id": ...},
     "tokens": [{"text", "start", "end", "id", "ws"}],
     "spans": [{"start", "end", "token_start", "token_end", "label", "text"}],
     "relations": [{"head", "child", "head_span", "child_span", "label"}],
     "answer": "accept"}

Offsets are code points (Prodigy is Python). Tokens come from :mod:`annotator.formats.tokenize`:
whitespace other than one space after a token is a token of its own with ``ws: false``
(spaCy's convention, so ``"".join(t.text + " " * t.ws)`` is the text). By default tokens are
split at span boundaries (``extra["tokens"] = "split"``) so that every span keeps its exact
extent; ``"expand"`` keeps the tokenizer's tokens and widens spans instead (reported).
``token_end`` is inclusive; a relation's ``head``/``child`` is the last token of its source /
target span, as ``rel.manual`` writes them. Span attributes, which Prodigy has no place for, go
into an ``"attributes"`` object on the span (Prodigy keeps unknown keys and shows nothing).

Import: accepted examples (``answer`` missing or ``accept``); a rejected or ignored one is a
Failure naming its line. Spans by ``start``/``end`` (checked against ``text`` and the span's
own ``text``; UTF-16 units and UTF-8 bytes are tried when code points do not fit), else by token
indices. Relations by ``head_span``/``child_span``, else by the span ending at the ``head`` /
``child`` token; a relation endpoint that is not among the spans becomes a span. ``meta`` becomes
the document's metadata (``meta.id`` its external id).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from annotator.core.annotation import AnnotatedDocument, Span
from annotator.core.document import DocumentDraft
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord, new_span_record
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
    document_place,
    no_token_example,
    read_text_file,
    widened_example,
)
from annotator.formats.batch_files import append, batch_folder, hand_back
from annotator.formats.prodigy_read import plain_task
from annotator.formats.prodigy_tokens import task_line
from annotator.formats.tokenize import align_words, scan, split_scanned, word_indices
from annotator.formats.tokenize_support import UNITS, document_key, find_unit
from annotator.formats.workers import (
    BATCH_DOCUMENTS,
    LightPacked,
    batched,
    light_packer,
    ordered_map,
    unpack_light,
    worker_count,
)

FORMAT_NAME = "prodigy"


class ProdigyExporter:
    name = FORMAT_NAME
    layout = Layout.FILE
    capabilities = Capabilities(
        overlaps=True, relations=True, attributes=True, discontinuous=False, token_based=True
    )

    def write(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        sink: OutputSink,
        options: ExportOptions,
    ) -> LossReport:
        """Tasks are made in worker processes, a batch at a time
        (:mod:`annotator.formats.workers`), while this process reads the next documents."""
        report = LossReport()
        workers = worker_count(options.extra)
        batches = batched(map(light_packer(workers), items), BATCH_DOCUMENTS)
        with sink.main_binary() as out, batch_folder(workers, out) as folder:
            work = partial(render_batch, options, folder)
            done = ordered_map(work, batches, workers, BATCH_DOCUMENTS)
            with closing(done):  # the workers end before their folder is removed
                for lines, batch_report in done:
                    append(lines, out)
                    report.merge(batch_report)
        return report

    def losses(
        self,
        items: Iterable[AnnotatedDocument],
        schema: LabelSchema,
        options: ExportOptions = ExportOptions(),
    ) -> LossReport:
        """Exactly what :meth:`write` would report, without writing."""
        report = LossReport()
        for item in items:
            _prepare(item, options, report)
        return report


def render_batch(
    options: ExportOptions, folder: str | None, batch: list[LightPacked]
) -> tuple[bytes | str, LossReport]:
    """:func:`render_tasks`, the lines handed back in a file in ``folder`` if there is one
    (:mod:`annotator.formats.batch_files`)."""
    lines, report = render_tasks(options, batch)
    return hand_back(folder, lines), report


def render_tasks(options: ExportOptions, batch: list[LightPacked]) -> tuple[bytes, LossReport]:
    """The JSON lines of a batch of documents and what they could not carry (in a worker)."""
    report = LossReport()
    lines = [task_bytes(unpack_light(packed), options, report) for packed in batch]
    return b"".join(lines), report


def task_bytes(item: AnnotatedDocument, options: ExportOptions, report: LossReport) -> bytes:
    """The JSON line of :func:`to_record`'s task, its tokens written in bulk
    (:mod:`annotator.formats.prodigy_tokens`)."""
    prepared = _prepare(item, options, report)
    scanned, spans, relations, meta = prepared
    spans_list = list(spans.values())
    line = task_line(item.document.text, meta, scanned, spans_list, relations)
    if line is None:
        return jsontext.dumps_bytes(_record(item, prepared), newline=True)
    return line


Scanned = tuple[list[str], list[int], list[int], list[bool]]
Prepared = tuple[Scanned, dict[int, dict[str, Any]], list[dict[str, Any]], dict[str, Any]]


def _prepare(item: AnnotatedDocument, options: ExportOptions, report: LossReport) -> Prepared:
    """Tokens, spans by id, relations and meta of one document's task."""
    document = item.document
    text = document.text
    scanned = scan(text)
    if options.extra.get("tokens", "split") == "split":
        scanned = split_scanned(text, scanned, (b for s in item.spans for b in (s.start, s.end)))
    texts, starts, ends, _ = scanned
    index = word_indices(text, texts)
    word_starts, word_ends = starts, ends
    if index is not None:
        word_starts = list(map(starts.__getitem__, index))
        word_ends = list(map(ends.__getitem__, index))
    spans: dict[int, dict[str, Any]] = {}
    alignments = align_words(((s.start, s.end) for s in item.spans), word_starts, word_ends)
    for span, alignment in zip(item.spans, alignments, strict=True):
        if alignment is None:
            shown = no_token_example(span.label, text[span.start : span.end])
            report.add(Loss.DROPPED, 1, f"{document_place(document)}: {shown}")
            continue
        first, last, widened = alignment
        if widened:
            covered, wide = text[span.start : span.end], text[word_starts[first] : word_ends[last]]
            shown = widened_example(span.label, covered, wide)
            report.add(Loss.UNALIGNED, 1, f"{document_place(document)}: {shown}")
        if index is not None:
            first, last = index[first], index[last]
        spans[span.id] = _span(span, starts[first], ends[last], first, last, text)
    relations = []
    for relation in item.relations:
        head, child = spans.get(relation.source), spans.get(relation.target)
        if head is None or child is None:
            report.add(Loss.RELATIONS, 1, f"{document_place(document)}: {relation.type}")
            continue
        relations.append(
            {
                "head": head["token_end"],
                "child": child["token_end"],
                "head_span": _endpoint(head),
                "child_span": _endpoint(child),
                "label": relation.type,
            }
        )
    meta = {"id": document_key(document)}
    described = (("title", document.title), ("source", document.source), ("url", document.url))
    meta.update((k, v) for k, v in described if v)
    return scanned, spans, relations, meta


def to_record(
    item: AnnotatedDocument, options: ExportOptions, report: LossReport
) -> dict[str, Any]:
    """One Prodigy task for a document."""
    return _record(item, _prepare(item, options, report))


def _record(item: AnnotatedDocument, prepared: Prepared) -> dict[str, Any]:
    (texts, starts, ends, ws), spans, relations, meta = prepared
    return {
        "text": item.document.text,
        "meta": meta,
        "tokens": [
            {"text": t, "start": a, "end": b, "id": n, "ws": w}
            for n, (t, a, b, w) in enumerate(zip(texts, starts, ends, ws, strict=True))
        ],
        "spans": list(spans.values()),
        "relations": relations,
        "answer": "accept",
    }


def _span(span: Span, start: int, end: int, first: int, last: int, text: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "start": start,
        "end": end,
        "token_start": first,
        "token_end": last,
        "label": span.label,
        "text": text[start:end],
    }
    if span.attributes:
        out["attributes"] = dict(span.attributes)
    return out


def _endpoint(span: Mapping[str, Any]) -> dict[str, Any]:
    return {k: span[k] for k in ("start", "end", "token_start", "token_end", "label")}


# -- import ---------------------------------------------------------------------------------------


class ProdigyImporter:
    name = FORMAT_NAME

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        yield from read_text_file(path, lambda handle: read_lines(handle, str(path), options))


def read_lines(
    lines: Iterable[str], name: str, options: ImportOptions = ImportOptions()
) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
    for number, line in enumerate(lines, start=1):
        if not line or line.isspace():
            continue
        plain = plain_task(line, name, number, options)
        if plain is not None:  # the common case, decoded without the tokens
            yield plain
            continue
        try:
            record = jsontext.loads(line)
        except jsontext.JSONDecodeError as error:
            reason = jsontext.syntax_error(error.msg, number, error.colno)
            yield Failure(name, number, reason, "ANN131")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield Failure(name, number, "expected a JSON object with a 'text' string", "ANN131")
            continue
        answer = record.get("answer", "accept")
        if answer != "accept":
            reason = f"answer is {answer!r}: only accepted examples are imported"
            yield Failure(name, number, reason, "ANN138")
            continue
        yield from _task(record, name, number, options)


class _Task:
    """One task being read: its text, tokens and the spans found so far."""

    def __init__(
        self, record: Mapping[str, Any], name: str, number: int, options: ImportOptions
    ) -> None:
        self.text: str = record["text"]
        self.name = name
        self.number = number
        self.options = options
        self.converter = OffsetConverter(self.text)
        self._raw_tokens = record.get("tokens")
        self.spans: list[SpanRecord] = []
        self.by_extent: dict[tuple[int, int, str], str] = {}
        self.by_token_end: dict[int, str] = {}
        self.units: Sequence[Unit] = (options.offset_unit,) if options.offset_unit else UNITS
        self.unit_notes: set[str] = set()

    @cached_property
    def tokens(self) -> list[Mapping[str, Any]]:
        """The task's token objects; only spans without offsets need them."""
        raw = self._raw_tokens
        return [t for t in raw if isinstance(t, Mapping)] if isinstance(raw, list) else []

    def span(self, raw: object, what: str) -> str | Failure:
        """Add (or find) a span; returns its key."""
        if not isinstance(raw, dict | Mapping) or not isinstance(raw.get("label"), str):
            return self.fail(f"{what}: expected an object with a 'label'")
        extent = self._extent(raw, what)
        if isinstance(extent, Failure):
            return extent
        start, end = extent
        label: str = raw["label"]
        key = self.by_extent.get((start, end, label))
        if key is None:
            key = f"s{len(self.spans) + 1}"
            attributes = raw.get("attributes")
            self.spans.append(
                new_span_record(
                    key,
                    label,
                    start,
                    end,
                    dict(attributes) if isinstance(attributes, Mapping) else {},
                    self.options.annotator,
                    "",
                    (),
                )
            )
            self.by_extent[(start, end, label)] = key
        if isinstance(raw.get("token_end"), int):
            self.by_token_end.setdefault(raw["token_end"], key)
        return key

    def _extent(self, raw: Mapping[str, Any], what: str) -> tuple[int, int] | Failure:
        start, end = raw.get("start"), raw.get("end")
        if not (isinstance(start, int) and isinstance(end, int)):
            return self._from_tokens(raw, what)
        surface = raw.get("text") if isinstance(raw.get("text"), str) else None
        text = self.text
        if (
            self.units[0] is Unit.CODE_POINT
            and 0 <= start < end <= len(text)
            and (surface is None or text[start:end] == surface)
        ):
            return start, end  # what find_unit finds first, without converting
        found = find_unit(self.converter, [(start, end)], surface, self.units)
        if found is None:
            shown = self.text[start:end] if 0 <= start < end <= len(self.text) else "outside"
            return self.fail(
                f"{what}: {start}-{end} ({shown!r}) does not fit the text"
                + (f" or its 'text' {surface!r}" if surface is not None else "")
            )
        unit, [(a, b)] = found
        if unit is not Unit.CODE_POINT:
            self.unit_notes.add(f"span offsets were in {unit.description}")
        return a, b

    def _from_tokens(self, raw: Mapping[str, Any], what: str) -> tuple[int, int] | Failure:
        first, last = raw.get("token_start"), raw.get("token_end")
        if not (isinstance(first, int) and isinstance(last, int)):
            return self.fail(f"{what}: no start/end and no token_start/token_end")
        if not 0 <= first <= last < len(self.tokens):
            return self.fail(f"{what}: tokens {first}-{last} are not in 'tokens'")
        start, end = self.tokens[first].get("start"), self.tokens[last].get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
            return self.fail(f"{what}: tokens {first}-{last} have no offsets")
        return start, end

    def endpoint(self, relation: Mapping[str, Any], side: str, what: str) -> str | Failure:
        described = relation.get(f"{side}_span")
        if isinstance(described, Mapping):
            return self.span(described, f"{what}.{side}_span")
        token = relation.get(side)
        if isinstance(token, int) and token in self.by_token_end:
            return self.by_token_end[token]
        return self.fail(f"{what}: {side} {token!r} is not the last token of any span")

    def fail(self, reason: str) -> Failure:
        return Failure(self.name, self.number, reason, "ANN132")


def _task(
    record: Mapping[str, Any], name: str, number: int, options: ImportOptions
) -> Iterator[AnnotatedDraft | Failure]:
    task = _Task(record, name, number, options)
    for n, raw in enumerate(_list(record.get("spans"))):
        key = task.span(raw, f"spans[{n}]")
        if isinstance(key, Failure):
            yield key
    relations = []
    for n, raw in enumerate(_list(record.get("relations"))):
        what = f"relations[{n}]"
        if not isinstance(raw, Mapping) or not isinstance(raw.get("label"), str):
            yield task.fail(f"{what}: expected an object with a 'label'")
            continue
        head, child = task.endpoint(raw, "head", what), task.endpoint(raw, "child", what)
        if isinstance(head, Failure) or isinstance(child, Failure):
            yield from (e for e in (head, child) if isinstance(e, Failure))
            continue
        relations.append(RelationRecord(raw["label"], head, child, options.annotator))
    raw_meta = record.get("meta")
    meta: Mapping[str, Any] = raw_meta if isinstance(raw_meta, Mapping) else {}
    draft = DocumentDraft(
        text=task.text,
        title=str(meta.get("title") or ""),
        source=str(meta.get("source") or ""),
        url=str(meta.get("url") or ""),
        metadata=dict(meta),
        external_id=str(meta.get("id") or ""),
    )
    note = "; ".join(sorted(task.unit_notes))
    yield AnnotatedDraft(draft, f"{name}:{number}", tuple(task.spans), tuple(relations), note=note)


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


EXPORTER = ProdigyExporter()
IMPORTER = ProdigyImporter()
