"""UIMA CAS XMI for INCEpTION and WebAnno, written and read by dkpro-cassis.

Export (a .zip or a folder): ``TypeSystem.xml`` and one ``<name>.xmi`` per document. The type
system declares ``webanno.custom.Span`` (``label`` and one feature per attribute of the schema:
String, Integer or Boolean) and ``webanno.custom.Relation`` (``label``, ``Governor`` = source,
``Dependent`` = target; its begin/end are the Dependent's), plus DKPro Core's ``Sentence`` (and
``Token`` with ``ExportOptions.extra["tokens"] = "yes"``: cassis makes that five times slower),
segmented as the TSV3 export does. The ``xmi-ne`` variant puts the spans on
DKPro's ``NamedEntity`` (label in ``value``) and carries neither attributes nor relations.
cassis writes UTF-16 offsets and ``\\n``, ``\\r``, ``\\t`` as character references; characters
XML cannot hold become spaces (reported).

Import (a .zip, a folder or one .xmi with ``TypeSystem.xml`` or ``<stem>.typesystem.xml``
beside it; without one, known types only): every annotation type except the document
annotation and DKPro's segmentation and metadata types gives spans, labelled by the feature
named by ``label_feature``, else ``label``, else ``value``, else the type's short name; other
primitive features become attributes. Types with ``Governor`` and ``Dependent`` give relations.
Files are size-limited and refused when they declare entities (:mod:`safe_xml`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from cassis import Cas, TypeSystem, load_cas_from_xmi, load_typesystem

from annotator.core.annotation import AnnotatedDocument
from annotator.core.document import DocumentDraft
from annotator.core.errors import InputFileError
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.reports import Failure
from annotator.core.schema import AttributeType, AttributeValue, LabelSchema
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
from annotator.formats.safe_xml import XML_CHARACTERS, read_checked
from annotator.formats.webanno_tsv import segment
from annotator.formats.xmi_write import XmiDocument

FORMAT_NAME = "xmi"
SPAN_TYPE = "webanno.custom.Span"
RELATION_TYPE = "webanno.custom.Relation"
NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
SENTENCE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"
TOKEN = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"
TYPESYSTEM_NAME = "TypeSystem.xml"
_SKIPPED_PREFIXES = (
    "uima.tcas.DocumentAnnotation",
    "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.",
    "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.",
    "webanno.custom.Relation",  # handled as relations when it has Governor/Dependent
)
_BUILTIN_FEATURES = {"begin", "end", "sofa"}
_PRIMITIVES = {
    "uima.cas.String",
    "uima.cas.Integer",
    "uima.cas.Boolean",
    "uima.cas.Float",
    "uima.cas.Double",
    "uima.cas.Long",
    "uima.cas.Short",
    "uima.cas.Byte",
}
_RANGE = {
    AttributeType.TEXT: "uima.cas.String",
    AttributeType.CHOICE: "uima.cas.String",
    AttributeType.INTEGER: "uima.cas.Integer",
    AttributeType.FLAG: "uima.cas.Boolean",
}


# -- export ---------------------------------------------------------------------------------------


def attribute_ranges(schema: LabelSchema) -> dict[str, str]:
    """Feature name -> UIMA range for every attribute of the schema (String when types clash)."""
    ranges: dict[str, str] = {}
    for label in schema.labels:
        for attribute in label.attributes:
            wanted = _RANGE[attribute.type]
            if ranges.get(attribute.name, wanted) != wanted:
                wanted = "uima.cas.String"
            ranges[attribute.name] = wanted
    return ranges


def build_typesystem(schema: LabelSchema, named_entity: bool) -> TypeSystem:
    typesystem = TypeSystem()
    sentence = typesystem.create_type(SENTENCE, supertypeName="uima.tcas.Annotation")
    typesystem.create_feature(sentence, "id", "uima.cas.String")
    typesystem.create_type(TOKEN, supertypeName="uima.tcas.Annotation")
    if named_entity:
        entity = typesystem.create_type(NAMED_ENTITY, supertypeName="uima.tcas.Annotation")
        typesystem.create_feature(entity, "value", "uima.cas.String")
        typesystem.create_feature(entity, "identifier", "uima.cas.String")
        return typesystem
    span = typesystem.create_type(SPAN_TYPE, supertypeName="uima.tcas.Annotation")
    typesystem.create_feature(span, "label", "uima.cas.String")
    for name, range_ in attribute_ranges(schema).items():
        typesystem.create_feature(span, name, range_)
    relation = typesystem.create_type(RELATION_TYPE, supertypeName="uima.tcas.Annotation")
    typesystem.create_feature(relation, "label", "uima.cas.String")
    typesystem.create_feature(relation, "Governor", SPAN_TYPE)
    typesystem.create_feature(relation, "Dependent", SPAN_TYPE)
    return typesystem


def _feature_value(value: AttributeValue) -> str:
    """An attribute value as XMI writes it (flags as ``true``/``false``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class XmiExporter:
    name = FORMAT_NAME
    layout = Layout.FOLDER

    def __init__(self, *, named_entity: bool = False, tokens: bool = False) -> None:
        self.named_entity = named_entity
        self.tokens = tokens
        if named_entity:
            self.name = "xmi-ne"
            self.capabilities = Capabilities(overlaps=True, relations=False, attributes=False)
        else:
            self.capabilities = Capabilities(overlaps=True, relations=True, attributes=True)

    def write(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        sink: OutputSink,
        options: ExportOptions,
    ) -> LossReport:
        report = LossReport()
        typesystem = build_typesystem(schema, self.named_entity)
        ranges = attribute_ranges(schema)
        tokens = self.tokens or options.extra.get("tokens", "").lower() in ("yes", "true", "1")
        names = MemberNames()
        for item in items:
            name = names.take(item.document.external_id or f"doc-{item.document.id}")
            xmi = self.document_xmi(item, ranges, report, tokens_wanted=tokens)
            with sink.member_binary(f"{name}.xmi") as out:
                out.write(xmi.encode("utf-8"))
        with sink.member_binary(TYPESYSTEM_NAME) as out:
            out.write(typesystem.to_xml().encode("utf-8"))
        return report

    def document_xmi(
        self,
        item: AnnotatedDocument,
        ranges: dict[str, str],
        report: LossReport,
        *,
        tokens_wanted: bool = False,
    ) -> str:
        """One document's XMI, as cassis would write its CAS (see :mod:`xmi_write`)."""
        document = item.document
        where = document.external_id or f"doc-{document.id}"
        text = _xml_safe(document.text, report, f"{where}: control characters written as spaces")
        xmi = XmiDocument(text)
        cuts = {s.start for s in item.spans} | {s.end for s in item.spans}
        tokens, sentences = segment(text, cuts)
        for first, last in sentences:
            xmi.add(SENTENCE, tokens[first][0], tokens[last - 1][1])
        if tokens_wanted:
            for start, end in tokens:
                xmi.add(TOKEN, start, end)
        spans = sorted(item.spans, key=lambda s: (s.start, s.end))
        if self.named_entity:
            for span in spans:
                value = _xml_safe(span.label, report, f"{where}: {span.label}")
                xmi.add(NAMED_ENTITY, span.start, span.end, (("value", value),))
                report.add(Loss.ATTRIBUTES, len(span.attributes), f"{where}: {span.label}")
            report.add(Loss.RELATIONS, len(item.relations), f"{where}: relations")
            return xmi.finish()
        made: dict[int, tuple[int, int, int]] = {}
        for span in spans:
            features = [("label", _xml_safe(span.label, report, f"{where}: {span.label}"))]
            for name in ranges:
                found = span.attributes.get(name)
                if found is not None:
                    written = _feature_value(found)
                    features.append((name, _xml_safe(written, report, f"{where}: {name}")))
            missing = sum(1 for k in span.attributes if k not in ranges)
            report.add(Loss.ATTRIBUTES, missing, f"{where}: {span.label} attribute not in schema")
            made[span.id] = (
                xmi.add(SPAN_TYPE, span.start, span.end, features),
                span.start,
                span.end,
            )
        links = []
        for relation in item.relations:
            source, target = made.get(relation.source), made.get(relation.target)
            if source is None or target is None:
                report.add(Loss.RELATIONS, 1, f"{where}: {relation.type} to a span left out")
                continue
            links.append((target[1], target[2], relation.type, source[0], target[0]))
        for begin, end, kind, governor, dependent in sorted(links, key=lambda x: (x[0], x[1])):
            features = [
                ("label", _xml_safe(kind, report, f"{where}: {kind}")),
                ("Governor", str(governor)),
                ("Dependent", str(dependent)),
            ]
            xmi.add(RELATION_TYPE, begin, end, features)
        return xmi.finish()


def _xml_safe(value: str, report: LossReport, example: str) -> str:
    """``value`` with the characters XML cannot hold replaced by spaces (and reported)."""
    unsafe = len(XML_CHARACTERS.findall(value))
    if not unsafe:
        return value
    report.add(Loss.CHARACTERS, unsafe, example)
    return XML_CHARACTERS.sub(" ", value)


# -- import ---------------------------------------------------------------------------------------

_Reader = Callable[[], bytes]


def _sources(path: Path) -> tuple[list[tuple[str, str, _Reader]], _Reader | None]:
    """(name, stem, reader) of every .xmi, and a reader of the type system (if any)."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
        xmis = [(str(p), p.stem, p.read_bytes) for p in files if p.suffix.lower() == ".xmi"]
        ts = next((p for p in files if p.name.lower() == TYPESYSTEM_NAME.lower()), None)
        return xmis, ts.read_bytes if ts is not None else None
    if path.suffix.lower() == ".zip":
        archive = zipfile.ZipFile(path)
        infos = [i for i in archive.infolist() if not i.is_dir()]
        xmis = [
            (f"{path}!{i.filename}", PurePosixPath(i.filename).stem, _member(archive, i.filename))
            for i in infos
            if i.filename.lower().endswith(".xmi")
        ]
        ts_info = next(
            (i for i in infos if PurePosixPath(i.filename).name.lower() == "typesystem.xml"), None
        )
        return xmis, _member(archive, ts_info.filename) if ts_info is not None else None
    beside = [path.with_name(f"{path.stem}.typesystem.xml"), path.with_name(TYPESYSTEM_NAME)]
    ts_path = next((p for p in beside if p.is_file()), None)
    return [(str(path), path.stem, path.read_bytes)], (
        ts_path.read_bytes if ts_path is not None else None
    )


def _member(archive: zipfile.ZipFile, name: str) -> _Reader:
    return lambda: archive.read(name)


def _typed(schema: LabelSchema, label: str, name: str, value: Any) -> AttributeValue:
    found = schema.label(label)
    definition = found.attribute(name) if found is not None else None
    if isinstance(value, bool | int):
        if definition is not None and definition.type in (AttributeType.TEXT, AttributeType.CHOICE):
            return str(value).lower() if isinstance(value, bool) else str(value)
        return value
    text = str(value)
    if definition is not None and definition.type is AttributeType.FLAG:
        return text.strip().lower() in ("true", "yes", "1")
    if definition is not None and definition.type is AttributeType.INTEGER:
        try:
            return int(text)
        except ValueError:
            return text
    return text


class XmiImporter:
    name = FORMAT_NAME

    def __init__(self, *, default_label_feature: str = "") -> None:
        self.default_label_feature = default_label_feature

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | Failure]:
        try:
            xmis, typesystem_reader = _sources(path)
        except (OSError, zipfile.BadZipFile) as error:
            yield Failure(str(path), None, f"cannot read: {error}", "ANN130")
            return
        typesystem: TypeSystem | None = None
        note = ""
        if typesystem_reader is not None:
            try:
                data = read_checked(io.BytesIO(typesystem_reader()), f"{path}: type system")
                typesystem = load_typesystem(io.BytesIO(data))
            except InputFileError as error:
                yield Failure(str(path), None, error.message, error.code)
                return
            except Exception as error:  # cassis raises plain exceptions on bad type systems
                yield Failure(str(path), None, f"bad type system: {error}", "ANN131")
                return
        else:
            note = "no type system beside the XMI: annotations of unknown types were left out"
        for name, stem, reader in xmis:
            yield from self._one(name, stem, reader, typesystem, schema, options, note)

    def _one(
        self,
        name: str,
        stem: str,
        reader: _Reader,
        typesystem: TypeSystem | None,
        schema: LabelSchema,
        options: ImportOptions,
        note: str,
    ) -> Iterator[AnnotatedDraft | Failure]:
        try:
            data = read_checked(io.BytesIO(reader()), name)
            cas = load_cas_from_xmi(
                io.BytesIO(data), typesystem=typesystem or TypeSystem(), lenient=True
            )
        except InputFileError as error:
            yield Failure(name, None, error.message, error.code)
            return
        except Exception as error:  # cassis and lxml raise many kinds on malformed XMI
            yield Failure(name, None, f"cannot read the XMI: {error}", "ANN131")
            return
        text = cas.sofa_string or ""
        wanted = options.label_feature or self.default_label_feature
        records: list[SpanRecord] = []
        keys: dict[int, str] = {}
        relations: list[Any] = []
        empty = 0
        for annotation in cas.select_all_annotations():
            type_ = annotation.type
            type_name = type_.name
            if not typesystem_is_annotation(cas, type_):
                continue
            feature_names = [f.name for f in type_.all_features]
            if "Governor" in feature_names and "Dependent" in feature_names:
                relations.append(annotation)
                continue
            if type_name.startswith(_SKIPPED_PREFIXES):
                continue
            primitives = {
                f.name: annotation.get(f.name)
                for f in type_.all_features
                if f.name not in _BUILTIN_FEATURES and f.rangeType.name in _PRIMITIVES
            }
            feature = next((n for n in (wanted, "label", "value") if n and n in primitives), "")
            label = primitives.get(feature) if feature else None
            label = str(label) if label not in (None, "") else type_name.rsplit(".", 1)[-1]
            if annotation.begin >= annotation.end:
                empty += 1
                continue
            attributes = {
                k: _typed(schema, label, k, v)
                for k, v in primitives.items()
                if k != feature and v is not None
            }
            key = f"T{len(keys) + 1}"
            keys[annotation.xmiID] = key
            records.append(
                SpanRecord(
                    key, label, annotation.begin, annotation.end, attributes, options.annotator
                )
            )
        links: list[RelationRecord] = []
        for relation in relations:
            source, target = relation.get("Governor"), relation.get("Dependent")
            source_key = keys.get(source.xmiID) if source is not None else None
            target_key = keys.get(target.xmiID) if target is not None else None
            if source_key is None or target_key is None:
                yield Failure(
                    name, None, f"{relation.type.name} {relation.xmiID}: an end is not a span"
                )
                continue
            primitives = {
                f.name: relation.get(f.name)
                for f in relation.type.all_features
                if f.name not in _BUILTIN_FEATURES and f.rangeType.name in _PRIMITIVES
            }
            feature = next((n for n in (wanted, "label", "value") if n and n in primitives), "")
            kind = primitives.get(feature) if feature else None
            kind = str(kind) if kind else relation.type.name.rsplit(".", 1)[-1]
            links.append(RelationRecord(kind, source_key, target_key, options.annotator))
        notes = [note] if note and not records else []
        if empty:
            notes.append(f"{empty} zero-length annotation(s) left out")
        yield AnnotatedDraft(
            DocumentDraft(text=text, external_id=stem),
            name,
            tuple(records),
            tuple(links),
            note="\n".join(notes),
        )


def typesystem_is_annotation(cas: Cas, type_: Any) -> bool:
    return bool(cas.typesystem.subsumes("uima.tcas.Annotation", type_))


EXPORTER = XmiExporter()
IMPORTER = XmiImporter()
