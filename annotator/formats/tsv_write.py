"""WebAnno TSV 3.3 export: one ``<name>.tsv`` per document, laid out as INCEpTION writes it.

The header declares a span layer ``webanno.custom.Span`` with the label feature ``label`` and one
column per attribute of the schema, and a relation layer
``webanno.custom.Relation|label|BT_webanno.custom.Span`` (a document imported from TSV keeps its
own header). Tokens are the document's own (kept from its file), else the text's non-whitespace
runs cut at every span boundary; a sentence ends where exactly one line break separates two
tokens (any other gap stays inside the sentence, on several ``#Text=`` lines), so the text comes
back exactly when read again, except whitespace before the first or after the last token
(reported). Offsets are UTF-16 units.

Spans are placed on rows as INCEpTION's ``Tsv3XCasDocumentBuilder`` places them: a span on
token boundaries sits on its tokens; one that starts or ends inside a token gets a sub-token row
(``1-2.1``, its own offsets) under that token, numbered in the order they are made. Multi-token
or stacked spans carry ``[n]`` ids, numbered as INCEpTION numbers them. A relation sits on its
target's first row and names the source's first row (``1-1[src_tgt]``). Text and values are
escaped as INCEpTION escapes them (:mod:`tsv_escape`); a missing feature value is ``*``; every
row ends with a TAB.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import count
from typing import Any

from annotator.core.annotation import AnnotatedDocument, Span
from annotator.core.offsets import OffsetConverter
from annotator.core.schema import AttributeValue, LabelSchema
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    Layout,
    Loss,
    LossReport,
    MemberNames,
    OutputSink,
    no_token_example,
)
from annotator.formats.tsv_escape import escape_text, escape_value
from annotator.formats.tsv_layout import (
    FORMAT_LINE,
    FORMAT_NAME,
    LABEL_FEATURE,
    META_KEY,
    RELATION_LAYER,
    SPAN_LAYER,
    Pairs,
    segment_bounds,
    stored_layout,
)
from annotator.formats.workers import (
    BATCH_DOCUMENTS,
    Packed,
    batched,
    ordered_map,
    packer,
    unpack,
    worker_count,
)

Unit = int | tuple[int, int]
"""A row: a token's index, or (token index, sub-token index) for a sub-token row."""


@dataclass(slots=True)
class _Header:
    span_layer: str = SPAN_LAYER
    span_features: list[str] = field(default_factory=lambda: [LABEL_FEATURE])
    span_label: str = LABEL_FEATURE
    relation_layer: str = RELATION_LAYER
    relation_features: list[str] = field(default_factory=lambda: [LABEL_FEATURE])
    relation_label: str = LABEL_FEATURE
    null_label: str = ""
    relation_null_label: str = ""
    """The relation type standing for a relation without a label (the layer's short name)."""
    relations: bool = True
    raw: list[str] = field(default_factory=list)
    """A stored header declaring no layer this export fills: written as is, with no columns."""

    def lines(self) -> list[str]:
        if self.raw:
            return list(self.raw)
        out = [FORMAT_LINE, f"#T_SP={'|'.join([self.span_layer, *self.span_features])}"]
        if self.relations:
            columns = [self.relation_layer, *self.relation_features, f"BT_{self.span_layer}"]
            out.append(f"#T_RL={'|'.join(columns)}")
        return out


def _schema_attributes(schema: LabelSchema) -> list[str]:
    names: dict[str, None] = {}
    for label in schema.labels:
        for attribute in label.attributes:
            names[attribute.name] = None
    return list(names)


