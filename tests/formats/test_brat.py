"""brat standoff: round trip through a folder and a zip, bratly and bioc reading it, peer files."""

from __future__ import annotations

import io
import zipfile
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.interchange import AnnotatedDraft
from annotator.core.offsets import OffsetConverter
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import registry
from annotator.formats.base import ImportOptions, Loss
from annotator.formats.brat import EXPORTER, IMPORTER
from tests.formats.conftest import (
    ROUND_TRIP_TEXT,
    Export,
    draft_keys,
    draft_relations,
    make_document,
    original_keys,
    original_relations,
    renumbered,
    round_trip_schema,
)

EXPECTED_ANN = """\
T1\tACTOR 0 6\tRebels
T2\tLOCATION 15 21\tAleppo
T3\tACTOR 37 49\tThe ministry
T4\tCASUALTY_FIGURE 57 69\t12 civilians
T5\tCLAIM 57 91\t12 civilians died in Aleppo’s east
T6\tLOCATION 78 84\tAleppo
R1\tATTRIBUTED_TO Arg1:T5 Arg2:T3\t
R2\tLOCATED_IN Arg1:T4 Arg2:T6\t
A1\tkind T1 non-state_armed_group
A2\tkind T3 official
A3\tcount T4 12
A4\toutcome T4 killed
A5\tcertainty T5 reported
A6\tdisputed T5
#1\tAnnotatorNotes T3\tcomment: the ministry of health
"""

CROSSING = make_document(
    "Talks ended\nwithout a deal, officials said.",
    [("CLAIM", 6, 26, {}), ("ACTOR", 28, 37, {})],
    [("ATTRIBUTED_TO", 1, 2)],
    doc_id=2,
    external_id="talks",
)


def read_back(path: Path, schema: LabelSchema | None = None) -> list[AnnotatedDraft | Failure]:
    return list(IMPORTER.read(path, schema or round_trip_schema(), ImportOptions()))


def drafts_of(items: list[AnnotatedDraft | Failure]) -> list[AnnotatedDraft]:
    assert [x for x in items if isinstance(x, Failure)] == []
    return [x for x in items if isinstance(x, AnnotatedDraft)]


def test_registry_finds_the_module() -> None:
    assert registry.exporter("brat") is EXPORTER
    assert registry.importer("brat") is IMPORTER


@pytest.mark.parametrize("name", ["brat", "brat.zip"])
def test_round_trip_is_exact(
    export: Export, document: AnnotatedDocument, schema: LabelSchema, name: str
) -> None:
    path, losses = export(EXPORTER, [document, CROSSING], name, schema)
    assert losses.empty
    first, second = drafts_of(read_back(path))
    assert (first.draft.external_id, second.draft.external_id) == ("doc-1", "talks")
    assert first.draft.text == ROUND_TRIP_TEXT
    assert draft_keys(first) == original_keys(document)
    assert draft_relations(first) == original_relations(document)
    assert draft_keys(second) == original_keys(CROSSING)  # the line break is joined again
    assert draft_relations(second) == original_relations(CROSSING)
    assert all(not s.fragments for d in (first, second) for s in d.spans)
    assert first.note == second.note == ""


