"""WebAnno TSV 3.3 import (INCEpTION's files, and ours).

The text is rebuilt as INCEpTION does (sentence texts at their first token's offset, the gap
filled with the line break or spaces). Every span layer's annotations become spans labelled by
the feature named by ``label_feature``, else ``label``, else ``value``, else the first feature
(the layer's short name when empty); other features become attributes. The first relation
layer's annotations become relations typed the same way. Sub-token rows (``1-1.1``: a span
starting or ending inside a token) give their spans their own offsets and are not tokens. A
sentence's rows are read in bulk (a few splits and slices over the whole block); only rows with
annotations are looked at one by one. What the model cannot hold (tokens, sentences, the
header, relation features) goes into ``metadata["webanno_tsv"]`` (see :mod:`tsv_layout`) so that
the document exports again byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from operator import attrgetter, not_
from pathlib import Path, PurePosixPath
from typing import Any

from annotator.core.document import DocumentDraft
from annotator.core.errors import OffsetError
from annotator.core.interchange import (
    AnnotatedDraft,
    RelationRecord,
    SpanRecord,
    new_span_record,
)
from annotator.core.offsets import OffsetConverter, Unit, utf16_length
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema, typed_value
from annotator.formats.base import ImportOptions
from annotator.formats.layer_choice import LAYER_MISSING, SPAN_LAYER_OPTION, layer_matches
from annotator.formats.tsv_escape import unescape_text, unescape_value
from annotator.formats.tsv_layout import FORMAT_NAME, LABEL_FEATURE, META_KEY, pack_pairs

_STACK_SEPARATOR = re.compile(r"(?<!\\)\|")
_NOT_ID = str.maketrans("", "", "0123456789-.")
_NOT_OFFSETS = str.maketrans("", "", "0123456789-")


@dataclass(slots=True)
class _Column:
    layer: int
    kind: str  # "span", "relation", "chain"
    feature: str  # "" for a placeholder; "BT" for the relation's source column


@dataclass(frozen=True, slots=True)
class _Group:
    layer: int
    kind: str
    first: int
    stop: int
    features: tuple[str, ...]


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
        self.groups: list[_Group] = []
        """Each layer's columns (a header line declares one layer, its columns side by side)."""
        self.header: list[str] = []
        self.spans: dict[object, _Annotation] = {}
        self.by_unit: dict[tuple[str, int], list[_Annotation]] = {}
        self.relations: list[_Relation] = []
        self.tokens: list[str] = []
        """Each token row's offsets as written (``"0-6"``, UTF-16 units); not sub-tokens."""
        self.token_end = 0
        """The largest end of a sentence's last token: a layout ending past the text is not kept
        (an export checks every token again, :func:`tsv_layout.stored_layout`)."""
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
    first = next(i for i, c in enumerate(parse.columns) if c.layer == index)
    features = tuple(c.feature for c in parse.columns[first:])
    parse.groups.append(_Group(index, kind, first, len(parse.columns), features))


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
        block's index in the file's lines). The rows are read in bulk when they all have the
        header's number of columns and end with a TAB (as every writer writes them): joined
        with TABs and split, they give a flat list of fields, sliced into columns. Only rows with
        annotations are looked at one by one. A block of another shape goes through
        :meth:`_lines` line by line (which finds and reports what is wrong)."""
        r = 0
        while r < len(block) and block[r].startswith("#"):
            if block[r].startswith("#Text="):
                cursor.sentence_text.append(unescape_text(block[r][6:]))
            r += 1
        if r == len(block):
            return
        rows = block[r:]
        width = len(parse.columns) + 4  # id, offsets, text, the columns, "" after the last TAB
        fields = "\t".join(rows).split("\t")
        units = fields[0::width]
        offsets = fields[1::width]
        joined_units = "".join(units)
        joined = "-".join(offsets)
        if (
            len(fields) != width * len(rows)
            or any(fields[width - 1 :: width])
            or joined_units.translate(_NOT_ID)
            or joined.translate(_NOT_OFFSETS)  # digits and dashes only, and each offset is
            or joined.count("-") != 2 * len(rows) - 1  # two numbers with one dash between
            or "--" in joined
            or joined[:1] == "-"
            or joined[-1:] == "-"
        ):
            self._lines(parse, cursor, rows, first + r)
            return
        begin = int(offsets[0].partition("-")[0])
        self._start_sentence(parse, "\n".join(cursor.sentence_text) + "\n", begin)
        cursor.sentence_text = []
        sentence_first = len(parse.tokens)
        if "." in joined_units:
            parse.tokens.extend(o for u, o in zip(units, offsets, strict=True) if "." not in u)
        else:
            parse.tokens.extend(offsets)
        if len(parse.tokens) > sentence_first:
            last_end = int(parse.tokens[-1].partition("-")[2])
            parse.token_end = max(parse.token_end, last_end)
        plain = "\t" + "_\t" * len(parse.columns)  # what ends a row without annotations
        for i in compress(count(), map(not_, map(str.endswith, rows, [plain] * len(rows)))):
            row = fields[i * width : (i + 1) * width]
            start, _, stop = offsets[i].partition("-")
            self._row(parse, cursor, row, units[i], int(start), int(stop), first + r + i)
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
                parse.tokens.append(f"{begin}-{end}")
                parse.token_end = max(parse.token_end, end)
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
        cells = fields[3:]
        for group in parse.groups:
            part = cells[group.first : group.stop]
            if part.count("_") == len(part):
                continue
            if (
                group.kind == "span"
                and "_" not in part
                and self._whole_span(parse, cursor, group, part, unit, begin, end)
            ):
                continue
            self._cells(parse, cursor, group, part, unit, begin, end, index)

    @staticmethod
    def _whole_span(
        parse: _Parse,
        cursor: _Cursor,
        group: _Group,
        part: list[str],
        unit: str,
        begin: int,
        end: int,
    ) -> bool:
        """A span layer's cells holding one annotation, not stacked (most rows): one lookup
        for all of them. False, with nothing read, for any other shape."""
        if "|" in "".join(part):
            return False
        first = part[0]
        layer = group.layer
        key: tuple[Any, ...]
        if first[-1:] == "]" and first[-2:] != "\\]" and "[" in first:
            suffix = first[first.rindex("[") :]
            if not all(map(str.endswith, part, repeat(suffix))) or not suffix[1:-1].isdigit():
                return False
            key, cut = (layer, int(suffix[1:-1])), len(suffix)
        else:
            if any(map(str.endswith, part, repeat("]"))):
                return False
            key, suffix, cut = (unit, layer, 0), "", 0
        found = parse.spans.get(key)
        if found is None:
            found = parse.spans[key] = _Annotation(layer, begin, end, order=cursor.counter + 1)
            parse.by_unit.setdefault((unit, layer), []).append(found)
        else:
            if end > found.end:
                found.end = end
            units = parse.by_unit.setdefault((unit, layer), [])
            if found not in units:
                units.append(found)
        cursor.counter += len(part)
        unset = "*" + suffix  # no value (None), as if absent
        for feature, cell in zip(group.features, part, strict=True):
            if feature and cell != unset:
                found.values[feature] = unescape_value(cell[: len(cell) - cut])
        return True

    def _cells(
        self,
        parse: _Parse,
        cursor: _Cursor,
        group: _Group,
        part: list[str],
        unit: str,
        begin: int,
        end: int,
        index: int,
    ) -> None:
        """One layer's cells of a row, one by one (stacked values, relations, chains)."""
        spans, by_unit = parse.spans, parse.by_unit
        counter = cursor.counter
        last_key: tuple[Any, ...] = ()
        last_found = _Annotation(-1, 0, 0)
        columns = parse.columns[group.first : group.stop]
        for column, raw in zip(columns, part, strict=False):
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
                if stacked[-1:] == "]" and stacked[-2:] != "\\]" and "[" in stacked:
                    value, _, info = stacked[:-1].rpartition("[")
                    key: tuple[Any, ...] = (layer, info)
                else:
                    value, key = stacked, (unit, layer, k)
                if key != last_key:  # the feature columns of one span follow one another
                    last_key = key
                    if len(key) == 2:
                        key = (layer, int(info))
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
                    last_found = found
                if feature and value != "*":  # "*": no value (None), as if absent
                    last_found.values[feature] = unescape_value(value)
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

        length = len(text)
        identity = converter.length_in(unit) == length  # one unit per character

        def cp(offset: int) -> int:
            if identity and 0 <= offset <= length:
                return offset
            return converter.to_codepoint(offset, unit)

        records: list[SpanRecord] = []
        keys: dict[int, str] = {}
        null_label = relation_null_label = ""
        wanted = options.extra.get(SPAN_LAYER_OPTION, "")
        chosen = {
            i
            for i, layer in enumerate(parse.layers)
            if layer.kind == "span" and (not wanted or layer_matches(layer.type_name, wanted))
        }
        if wanted and not chosen:
            names = [x.type_name for x in parse.layers if x.kind == "span"]
            yield Failure(
                name,
                None,
                f"no span layer {wanted!r}; the file has " + (", ".join(names) or "none"),
                LAYER_MISSING,
            )
            return
        span_layer = min(chosen, default=-1)
        label_features = {i: parse.layers[i].label_feature(options.label_feature) for i in chosen}
        for n, annotation in enumerate(sorted(parse.spans.values(), key=attrgetter("order"))):
            if annotation.layer not in chosen:
                continue
            layer = parse.layers[annotation.layer]
            feature = label_features[annotation.layer]
            label = annotation.values.get(feature) if feature else None
            if not label:
                label = null_label = layer.short_name
            try:
                start, end = cp(annotation.start), cp(annotation.end)
            except OffsetError as error:
                yield Failure(name, None, f"{label} {annotation.start}-{annotation.end}: {error}")
                continue
            values = annotation.values
            attributes = (
                {
                    k: typed_value(schema, label, k, v)
                    for k, v in values.items()
                    if k != feature and v is not None
                }
                if len(values) > (feature in values)
                else {}
            )
            key = f"T{n + 1}"
            keys[id(annotation)] = key
            records.append(
                new_span_record(key, label, start, end, attributes, options.annotator, "", ())
            )
        relation_records: list[RelationRecord] = []
        relation_values: dict[str, dict[str, str]] = {}
        by_key = {r.key: r for r in records}
        index = {x.type_name: k for k, x in reversed(list(enumerate(parse.layers)))}
        bases = {
            i: index.get(layer.base, span_layer)
            for i, layer in enumerate(parse.layers)
            if layer.kind == "relation"
        }
        relation_layer = next((i for i, base in bases.items() if base in chosen), -1)
        for relation in parse.relations:
            layer = parse.layers[relation.layer]
            base = bases[relation.layer]
            if wanted and base not in chosen:
                continue  # a relation between spans of a layer not imported
            source = self._resolve(parse, base, relation.reference, relation.ids[0])
            target = self._resolve(parse, base, relation.unit, relation.ids[1])
            if source is None or target is None or id(source) not in keys or id(target) not in keys:
                yield Failure(
                    name, relation.line // 1000, f"relation at {relation.unit}: an end is missing"
                )
                continue
            feature = layer.label_feature(options.label_feature)
            kind = relation.values.get(feature) if feature else None
            if not kind:
                kind = relation_null_label = layer.short_name
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
            if relation_null_label:
                metadata["relation_null_label"] = relation_null_label
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
            if parse.token_end > converter.length:
                return None
            tokens = " ".join(parse.tokens)
        else:
            try:
                pairs = [tuple(map(int, t.split("-"))) for t in parse.tokens]
                tokens = pack_pairs(
                    (converter.to_codepoint(a, unit), converter.to_codepoint(b, unit))
                    for a, b in pairs
                )
            except OffsetError:
                return None
        out: dict[str, Any] = {
            "header": parse.header,
            "tokens": tokens,
            "sentences": pack_pairs(parse.sentences),
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


IMPORTER = TsvImporter()