def _header_for(item: AnnotatedDocument, schema: LabelSchema) -> _Header:
    stored = item.document.metadata.get(META_KEY)
    header = _Header()
    if isinstance(stored, Mapping) and isinstance(stored.get("span_layer"), str):
        header.span_layer = str(stored["span_layer"])
        header.span_features = [str(f) for f in stored.get("span_features") or []]
        header.span_label = str(stored.get("span_label") or "")
        header.null_label = str(stored.get("null_label") or "")
        header.relation_null_label = str(stored.get("relation_null_label") or "")
        header.relations = bool(stored.get("relation_layer"))
        if header.relations:
            header.relation_layer = str(stored["relation_layer"])
            header.relation_features = [str(f) for f in stored.get("relation_features") or []]
            header.relation_label = str(stored.get("relation_label") or "")
    elif (
        isinstance(stored, Mapping)
        and stored.get("header") == [FORMAT_LINE]
        and not item.spans
        and not item.relations
    ):
        header.raw, header.span_features, header.relations = [FORMAT_LINE], [], False
        return header
    else:
        header.span_features = [LABEL_FEATURE, *_schema_attributes(schema)]
    for span in item.spans:
        for name in span.attributes:
            if name not in header.span_features:
                header.span_features.append(name)
    if not header.relations and item.relations:
        header.relations = True
    return header


def _cell_value(value: AttributeValue | None) -> str:
    if value is None:
        return "*"
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape_value(str(value))


def _left_out_example(span: Span, text: str, starts: list[int], ends: list[int]) -> str:
    """Why ``span`` cannot be written: it is on no token, or it covers some but reaches into
    the whitespace before the first token or after the last (TSV would read it back shorter)."""
    covered = text[span.start : span.end]
    first = bisect_right(ends, span.start)  # the first token ending after the span's start
    if first < len(starts) and starts[first] < span.end:
        return f"{span.label} {covered!r} reaches past the tokens (TSV cannot write it)"
    return no_token_example(span.label, covered)


class _Placement:
    """Which rows each span sits on, the sub-token rows and the disambiguation ids, as INCEpTION's
    ``Tsv3XCasDocumentBuilder`` decides them for one span layer (spans placed in the order
    begin, longest first)."""

    def __init__(self, starts: list[int], ends: list[int]) -> None:
        self.starts = starts
        self.ends = ends
        self.subtokens: dict[int, list[tuple[int, int]]] = {}
        self.on_unit: dict[Unit, list[Span]] = {}
        self.id_unit: dict[int, Unit] = {}
        """Each placed span's ID-defining row (the row relations name)."""
        self.ids: dict[int, int] = {}

    def place(self, span: Span) -> bool:
        """Put ``span`` on its rows; False (nothing placed) when it would be read back with
        other offsets (a span beginning or ending in whitespace, or outside the tokens)."""
        begin, end, starts, ends = span.start, span.end, self.starts, self.ends
        b = bisect_left(starts, begin)
        if b < len(starts) and starts[b] == begin:  # on token boundaries (most spans)
            e = bisect_left(ends, end, b)
            if e < len(ends) and ends[e] == end:
                self._add(b, span)
                self.id_unit[span.id] = b
                if e > b:
                    self._add(e, span)
                    for t in range(b + 1, e):
                        self._add(t, span)
                    self._number(span)
                return True
        plan = self.plan(begin, end)
        if plan is None:
            return False
        specs, id_spec, single = plan
        if self.extent(specs) != (span.start, span.end):
            return False
        units = [self.unit(s) for s in specs]
        for unit in units:
            self._add(unit, span)
        self.id_unit[span.id] = units[id_spec]
        if not single:
            self._number(span)
        return True

    def extent(self, specs: list[tuple[int] | tuple[int, int, int]]) -> tuple[int, int]:
        """The offsets a span on these rows is read back with."""
        begins = [self.starts[s[0]] if len(s) == 1 else s[1] for s in specs]
        ends = [self.ends[s[0]] if len(s) == 1 else s[2] for s in specs]
        return min(begins), max(ends)

    def plan(
        self, begin: int, end: int
    ) -> tuple[list[tuple[int] | tuple[int, int, int]], int, bool] | None:
        """The rows (``(token,)`` or ``(token, begin, end)`` for a sub-token) in the order
        INCEpTION adds the span to them, which of them defines its id, and whether it is on
        one token."""
        starts, ends = self.starts, self.ends
        n = len(starts)
        b = bisect_right(starts, begin) - 1
        after = bisect_right(ends, begin)  # the first token ending after ``begin``
        if b < 0 or (ends[b] < begin and after < n):
            b = after
        e = bisect_left(ends, end)  # the first token ending at or after ``end``
        if e == n or (starts[e] > end and e > 0):
            e -= 1
        if b >= n or e < 0:
            return None
        if begin == end:
            b = e
        single = b == e
        specs: list[tuple[int] | tuple[int, int, int]] = []
        id_spec = 0
        if starts[b] == begin and ends[e] == end:
            specs.append((b,))
            if not single:
                specs.append((e,))
        elif begin == end:
            position = max(min(ends[b], end), starts[b])
            specs.append((b, position, position))
        else:
            if starts[b] < begin:
                specs.append((b, begin, min(ends[b], end)))
            if begin <= starts[b] and ends[b] <= end:
                specs.append((b,))
            if ends[e] > end:
                specs.append((e, max(starts[e], begin), end))
                if single:
                    id_spec = len(specs) - 1
            elif not single:
                specs.append((e,))
        if not single:
            specs.extend((t,) for t in range(b + 1, e))
        if not specs or (not single and b > e):
            return None
        return specs, id_spec, single

    def unit(self, spec: tuple[int] | tuple[int, int, int]) -> Unit:
        if len(spec) == 1:
            return spec[0]
        token, begin, end = spec
        subs = self.subtokens.setdefault(token, [])
        if (begin, end) not in subs:
            subs.append((begin, end))
        return (token, subs.index((begin, end)))

    def _add(self, unit: Unit, span: Span) -> None:
        spans = self.on_unit.setdefault(unit, [])
        if any(s is span for s in spans):
            return
        spans.append(span)
        if len(spans) > 1:  # stacked: every span on the row gets an id
            for stacked in spans:
                self._number(stacked)

    def _number(self, span: Span) -> None:
        if span.id not in self.ids:
            self.ids[span.id] = len(self.ids) + 1


