"""BioC XML: a collection of documents with one passage each, annotations, relations, infons.

Export: ``<collection>`` with ``<source>annotator</source>``, the date, and ``<key>`` naming the
offset unit (``offsets=codepoint`` by default, ``offsets=utf8`` or ``offsets=utf16`` when the
export options ask for it). Each document (``<id>``: external id, else ``doc-<id>``; infons for
title, source, url and published) holds one passage at offset 0 with the whole text; each span is
an ``<annotation id="T<n>">`` with ``<infon key="type">`` for the label, one infon per attribute
(flags as ``true``/``false``), a document-level ``<location>`` per piece (several for a
discontinuous span) and its ``<text>`` (the text from the first piece to the last, which the
bioc library's validator checks; the importer also accepts the pieces joined); each relation a
``<relation id="R<n>">`` with ``<infon key="type">`` and ``<node role="source">`` and
``<node role="target">``. Comments on documents, annotations and relations are
``<infon key="annotator:comment">`` (attribute names cannot hold a colon). Characters XML
cannot hold become spaces (reported).

Import: one document at a time (``iterparse``, hardened, see :mod:`annotator.formats.safe_xml`).
The text is put together from the passages (and sentences) at their offsets, gaps filled with a
line break and spaces. The unit named in ``<key>`` is tried first, then code points, UTF-8 bytes
and UTF-16 units: the first unit in which every annotation's ``<text>`` matches wins. Labels come
from the infon named by ``label_feature`` (default ``type``), other infons become attributes
typed through the schema; relations read ``source``/``target`` roles, else first and second node.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

from annotator.core.annotation import AnnotatedDocument
from annotator.core.document import DocumentDraft
from annotator.core.errors import InputFileError, OffsetError
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.offsets import OffsetConverter, Unit, utf8_length, utf16_length
from annotator.core.reports import Failure
from annotator.core.schema import AttributeValue, LabelSchema, typed_value
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    ImportOptions,
    Layout,
    Loss,
    LossReport,
    OutputSink,
)
from annotator.formats.safe_xml import MAX_XML_BYTES, XML_CHARACTERS, check_xml

FORMAT_NAME = "bioc"
_KEY_UNIT = re.compile(r"offsets\s*=\s*(codepoint|utf8|utf16)", re.I)
_DOCUMENT_INFONS = ("title", "source", "url", "published")
COMMENT_INFON = "annotator:comment"
"""The infon holding an annotator's comment on a document, an annotation or a relation."""
_HEAD_BYTES = 1024 * 1024


# -- export ---------------------------------------------------------------------------------------


def _infon(parent: etree._Element, key: str, value: str) -> None:
    element = etree.SubElement(parent, "infon", key=key)
    element.text = value


