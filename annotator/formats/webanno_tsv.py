"""WebAnno TSV 3.3 (INCEpTION): sentences and tokens, stacked spans, feature columns, relations.

Export (a folder, or a .zip): one ``<name>.tsv`` per document. The header declares a span layer
``webanno.custom.Span`` with the label feature ``label`` and one column per attribute of the
schema, and a relation layer ``webanno.custom.Relation|label|BT_webanno.custom.Span``. Tokens
are the text's non-whitespace runs, cut at every span boundary; a sentence ends where exactly
one line break separates two tokens (any other gap stays inside the sentence, on several
``#Text=`` lines), so the text comes back exactly when read again, except whitespace before the
first or after the last token (reported). Offsets are UTF-16 units. Multi-token or stacked
spans carry ``[n]`` ids; a relation sits on its target's first token and names the source's
first token (``1-1[src_tgt]``). Text and values are escaped as INCEpTION escapes them
(:mod:`tsv_escape`); a missing feature value is ``*``; every row ends with a TAB.

Import: the text is rebuilt as INCEpTION does (sentence texts at their first token's offset,
the gap filled with the line break or spaces). Every span layer's annotations become spans
labelled by the feature named by ``label_feature``, else ``label``, else ``value``, else the
first feature (the layer's short name when empty); other features become attributes. The first
relation layer's annotations become relations typed the same way. Sub-token rows (``1-1.1``:
a span starting or ending inside a token) give their spans their own offsets and are not
tokens. A sentence's rows without annotations are read in bulk. What the model cannot hold
(tokens, sentences, the header, relation features) goes into ``metadata["webanno_tsv"]`` so that
the document exports again byte for byte.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress, count, pairwise, repeat
from operator import add, itemgetter, methodcaller, not_
from pathlib import Path, PurePosixPath
from typing import Any

from annotator.core.annotation import AnnotatedDocument, Span
from annotator.core.document import DocumentDraft
from annotator.core.errors import OffsetError
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.offsets import OffsetConverter, Unit, utf16_length
from annotator.core.reports import Failure
from annotator.core.schema import AttributeValue, LabelSchema, typed_value
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
from annotator.formats.tsv_escape import escape_text, escape_value, unescape_text, unescape_value

FORMAT_NAME = "tsv3"
FORMAT_LINE = "#FORMAT=WebAnno TSV 3.3"
SPAN_LAYER = "webanno.custom.Span"
RELATION_LAYER = "webanno.custom.Relation"
LABEL_FEATURE = "label"
META_KEY = "webanno_tsv"
_STACK_SEPARATOR = re.compile(r"(?<!\\)\|")
_WORD = re.compile(r"\S+")


# -- segmentation (shared with the XMI export) ----------------------------------------------------


def segment(text: str, cuts: Iterable[int]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Tokens (non-whitespace runs cut at ``cuts``) and sentences (token index ranges, end
    exclusive): a sentence ends where exactly one line break separates two tokens."""
    starts, ends = _runs(text)
    if not starts:
        return [], []
    inside: dict[int, list[int]] = {}
    for cut in sorted(set(cuts)):
        k = bisect_right(starts, cut) - 1
        if k >= 0 and cut < ends[k] and cut != starts[k]:
            inside.setdefault(k, []).append(cut)
    if inside:
        new_starts: list[int] = []
        new_ends: list[int] = []
        done = 0
        for k, inner in inside.items():
            new_starts += starts[done:k]
            new_ends += ends[done:k]
            new_starts += (starts[k], *inner)
            new_ends += (*inner, ends[k])
            done = k + 1
        starts = new_starts + starts[done:]
        ends = new_ends + ends[done:]
    breaks = []
    line = text.find("\n", 1)
    while line != -1 and line < len(text) - 1:
        if not text[line - 1].isspace() and not text[line + 1].isspace():
            breaks.append(bisect_right(starts, line))
        line = text.find("\n", line + 1)
    bounds = [0, *breaks, len(starts)]
    return list(zip(starts, ends, strict=True)), list(pairwise(bounds))