def tsv_lines(item: AnnotatedDocument, schema: LabelSchema, report: LossReport) -> list[str]:
    """The lines of one document's .tsv file (each without its line break)."""
    text = item.document.text
    where = item.document.external_id or f"doc-{item.document.id}"
    header = _header_for(item, schema)
    spans = sorted(item.spans, key=lambda s: (s.start, -s.end, s.id))
    token_starts, token_ends, sentences = _layout(item, spans)
    if token_starts:
        lead, tail = text[: token_starts[0]], text[token_ends[-1] :]
        lost = (0 if lead.strip(" ") == "" else len(lead)) + len(tail)
    else:
        lost = len(text)
    report.add(
        Loss.CHARACTERS, lost, f"{where}: whitespace before the first or after the last token"
    )
    placement = _Placement(token_starts, token_ends)
    if token_starts and header.relations and header.relation_layer < header.span_layer:
        _relation_sub_tokens(placement, item)
    if token_starts:
        for span in spans:
            if not placement.place(span):
                shown = _left_out_example(span, text, token_starts, token_ends)
                report.add(Loss.DROPPED, 1, f"{where}: {shown}")
    else:
        for span in spans:
            shown = no_token_example(span.label, text[span.start : span.end])
            report.add(Loss.DROPPED, 1, f"{where}: {shown}")
    sentence_firsts = [first for first, _ in sentences]

    def unit_id(unit: Unit) -> str:
        token = unit if isinstance(unit, int) else unit[0]
        number = bisect_right(sentence_firsts, token)
        name = f"{number}-{token - sentence_firsts[number - 1] + 1}"
        return name if isinstance(unit, int) else f"{name}.{unit[1] + 1}"

    ids = placement.ids
    relations_on: dict[Unit, list[tuple[str, str, str]]] = {}
    stored = item.document.metadata.get(META_KEY)
    relation_values = (stored.get("relation_values") if isinstance(stored, Mapping) else None) or {}
    by_id = {s.id: s for s in item.spans}
    for relation in sorted(item.relations, key=lambda r: r.id):
        source = placement.id_unit.get(relation.source)
        target = placement.id_unit.get(relation.target)
        if source is None or target is None:
            report.add(Loss.RELATIONS, 1, f"{where}: {relation.type} to a span left out")
            continue
        reference = unit_id(source)
        a, b = ids.get(relation.source, 0), ids.get(relation.target, 0)
        if a or b:
            reference += f"[{a}_{b}]"
        key = _relation_key(by_id[relation.source], by_id[relation.target], relation.type)
        relations_on.setdefault(target, []).append((relation.type, reference, key))
    converter = OffsetConverter(text)
    utf16 = converter.cp_to_utf16 if converter.has_astral else None
    words = list(map(text.__getitem__, map(slice, token_starts, token_ends)))
    if utf16 is not None:
        token_starts = list(map(utf16, token_starts))
        token_ends = list(map(utf16, token_ends))
    cache: dict[int, list[str]] = {}
    empty = _span_cells(header, [], ids, cache)
    if header.relations:
        empty += _relation_cells(header, [], relation_values)
    plain = "".join(f"{cell}\t" for cell in empty)

    def cells(unit: Unit) -> str:
        found = _span_cells(header, placement.on_unit.get(unit, []), ids, cache)
        if header.relations:
            found.extend(_relation_cells(header, relations_on.get(unit, []), relation_values))
        return "".join(f"{c}\t" for c in found)

    touched = sorted(
        {u if isinstance(u, int) else u[0] for u in placement.on_unit}
        | {u if isinstance(u, int) else u[0] for u in relations_on}
    )  # the tokens whose rows have annotations or sub-token rows
    out = [*header.lines(), ""]
    for number, (first, last) in enumerate(sentences, start=1):
        begin, end = placement.starts[first], placement.ends[last - 1]
        out.append("")
        out.extend(f"#Text={escape_text(part)}" for part in text[begin:end].split("\n"))
        rows = [
            f"{number}-{k}\t{start}-{end_}\t{word}\t{plain}"
            for k, start, end_, word in zip(
                count(1),
                token_starts[first:last],
                token_ends[first:last],
                words[first:last],
                strict=False,
            )
        ]
        extra: dict[int, list[str]] = {}
        for i in touched[bisect_left(touched, first) : bisect_left(touched, last)]:
            if i in placement.on_unit or i in relations_on:
                row = rows[i - first]
                rows[i - first] = row[: len(row) - len(plain)] + cells(i)
            for k, (sub_begin, sub_end) in enumerate(placement.subtokens.get(i, ())):
                unit = (i, k)
                offsets = (
                    f"{sub_begin}-{sub_end}"
                    if utf16 is None
                    else f"{utf16(sub_begin)}-{utf16(sub_end)}"
                )
                extra.setdefault(i - first, []).append(
                    f"{unit_id(unit)}\t{offsets}\t{text[sub_begin:sub_end]}\t{cells(unit)}"
                )
        if extra:
            for i in sorted(extra, reverse=True):
                rows[i + 1 : i + 1] = extra[i]
        out.extend(rows)
    return out