def _value(value: AttributeValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def document_element(item: AnnotatedDocument, unit: Unit, report: LossReport) -> etree._Element:
    """The ``<document>`` of one annotated document, offsets in ``unit``."""
    document = item.document
    where = document.external_id or f"doc-{document.id}"
    text = document.text
    unsafe = len(XML_CHARACTERS.findall(text))
    if unsafe:
        report.add(Loss.CHARACTERS, unsafe, f"{where}: control characters written as spaces")
        text = XML_CHARACTERS.sub(" ", text)
    converter = OffsetConverter(text)
    root = etree.Element("document")
    etree.SubElement(root, "id").text = where
    for key in _DOCUMENT_INFONS:
        raw = getattr(document, key, None)
        if raw:
            _infon(root, key, raw.isoformat() if isinstance(raw, date) else str(raw))
    if document.comment:
        _infon(root, COMMENT_INFON, XML_CHARACTERS.sub(" ", document.comment))
    passage = etree.SubElement(root, "passage")
    _infon(passage, "type", "text")
    etree.SubElement(passage, "offset").text = "0"
    etree.SubElement(passage, "text").text = text
    keys: dict[int, str] = {}
    element = etree.SubElement
    length = len(text)
    code_points = unit is Unit.CODE_POINT
    for n, span in enumerate(item.spans, start=1):
        key = f"T{n}"
        keys[span.id] = key
        annotation = element(passage, "annotation", id=key)
        element(annotation, "infon", key="type").text = span.label
        if span.attributes:
            for name, value in sorted(span.attributes.items()):
                _infon(annotation, name, _value(value))
        if span.annotator:
            element(annotation, "infon", key="annotator").text = span.annotator
        if span.comment:
            _infon(annotation, COMMENT_INFON, XML_CHARACTERS.sub(" ", span.comment))
        for a, b in span.fragments or ((span.start, span.end),):
            if code_points and 0 <= a <= length and 0 <= b <= length:
                start, end = a, b  # what from_codepoint returns for offsets in the text
            else:
                start = converter.from_codepoint(a, unit)
                end = converter.from_codepoint(b, unit)
            element(annotation, "location", offset=str(start), length=str(end - start))
        element(annotation, "text").text = text[span.start : span.end]
    for n, relation in enumerate(item.relations, start=1):
        source, target = keys.get(relation.source), keys.get(relation.target)
        if source is None or target is None:
            report.add(Loss.RELATIONS, 1, f"{where}: {relation.type} to a span left out")
            continue
        element = etree.SubElement(passage, "relation", id=f"R{n}")
        _infon(element, "type", relation.type)
        if relation.comment:
            _infon(element, COMMENT_INFON, XML_CHARACTERS.sub(" ", relation.comment))
        etree.SubElement(element, "node", refid=source, role="source")
        etree.SubElement(element, "node", refid=target, role="target")
    return root


class BiocExporter:
    name = FORMAT_NAME
    layout = Layout.FILE
    capabilities = Capabilities(
        overlaps=True,
        relations=True,
        attributes=True,
        discontinuous=True,
        notes=True,
        document_notes=True,
    )

    def write(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        sink: OutputSink,
        options: ExportOptions,
    ) -> LossReport:
        report = LossReport()
        unit = options.offset_unit
        with sink.main_binary() as out, etree.xmlfile(out, encoding="utf-8") as xf:
            xf.write_declaration()
            xf.write_doctype('<!DOCTYPE collection SYSTEM "BioC.dtd">')
            with xf.element("collection"):
                for tag, value in (
                    ("source", "annotator"),
                    ("date", date.today().strftime("%Y%m%d")),
                    ("key", f"annotator.key; offsets={unit.value}"),
                ):
                    element = etree.Element(tag)
                    element.text = value
                    xf.write(element)
                for item in items:
                    xf.write(document_element(item, unit, report))
                    xf.flush()
        return report


# -- import ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Annotation:
    key: str
    infons: dict[str, str]
    locations: list[tuple[int, int]]
    surface: str | None
    line: int | None


@dataclass(slots=True)
class _Document:
    external_id: str = ""
    infons: dict[str, str] = field(default_factory=dict)
    pieces: list[tuple[int, str]] = field(default_factory=list)
    annotations: list[_Annotation] = field(default_factory=list)
    relations: list[tuple[str, dict[str, str], list[tuple[str, str]], int | None]] = field(
        default_factory=list
    )


def _infons(element: etree._Element) -> dict[str, str]:
    return {str(i.get("key", "")): i.text or "" for i in element.iterfind("infon")}


def _int(element: etree._Element, tag: str) -> int:
    found = element.findtext(tag)
    return int(found.strip()) if found and found.strip() else 0


def _collect(element: etree._Element, out: _Document) -> None:
    """Passages, sentences, annotations and relations of ``element`` (recursively)."""
    for child in element:
        tag = child.tag
        if tag in ("passage", "sentence"):
            text = child.findtext("text")
            if text is not None:
                out.pieces.append((_int(child, "offset"), text))
            _collect(child, out)
        elif tag == "annotation":
            locations = [
                (int(loc.get("offset", "0")), int(loc.get("length", "0")))
                for loc in child.iterfind("location")
            ]
            out.annotations.append(
                _Annotation(
                    str(child.get("id", "")),
                    _infons(child),
                    locations,
                    child.findtext("text"),
                    child.sourceline,
                )
            )
        elif tag == "relation":
            nodes = [(str(n.get("refid", "")), str(n.get("role", ""))) for n in child.iter("node")]
            out.relations.append(
                (str(child.get("id", "")), _infons(child), nodes, child.sourceline)
            )


def _length(text: str, unit: Unit) -> int:
    if unit is Unit.UTF8:
        return utf8_length(text)
    if unit is Unit.UTF16:
        return utf16_length(text)
    return len(text)


def _assemble(pieces: list[tuple[int, str]], unit: Unit) -> tuple[str, int]:
    """The document text from ``(offset, text)`` pieces counted in ``unit``; and the base offset
    (the first piece's, subtracted from every offset)."""
    if not pieces:
        return "", 0
    ordered = sorted(pieces, key=lambda p: p[0])
    base = ordered[0][0]
    parts: list[str] = []
    size = 0
    for offset, text in ordered:
        gap = offset - base - size
        if gap > 0:
            filler = "\n" + " " * (gap - 1)
            parts.append(filler)
            size += gap
        elif gap < 0 and parts:
            raise OffsetError(f"a passage at offset {offset} overlaps the one before it")
        parts.append(text)
        size += _length(text, unit)
    return "".join(parts), base


def _declared_unit(key: str) -> Unit | None:
    match = _KEY_UNIT.search(key or "")
    return Unit(match.group(1).lower()) if match else None


class BiocImporter:
    name = FORMAT_NAME

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | Failure]:
        name = str(path)
        try:
            size = path.stat().st_size
            if size > MAX_XML_BYTES:
                raise InputFileError(
                    f"{name}: {size} bytes is more than the {MAX_XML_BYTES} an XML file may have",
                    code="ANN134",
                )
            with path.open("rb") as handle:
                check_xml(handle.read(_HEAD_BYTES), name)
        except InputFileError as error:
            yield Failure(name, None, error.message, error.code)
            return
        except OSError as error:
            yield Failure(name, None, f"cannot read: {error.strerror or error}", "ANN130")
            return
        key = ""
        try:
            context = etree.iterparse(
                str(path),
                events=("end",),
                tag=("key", "document"),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=False,
                remove_comments=True,
                remove_pis=True,
            )
            for _event, element in context:
                if element.tag == "key":
                    key = element.text or ""
                    continue
                yield from self._document(element, key, name, schema, options)
                element.clear(keep_tail=False)
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
        except etree.XMLSyntaxError as error:
            yield Failure(name, error.lineno, f"not well-formed XML: {error.msg}", "ANN131")

    def _document(
        self,
        element: etree._Element,
        key: str,
        name: str,
        schema: LabelSchema,
        options: ImportOptions,
    ) -> Iterator[AnnotatedDraft | Failure]:
        found = _Document(external_id=(element.findtext("id") or "").strip())
        found.infons = _infons(element)
        line = element.sourceline
        try:
            _collect(element, found)
        except ValueError as error:
            yield Failure(name, line, f"document {found.external_id}: {error}", "ANN131")
            return
        declared = options.offset_unit or _declared_unit(key)
        order = [u for u in (declared, Unit.CODE_POINT, Unit.UTF8, Unit.UTF16) if u is not None]
        order = list(dict.fromkeys(order))
        chosen: tuple[Unit, str, dict[str, tuple[int, int]], int] | None = None
        for unit in order:
            try:
                text, base = _assemble(found.pieces, unit)
            except OffsetError:
                continue
            spans = _convert(found.annotations, text, base, unit)
            if len(spans) == len(found.annotations):
                chosen = (unit, text, spans, base)
                break
            if chosen is None or len(spans) > len(chosen[2]):
                chosen = (unit, text, spans, base)
        if chosen is None:
            yield Failure(name, line, f"document {found.external_id}: passages overlap", "ANN132")
            return
        unit, text, spans, base = chosen
        label_key = options.label_feature or "type"
        records: list[SpanRecord] = []
        for annotation in found.annotations:
            extent = spans.get(annotation.key)
            if extent is None:
                yield Failure(
                    name,
                    annotation.line,
                    f"annotation {annotation.key}: text {annotation.surface!r} is not at its "
                    f"location in {' or '.join(u.description for u in order)}; left out",
                    "ANN132",
                )
                continue
            infons = dict(annotation.infons)
            label = infons.pop(label_key, "") or "ENTITY"
            annotator = infons.pop("annotator", "") or options.annotator
            comment = infons.pop(COMMENT_INFON, "")
            attributes = {k: typed_value(schema, label, k, v) for k, v in infons.items()}
            fragments = tuple(annotation_fragments(annotation, text, spans_unit=unit, base=base))
            records.append(
                SpanRecord(
                    annotation.key,
                    label,
                    extent[0],
                    extent[1],
                    attributes,
                    annotator,
                    note=comment,
                    fragments=fragments if len(fragments) > 1 else (),
                )
            )
        kept = {r.key for r in records}
        relations: list[RelationRecord] = []
        for key_, infons, nodes, rline in found.relations:
            roles = {role: ref for ref, role in nodes}
            if "source" in roles and "target" in roles:
                source, target = roles["source"], roles["target"]
            elif len(nodes) == 2:
                source, target = nodes[0][0], nodes[1][0]
            else:
                yield Failure(
                    name, rline, f"relation {key_}: {len(nodes)} node(s), not two; left out"
                )
                continue
            if source not in kept or target not in kept:
                yield Failure(
                    name, rline, f"relation {key_} names an annotation not imported; left out"
                )
                continue
            kind = infons.get("type") or "RELATED"
            relations.append(
                RelationRecord(
                    kind, source, target, options.annotator, infons.get(COMMENT_INFON, "")
                )
            )
        note = ""
        if found.annotations and unit is not Unit.CODE_POINT:
            note = f"offsets read as {unit.description}"
        draft = DocumentDraft(
            text=text,
            title=found.infons.get("title", ""),
            source=found.infons.get("source", ""),
            url=found.infons.get("url", ""),
            published=_date(found.infons.get("published", "")),
            metadata=_metadata(found.infons),
            external_id=found.external_id,
        )
        yield AnnotatedDraft(
            draft,
            f"{name}:{line}" if line else name,
            tuple(records),
            tuple(relations),
            note=note,
            comment=found.infons.get(COMMENT_INFON, ""),
        )


