"""WebAnno TSV 3.3 import (INCEpTION's files, and ours).

The text is rebuilt as INCEpTION does (sentence texts at their first token's offset, the gap
filled with the line break or spaces). Every span layer's annotations become spans labelled by
the feature named by ``label_feature``, else ``label``, else ``value``, else the first feature
(the layer's short name when empty); other features become attributes. The first relation
layer's annotations become relations typed the same way. Sub-token rows (``1-1.1``: a span
starting or ending inside a token) give their spans their own offsets and are not tokens. The
header and rows are read into a :class:`tsv_parse_state.Parse` by :mod:`tsv_rows`; this module
makes drafts of it. What the model cannot hold (tokens, sentences, the
header, relation features) goes into ``metadata["webanno_tsv"]`` (see :mod:`tsv_layout`) so that
the document exports again byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter
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
from annotator.core.offsets import OffsetConverter, Unit
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema, typed_value
from annotator.formats.base import ImportOptions
from annotator.formats.layer_choice import LAYER_MISSING, SPAN_LAYER_OPTION, layer_matches
from annotator.formats.tsv_layout import FORMAT_NAME, META_KEY, pack_pairs
from annotator.formats.tsv_parse_state import Annotation, Parse, parse_header_line
from annotator.formats.tsv_rows import read_content


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
        parse = Parse()
        parse.header.append(lines[0])
        number = 1
        while number < len(lines) and lines[number].startswith(("#T_SP=", "#T_RL=", "#T_CH=")):
            parse_header_line(parse, lines[number])
            parse.header.append(lines[number])
            number += 1
        try:
            read_content(parse, lines, number)
        except (ValueError, IndexError) as error:
            yield Failure(name, None, f"malformed: {error}", "ANN135")
            return
        text = "".join(parse.text_parts)
        if text.endswith("\n"):
            text = text[:-1]
        yield from self._draft(parse, text, name, stem, schema, options)

    def _draft(
        self,
        parse: Parse,
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
    def _resolve(parse: Parse, layer: int, unit: str, disambiguation: int) -> Annotation | None:
        if disambiguation:
            return parse.spans.get((layer, disambiguation))
        found = parse.by_unit.get((unit, layer))
        return found[0] if found else None

    @staticmethod
    def _metadata(
        parse: Parse,
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