def _relation_sub_tokens(placement: _Placement, item: AnnotatedDocument) -> None:
    """INCEpTION goes through the layers in its type system's order (here: by name) and a
    relation makes the sub-token rows of its target's edges: when the relation layer comes
    first, those rows are made, and numbered, before the spans' own."""
    by_id = {s.id: s for s in item.spans}
    targets = [by_id[r.target] for r in item.relations if r.target in by_id]
    for target in sorted(targets, key=lambda s: (s.start, -s.end, s.id)):
        plan = placement.plan(target.start, target.end)
        if plan is None or placement.extent(plan[0]) != (target.start, target.end):
            continue  # the target is left out
        for spec in plan[0]:
            if len(spec) == 3:
                placement.unit(spec)


def _layout(item: AnnotatedDocument, spans: list[Span]) -> tuple[list[int], list[int], Pairs]:
    """Token starts, token ends and sentences: the document's own when it kept them, else
    ours."""
    stored = item.document.metadata.get(META_KEY)
    text = item.document.text
    if isinstance(stored, Mapping):
        found = stored_layout(stored, len(text))
        if found is not None:
            return found
    return segment_bounds(text, [s.start for s in spans] + [s.end for s in spans])


def _span_cells(
    header: _Header, spans: list[Span], ids: Mapping[int, int], cache: dict[int, list[str]]
) -> list[str]:
    """The span columns of a row holding ``spans`` (``cache``: each span's own values, the same
    on every row it sits on)."""
    if header.raw:
        return []
    features = header.span_features or [""]
    if not spans:
        return ["_"] * len(features)
    own = []
    for span in spans:
        values = cache.get(span.id)
        if values is None:
            values = cache[span.id] = _span_values(header, features, span, ids)
        own.append(values)
    if len(own) == 1:
        return list(own[0])
    return ["|".join(stack) for stack in zip(*own, strict=True)]


