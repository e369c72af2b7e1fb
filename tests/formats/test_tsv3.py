"""WebAnno TSV 3.3: INCEpTION's reference files byte for byte, round trip, escaping."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.document import Document, content_hash
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.core.interchange import AnnotatedDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import registry
from annotator.formats.base import ImportOptions, Loss, LossReport
from annotator.formats.tsv_escape import escape_value, unescape_value
from annotator.formats.webanno_tsv import EXPORTER, IMPORTER, segment, tsv_lines
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

REFERENCES = sorted((SHARED_FIXTURES / "tsv3").glob("*.tsv")) if SHARED_FIXTURES.is_dir() else []


def stored(draft: AnnotatedDraft) -> AnnotatedDocument:
    """The document as storage would hand it back to an exporter."""
    document_id = DocumentId(1)
    text = draft.draft.text
    document = Document(
        id=document_id,
        text=text,
        content_hash=content_hash(text),
        metadata=draft.draft.metadata,
        external_id=draft.draft.external_id,
    )
    ids = {r.key: n for n, r in enumerate(draft.spans, start=1)}
    spans = tuple(
        sorted(
            (
                Span(SpanId(ids[r.key]), document_id, r.label, r.start, r.end, r.attributes)
                for r in draft.spans
            ),
            key=lambda s: (s.start, s.end, s.id),
        )
    )
    relations = tuple(
        Relation(RelationId(n), document_id, r.type, SpanId(ids[r.source]), SpanId(ids[r.target]))
        for n, r in enumerate(draft.relations, start=1)
    )
    return AnnotatedDocument(document, spans, relations)


def read(path: Path, schema: LabelSchema | None = None) -> list[AnnotatedDraft]:
    out = list(IMPORTER.read(path, schema or LabelSchema(), ImportOptions()))
    assert [x for x in out if isinstance(x, Failure)] == []
    return [x for x in out if isinstance(x, AnnotatedDraft)]


def test_registry() -> None:
    assert registry.exporter("tsv3") is EXPORTER
    assert registry.importer("tsv3") is IMPORTER


@pytest.mark.parametrize("path", REFERENCES, ids=lambda p: p.stem)
def test_reference_file_exports_again_byte_for_byte(path: Path) -> None:
    (draft,) = read(path)
    lines = tsv_lines(stored(draft), LabelSchema(), LossReport())
    assert ("\n".join(lines) + "\n").encode("utf-8") == path.read_bytes()


def test_reference_contents(shared_fixtures: Path) -> None:
    folder = shared_fixtures / "tsv3"
    (emoji,) = read(folder / "testSentenceWithEmoji.tsv")
    assert emoji.draft.text == "I like it 😊 ."
    assert [(s.start, s.end) for s in emoji.spans] == [(10, 11)]  # UTF-16 10-12
    (stacked,) = read(folder / "testMultiTokenStackedSpanWithFeatureValue.tsv")
    assert [(s.label, s.start, s.end) for s in stacked.spans] == [
        ("PERSON", 0, 16),
        ("LOCATION", 0, 16),
    ]
    (relation,) = read(folder / "testSingleNonMultiTokenRelationWithMultipleFeatureValues.tsv")
    assert draft_relations(relation) == [("nsubj", (0, 7), (8, 14))]
    assert relation.relations[0].note == "boolValue=true; integerValue=42"
    (special,) = read(folder / "testTokenBoundedSpanWithSpecialSymbolsValue.tsv")
    assert special.spans[0].label == "#*'\"`´\t:;{}|[ ]()\\§$%?=&_\n"
    (joined,) = read(folder / "testTwoSentencesWithNoSpaceInBetween.tsv")
    assert joined.draft.text == "onetwo"
    (broken,) = read(folder / "testSentenceWithLineBreak.tsv")
    assert broken.draft.text == "This is\na test ."


@pytest.mark.parametrize("name", ["out", "out.zip"])
def test_round_trip(
    export: Export, document: AnnotatedDocument, schema: LabelSchema, name: str
) -> None:
    crossing = make_document(
        "Talks ended\nwithout a deal, officials said.",
        [("CLAIM", 6, 26, {}), ("ACTOR", 28, 37, {})],
        [("ATTRIBUTED_TO", 1, 2)],
        doc_id=2,
        external_id="talks",
    )
    path, losses = export(EXPORTER, [document, crossing], name, schema)
    assert losses.empty
    first, second = read(path, schema)
    assert first.draft.text == ROUND_TRIP_TEXT
    assert draft_keys(first) == original_keys(document)
    assert draft_relations(first) == original_relations(document)
    assert draft_keys(second) == original_keys(crossing)
    assert draft_relations(second) == original_relations(crossing)


def test_file_shape(export: Export, document: AnnotatedDocument, schema: LabelSchema) -> None:
    path, _ = export(EXPORTER, [document], "out", schema)
    lines = (path / "doc-1.tsv").read_text(encoding="utf-8").split("\n")
    assert lines[0] == "#FORMAT=WebAnno TSV 3.3"
    assert lines[1].startswith("#T_SP=webanno.custom.Span|label|kind|comment")
    assert lines[2] == "#T_RL=webanno.custom.Relation|label|BT_webanno.custom.Span"
    rows = [line for line in lines if line and not line.startswith("#")]
    assert all(row.endswith("\t") for row in rows)
    assert "2-3\t50-52\t🏛\t" in "\n".join(rows)  # UTF-16 offsets after the emoji
    assert any("CASUALTY\\_FIGURE[3]" in row for row in rows)
    assert any(row.startswith("2-1\t") and "ATTRIBUTED\\_TO\t2-5[2_1]" in row for row in rows)


def test_whitespace_around_the_tokens_is_reported(schema: LabelSchema) -> None:
    report = LossReport()
    tsv_lines(make_document("  Rebels \n", [("ACTOR", 2, 8, {})]), schema, report)
    assert report.counts[Loss.CHARACTERS] == 2  # the trailing " \n"; leading spaces come back


def test_escaping() -> None:
    value = "a_b|c[1]\\d->e;f*g\th\ni"
    assert escape_value(value) == "a\\_b\\|c\\[1\\]\\\\d\\->e\\;f\\*g\\th\\ni"
    assert unescape_value(escape_value(value)) == value


def test_segment_cuts_tokens_at_span_edges() -> None:
    tokens, sentences = segment("Aleppo’s east.\nNext", {0, 6})
    assert tokens == [(0, 6), (6, 8), (9, 14), (15, 19)]
    assert sentences == [(0, 3), (3, 4)]