def test_files_hold_what_brat_expects(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    path, _ = export(EXPORTER, [document, CROSSING], "out", schema)
    assert sorted(p.name for p in path.iterdir()) == [
        "annotation.conf", "doc-1.ann", "doc-1.txt", "talks.ann", "talks.txt", "visual.conf",
    ]  # fmt: skip
    assert (path / "doc-1.txt").read_bytes() == ROUND_TRIP_TEXT.encode("utf-8")
    assert (path / "doc-1.ann").read_text(encoding="utf-8") == EXPECTED_ANN
    crossing = (path / "talks.ann").read_text(encoding="utf-8").splitlines()
    assert crossing[0] == "T1\tCLAIM 6 11;12 26\tended without a deal"
    conf = (path / "annotation.conf").read_text(encoding="utf-8").splitlines()
    sections = [line for line in conf if line.startswith("[")]
    assert sections == ["[entities]", "[relations]", "[events]", "[attributes]"]
    assert "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>" in conf
    assert "ATTRIBUTED_TO\tArg1:CLAIM, Arg2:ACTOR" in conf
    assert "LOCATED_IN\tArg1:ACTOR|CASUALTY_FIGURE, Arg2:LOCATION" in conf
    assert "disputed\tArg:CLAIM" in conf
    assert "kind\tArg:ACTOR, Value:state|non-state_armed_group|official|civilian|other" in conf
    assert "count\tArg:CASUALTY_FIGURE, Value:12" in conf
    assert not any(line.startswith("comment") for line in conf)  # text: a note, not an A
    visual = (path / "visual.conf").read_text(encoding="utf-8").splitlines()
    assert "ACTOR\tbgColor:#0072B2, fgColor:white" in visual
    assert "CLAIM\tbgColor:#E69F00, fgColor:black" in visual


def test_bratly_reads_the_export_and_validates_the_text_offsets(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    pytest.importorskip("bratly")
    from bratly import EntityAnnotation, RelationAnnotation
    from bratly.io import read_document_collection_from_folder

    path, _ = export(EXPORTER, [document, CROSSING], "out", schema)
    with redirect_stdout(io.StringIO()):  # bratly prints progress
        collection = read_document_collection_from_folder(str(path))
    assert collection is not None
    assert len(collection.documents) == 2
    for brat_document in collection.documents:
        assert brat_document.check_ann_compatibility_with_txt()
        annotations = brat_document.annotation_collections[0].get_annotations()
        entities = [a for a in annotations if isinstance(a, EntityAnnotation)]
        relations = [a for a in annotations if isinstance(a, RelationAnnotation)]
        if brat_document.fullpath.endswith("doc-1.txt"):
            assert (len(entities), len(relations)) == (6, 2)
        else:
            assert [len(e.fragments) for e in entities] == [2, 1]


def test_bioc_reads_and_validates_the_export(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    pytest.importorskip("bioc")
    from bioc.brat import decoder, validator

    path, _ = export(EXPORTER, [document], "out", schema)
    with (
        (path / "doc-1.txt").open(encoding="utf-8") as text,
        (path / "doc-1.ann").open(encoding="utf-8") as ann,
    ):
        brat_document = decoder.load(text, ann, "doc-1")
    errors: list[str] = []
    validator.validate(brat_document, errors.append)
    assert errors == []
    assert len(brat_document.entities) == 6
    assert len(brat_document.relations) == 2
    assert len(brat_document.attributes) == 6
    assert len(brat_document.notes) == 1
    # bioc's validator joins fragments without brat's space (brat's DISCONT_SEP is " "), so a
    # span written in fragments fails there although brat and bratly accept it.


def test_discontinuous_spans_import_with_fragments(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("North and South Korea met.", encoding="utf-8")
    (folder / "a.ann").write_text(
        "T1\tLOCATION 0 5;16 21\tNorth Korea\nT2\tLOCATION 10 21\tSouth Korea\n",
        encoding="utf-8",
    )
    (draft,) = drafts_of(read_back(folder))
    north = draft.spans[0]
    assert (north.start, north.end, north.fragments) == (0, 21, ((0, 5), (16, 21)))
    assert draft.spans[1].fragments == ()


def test_names_are_safe_and_unique(export: Export, schema: LabelSchema) -> None:
    items = [
        make_document("a", [], doc_id=1, external_id="https://x.org/a b"),
        make_document("b", [], doc_id=2, external_id="https://x.org/A B"),
        make_document("c", [], doc_id=3, external_id="../.."),
    ]
    path, _ = export(EXPORTER, items, "names", schema)
    assert sorted(p.name for p in path.glob("*.txt")) == [
        "doc.txt", "https_x.org_A_B-2.txt", "https_x.org_a_b.txt",
    ]  # fmt: skip


def test_losses(export: Export, schema: LabelSchema) -> None:
    item = make_document(
        "Rebels\r\nfled",
        [
            ("ACTOR", 0, 6, {"kind": "other", "comment": "two\nlines"}),
            ("CLAIM", 0, 6, {"disputed": False}),
        ],
    )
    path, losses = export(EXPORTER, [item], "lossy", schema)
    assert losses.counts == {Loss.CHARACTERS: 2}
    assert EXPORTER.losses(iter([item]), schema).counts == losses.counts
    ann = (path / "doc-1.ann").read_text(encoding="utf-8")
    assert "#1\tAnnotatorNotes T1\tcomment: two lines\n" in ann
    assert "disputed" not in ann  # an unset brat flag means false


def test_peer_files_import(shared_fixtures: Path) -> None:
    drafts = drafts_of(read_back(shared_fixtures / "brat", LabelSchema()))
    assert [d.draft.external_id for d in drafts] == [
        "000-introduction", "060-relation_annotation", "100-attribute_annotation",
        "110-note_annotation",
    ]  # fmt: skip
    assert [(len(d.spans), len(d.relations)) for d in drafts] == [
        (7, 6),
        (10, 3),
        (26, 20),
        (14, 8),
    ]
    intro = drafts[0]
    spans = {s.key: s for s in intro.spans}
    assert intro.draft.text[spans["T4"].start : spans["T4"].end] == "Raul Salinas de Gortari"
    assert spans["T4"].attributes == {"Mention": "Name", "Individual": True}
    assert spans["T3"].attributes == {"Confidence": "High"}  # from the event E1 it triggers
    assert spans["T5"].attributes["Reference"] == "Wikipedia:64488"
    assert "Carlos Salinas de Gortari" in spans["T5"].note
    assert spans["T2"].note == "100000000 USD"
    assert ("Giver-Arg", "T3", "T1") in [(r.type, r.source, r.target) for r in intro.relations]
    assert "event(s)" in intro.note
    aliases = [(r.type, r.source, r.target) for r in drafts[1].relations if r.type == "Alias"]
    assert aliases == [("Alias", "T3", "T4"), ("Alias", "T4", "T5")]
    notes = {r.note for r in drafts[3].relations}
    assert "Should this be marked? It's not explicitly stated." in notes


def test_peer_files_import_from_a_zip(shared_fixtures: Path, tmp_path: Path) -> None:
    archive = tmp_path / "peers.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in sorted((shared_fixtures / "brat").iterdir()):
            out.write(file, f"corpus/{file.name}")
    drafts = drafts_of(read_back(archive, LabelSchema()))
    assert len(drafts) == 4
    assert drafts[0].origin == f"{archive}!corpus/000-introduction.ann"
    assert drafts[0].draft.external_id == "corpus/000-introduction"


def test_bad_lines_fail_with_file_and_line_and_the_rest_imports(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "a.txt").write_text("Rebels shelled Aleppo.", encoding="utf-8")
    (folder / "a.ann").write_text(
        "T1\tACTOR 0 6\tRebels\n"
        "T2\tLOCATION 15 21\tHoms\n"
        "T3\tLOCATION x y\tAleppo\n"
        "Q1\twhat\n"
        "R1\tLOCATED_IN Arg1:T1 Arg2:T2\t\n"
        "A1\tkind T9 state\n"
        "T4\tLOCATION 15 21\tAleppo\n"
        "T5\tLOCATION 15 99\tAleppo\n"
        "T1\tACTOR 0 6\tRebels\n",
        encoding="utf-8",
    )
    (folder / "orphan.ann").write_text("T1\tX 0 1\tx\n", encoding="utf-8")
    (folder / "plain.txt").write_text("No annotations here.", encoding="utf-8")
    items = read_back(folder)
    ann = str(folder / "a.ann")
    failures = [(f.file, f.line) for f in items if isinstance(f, Failure)]
    orphan = str(folder / "orphan.ann")
    assert failures == [
        (ann, 3),
        (ann, 4),
        (ann, 9),
        (ann, 2),
        (ann, 8),
        (ann, 6),
        (ann, 5),
        (orphan, None),
    ]
    reasons = [f.reason for f in items if isinstance(f, Failure)]
    assert "T1 is already defined" in reasons[2]
    assert "T2 LOCATION 15 21: text 'Homs' does not match the .txt ('Aleppo')" in reasons[3]
    assert "code point offset 99 is out of range" in reasons[4]
    assert "no orphan.txt beside it" in reasons[7]
    drafts = [x for x in items if isinstance(x, AnnotatedDraft)]
    assert [d.draft.external_id for d in drafts] == ["a", "plain"]
    assert draft_keys(drafts[0], attributes=False) == [
        ("ACTOR", 0, 6, ()),
        ("LOCATION", 15, 21, ()),
    ]
    assert drafts[1].spans == ()


def test_other_units_and_crlf_offsets_are_detected(tmp_path: Path) -> None:
    folder = tmp_path / "units"
    folder.mkdir()
    crlf = "The ministry said\r\n12 civilians died 🏛."
    (folder / "crlf.txt").write_bytes(crlf.encode("utf-8"))
    (folder / "crlf.ann").write_text("T1\tCASUALTY_FIGURE 19 31\t12 civilians\n", encoding="utf-8")
    lf = "The ministry 🏛 said\n12 civilians died."
    a, b = OffsetConverter(lf).span_to_utf16(20, 32)
    (folder / "utf16.txt").write_text(lf, encoding="utf-8")
    (folder / "utf16.ann").write_text(f"T1\tCASUALTY_FIGURE {a} {b}\t12 civilians\n", "utf-8")
    first, second = drafts_of(read_back(folder))
    assert first.draft.text == crlf.replace("\r\n", "\n")  # universal newlines, as brat does
    assert draft_keys(first) == [("CASUALTY_FIGURE", 18, 30, ())]
    assert second.draft.text == lf
    assert draft_keys(second) == [("CASUALTY_FIGURE", 20, 32, ())]
    assert (
        first.note == "offsets were counted in code points of the text with CRLF line ends "
        "(found from the span texts)"
    )
    assert second.note == "offsets were counted in UTF-16 units (found from the span texts)"


def test_notes_become_text_attributes_of_the_schema(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "n.txt").write_text("The ministry spoke.", encoding="utf-8")
    (folder / "n.ann").write_text(
        "\ufeffT1\tACTOR 0 12\tThe ministry\nA1\tkind T1 non-state_armed_group\n"
        "#1\tAnnotatorNotes T1\tcomment: of health\n#2\tAnnotatorNotes T1\tcheck: later\n",
        encoding="utf-8",
    )
    (draft,) = drafts_of(read_back(folder))
    (span,) = draft.spans
    assert span.attributes == {"kind": "non-state armed group", "comment": "of health"}
    assert span.note == "check: later"


def test_many_documents_in_one_export(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    items = [renumbered(document, n) for n in range(1, 21)]
    path, _ = export(EXPORTER, items, "many.zip", schema)
    with zipfile.ZipFile(path) as archive:
        assert len(archive.namelist()) == 42
    drafts = drafts_of(read_back(path))
    assert len(drafts) == 20
    assert all(draft_keys(d) == original_keys(document) for d in drafts)
