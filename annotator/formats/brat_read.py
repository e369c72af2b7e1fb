"""Reading brat: each .txt/.ann pair becomes a document with its spans and relations."""

from __future__ import annotations

import zipfile
from collections.abc import Generator, Iterator
from contextlib import ExitStack
from pathlib import Path, PurePosixPath

from annotator.core.document import DocumentDraft
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.offsets import Unit
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats.base import ImportOptions
from annotator.formats.brat_common import FORMAT_NAME, Pieces
from annotator.formats.brat_fast import plain_document
from annotator.formats.brat_files import Pair, decode, document_files
from annotator.formats.brat_locate import locate
from annotator.formats.brat_parse import Entity, Parsed, parse_line
from annotator.formats.brat_references import resolve_later
from annotator.formats.brat_units import UnitResolver, describe_unit


class BratImporter:
    name = FORMAT_NAME
    locate = staticmethod(locate)

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
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
) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
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
    ann = ann.replace("\r\n", "\n").replace("\r", "\n")
    usual = plain_document(ann, text, pair.stem, pair.ann_name, options)
    if usual is not None:
        yield usual
        return
    parsed = Parsed()
    for number, line in enumerate(ann.split("\n"), start=1):
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
    unit, found = resolver.document_pieces(list(parsed.entities.values()))
    if unit != Unit.CODE_POINT.value and parsed.entities:
        notes.append(f"offsets were counted in {describe_unit(unit)} (found from the span texts)")
    out: dict[str, Pieces] = {}
    for (key, entity), pieces in zip(parsed.entities.items(), found, strict=True):
        converted = pieces or resolver.convert_any(entity)
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
