"""UIMA CAS XMI: round trip, dkpro-cassis reads our export, INCEpTION/cassis files, hostile XML."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.interchange import AnnotatedDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import registry
from annotator.formats.base import ExportOptions, ImportOptions, Loss
from annotator.formats.xmi import EXPORTER, IMPORTER
from tests.formats.conftest import (
    ROUND_TRIP_TEXT,
    SHARED_FIXTURES,
    Export,
    draft_keys,
    draft_relations,
    make_document,
    original_keys,
    original_relations,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "xml"
CONTROL = make_document("a\tb\r\nc\x01d", [("ACTOR", 0, 1, {})], doc_id=2, external_id="ctl")


def read(path: Path, schema: LabelSchema, name: str = "xmi") -> list[AnnotatedDraft | Failure]:
    return list(registry.importer(name).read(path, schema, ImportOptions()))


def drafts(items: list[AnnotatedDraft | Failure]) -> list[AnnotatedDraft]:
    assert [x for x in items if isinstance(x, Failure)] == []
    return [x for x in items if isinstance(x, AnnotatedDraft)]


def test_registry() -> None:
    assert registry.exporter("xmi") is EXPORTER
    assert registry.importer("xmi") is IMPORTER
    assert registry.exporter("xmi-ne").name == "xmi-ne"


@pytest.mark.parametrize("name", ["out.zip", "out"])
def test_round_trip(
    export: Export, document: AnnotatedDocument, schema: LabelSchema, name: str
) -> None:
    path, losses = export(EXPORTER, [document, CONTROL], name, schema)
    assert losses.counts == {Loss.CHARACTERS: 1}  # the \x01
    second, first = sorted(drafts(read(path, schema)), key=lambda d: d.draft.external_id)
    assert first.draft.text == ROUND_TRIP_TEXT
    assert draft_keys(first) == original_keys(document)
    assert draft_relations(first) == original_relations(document)
    assert second.draft.text == "a\tb\r\nc d"  # TAB, CR and LF survive the attribute


def test_named_entity_variant(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    path, losses = export(registry.exporter("xmi-ne"), [document], "ne.zip", schema)
    assert losses.counts[Loss.RELATIONS] == 2
    assert losses.counts[Loss.ATTRIBUTES] == 7
    (draft,) = drafts(read(path, schema, "xmi-ne"))
    assert draft_keys(draft, attributes=False) == original_keys(document, attributes=False)
    assert b"NamedEntity" in zipfile.ZipFile(path).read("doc-1.xmi")


def test_cassis_reads_the_export_with_our_type_system(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    from cassis import load_cas_from_xmi, load_typesystem

    path, _ = export(EXPORTER, [document], "out.zip", schema)
    archive = zipfile.ZipFile(path)
    assert sorted(archive.namelist()) == ["TypeSystem.xml", "doc-1.xmi"]
    raw = archive.read("doc-1.xmi").decode("utf-8")
    assert 'begin="58" end="92"' in raw  # UTF-16 units for the CLAIM (code points 57-91)
    assert "&#10;" in raw
    typesystem = load_typesystem(io.BytesIO(archive.read("TypeSystem.xml")))
    cas = load_cas_from_xmi(io.BytesIO(archive.read("doc-1.xmi")), typesystem=typesystem)
    assert cas.sofa_string == ROUND_TRIP_TEXT
    spans = list(cas.select("webanno.custom.Span"))
    assert len(spans) == len(document.spans)
    for span in spans:
        assert span.get_covered_text() == ROUND_TRIP_TEXT[span.begin : span.end]
    assert sorted((s.label, s.get_covered_text()) for s in spans) == sorted(
        (s.label, ROUND_TRIP_TEXT[s.start : s.end]) for s in document.spans
    )
    relations = list(cas.select("webanno.custom.Relation"))
    assert sorted((r.label, r.Governor.label, r.Dependent.label) for r in relations) == [
        ("ATTRIBUTED_TO", "CLAIM", "ACTOR"),
        ("LOCATED_IN", "CASUALTY_FIGURE", "LOCATION"),
    ]
    assert all((r.begin, r.end) == (r.Dependent.begin, r.Dependent.end) for r in relations)
    assert (
        len(list(cas.select("de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"))) == 2
    )


def test_tokens_on_request(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    options = ExportOptions(extra={"tokens": "yes"})
    path, _ = export(EXPORTER, [document], "out.zip", schema, options)
    assert zipfile.ZipFile(path).read("doc-1.xmi").count(b"<type:Token ") == 19


def test_peer_file_with_emoji(shared_fixtures: Path, schema: LabelSchema) -> None:
    path = shared_fixtures / "xmi" / "casWithEmoji.xmi"
    (draft,) = drafts(read(path, schema))
    covered = [draft.draft.text[s.start : s.end] for s in draft.spans]
    assert covered[:2] == ["🥳", "This"]
    assert covered[-1] == "👻"


@pytest.mark.parametrize("name", ["xxe.xml", "billion_laughs.xml"])
def test_hostile_xmi_is_refused(tmp_path: Path, schema: LabelSchema, name: str) -> None:
    target = tmp_path / "hostile.xmi"
    target.write_bytes((FIXTURES / name).read_bytes())
    (failure,) = read(target, schema)
    assert isinstance(failure, Failure)
    assert failure.code == "ANN134"


@pytest.mark.parametrize("variant", ["xmi", "xmi-ne"])
def test_the_export_is_what_cassis_writes_for_the_same_cas(
    export: Export, document: AnnotatedDocument, schema: LabelSchema, variant: str
) -> None:
    from cassis import load_cas_from_xmi, load_typesystem

    emoji = make_document("😊 x 😊y\tz", [("ACTOR", 0, 1, {"count": 3})], doc_id=3, external_id="e")
    options = ExportOptions(extra={"tokens": "yes"})
    path, _ = export(
        registry.exporter(variant), [document, emoji, CONTROL], "out.zip", schema, options
    )
    archive = zipfile.ZipFile(path)
    typesystem = load_typesystem(io.BytesIO(archive.read("TypeSystem.xml")))
    for name in ("doc-1.xmi", "e.xmi", "ctl.xmi"):
        ours = archive.read(name).decode("utf-8")
        cas = load_cas_from_xmi(io.BytesIO(ours.encode("utf-8")), typesystem=typesystem)
        assert cas.to_xmi() == ours


def test_control_characters_in_values_become_spaces(export: Export, schema: LabelSchema) -> None:
    item = make_document("Rebels", [("ACTOR", 0, 6, {"comment": "a\x02b"})], doc_id=4)
    path, losses = export(EXPORTER, [item], "out.zip", schema)
    assert losses.counts == {Loss.CHARACTERS: 1}
    (draft,) = drafts(read(path, schema))
    assert draft.spans[0].attributes == {"comment": "a b"}


@pytest.mark.filterwarnings("ignore:Type with name")  # cassis, lenient about unknown types
def test_the_lxml_reader_reads_what_cassis_reads(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    from cassis import TypeSystem, load_typesystem

    from annotator.formats.xmi import _annotations, _annotations_by_cassis

    options = ExportOptions(extra={"tokens": "yes"})
    path, _ = export(EXPORTER, [document, CONTROL], "out.zip", schema, options)
    archive = zipfile.ZipFile(path)
    typesystem = load_typesystem(io.BytesIO(archive.read("TypeSystem.xml")))
    files = [(archive.read(n), typesystem) for n in ("doc-1.xmi", "ctl.xmi")]
    files.append((archive.read("doc-1.xmi"), TypeSystem()))  # no type system: no custom types
    peers = SHARED_FIXTURES / "xmi"
    for stem in ("casWithEmoji", "tsv3-testSimpleSlotFeature"):
        if (peers / f"{stem}.xmi").is_file():
            peer_types = load_typesystem(
                io.BytesIO((peers / f"{stem}.typesystem.xml").read_bytes())
            )
            files.append(((peers / f"{stem}.xmi").read_bytes(), peer_types))
    for data, types in files:
        assert _annotations(data, types, {}) == _annotations_by_cassis(data, types)
