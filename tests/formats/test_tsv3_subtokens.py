"""WebAnno TSV 3.3 sub-token rows: spans that start or end inside a token are written as
INCEpTION's Tsv3XCasDocumentBuilder writes them, and read back to the same offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.document import Document, content_hash
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.core.schema import LabelSchema
from annotator.formats.base import Loss, LossReport
from annotator.formats.webanno_tsv import EXPORTER, tsv_lines
from tests.formats.conftest import Export
from tests.formats.test_tsv3 import read, stored

HEADER = "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n"
TEXT = "aaaaaa bbbbbb cccccc"
EXTENTS = [
    (0, 6),  # 1 single token
    (0, 13),  # 2 multi-token
    (9, 11),  # 3 inside a token
    (7, 11),  # 4 token prefix
    (9, 13),  # 5 token suffix
    (3, 13),  # 6 multi-token, starting inside a token
    (0, 10),  # 7 multi-token, ending inside a token
    (3, 10),  # 8 both
    (3, 17),  # 9 both, over a whole token
    (10, 10),  # 10 zero width inside a token
    (7, 7),  # 11 zero width at a token's start
    (13, 13),  # 12 zero width at a token's end
]
SUB_MULTI_TOKEN = HEADER + (
    "#Text=aaaaaa bbbbbb cccccc\n"
    "1-1\t0-6\taaaaaa\t2[1]|7[2]|1[3]\t\n"
    "1-1.1\t3-6\taaa\t9[4]|6[5]|8[6]\t\n"
    "1-2\t7-13\tbbbbbb\t2[1]|9[4]|6[5]\t\n"
    "1-2.1\t7-10\tbbb\t7[2]|8[6]\t\n"
    "1-2.2\t7-11\tbbbb\t4\t\n"
    "1-2.3\t7-7\t\t11\t\n"
    "1-2.4\t9-13\tbbbb\t5\t\n"
    "1-2.5\t9-11\tbb\t3\t\n"
    "1-2.6\t10-10\t\t10\t\n"
    "1-2.7\t13-13\t\t12\t\n"
    "1-3\t14-20\tcccccc\t_\t\n"
    "1-3.1\t14-17\tccc\t9[4]\t\n"
)
"""INCEpTION's reference file for these twelve spans (its tsv3-suite test
testSubMultiTokenSpanWithFeatureValue)."""
LAYOUT = {
    "header": ["#FORMAT=WebAnno TSV 3.3", "#T_SP=webanno.custom.Span|value"],
    "tokens": "0-6 7-13 14-20",
    "sentences": "0-3",
    "span_layer": "webanno.custom.Span",
    "span_features": ["value"],
    "span_label": "value",
}
"""What an INCEpTION document with the tokens aaaaaa, bbbbbb and cccccc keeps when imported."""


def document(
    extents: list[tuple[int, int]],
    labels: list[str],
    links: tuple[tuple[int, int], ...] = (),
    text: str = TEXT,
) -> AnnotatedDocument:
    doc = Document(
        id=DocumentId(1),
        text=text,
        content_hash=content_hash(text),
        metadata={"webanno_tsv": LAYOUT},
        external_id="sub",
    )
    spans = tuple(
        Span(SpanId(n), doc.id, label, start, end)
        for n, ((start, end), label) in enumerate(zip(extents, labels, strict=True), start=1)
    )
    relations = tuple(
        Relation(RelationId(n), doc.id, "R", SpanId(a), SpanId(b))
        for n, (a, b) in enumerate(links, start=1)
    )
    return AnnotatedDocument(doc, spans, relations)


def written(item: AnnotatedDocument) -> tuple[str, LossReport]:
    report = LossReport()
    return "\n".join(tsv_lines(item, LabelSchema(), report)) + "\n", report


def test_spans_inside_tokens_are_written_as_inception_writes_them() -> None:
    labels = [str(n) for n in range(1, 13)]
    text, report = written(document(EXTENTS, labels))
    assert text == SUB_MULTI_TOKEN
    assert report.empty


STACKED_EXTENTS = [
    (0, 6),
    (0, 13),
    (9, 10),
    (7, 10),
    (9, 13),
    (3, 13),
    (0, 10),
    (3, 10),
    (3, 17),
    (10, 10),
    (7, 7),
    (13, 13),
]
STACKED_SUB_MULTI_TOKEN = HEADER + (
    "#Text=aaaaaa bbbbbb cccccc\n"
    "1-1\t0-6\taaaaaa\t2a[1]|2b[2]|7a[3]|7b[4]|1a[5]|1b[6]\t\n"
    "1-1.1\t3-6\taaa\t9a[7]|9b[8]|6a[9]|6b[10]|8a[11]|8b[12]\t\n"
    "1-2\t7-13\tbbbbbb\t2a[1]|2b[2]|9a[7]|9b[8]|6a[9]|6b[10]\t\n"
    "1-2.1\t7-10\tbbb\t7a[3]|7b[4]|8a[11]|8b[12]|4a[13]|4b[14]\t\n"
    "1-2.2\t7-7\t\t11a[15]|11b[16]\t\n"
    "1-2.3\t9-13\tbbbb\t5a[17]|5b[18]\t\n"
    "1-2.4\t9-10\tb\t3a[19]|3b[20]\t\n"
    "1-2.5\t10-10\t\t10a[21]|10b[22]\t\n"
    "1-2.6\t13-13\t\t12a[23]|12b[24]\t\n"
    "1-3\t14-20\tcccccc\t_\t\n"
    "1-3.1\t14-17\tccc\t9a[7]|9b[8]\t\n"
)
"""INCEpTION's reference file for twelve spans each stacked twice (its tsv3-suite test
testStackedSubMultiTokenSpanWithFeatureValue)."""


def test_stacked_spans_inside_tokens_are_numbered_as_inception_numbers_them(
    tmp_path: Path,
) -> None:
    doubled = [x for x in STACKED_EXTENTS for _ in (1, 2)]
    labels = [f"{n}{ab}" for n in range(1, 13) for ab in "ab"]
    text, report = written(document(doubled, labels))
    assert text == STACKED_SUB_MULTI_TOKEN
    assert report.empty
    path = tmp_path / "stacked.tsv"
    path.write_text(text, encoding="utf-8")
    (draft,) = read(path)
    assert sorted((s.label, s.start, s.end) for s in draft.spans) == sorted(
        zip(labels, (a for a, _ in doubled), (b for _, b in doubled), strict=True)
    )
    assert written(stored(draft))[0] == STACKED_SUB_MULTI_TOKEN


def test_inception_file_with_sub_tokens_reads_and_writes_again_byte_for_byte(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sub.tsv"
    path.write_text(SUB_MULTI_TOKEN, encoding="utf-8")
    (draft,) = read(path)
    assert sorted((s.start, s.end) for s in draft.spans) == sorted(EXTENTS)
    assert {s.label: (s.start, s.end) for s in draft.spans}["9"] == (3, 17)
    text, report = written(stored(draft))
    assert text == SUB_MULTI_TOKEN
    assert report.empty


def test_relations_name_the_sub_token_rows(tmp_path: Path, export: Export) -> None:
    item = document([(3, 6), (9, 13), (14, 20)], ["A", "B", "C"], ((1, 2), (3, 1)))
    text, report = written(item)
    assert report.empty
    assert "1-2.1\t9-13\tbbbb\tB\tR\t1-1.1\t\n" in text.replace("\t_\t_\t", "\t_\t")
    path, _ = export(EXPORTER, [item], "rel", LabelSchema())
    (draft,) = read(path)
    by_key = {r.key: (r.label, r.start, r.end) for r in draft.spans}
    links = sorted((r.type, by_key[r.source], by_key[r.target]) for r in draft.relations)
    assert links == [("R", ("A", 3, 6), ("B", 9, 13)), ("R", ("C", 14, 20), ("A", 3, 6))]
    again, _ = written(stored(draft))
    assert again == text


@pytest.mark.parametrize("extent", [(6, 9), (7, 9), (2, 15), (6, 6), (6, 7)])
def test_spans_starting_or_ending_between_tokens_are_written_where_inception_puts_them(
    extent: tuple[int, int], tmp_path: Path
) -> None:
    text, report = written(document([extent], ["X"]))
    assert report.empty
    path = tmp_path / "x.tsv"
    path.write_text(text, encoding="utf-8")
    (draft,) = read(path)
    assert [(s.start, s.end) for s in draft.spans] == [extent]


def test_a_span_that_would_come_back_elsewhere_is_left_out_and_reported() -> None:
    text, report = written(document([(20, 21), (14, 20)], ["X", "Y"], text=TEXT + " "))
    assert "X" not in text.split("\n\n\n", 1)[1]
    assert "1-3\t14-20\tcccccc\tY\t" in text
    assert report.counts[Loss.DROPPED] == 1
    assert report.examples[Loss.DROPPED] == ["sub: X ' ' is on no token"]


def test_a_span_reaching_past_the_last_token_is_reported_as_such() -> None:
    text, report = written(document([(14, 21)], ["Y"], text=TEXT + " "))
    assert "Y" not in text.split("\n\n\n", 1)[1]
    assert report.counts[Loss.DROPPED] == 1
    assert report.examples[Loss.DROPPED] == [
        "sub: Y 'cccccc ' reaches past the tokens (TSV cannot write it)"
    ]


SUB_TOKEN_RELATION = (
    "#FORMAT=WebAnno TSV 3.3\n"
    "#T_SP=webanno.custom.Span|value\n"
    "#T_RL=webanno.custom.Relation|value|BT_webanno.custom.Span\n\n\n"
    "#Text=Test\n"
    "1-1\t0-4\tTest\t_\t_\t_\t\n"
    "1-1.1\t3-4\tt\tOTH\t*\t1-1.2\t\n"
    "1-1.2\t0-1\tT\tOTH\t_\t_\t\n"
)
"""INCEpTION's testSubTokenRelation reference: its relation layer comes first, so the target's
sub-token row is made (and numbered) before the source's; the relation has no label."""
SUB_TOKEN_RELATION_2 = (
    "#FORMAT=WebAnno TSV 3.3\n"
    "#T_SP=webanno.custom.Span|value\n"
    "#T_RL=webanno.custom.Relation|value|BT_webanno.custom.Span\n\n\n"
    "#Text=Test again\n"
    "1-1\t0-4\tTest\t_\t_\t_\t\n"
    "1-1.1\t0-1\tT\tOTH\t_\t_\t\n"
    "1-2\t5-10\tagain\tOTH\t*\t1-1.1\t\n"
)
"""INCEpTION's testSubTokenRelation2 reference: a relation from a sub-token to a token."""