def _span_values(
    header: _Header, features: list[str], span: Span, ids: Mapping[int, int]
) -> list[str]:
    suffix = f"[{ids[span.id]}]" if span.id in ids else ""
    values = []
    for feature in features:
        if not feature:
            value: AttributeValue | None = None
        elif feature == header.span_label:
            value = None if span.label == header.null_label else span.label
        else:
            value = span.attributes.get(feature)
        values.append(_cell_value(value) + suffix)
    return values


def _relation_key(source: Span, target: Span, kind: str) -> str:
    return f"{source.start}-{source.end}>{target.start}-{target.end}:{kind}"


def _relation_cells(
    header: _Header, relations: list[tuple[str, str, str]], stored: Mapping[str, Any]
) -> list[str]:
    features = header.relation_features
    if not relations:
        return ["_"] * (len(features) + 1)
    cells = []
    for feature in features:
        values = []
        for kind, _, key in relations:
            if feature == header.relation_label:
                values.append(_cell_value(None if kind == header.relation_null_label else kind))
            else:
                extra = stored.get(key)
                value = extra.get(feature) if isinstance(extra, Mapping) else None
                values.append(_cell_value(value))
        cells.append("|".join(values))
    cells.append("|".join(reference for _, reference, _ in relations))
    return cells


class TsvExporter:
    name = FORMAT_NAME
    layout = Layout.FOLDER
    capabilities = Capabilities(overlaps=True, relations=True, attributes=True)

    def write(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        sink: OutputSink,
        options: ExportOptions,
    ) -> LossReport:
        """Documents are laid out in worker processes, a batch at a time
        (:mod:`annotator.formats.workers`), while this process reads the next ones."""
        report = LossReport()
        names = MemberNames()
        workers = worker_count(options.extra)
        batches = batched(map(packer(workers), items), BATCH_DOCUMENTS)
        render = partial(render_documents, schema)
        for documents, batch_report in ordered_map(render, batches, workers, BATCH_DOCUMENTS):
            report.merge(batch_report)
            for wanted_name, text in documents:
                with sink.member(f"{names.take(wanted_name)}.tsv") as out:
                    out.write(text)
        return report


def render_documents(
    schema: LabelSchema, batch: list[Packed]
) -> tuple[list[tuple[str, str]], LossReport]:
    """Each document of a batch as (the member name it asks for, its TSV text), and what they
    could not carry (in a worker)."""
    report = LossReport()
    documents = []
    for packed in batch:
        item = unpack(packed)
        lines = tsv_lines(item, schema, report)
        wanted = item.document.external_id or f"doc-{item.document.id}"
        documents.append((wanted, "\n".join(lines) + "\n"))
    return documents, report


EXPORTER = TsvExporter()
