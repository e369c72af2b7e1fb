"""WebAnno TSV 3.3: INCEpTION's reference files byte for byte, round trip, escaping."""

from __future__ import annotations

from dataclasses import replace
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
from annotator.formats.tsv_escape import escape_text, escape_value, unescape_text, unescape_value
from annotator.formats.tsv_layout import unpack_pairs
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


@pytest.mark.parametrize("path", REFERENCES, ids=lambda p: p.stem)
def test_documents_stored_with_the_older_token_lists_export_the_same(path: Path) -> None:
    """Before the compact strings, tokens and sentences were kept as JSON lists of pairs."""
    (draft,) = read(path)
    kept = dict(draft.draft.metadata["webanno_tsv"])
    assert isinstance(kept["tokens"], str)
    assert isinstance(kept["sentences"], str)
    older = {
        **kept,
        "tokens": [list(p) for p in unpack_pairs(kept["tokens"]) or []],
        "sentences": [list(p) for p in unpack_pairs(kept["sentences"]) or []],
    }
    item = stored(draft)
    item = replace(item, document=replace(item.document, metadata={"webanno_tsv": older}))
    lines = tsv_lines(item, LabelSchema(), LossReport())
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


def test_text_and_values_are_escaped_as_inception_escapes_them() -> None:
    # INCEpTION's Escaping.escapeText: named escapes, other C0 controls (but VT) as \ + itself
    text = "a\\b\tc\rd\x0ce\x08f\x01g\x0bh"
    assert escape_text(text) == "a\\\\b\\tc\\rd\\fe\\bf\\\x01g\x0bh"
    assert unescape_text(escape_text(text)) == text
    assert unescape_text("x\\\\ny") == "x\\ny"  # an escaped backslash before n, not a line feed
    # a backslash before anything a value never escapes stays a backslash
    assert unescape_value("C:\\data\\x") == "C:\\data\\x"
    assert unescape_value("a\\->b\\_c") == "a->b_c"


def test_control_characters_in_the_text_round_trip(export: Export, schema: LabelSchema) -> None:
    item = make_document("Form\x0cfeed and\x01 bell\\ end", [("ACTOR", 0, 9, {})], doc_id=3)
    path, _ = export(EXPORTER, [item], "ctl", schema)
    raw = (path / "doc-3.tsv").read_text(encoding="utf-8")
    assert "#Text=Form\\ffeed and\\\x01 bell\\\\ end" in raw
    (draft,) = read(path, schema)
    assert draft.draft.text == item.document.text
    assert draft_keys(draft) == original_keys(item)


SUB_TOKENS = (
    "#FORMAT=WebAnno TSV 3.3\n"
    "#T_SP=webanno.custom.Span|value\n\n\n"
    "#Text=Test it all\n"
    "1-1\t0-4\tTest\t_\t\n"
    "1-1.1\t0-1\tT\tOTH\t\n"
    "1-1.2\t3-4\tt\tLOC\t\n"
    "1-2\t5-7\tit\t_\t\n"
    "1-2.1\t6-7\tt\tX[1]\t\n"
    "1-3\t8-11\tall\tX[1]\t\n"
)
"""INCEpTION's sub-token rows (as in its testSubTokenRelation and testSubMultiTokenSpan
reference files): spans that start or end inside a token get rows ``<token>.<n>``."""


def test_sub_token_rows_give_spans_inside_tokens(
    tmp_path: Path, export: Export, schema: LabelSchema
) -> None:
    path = tmp_path / "sub.tsv"
    path.write_text(SUB_TOKENS, encoding="utf-8")
    (draft,) = read(path)
    assert draft.draft.text == "Test it all"
    spans = [(s.label, s.start, s.end) for s in draft.spans]
    assert sorted(spans) == [("LOC", 3, 4), ("OTH", 0, 1), ("X", 6, 11)]
    # the tokens are the token rows, not the sub-token rows
    assert draft.draft.metadata["webanno_tsv"]["tokens"] == "0-4 5-7 8-11"
    # written again: the same tokens, and the sub-token rows as INCEpTION writes them
    lines = tsv_lines(stored(draft), LabelSchema(), report := LossReport())
    assert "\n".join(lines) + "\n" == SUB_TOKENS
    assert report.counts.get(Loss.UNALIGNED, 0) == 0
    out, _ = export(EXPORTER, [stored(draft)], "again", LabelSchema())
    (again,) = read(out)
    assert sorted((s.label, s.start, s.end) for s in again.spans) == sorted(spans)


def test_a_relation_to_a_span_with_bad_offsets_is_a_failure_not_a_crash(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(
        "#FORMAT=WebAnno TSV 3.3\n"
        "#T_SP=webanno.custom.Span|label\n"
        "#T_RL=webanno.custom.Relation|label|BT_webanno.custom.Span\n\n\n"
        "#Text=ab cd\n"
        "1-1\t0-2\tab\tA\t_\t_\t\n"
        "1-2\t3-9\tcd\tB\tR\t1-1\t\n",
        encoding="utf-8",
    )
    out = list(IMPORTER.read(path, LabelSchema(), ImportOptions()))
    failures = [x for x in out if isinstance(x, Failure)]
    assert any("out of range" in f.reason for f in failures)
    assert any("an end is missing" in f.reason for f in failures)
    (draft,) = [x for x in out if isinstance(x, AnnotatedDraft)]
    assert [s.label for s in draft.spans] == ["A"]
    assert draft.relations == ()