@pytest.mark.parametrize(
    ("reference", "link"),
    [(SUB_TOKEN_RELATION, ((0, 1), (3, 4))), (SUB_TOKEN_RELATION_2, ((0, 1), (5, 10)))],
)
def test_inception_sub_token_relations_read_and_write_again_byte_for_byte(
    tmp_path: Path, reference: str, link: tuple[tuple[int, int], tuple[int, int]]
) -> None:
    path = tmp_path / "rel.tsv"
    path.write_text(reference, encoding="utf-8")
    (draft,) = read(path)
    where = {s.key: (s.start, s.end) for s in draft.spans}
    assert [(r.type, where[r.source], where[r.target]) for r in draft.relations] == [
        ("Relation", *link)
    ]
    text, report = written(stored(draft))
    assert text == reference
    assert report.empty


PLACEHOLDERS = HEADER + (
    "#Text=This is a test .\n"
    "1-1\t0-4\tThis\t_\t\n"
    "1-1.1\t1-4\this\t*[1]\t\n"
    "1-2\t5-7\tis\t_\t\n"
    "1-2.1\t5-6\ti\t*[1]\t\n"
    "1-2.2\t6-7\ts\t*[2]\t\n"
    "1-3\t8-9\ta\t*[2]\t\n"
    "1-4\t10-14\ttest\t_\t\n"
    "1-4.1\t10-12\tte\t*[2]\t\n"
    "1-5\t15-16\t.\t_\t\n"
)
"""INCEpTION's testSubMultiTokenSpanWithoutFeatureValue3 reference: two unlabelled spans."""
PREFIX = HEADER + "#Text=Test\n1-1\t0-4\tTest\t_\t\n1-1.1\t0-1\tT\tOTH\t\n"
"""INCEpTION's testSubTokenPrefix reference."""


@pytest.mark.parametrize(
    "reference", [SUB_MULTI_TOKEN, STACKED_SUB_MULTI_TOKEN, PLACEHOLDERS, PREFIX]
)
def test_inception_references_read_and_write_again_byte_for_byte(
    tmp_path: Path, reference: str
) -> None:
    path = tmp_path / "ref.tsv"
    path.write_text(reference, encoding="utf-8")
    (draft,) = read(path)
    text, report = written(stored(draft))
    assert text == reference
    assert report.empty
