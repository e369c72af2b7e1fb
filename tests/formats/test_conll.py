"""CoNLL export and import, read back by seqeval (strict IOB2/BILOU) and spaCy's converter."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.errors import UserError
from annotator.core.interchange import AnnotatedDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import registry
from annotator.formats.base import ExportOptions, ImportOptions, Loss, OverlapPolicy
from annotator.formats.conll import DOCSTART, EXPORTER, IMPORTER, read_conll
from tests.formats.conftest import ROUND_TRIP_TEXT, Export, make_document, renumbered

ALL_SPANS = [
    ("ACTOR", "Rebels"),
    ("LOCATION", "Aleppo"),
    ("ACTOR", "The ministry"),
    ("CLAIM", "12 civilians died in Aleppo ’s east"),
    ("CASUALTY_FIGURE", "12 civilians"),
    ("LOCATION", "Aleppo"),
]


def sentences_of(path: Path, column: int = -1) -> list[list[tuple[str, str]]]:
    """(token, tag) per sentence, documents ignored."""
    out: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        fields = line.split()
        if not fields or fields[0] == "-DOCSTART-":
            if current:
                out.append(current)
            current = []
            continue
        current.append((fields[0], fields[column]))
    if current:
        out.append(current)
    return out


def read_back(path: Path) -> list[AnnotatedDraft | Failure]:
    return list(IMPORTER.read(path, LabelSchema(), ImportOptions()))


def surfaces(draft: AnnotatedDraft) -> list[tuple[str, str]]:
    return [(s.label, draft.draft.text[s.start : s.end]) for s in draft.spans]


def test_registry_finds_the_module() -> None:
    assert registry.exporter("conll") is EXPORTER
    assert registry.importer("conll") is IMPORTER


def test_priority_export_and_round_trip(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    path, losses = export(EXPORTER, [document], "train.conll", schema)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(DOCSTART + "\n\nRebels -X- _ B-ACTOR\nshelled -X- _ O\n")
    assert "\n. -X- _ O\n\nThe -X- _ B-ACTOR\n" in text  # the line break ends a sentence
    assert "🏛 -X- _ O\n" in text
    assert "’s -X- _ O\n" in text
    # schema order: LOCATION (inside the claim) beats CLAIM; CASUALTY_FIGURE does not overlap it
    assert losses.counts == {
        Loss.OVERLAPS: 3,  # the claim, the figure and Aleppo inside it, as every format counts
        Loss.DROPPED: 1,
        Loss.RELATIONS: 2,
        Loss.ATTRIBUTES: 7,
    }
    assert "CLAIM" in losses.examples[Loss.DROPPED][0]
    assert "priority policy" in losses.notes[Loss.OVERLAPS]
    (draft,) = read_back(path)
    assert isinstance(draft, AnnotatedDraft)
    assert draft.draft.text == (
        "Rebels shelled Aleppo on 3 May 2016 .\n"
        "The ministry 🏛 said 12 civilians died in Aleppo ’s east ."
    )
    assert surfaces(draft) == [s for s in ALL_SPANS if s[0] != "CLAIM"]
    assert draft.note == ""


def test_columns_keep_every_nested_span(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    options = ExportOptions(overlap_policy=OverlapPolicy.COLUMNS, scheme="BILOU")
    path, losses = export(EXPORTER, [document], "nested.conll", schema, options)
    assert Loss.OVERLAPS not in losses.counts
    lines = path.read_text(encoding="utf-8").split("\n")
    assert "12 -X- _ B-CLAIM B-CASUALTY_FIGURE O" in lines
    assert "Aleppo -X- _ I-CLAIM U-LOCATION O" in lines
    assert "east -X- _ L-CLAIM O O" in lines
    (draft,) = read_back(path)
    assert isinstance(draft, AnnotatedDraft)
    assert sorted(surfaces(draft)) == sorted(ALL_SPANS)
    options = ExportOptions(overlap_policy=OverlapPolicy.COLUMNS, extra={"layers": "1"})
    _, losses = export(EXPORTER, [document], "one.conll", schema, options)
    assert losses.counts[Loss.DROPPED] == 2  # the nested figure and the second Aleppo
    assert Loss.OVERLAPS not in losses.counts  # columns carry overlaps


def test_drop_leaves_out_every_overlapping_span(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    options = ExportOptions(overlap_policy=OverlapPolicy.DROP)
    path, losses = export(EXPORTER, [document], "drop.conll", schema, options)
    assert (losses.counts[Loss.OVERLAPS], losses.counts[Loss.DROPPED]) == (3, 3)
    (draft,) = read_back(path)
    assert isinstance(draft, AnnotatedDraft)
    assert surfaces(draft) == ALL_SPANS[:3]


def test_label_priority_chooses_the_winner(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    options = ExportOptions(label_priority=("CLAIM",))
    path, losses = export(EXPORTER, [document], "claims.conll", schema, options)
    assert (losses.counts[Loss.OVERLAPS], losses.counts[Loss.DROPPED]) == (3, 2)
    (draft,) = read_back(path)
    assert isinstance(draft, AnnotatedDraft)
    assert ("CLAIM", ALL_SPANS[3][1]) in surfaces(draft)


@pytest.mark.parametrize("scheme", ["IOB2", "BILOU"])
def test_seqeval_reads_the_tags_strictly(
    export: Export, document: AnnotatedDocument, schema: LabelSchema, scheme: str
) -> None:
    seqeval_scheme = pytest.importorskip("seqeval.scheme")
    from seqeval.metrics.sequence_labeling import get_entities

    options = ExportOptions(overlap_policy=OverlapPolicy.COLUMNS, scheme=scheme)
    path, _ = export(EXPORTER, [document, renumbered(document, 2)], "s.conll", schema, options)
    found = []
    for column in (3, 4):
        sentences = sentences_of(path, column)
        tags = [[tag for _, tag in sentence] for sentence in sentences]
        strict = seqeval_scheme.Entities(tags, getattr(seqeval_scheme, scheme))  # strict mode
        entities = [e.to_tuple() for sentence in strict.entities for e in sentence]
        lenient = get_entities(tags) if scheme == "IOB2" else None
        if lenient is not None:
            assert len(lenient) == len(entities)  # nothing strict mode would reject
        for sentence_id, label, start, end in entities:
            words = [token for token, _ in sentences[sentence_id][start:end]]
            found.append((label, " ".join(words)))
    assert sorted(found) == sorted(ALL_SPANS * 2)


def test_spacy_converter_reads_documents_sentences_and_entities(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    converters = pytest.importorskip("spacy.training.converters")
    other = make_document("Aleppo fell.\nNo one spoke.", [("LOCATION", 0, 6, {})], doc_id=2)
    path, _ = export(EXPORTER, [document, other], "spacy.conll", schema)
    docs = list(converters.conll_ner_to_docs(path.read_text(encoding="utf-8"), no_print=True))
    assert len(docs) == 2
    assert [(e.label_, e.text) for e in docs[0].ents] == [s for s in ALL_SPANS if s[0] != "CLAIM"]
    assert [s.text for s in docs[0].sents] == [
        "Rebels shelled Aleppo on 3 May 2016 .",
        "The ministry 🏛 said 12 civilians died in Aleppo ’s east .",
    ]
    assert [(e.label_, e.text) for e in docs[1].ents] == [("LOCATION", "Aleppo")]
    two, _ = export(
        EXPORTER, [document], "two.conll", schema, ExportOptions(extra={"columns": "2"})
    )
    assert "Rebels B-ACTOR\n" in two.read_text(encoding="utf-8")
    (doc,) = converters.conll_ner_to_docs(two.read_text(encoding="utf-8"), no_print=True)
    assert len(doc.ents) == 5


def test_a_span_across_a_sentence_boundary_joins_the_sentences(
    export: Export, schema: LabelSchema
) -> None:
    item = make_document(ROUND_TRIP_TEXT, [("CLAIM", 31, 49, {})])  # "2016.\nThe ministry"
    path, losses = export(EXPORTER, [item], "joined.conll", schema)
    assert losses.empty
    (sentence,) = sentences_of(path)
    assert sentence[6:10] == [
        ("2016", "B-CLAIM"),
        (".", "I-CLAIM"),
        ("The", "I-CLAIM"),
        ("ministry", "I-CLAIM"),
    ]


def test_unaligned_spans_are_widened_or_tokens_split(export: Export, schema: LabelSchema) -> None:
    item = make_document("Aleppo-based rebels", [("LOCATION", 0, 6, {}), ("ACTOR", 13, 19, {})])
    path, losses = export(EXPORTER, [item], "wide.conll", schema)
    assert losses.counts == {Loss.UNALIGNED: 1}
    assert "'Aleppo' widened to 'Aleppo-based'" in losses.examples[Loss.UNALIGNED][0]
    assert sentences_of(path) == [[("Aleppo-based", "B-LOCATION"), ("rebels", "B-ACTOR")]]
    options = ExportOptions(extra={"tokens": "split"})
    path, losses = export(EXPORTER, [item], "split.conll", schema, options)
    assert losses.empty
    assert sentences_of(path)[0][:2] == [("Aleppo", "B-LOCATION"), ("-based", "O")]
    blank = make_document("a \n b", [("ACTOR", 1, 3, {})])
    assert EXPORTER.losses([blank], schema).counts == {Loss.DROPPED: 1}


def test_losses_match_what_write_reports(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    for options in (ExportOptions(), ExportOptions(overlap_policy=OverlapPolicy.DROP)):
        _, written = export(
            EXPORTER, [document], f"{options.overlap_policy}.conll", schema, options
        )
        assert EXPORTER.losses(iter([document]), schema, options).counts == written.counts


def test_an_empty_document_writes_only_its_docstart(export: Export, schema: LabelSchema) -> None:
    path, _ = export(EXPORTER, [make_document(" \n", [])], "empty.conll", schema)
    assert path.read_text(encoding="utf-8") == DOCSTART + "\n\n"
    assert read_back(path) == []


# -- import ---------------------------------------------------------------------------------------


def test_iob1_bilou_and_layered_files_import(tmp_path: Path) -> None:
    iob1 = "EU I-ORG\nrejects O\nGerman I-MISC\ncall O\nto O\nPeter I-PER\nBlackburn I-PER\n"
    (draft,) = read_conll(iob1.splitlines(keepends=True), "iob1")
    assert isinstance(draft, AnnotatedDraft)
    assert surfaces(draft) == [("ORG", "EU"), ("MISC", "German"), ("PER", "Peter Blackburn")]
    assert draft.note == ""  # IOB1 is detected, not repaired
    adjacent = "A I-PER\nB B-PER\nC O\n"
    (draft,) = read_conll(adjacent.splitlines(), "iob1b")
    assert isinstance(draft, AnnotatedDraft)
    assert surfaces(draft) == [("PER", "A"), ("PER", "B")]
    bioes = "New B-LOC\nYork E-LOC\nis O\nbig S-MISC\n"
    (draft,) = read_conll(bioes.splitlines(), "bioes")
    assert isinstance(draft, AnnotatedDraft)
    assert surfaces(draft) == [("LOC", "New York"), ("MISC", "big")]


def test_invalid_sequences_are_repaired_and_listed(tmp_path: Path) -> None:
    text = f"{DOCSTART}\n\nThe O\nUN B-ORG\nsaid O\nmore I-ORG\nthings I-ORG\n. O\n"
    (draft,) = read_conll(text.splitlines(), "bad.conll")
    assert isinstance(draft, AnnotatedDraft)
    assert surfaces(draft) == [("ORG", "UN"), ("ORG", "more things")]
    assert draft.note == "line 6: I-ORG after O (IOB2; repaired)"
    bilou = "a B-X\nb O\nc L-Y\n"
    (draft,) = read_conll(bilou.splitlines(), "bad.bilou")
    assert isinstance(draft, AnnotatedDraft)
    assert surfaces(draft) == [("X", "a"), ("Y", "c")]
    assert draft.note.splitlines() == [
        "line 1: X span not closed with L- (BILOU; repaired)",
        "line 3: L-Y without B-Y (BILOU; repaired)",
    ]


def test_bad_lines_fail_with_file_and_line_and_the_rest_imports(tmp_path: Path) -> None:
    path = tmp_path / "broken.conll"
    path.write_text(
        f"{DOCSTART}\n\nRebels B-ACTOR\nlonely\nshelled O\nAleppo B-LOC\ntoday X-LOC\n\n"
        f"{DOCSTART}\n\nCalm O\n",
        encoding="utf-8",
    )
    failures = [x for x in read_back(path) if isinstance(x, Failure)]
    drafts = [x for x in read_back(path) if isinstance(x, AnnotatedDraft)]
    assert [(f.file, f.line) for f in failures] == [(str(path), 4), (str(path), 7)]
    assert "found only 'lonely'" in failures[0].reason
    assert "'X-LOC' is not a tag" in failures[1].reason
    assert [d.draft.text for d in drafts] == ["Rebels shelled Aleppo", "Calm"]
    assert [d.origin for d in drafts] == [f"{path}:1", f"{path}:9"]
    latin = tmp_path / "latin.conll"
    latin.write_bytes("Café O\n".encode("latin-1"))
    (failure,) = read_back(latin)
    assert isinstance(failure, Failure)
    assert "not UTF-8" in failure.reason
    (missing,) = read_back(tmp_path / "nope.conll")
    assert isinstance(missing, Failure)
    assert "cannot read" in missing.reason


def test_peer_files_import(shared_fixtures: Path) -> None:
    folder = shared_fixtures / "conll"
    first, second = read_back(folder / "doccano_example.conll")
    assert isinstance(first, AnnotatedDraft)
    assert isinstance(second, AnnotatedDraft)
    assert (first.draft.text, surfaces(first)) == ("JAPAN GET", [("LOC", "JAPAN")])
    assert (second.draft.text, surfaces(second)) == ("Nadim Ladki", [("PER", "Nadim Ladki")])
    invalid = read_back(folder / "doccano_labeling.invalid.conll")
    failures = [x for x in invalid if isinstance(x, Failure)]
    assert [(f.line, f.code) for f in failures] == [(1, "ANN137")]
    assert "'SOCCERO' is not a tag" in failures[0].reason
    drafts = [x for x in invalid if isinstance(x, AnnotatedDraft)]
    assert [surfaces(d) for d in drafts] == [
        [("LOC", "JAPAN"), ("PER", "CHINA")],
        [("PER", "Nadim Ladki")],
        [("LOC", "AL-AIN"), ("LOC", "United Arab Emirates")],
    ]
    (spacy_doc,) = read_back(folder / "spacy-ner-token-per-line.iob")
    assert isinstance(spacy_doc, AnnotatedDraft)
    assert surfaces(spacy_doc) == [
        ("PERSON", "Sebastian Thrun"), ("ORG", "Google"), ("DATE", "2007"),
        ("NORP", "American"), ("PERSON", "Thrun"), ("ORG", "Recode"),
        ("DATE", "earlier this week"),
    ]  # fmt: skip
    assert "n’t" in spacy_doc.draft.text


def test_bad_options_are_user_errors(document: AnnotatedDocument, schema: LabelSchema) -> None:
    with pytest.raises(UserError, match="unknown tagging scheme 'IOBES'"):
        EXPORTER.losses([document], schema, ExportOptions(scheme="IOBES"))
    columns = ExportOptions(overlap_policy=OverlapPolicy.COLUMNS, extra={"layers": "0"})
    with pytest.raises(UserError, match="layers='0'"):
        EXPORTER.losses([document], schema, columns)