def _runs(text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the runs of non-whitespace characters (``\\S+``).

    Most text is runs between single spaces: it is split at spaces (in C) and only the pieces
    that are empty (two spaces in a row) or hold other whitespace are looked at again.
    """
    pieces = text.split(" ")
    lengths = list(map(len, pieces))
    starts = list(accumulate(map((1).__add__, lengths), initial=0))
    del starts[-1]
    ends = list(map(add, starts, lengths))
    odd = list(compress(count(), map(not_, map(str.isprintable, pieces))))
    if all(lengths) and not odd:
        return starts, ends
    odd = sorted({*odd, *compress(count(), map(not_, lengths))})
    out_starts: list[int] = []
    out_ends: list[int] = []
    done = 0
    for k in odd:
        out_starts += starts[done:k]
        out_ends += ends[done:k]
        done = k + 1
        if lengths[k]:
            for match in _WORD.finditer(text, starts[k], ends[k]):
                out_starts.append(match.start())
                out_ends.append(match.end())
    out_starts += starts[done:]
    out_ends += ends[done:]
    return out_starts, out_ends


def _cut(tokens: Sequence[tuple[int, int]], cuts: Iterable[int]) -> list[tuple[int, int]] | None:
    """``tokens`` cut further at ``cuts``; None when a token would be cut (a layout that does
    not fit the spans is not used)."""
    inside = set(cuts)
    for start, end in tokens:
        if any(start < c < end for c in inside):
            return None
    return list(tokens)


# -- export ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Header:
    span_layer: str = SPAN_LAYER
    span_features: list[str] = field(default_factory=lambda: [LABEL_FEATURE])
    span_label: str = LABEL_FEATURE
    relation_layer: str = RELATION_LAYER
    relation_features: list[str] = field(default_factory=lambda: [LABEL_FEATURE])
    relation_label: str = LABEL_FEATURE
    null_label: str = ""
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


def tsv_lines(item: AnnotatedDocument, schema: LabelSchema, report: LossReport) -> list[str]:
    """The lines of one document's .tsv file (each without its line break)."""
    text = item.document.text
    where = item.document.external_id or f"doc-{item.document.id}"
    header = _header_for(item, schema)
    spans = sorted(item.spans, key=lambda s: (s.start, -s.end, s.id))
    cuts = {s.start for s in spans} | {s.end for s in spans}
    tokens, sentences = _layout(item, cuts)
    if tokens:
        lead, tail = text[: tokens[0][0]], text[tokens[-1][1] :]
        lost = (0 if lead.strip(" ") == "" else len(lead)) + len(tail)
    else:
        lost = len(text)
    report.add(
        Loss.CHARACTERS, lost, f"{where}: whitespace before the first or after the last token"
    )
    token_starts = [start for start, _ in tokens]
    token_ends = [end for _, end in tokens]
    sentence_firsts = [first for first, _ in sentences]

    def token_id(i: int) -> str:
        number = bisect_right(sentence_firsts, i)
        return f"{number}-{i - sentence_firsts[number - 1] + 1}"

    on_token: dict[int, list[Span]] = {}
    extent: dict[int, tuple[int, int]] = {}
    for span in spans:
        first_token = bisect_left(token_starts, span.start)
        last_token = bisect_left(token_ends, span.end)
        if (
            first_token == len(tokens)
            or last_token == len(tokens)
            or token_starts[first_token] != span.start
            or token_ends[last_token] != span.end
            or last_token < first_token
        ):
            report.add(Loss.UNALIGNED, 1, f"{where}: {span.label} {span.start}-{span.end}")
            continue
        extent[span.id] = (first_token, last_token)
        for i in range(first_token, last_token + 1):
            on_token.setdefault(i, []).append(span)
    ids = _disambiguation_ids(on_token, extent)
    relations_on: dict[int, list[tuple[str, str]]] = {}
    stored = item.document.metadata.get(META_KEY)
    relation_values = (stored.get("relation_values") if isinstance(stored, Mapping) else None) or {}
    by_id = {s.id: s for s in item.spans}
    for relation in sorted(item.relations, key=lambda r: r.id):
        source, target = extent.get(relation.source), extent.get(relation.target)
        if source is None or target is None:
            report.add(Loss.RELATIONS, 1, f"{where}: {relation.type} to a span left out")
            continue
        source_span, target_span = by_id[relation.source], by_id[relation.target]
        reference = token_id(source[0])
        a, b = ids.get(relation.source, 0), ids.get(relation.target, 0)
        if a or b:
            reference += f"[{a}_{b}]"
        key = _relation_key(source_span, target_span, relation.type)
        relations_on.setdefault(target[0], []).append((relation.type, reference + "\x00" + key))
    converter = OffsetConverter(text)
    if converter.has_astral:
        token_starts = list(map(converter.cp_to_utf16, token_starts))
        token_ends = list(map(converter.cp_to_utf16, token_ends))
    words = [text[start:end] for start, end in tokens]
    empty = _span_cells(header, [], ids)
    if header.relations:
        empty += _relation_cells(header, [], relation_values)
    plain = "".join(f"{cell}\t" for cell in empty)
    out = [*header.lines(), ""]
    for number, (first, last) in enumerate(sentences, start=1):
        begin, end = tokens[first][0], tokens[last - 1][1]
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
        for i in range(first, last):
            if i not in on_token and i not in relations_on:
                continue
            cells = _span_cells(header, on_token.get(i, []), ids)
            if header.relations:
                cells.extend(_relation_cells(header, relations_on.get(i, []), relation_values))
            row = rows[i - first]
            rows[i - first] = row[: len(row) - len(plain)] + "".join(f"{c}\t" for c in cells)
        out.extend(rows)
    return out


def _layout(
    item: AnnotatedDocument, cuts: set[int]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    stored = item.document.metadata.get(META_KEY)
    text = item.document.text
    if isinstance(stored, Mapping) and stored.get("tokens") and stored.get("sentences"):
        try:
            tokens = [(int(a), int(b)) for a, b in stored["tokens"]]
            sentences = [(int(a), int(b)) for a, b in stored["sentences"]]
        except (TypeError, ValueError):
            tokens, sentences = [], []
        fits = (
            tokens
            and all(0 <= a < b <= len(text) for a, b in tokens)
            and all(x[1] <= y[0] for x, y in itertools.pairwise(tokens))
            and sentences
            and sentences[0][0] == 0
            and sentences[-1][1] == len(tokens)
        )
        if fits and _cut(tokens, cuts) is not None:
            return tokens, sentences
    return segment(text, cuts)


def _disambiguation_ids(
    on_token: Mapping[int, list[Span]], extent: Mapping[int, tuple[int, int]]
) -> dict[int, int]:
    ids: dict[int, int] = {}
    for token in sorted(on_token):
        spans = on_token[token]
        for span in spans:
            if span.id in ids:
                continue
            first, last = extent[span.id]
            if last > first or len(spans) > 1:
                ids[span.id] = len(ids) + 1
    return ids


def _span_cells(header: _Header, spans: list[Span], ids: Mapping[int, int]) -> list[str]:
    if header.raw:
        return []
    features = header.span_features or [""]
    if not spans:
        return ["_"] * len(features)
    cells = []
    for feature in features:
        values = []
        for span in spans:
            if not feature:
                value: AttributeValue | None = None
            elif feature == header.span_label:
                value = None if span.label == header.null_label else span.label
            else:
                value = span.attributes.get(feature)
            suffix = f"[{ids[span.id]}]" if span.id in ids else ""
            values.append(_cell_value(value) + suffix)
        cells.append("|".join(values))
    return cells


def _relation_key(source: Span, target: Span, kind: str) -> str:
    return f"{source.start}-{source.end}>{target.start}-{target.end}:{kind}"


def _relation_cells(
    header: _Header, relations: list[tuple[str, str]], stored: Mapping[str, Any]
) -> list[str]:
    features = header.relation_features
    if not relations:
        return ["_"] * (len(features) + 1)
    cells = []
    for feature in features:
        values = []
        for kind, packed in relations:
            key = packed.split("\x00", 1)[1]
            if feature == header.relation_label:
                values.append(_cell_value(kind))
            else:
                extra = stored.get(key)
                value = extra.get(feature) if isinstance(extra, Mapping) else None
                values.append(_cell_value(value))
        cells.append("|".join(values))
    cells.append("|".join(packed.split("\x00", 1)[0] for _, packed in relations))
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
        report = LossReport()
        names = MemberNames()
        for item in items:
            name = names.take(item.document.external_id or f"doc-{item.document.id}")
            lines = tsv_lines(item, schema, report)
            with sink.member(f"{name}.tsv") as out:
                out.write("\n".join(lines) + "\n")
        return report


# -- import ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Column:
    layer: int
    kind: str  # "span", "relation", "chain"
    feature: str  # "" for a placeholder; "BT" for the relation's source column


@dataclass(slots=True)
class _Layer:
    kind: str
    type_name: str
    features: list[str]
    base: str = ""

    @property
    def short_name(self) -> str:
        return self.type_name.rsplit(".", 1)[-1]

    def label_feature(self, wanted: str) -> str:
        for name in (wanted, LABEL_FEATURE, "value"):
            if name and name in self.features:
                return name
        return self.features[0] if self.features else ""


@dataclass(slots=True, eq=False)  # compared by identity: two annotations are never the same
class _Annotation:
    layer: int
    start: int  # UTF-16 units
    end: int
    values: dict[str, str | None] = field(default_factory=dict)
    order: int = 0


@dataclass(slots=True)
class _Relation:
    layer: int
    unit: str
    values: dict[str, str | None] = field(default_factory=dict)
    reference: str = ""
    ids: tuple[int, int] = (0, 0)
    line: int = 0


@dataclass(slots=True)
class _Cursor:
    """Reading state carried from one sentence block to the next."""

    sentence_text: list[str] = field(default_factory=list)
    """``#Text=`` lines not yet given to a sentence."""
    counter: int = 0
    """Annotation cells read so far (the order spans come out in)."""


class _Parse:
    def __init__(self) -> None:
        self.layers: list[_Layer] = []
        self.columns: list[_Column] = []
        self.header: list[str] = []
        self.spans: dict[object, _Annotation] = {}
        self.by_unit: dict[tuple[str, int], list[_Annotation]] = {}
        self.relations: list[_Relation] = []
        self.tokens: list[tuple[int, int]] = []
        self.sentences: list[tuple[int, int]] = []
        self.text_parts: list[str] = []
        self.length16 = 0


def _parse_header_line(parse: _Parse, line: str) -> None:
    prefix, _, rest = line.partition("=")
    kind = {"#T_SP": "span", "#T_RL": "relation", "#T_CH": "chain"}[prefix]
    fields = rest.split("|")
    layer = _Layer(kind, fields[0], [])
    index = len(parse.layers)
    parse.layers.append(layer)
    for declaration in fields[1:]:
        if kind == "relation" and declaration.startswith("BT_"):
            layer.base = declaration[3:]
            parse.columns.append(_Column(index, kind, "BT"))
        else:
            layer.features.append(declaration)
            parse.columns.append(_Column(index, kind, declaration))
    if len(fields) == 1:
        parse.columns.append(_Column(index, kind, ""))


def _split_value(raw: str) -> tuple[str, str | None]:
    if raw.endswith("]") and not raw.endswith("\\]") and "[" in raw:
        value, _, info = raw[:-1].rpartition("[")
        return value, info
    return raw, None


def _feature_value(raw: str) -> str | None:
    return None if raw == "*" else unescape_value(raw)


class TsvImporter:
    name = FORMAT_NAME

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | Failure]:
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*.tsv") if p.is_file()):
                yield from self._file(file.read_bytes(), str(file), file.stem, schema, options)
            return
        if path.suffix.lower() == ".zip":
            import zipfile

            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if info.is_dir() or not info.filename.lower().endswith(".tsv"):
                        continue
                    stem = PurePosixPath(info.filename).stem
                    yield from self._file(
                        archive.read(info), f"{path}!{info.filename}", stem, schema, options
                    )
            return
        yield from self._file(path.read_bytes(), str(path), path.stem, schema, options)

    def _file(
        self, data: bytes, name: str, stem: str, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | Failure]:
        try:
            content = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            yield Failure(name, None, f"not UTF-8 text (byte {error.start})", "ANN136")
            return
        lines = content.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if not lines or not lines[0].startswith("#FORMAT=WebAnno TSV 3"):
            yield Failure(name, 1, "not WebAnno TSV 3 (no #FORMAT=WebAnno TSV 3.x line)", "ANN131")
            return
        parse = _Parse()
        parse.header.append(lines[0])
        number = 1
        while number < len(lines) and lines[number].startswith(("#T_SP=", "#T_RL=", "#T_CH=")):
            _parse_header_line(parse, lines[number])
            parse.header.append(lines[number])
            number += 1
        try:
            self._content(parse, lines, number, name)
        except (ValueError, IndexError) as error:
            yield Failure(name, None, f"malformed: {error}", "ANN135")
            return
        text = "".join(parse.text_parts)
        if text.endswith("\n"):
            text = text[:-1]
        yield from self._draft(parse, text, name, stem, schema, options)

    def _content(self, parse: _Parse, lines: list[str], number: int, name: str) -> None:
        """The sentences after the header: blocks of lines between blank lines."""
        cursor = _Cursor()
        empties = [*compress(count(number), map(not_, lines[number:])), len(lines)]
        begin = number
        for stop in empties:
            if stop > begin:
                self._block(parse, cursor, lines[begin:stop], begin)
            begin = stop + 1

    def _block(self, parse: _Parse, cursor: _Cursor, block: list[str], first: int) -> None:
        """One sentence: ``#Text=`` lines, then a row per token or sub-token (``first``: the
        block's index in the file's lines). Rows without annotations (most of them) are read
        in bulk; a block of another shape goes through :meth:`_lines` line by line."""
        r = 0
        while r < len(block) and block[r].startswith("#"):
            if block[r].startswith("#Text="):
                cursor.sentence_text.append(unescape_text(block[r][6:]))
            r += 1
        if r == len(block):
            return
        rows = block[r:]
        parts = list(map(str.split, rows, repeat("\t"), repeat(3)))  # id, offsets, text, rest
        try:
            if min(map(len, parts)) < 4 or any(map(methodcaller("startswith", "#"), rows)):
                raise ValueError("not only rows")
            units = list(map(itemgetter(0), parts))
            offsets = list(map(str.partition, map(itemgetter(1), parts), repeat("-")))
            starts = list(map(int, map(itemgetter(0), offsets)))
            stops = list(map(int, map(itemgetter(2), offsets)))
        except ValueError:  # let the line-by-line reader find (and report) what is wrong
            self._lines(parse, cursor, rows, first + r)
            return
        self._start_sentence(parse, "\n".join(cursor.sentence_text) + "\n", starts[0])
        cursor.sentence_text = []
        sentence_first = len(parse.tokens)
        if "." in "".join(units):
            parse.tokens.extend(
                (a, b) for u, a, b in zip(units, starts, stops, strict=True) if "." not in u
            )
        else:
            parse.tokens.extend(zip(starts, stops, strict=True))
        plain = "_\t" * len(parse.columns)  # what follows the text on a row without annotations
        for i in compress(count(), map(plain.__ne__, map(itemgetter(3), parts))):
            fields = rows[i].split("\t")
            self._row(parse, cursor, fields, units[i], starts[i], stops[i], first + r + i)
        parse.sentences.append((sentence_first, len(parse.tokens)))

    def _lines(self, parse: _Parse, cursor: _Cursor, block: list[str], first: int) -> None:
        in_sentence = False
        sentence_first = 0
        for index, line in enumerate(block, start=first):
            if line.startswith("#Text="):
                cursor.sentence_text.append(unescape_text(line[6:]))
                continue
            if line.startswith("#"):
                continue
            fields = line.split("\t")
            unit = fields[0]
            begin_s, _, end_s = fields[1].partition("-") if len(fields) > 1 else ("", "", "")
            begin, end = int(begin_s), int(end_s)
            if not in_sentence:
                self._start_sentence(parse, "\n".join(cursor.sentence_text) + "\n", begin)
                cursor.sentence_text = []
                in_sentence = True
                sentence_first = len(parse.tokens)
            if "." not in unit:
                parse.tokens.append((begin, end))
            self._row(parse, cursor, fields, unit, begin, end, index)
        if in_sentence:
            parse.sentences.append((sentence_first, len(parse.tokens)))

    def _row(
        self,
        parse: _Parse,
        cursor: _Cursor,
        fields: list[str],
        unit: str,
        begin: int,
        end: int,
        index: int,
    ) -> None:
        """The annotation columns of one row (``index``: its line's index in the file)."""
        if len(fields) < len(parse.columns) + 3:
            raise ValueError(
                f"line {index + 1}: {len(fields)} fields, expected {len(parse.columns) + 3}"
            )
        spans, by_unit = parse.spans, parse.by_unit
        counter = cursor.counter
        for column, raw in zip(parse.columns, fields[3:], strict=False):
            if raw == "_":
                continue
            stack = _STACK_SEPARATOR.split(raw) if "|" in raw else (raw,)
            if column.kind != "span":
                for k, stacked in enumerate(stack):
                    counter += 1
                    self._cell(parse, column, unit, begin, end, k, stacked, counter, index + 1)
                continue
            layer, feature = column.layer, column.feature
            for k, stacked in enumerate(stack):  # _cell for span columns, inline (most cells)
                counter += 1
                value, info = _split_value(stacked)
                key: object = (layer, int(info)) if info else (unit, layer, k)
                found = spans.get(key)
                if found is None:
                    found = spans[key] = _Annotation(layer, begin, end, order=counter)
                    by_unit.setdefault((unit, layer), []).append(found)
                else:
                    if end > found.end:
                        found.end = end
                    units = by_unit.setdefault((unit, layer), [])
                    if found not in units:
                        units.append(found)
                if feature:
                    found.values[feature] = None if value == "*" else unescape_value(value)
        cursor.counter = counter

    @staticmethod
    def _start_sentence(parse: _Parse, sentence: str, begin: int) -> None:
        if parse.length16 > begin and parse.text_parts and parse.text_parts[-1].endswith("\n"):
            parse.text_parts[-1] = parse.text_parts[-1][:-1]
            parse.length16 -= 1
        if parse.length16 < begin:
            parse.text_parts.append(" " * (begin - parse.length16))
            parse.length16 = begin
        parse.text_parts.append(sentence)
        parse.length16 += utf16_length(sentence)

    @staticmethod
    def _cell(
        parse: _Parse,
        column: _Column,
        unit: str,
        begin: int,
        end: int,
        k: int,
        raw: str,
        counter: int,
        line: int,
    ) -> None:
        if column.kind == "span":
            value, info = _split_value(raw)
            key: object = (column.layer, int(info)) if info else (unit, column.layer, k)
            found = parse.spans.get(key)
            if found is None:
                found = _Annotation(column.layer, begin, end, order=counter)
                parse.spans[key] = found
                parse.by_unit.setdefault((unit, column.layer), []).append(found)
            else:
                if end > found.end:
                    found.end = end
                units = parse.by_unit.setdefault((unit, column.layer), [])
                if found not in units:
                    units.append(found)
            if column.feature:
                found.values[column.feature] = _feature_value(value)
        elif column.kind == "relation":
            relation = next(
                (
                    r
                    for r in parse.relations
                    if r.unit == unit and r.layer == column.layer and r.line == line * 1000 + k
                ),
                None,
            )
            if relation is None:
                relation = _Relation(column.layer, unit, line=line * 1000 + k)
                parse.relations.append(relation)
            if column.feature == "BT":
                reference, info = _split_value(raw)
                relation.reference = reference
                if info:
                    a, _, b = info.partition("_")
                    relation.ids = (int(a), int(b))
            else:
                relation.values[column.feature] = _feature_value(raw)

    def _draft(
        self,
        parse: _Parse,
        text: str,
        name: str,
        stem: str,
        schema: LabelSchema,
        options: ImportOptions,
    ) -> Iterator[AnnotatedDraft | Failure]:
        converter = OffsetConverter(text)
        unit = options.offset_unit or Unit.UTF16

        def cp(offset: int) -> int:
            return converter.to_codepoint(offset, unit)

        records: list[SpanRecord] = []
        keys: dict[int, str] = {}
        null_label = ""
        span_layer = next((i for i, layer in enumerate(parse.layers) if layer.kind == "span"), -1)
        for n, annotation in enumerate(sorted(parse.spans.values(), key=lambda a: a.order)):
            layer = parse.layers[annotation.layer]
            feature = layer.label_feature(options.label_feature)
            label = annotation.values.get(feature) if feature else None
            if not label:
                label = null_label = layer.short_name
            try:
                start, end = cp(annotation.start), cp(annotation.end)
            except OffsetError as error:
                yield Failure(name, None, f"{label} {annotation.start}-{annotation.end}: {error}")
                continue
            attributes = {
                k: typed_value(schema, label, k, v)
                for k, v in annotation.values.items()
                if k != feature and v is not None
            }
            key = f"T{n + 1}"
            keys[id(annotation)] = key
            records.append(SpanRecord(key, label, start, end, attributes, options.annotator))
        relation_records: list[RelationRecord] = []
        relation_values: dict[str, dict[str, str]] = {}
        by_key = {r.key: r for r in records}
        relation_layer = next(
            (i for i, layer in enumerate(parse.layers) if layer.kind == "relation"), -1
        )
        for relation in parse.relations:
            layer = parse.layers[relation.layer]
            base = next(
                (i for i, x in enumerate(parse.layers) if x.type_name == layer.base), span_layer
            )
            source = self._resolve(parse, base, relation.reference, relation.ids[0])
            target = self._resolve(parse, base, relation.unit, relation.ids[1])
            if source is None or target is None or id(source) not in keys or id(target) not in keys:
                yield Failure(
                    name, relation.line // 1000, f"relation at {relation.unit}: an end is missing"
                )
                continue
            feature = layer.label_feature(options.label_feature)
            kind = (relation.values.get(feature) if feature else None) or layer.short_name
            extra = {k: v for k, v in relation.values.items() if k != feature and v is not None}
            source_key, target_key = keys[id(source)], keys[id(target)]
            note = "; ".join(f"{k}={v}" for k, v in extra.items())
            relation_records.append(
                RelationRecord(kind, source_key, target_key, options.annotator, note)
            )
            if extra:
                a, b = by_key[source_key], by_key[target_key]
                relation_values[f"{a.start}-{a.end}>{b.start}-{b.end}:{kind}"] = extra
        metadata = self._metadata(parse, converter, unit, span_layer, relation_layer, options)
        if metadata is not None:
            metadata["null_label"] = null_label
            metadata["relation_values"] = relation_values
        draft = DocumentDraft(
            text=text, metadata={META_KEY: metadata} if metadata else {}, external_id=stem
        )
        yield AnnotatedDraft(draft, name, tuple(records), tuple(relation_records))

    @staticmethod
    def _resolve(parse: _Parse, layer: int, unit: str, disambiguation: int) -> _Annotation | None:
        if disambiguation:
            return parse.spans.get((layer, disambiguation))
        found = parse.by_unit.get((unit, layer))
        return found[0] if found else None

    @staticmethod
    def _metadata(
        parse: _Parse,
        converter: OffsetConverter,
        unit: Unit,
        span_layer: int,
        relation_layer: int,
        options: ImportOptions,
    ) -> dict[str, Any] | None:
        if converter.length_in(unit) == converter.length:  # one unit per character
            if parse.tokens and (
                min(map(itemgetter(0), parse.tokens)) < 0
                or max(map(itemgetter(1), parse.tokens)) > converter.length
            ):
                return None
            tokens = list(map(list, parse.tokens))
        else:
            try:
                tokens = [
                    [converter.to_codepoint(a, unit), converter.to_codepoint(b, unit)]
                    for a, b in parse.tokens
                ]
            except OffsetError:
                return None
        out: dict[str, Any] = {
            "header": parse.header,
            "tokens": tokens,
            "sentences": [list(s) for s in parse.sentences],
        }
        simple = span_layer >= 0 and sum(x.kind == "span" for x in parse.layers) == 1
        simple = simple and all(x.kind != "chain" for x in parse.layers)
        simple = simple and sum(x.kind == "relation" for x in parse.layers) <= 1
        if simple:
            layer = parse.layers[span_layer]
            out["span_layer"] = layer.type_name
            out["span_features"] = list(layer.features)
            out["span_label"] = layer.label_feature(options.label_feature)
            if relation_layer >= 0:
                relation = parse.layers[relation_layer]
                out["relation_layer"] = relation.type_name
                out["relation_features"] = list(relation.features)
                out["relation_label"] = relation.label_feature(options.label_feature)
        return out


EXPORTER = TsvExporter()
IMPORTER = TsvImporter()