def annotation_fragments(
    annotation: _Annotation, text: str, *, spans_unit: Unit, base: int
) -> Iterator[tuple[int, int]]:
    converter = OffsetConverter(text)
    for offset, length in annotation.locations:
        yield (
            converter.to_codepoint(offset - base, spans_unit),
            converter.to_codepoint(offset - base + length, spans_unit),
        )


def _convert(
    annotations: list[_Annotation], text: str, base: int, unit: Unit
) -> dict[str, tuple[int, int]]:
    """Annotations whose locations, read in ``unit``, cover their ``<text>``; in code points."""
    converter = OffsetConverter(text)
    out: dict[str, tuple[int, int]] = {}
    for annotation in annotations:
        try:
            pieces = [
                (
                    converter.to_codepoint(offset - base, unit),
                    converter.to_codepoint(offset - base + length, unit),
                )
                for offset, length in annotation.locations
            ]
        except OffsetError:
            continue
        if not pieces or any(a >= b for a, b in pieces):
            continue
        if annotation.surface is not None:
            covered = " ".join(text[a:b] for a, b in pieces)
            joined = "".join(text[a:b] for a, b in pieces)
            hull = text[min(a for a, _ in pieces) : max(b for _, b in pieces)]
            if annotation.surface not in (covered, joined, hull):
                continue
        out[annotation.key] = (min(a for a, _ in pieces), max(b for _, b in pieces))
    return out


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _metadata(infons: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in infons.items() if k not in (*_DOCUMENT_INFONS, COMMENT_INFON)}


EXPORTER = BiocExporter()
IMPORTER = BiocImporter()
