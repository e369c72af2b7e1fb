"""Loss reports read the same in every format: singular counts, one attribute form, one
meaning of "overlapping spans", notes said once and examples that are examples."""

from __future__ import annotations

from annotator.core.annotation import AnnotatedDocument
from annotator.formats import registry
from annotator.formats.base import ExportOptions, Loss, LossReport, generic_losses
from tests.formats.conftest import make_document, round_trip_schema

TEXT = "Shelling killed seven people in Brennick on Tuesday."


def overlapping(doc_id: int) -> AnnotatedDocument:
    """Two spans that overlap (one pair: two overlapping spans), one with attributes."""
    return make_document(
        TEXT,
        [
            ("CASUALTY_FIGURE", 16, 28, {"count": 7, "outcome": "killed"}),
            ("ACTOR", 22, 28, {}),
            ("LOCATION", 32, 40, {}),
        ],
        [("LOCATED_IN", 1, 3)],
        doc_id=doc_id,
    )


def test_one_of_a_kind_reads_singular() -> None:
    report = LossReport()
    for loss in (Loss.OVERLAPS, Loss.RELATIONS, Loss.ATTRIBUTES, Loss.NOTES):
        report.add(loss, 1)
    report.add(Loss.UNALIGNED, 2)
    assert report.format_lines() == [
        "1 attribute",
        "1 comment on a span, relation or document",
        "1 overlapping span",
        "1 relation",
        "2 spans not aligned to tokens: widened to whole tokens when written",
    ]


def test_every_format_shows_attributes_and_counts_overlaps_alike() -> None:
    schema = round_trip_schema()
    items = [overlapping(1), overlapping(2)]
    expected = "CASUALTY_FIGURE count=7, outcome='killed'"
    for name in ("doccano", "spacy-jsonl", "xmi-ne"):
        exporter = registry.exporter(name)
        own = getattr(exporter, "losses", None)
        report = (
            own(iter(items), schema, ExportOptions())
            if own
            else generic_losses(items, exporter.capabilities)
        )
        (example, *_) = report.examples[Loss.ATTRIBUTES]
        assert example.endswith(expected), (name, example)
        if not exporter.capabilities.overlaps:
            assert report.counts[Loss.OVERLAPS] == 4, name  # two in each document


def test_doccano_says_its_overlap_note_once_with_real_examples() -> None:
    report = registry.exporter("doccano").losses(  # type: ignore[attr-defined]
        iter([overlapping(1), overlapping(2)]), round_trip_schema(), ExportOptions()
    )
    (line,) = [x for x in report.format_lines() if "overlapping" in x]
    assert line == (
        "4 overlapping spans: written, but doccano drops them unless the project allows "
        "overlapping spans (e.g. doc-1: CASUALTY_FIGURE 'seven people' overlaps ACTOR 'people'; "
        "doc-2: CASUALTY_FIGURE 'seven people' overlaps ACTOR 'people')"
    )


def test_conll_and_doccano_count_the_same_overlapping_spans() -> None:
    schema, items = round_trip_schema(), [overlapping(1)]
    conll = registry.exporter("conll").losses(iter(items), schema, ExportOptions())  # type: ignore[attr-defined]
    doccano = registry.exporter("doccano").losses(iter(items), schema, ExportOptions())  # type: ignore[attr-defined]
    assert conll.counts[Loss.OVERLAPS] == doccano.counts[Loss.OVERLAPS] == 2
    assert conll.counts[Loss.DROPPED] == 1  # the priority policy keeps one of the pair
    assert "2 overlapping spans: one tag per token, so the priority policy keeps" in (
        " ".join(conll.format_lines())
    )


def test_every_token_format_says_alike_what_is_off_the_tokens() -> None:
    """A span ending inside a token is widened (one kind, one sentence, one example form) and
    a span on whitespace between tokens is left out, said alike by CoNLL, Hugging Face,
    Prodigy and spaCy."""
    schema = round_trip_schema()
    item = make_document("Aleppo rebels fled.", [("LOCATION", 0, 4, {}), ("ACTOR", 6, 7, {})])
    widened = (
        "1 span not aligned to tokens: widened to whole tokens when written "
        "(e.g. doc-1: LOCATION 'Alep' widened to 'Aleppo')"
    )
    for name, options in (
        ("conll", ExportOptions()),
        ("huggingface", ExportOptions()),
        ("prodigy", ExportOptions(extra={"tokens": "expand"})),
        ("spacy", ExportOptions()),
    ):
        report = registry.exporter(name).losses(iter([item]), schema, options)  # type: ignore[attr-defined]
        lines = report.format_lines()
        assert report.counts[Loss.UNALIGNED] == 1, name
        assert report.counts[Loss.DROPPED] == 1, name
        unaligned = next(x for x in lines if "aligned" in x)
        assert unaligned == widened, name
        (dropped,) = report.examples[Loss.DROPPED]
        assert dropped.startswith("doc-1: ACTOR ' ' is on no token"), name
