"""UIMA CAS XMI for INCEpTION and WebAnno, written and read the way dkpro-cassis does.

Each document's XMI is written as text (:mod:`xmi_write`): the bytes cassis writes for the same
CAS, without building one. Files of the usual shape are read with lxml (:mod:`xmi_read`) into
the annotations cassis reads, in its order; anything else (several views) is read by cassis. The
type system is built and read by cassis.

Export (a .zip or a folder): ``TypeSystem.xml`` and one ``<name>.xmi`` per document. The type
system declares ``webanno.custom.Span`` (``label`` and one feature per attribute of the schema:
String, Integer or Boolean) and ``webanno.custom.Relation`` (``label``, ``Governor`` = source,
``Dependent`` = target; its begin/end are the Dependent's), plus DKPro Core's ``Sentence`` (and
``Token`` with ``ExportOptions.extra["tokens"] = "yes"``; INCEpTION tokenizes a document without
tokens when it imports it), segmented as the TSV3 export does. The ``xmi-ne`` variant puts the
spans on DKPro's ``NamedEntity`` (label in ``value``) and carries neither attributes nor
relations.
Offsets are UTF-16 units; ``\\n``, ``\\r``, ``\\t`` are written as character references;
characters XML cannot hold (in the text or in a value) become spaces (reported).

Import (a .zip, a folder or one .xmi with ``TypeSystem.xml`` or ``<stem>.typesystem.xml``
beside it; without one, known types only): every annotation type except the document
annotation and DKPro's segmentation and metadata types (or only the layer named by the
``span_layer`` option, :mod:`layer_choice`) gives spans, labelled by the feature
named by ``label_feature``, else ``label``, else ``value``, else the type's short name; other
primitive features become attributes. Types with ``Governor`` and ``Dependent`` give relations.
Files are size-limited and refused when they declare entities (:mod:`safe_xml`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cassis import TypeSystem, load_cas_from_xmi, load_typesystem

from annotator.core.annotation import AnnotatedDocument
from annotator.core.document import DocumentDraft
from annotator.core.errors import InputFileError
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.reports import Failure
from annotator.core.schema import AttributeType, AttributeValue, LabelSchema, typed_value
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    ImportOptions,
    Layout,
    Loss,
    LossReport,
    MemberNames,
    OutputSink,
    describe_attributes,
)
from annotator.formats.layer_choice import LAYER_MISSING, SPAN_LAYER_OPTION, layer_matches
from annotator.formats.safe_xml import XML_CHARACTERS, read_checked
from annotator.formats.tsv_layout import segment
from annotator.formats.xmi_read import NotSimpleError, read_xmi
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
                if span.attributes:
                    shown = describe_attributes(span.label, span.attributes)
                    report.add(Loss.ATTRIBUTES, len(span.attributes), f"{where}: {shown}")
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
    return typed_value(schema, label, name, str(value))


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
        layer = options.extra.get(SPAN_LAYER_OPTION, "")
        if layer:
            missing = _undeclared_layer(layer, typesystem)
            if missing:
                yield Failure(str(path), None, missing, LAYER_MISSING)
                return
        infos: dict[str, _TypeInfo | None] = {}
        for name, stem, reader in xmis:
            yield from self._one(
                name, stem, reader, typesystem or TypeSystem(), infos, schema, options, note
            )

    def _one(
        self,
        name: str,
        stem: str,
        reader: _Reader,
        typesystem: TypeSystem,
        infos: dict[str, _TypeInfo | None],
        schema: LabelSchema,
        options: ImportOptions,
        note: str,
    ) -> Iterator[AnnotatedDraft | Failure]:
        try:
            data = read_checked(io.BytesIO(reader()), name)
            text, found = _annotations(data, typesystem, infos)
        except InputFileError as error:
            yield Failure(name, None, error.message, error.code)
            return
        except Exception as error:  # cassis and lxml raise many kinds on malformed XMI
            yield Failure(name, None, f"cannot read the XMI: {error}", "ANN131")
            return
        wanted = options.label_feature or self.default_label_feature
        layer = options.extra.get(SPAN_LAYER_OPTION, "")
        records: list[SpanRecord] = []
        keys: dict[int, str] = {}
        relations: list[_Found] = []
        empty = 0
        other_layers = 0
        for annotation in found:
            if annotation.relation:
                relations.append(annotation)
                continue
            if annotation.type_name.startswith(_SKIPPED_PREFIXES):
                continue
            if layer and not layer_matches(annotation.type_name, layer):
                other_layers += 1
                continue
            primitives = annotation.primitives
            feature = next((n for n in (wanted, "label", "value") if n and n in primitives), "")
            label = primitives.get(feature) if feature else None
            label = str(label) if label not in (None, "") else _short(annotation.type_name)
            if annotation.begin >= annotation.end:
                empty += 1
                continue
            attributes = {
                k: _typed(schema, label, k, v)
                for k, v in primitives.items()
                if k != feature and v is not None
            }
            key = f"T{len(keys) + 1}"
            keys[annotation.xmi_id] = key
            records.append(
                SpanRecord(
                    key, label, annotation.begin, annotation.end, attributes, options.annotator
                )
            )
        links: list[RelationRecord] = []
        for relation in relations:
            source, target = relation.governor, relation.dependent
            source_key = keys.get(source) if source is not None else None
            target_key = keys.get(target) if target is not None else None
            if (source_key is None or target_key is None) and layer:
                other_layers += 1  # a relation between annotations of other layers
                continue
            if source_key is None or target_key is None:
                yield Failure(
                    name, None, f"{relation.type_name} {relation.xmi_id}: an end is not a span"
                )
                continue
            primitives = relation.primitives
            feature = next((n for n in (wanted, "label", "value") if n and n in primitives), "")
            kind = primitives.get(feature) if feature else None
            kind = str(kind) if kind else _short(relation.type_name)
            links.append(RelationRecord(kind, source_key, target_key, options.annotator))
        notes = [note] if note and not records else []
        if layer and not records:
            notes.append(f"no annotations of the layer {layer!r}: imported with no spans")
        if empty:
            notes.append(f"{empty} zero-length annotation(s) left out")
        if other_layers:
            notes.append(f"{other_layers} annotation(s) of other layers left out")
        yield AnnotatedDraft(
            DocumentDraft(text=text, external_id=stem),
            name,
            tuple(records),
            tuple(links),
            note="\n".join(notes),
        )


def _undeclared_layer(layer: str, typesystem: TypeSystem | None) -> str:
    """Why the chosen layer cannot be read from any file of the import ("" when it can be):
    files that merely have no annotation of a declared layer are imported with no spans."""
    if typesystem is None:
        return f"no type system ({TYPESYSTEM_NAME}) beside the XMI declares the layer {layer!r}"
    layers = sorted(
        t.name
        for t in typesystem.get_types()
        if typesystem.subsumes("uima.tcas.Annotation", t)
        and not t.name.startswith(_SKIPPED_PREFIXES)
    )
    if any(layer_matches(name, layer) for name in layers):
        return ""
    return f"the type system declares no layer {layer!r}; its layers: " + (
        ", ".join(layers) or "none"
    )


def _short(type_name: str) -> str:
    return type_name.rsplit(".", 1)[-1]


@dataclass(slots=True)
class _Found:
    """An annotation of a file, whichever reader read it: offsets in code points, primitive
    features typed by their range (None when not set), relation ends by xmi:id."""

    type_name: str
    xmi_id: int
    begin: int
    end: int
    primitives: dict[str, Any]
    relation: bool = False
    governor: int | None = None
    dependent: int | None = None


@dataclass(frozen=True, slots=True)
class _TypeInfo:
    annotation: bool
    relation: bool
    primitives: tuple[tuple[str, str], ...]
    """(feature name, range) of the primitive features other than begin and end."""


def _type_info(typesystem: TypeSystem, name: str) -> _TypeInfo | None:
    if not typesystem.contains_type(name):
        return None
    type_ = typesystem.get_type(name)
    features = [f.name for f in type_.all_features]
    return _TypeInfo(
        bool(typesystem.subsumes("uima.tcas.Annotation", type_)),
        "Governor" in features and "Dependent" in features,
        tuple(
            (f.name, f.rangeType.name)
            for f in type_.all_features
            if f.name not in _BUILTIN_FEATURES and f.rangeType.name in _PRIMITIVES
        ),
    )


def _primitive(range_: str, raw: str) -> Any:
    """A feature value as cassis parses it for its range."""
    if range_ == "uima.cas.String":
        return raw
    if range_ in ("uima.cas.Float", "uima.cas.Double"):
        return float(raw)
    if range_ == "uima.cas.Boolean":
        if raw not in ("true", "false"):
            raise ValueError(f"Not a boolean: {raw}")
        return raw == "true"
    return int(raw)


def _annotations(
    data: bytes, typesystem: TypeSystem, infos: dict[str, _TypeInfo | None]
) -> tuple[str, list[_Found]]:
    """The text and the annotations of the initial view, in cassis's order: by type (in the
    order the view lists them first), then by begin, end and xmi:id.

    Read with lxml (:mod:`xmi_read`) when the file has the usual shape, else with cassis.
    ``infos`` caches what the type system says about each type, for the files of one import.
    """
    try:
        content = read_xmi(data)
    except NotSimpleError:
        return _annotations_by_cassis(data, typesystem)
    out: list[_Found] = []
    for fs in content.members:
        if fs.type_name in infos:
            info = infos[fs.type_name]
        else:
            info = infos[fs.type_name] = _type_info(typesystem, fs.type_name)
        if info is None or not info.annotation:
            continue
        values = fs.values
        found = _Found(
            fs.type_name,
            fs.xmi_id,
            max(fs.begin, 0),
            max(fs.end, 0),
            {
                name: _primitive(range_, values[name]) if name in values else None
                for name, range_ in info.primitives
            },
        )
        if info.relation:
            found.relation = True
            governor, dependent = values.get("Governor"), values.get("Dependent")
            found.governor = int(governor) if governor is not None else None
            found.dependent = int(dependent) if dependent is not None else None
        out.append(found)
    types = {name: n for n, name in enumerate(dict.fromkeys(f.type_name for f in out))}
    out.sort(key=lambda f: (types[f.type_name], f.begin, f.end, f.xmi_id))
    return content.text, out


def _annotations_by_cassis(data: bytes, typesystem: TypeSystem) -> tuple[str, list[_Found]]:
    cas = load_cas_from_xmi(io.BytesIO(data), typesystem=typesystem, lenient=True)
    out: list[_Found] = []
    for annotation in cas.select_all_annotations():
        type_ = annotation.type
        if not cas.typesystem.subsumes("uima.tcas.Annotation", type_):
            continue
        features = [f.name for f in type_.all_features]
        found = _Found(
            type_.name,
            annotation.xmiID,
            annotation.begin,
            annotation.end,
            {
                f.name: annotation.get(f.name)
                for f in type_.all_features
                if f.name not in _BUILTIN_FEATURES and f.rangeType.name in _PRIMITIVES
            },
        )
        if "Governor" in features and "Dependent" in features:
            found.relation = True
            governor, dependent = annotation.get("Governor"), annotation.get("Dependent")
            found.governor = governor.xmiID if governor is not None else None
            found.dependent = dependent.xmiID if dependent is not None else None
        out.append(found)
    return cas.sofa_string or "", out


EXPORTER = XmiExporter()
IMPORTER = XmiImporter()
