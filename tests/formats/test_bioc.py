"""BioC XML: round trips in both units, the bioc library reads and validates it, peer file."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.interchange import AnnotatedDraft
from annotator.core.offsets import Unit
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import registry
from annotator.formats.base import ExportOptions, ImportOptions
from annotator.formats.bioc_xml import EXPORTER, IMPORTER
from tests.formats.conftest import (
    ROUND_TRIP_TEXT,
    Export,
    draft_keys,
    draft_relations,
    make_document,
    original_keys,
    original_relations,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "xml"


def read(path: Path, schema: LabelSchema) -> list[AnnotatedDraft | Failure]:
    return list(IMPORTER.read(path, schema, ImportOptions()))


def test_registry() -> None:
    assert registry.exporter("bioc") is EXPORTER
    assert registry.importer("bioc") is IMPORTER


@pytest.mark.parametrize("unit", [Unit.CODE_POINT, Unit.UTF8, Unit.UTF16])
def test_round_trip(
    export: Export, document: AnnotatedDocument, schema: LabelSchema, unit: Unit
) -> None:
    path, losses = export(EXPORTER, [document], "out.xml", schema, ExportOptions(offset_unit=unit))
    assert losses.empty
    assert f"offsets={unit.value}</key>" in path.read_text(encoding="utf-8")
    (draft,) = read(path, schema)
    assert isinstance(draft, AnnotatedDraft)
    assert draft.draft.text == ROUND_TRIP_TEXT
    assert draft_keys(draft) == original_keys(document)
    assert draft_relations(draft) == original_relations(document)


def test_undeclared_utf8_is_found_from_the_texts(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    path, _ = export(EXPORTER, [document], "out.xml", schema, ExportOptions(offset_unit=Unit.UTF8))
    path.write_text(path.read_text(encoding="utf-8").replace("offsets=utf8", ""), "utf-8")
    (draft,) = read(path, schema)
    assert isinstance(draft, AnnotatedDraft)
    assert draft_keys(draft) == original_keys(document)
    assert "UTF-8" in draft.note


@pytest.mark.parametrize(
    ("written", "declared"),
    [
        (Unit.UTF16, ""),  # no unit named: found from the texts
        (Unit.UTF16, "offsets=utf8"),  # a wrong unit named: the one the texts match wins
        (Unit.UTF8, "offsets=utf16"),
        (Unit.CODE_POINT, "offsets=utf16"),
    ],
)
def test_the_unit_that_makes_the_texts_match_wins(
    export: Export, document: AnnotatedDocument, schema: LabelSchema, written: Unit, declared: str
) -> None:
    options = ExportOptions(offset_unit=written)
    path, _ = export(EXPORTER, [document], "out.xml", schema, options)
    raw = path.read_text(encoding="utf-8")
    path.write_text(raw.replace(f"offsets={written.value}", declared), "utf-8")
    (draft,) = read(path, schema)
    assert isinstance(draft, AnnotatedDraft)
    assert draft.draft.text == ROUND_TRIP_TEXT
    assert draft_keys(draft) == original_keys(document)
    assert draft_relations(draft) == original_relations(document)
    if written is not Unit.CODE_POINT:
        assert written.description in draft.note


def test_control_characters_are_reported(export: Export, schema: LabelSchema) -> None:
    item = make_document("a\x01b\tc\nd", [("ACTOR", 0, 3, {})])
    path, losses = export(EXPORTER, [item], "out.xml", schema)
    assert losses.counts
    assert "control" in " ".join(losses.lines())
    (draft,) = read(path, schema)
    assert isinstance(draft, AnnotatedDraft)
    assert draft.draft.text == "a b\tc\nd"


def test_bioc_library_reads_and_validates(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    bioc = pytest.importorskip("bioc")
    from bioc import biocxml

    path, _ = export(EXPORTER, [document, document], "out.xml", schema)
    with path.open(encoding="utf-8") as handle:
        collection = biocxml.load(handle)
    bioc.validate(collection)  # raises on offsets that do not cover their text
    annotations = collection.documents[0].passages[0].annotations
    assert [a.infons["type"] for a in annotations][:2] == ["ACTOR", "LOCATION"]
    assert all(
        ROUND_TRIP_TEXT[a.total_span.offset : a.total_span.end] == a.text for a in annotations
    )


@pytest.mark.parametrize("name", ["xxe.xml", "billion_laughs.xml"])
def test_hostile_files(name: str, schema: LabelSchema) -> None:
    (failure,) = read(FIXTURES / name, schema)
    assert isinstance(failure, Failure)
    assert failure.code == "ANN134"


def test_peer_file_imports(shared_fixtures: Path, schema: LabelSchema) -> None:
    out = read(shared_fixtures / "bioc" / "everything.xml", schema)
    drafts = [x for x in out if isinstance(x, AnnotatedDraft)]
    failures = [x for x in out if isinstance(x, Failure)]
    assert [d.draft.external_id for d in drafts] == ["1", "2"]
    assert drafts[1].draft.text == "abcdefg测试Non-ASCII"
    for d in drafts:
        for span in d.spans:
            assert span.start < span.end
    assert len(drafts[0].spans) == 3
    assert len(drafts[0].relations) == 2
    assert [f.line for f in failures] == [54]  # R3 has one node only
