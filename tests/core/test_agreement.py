"""Agreement measures against hand-computed values, published worked examples and reference
libraries (krippendorff, scikit-learn) where installed."""

from __future__ import annotations

import random

import pytest

from annotator.core.agreement import (
    Coincidences,
    MatchCounts,
    Tokens,
    UnitizingStudy,
    binary_kappa,
    cohen_kappa,
    confusion_of,
    exact_matches,
    measure_agreement,
    nominal_alpha,
    overlap_matches,
)
from annotator.core.annotation import AnnotatedDocument, Span
from annotator.core.document import Document, content_hash
from annotator.core.ids import DocumentId, SpanId

# -- span F1 ------------------------------------------------------------------------------------


def test_exact_matches_by_hand() -> None:
    a = [((0, 5),), ((10, 15),), ((20, 25),)]
    b = [((0, 5),), ((10, 14),)]
    counts = exact_matches(a, b)
    assert counts == MatchCounts(matched=1, first=3, second=2)
    assert counts.precision == pytest.approx(1 / 2)
    assert counts.recall == pytest.approx(1 / 3)
    assert counts.f1 == pytest.approx(2 * 1 / 5)


def test_overlap_matches_are_one_to_one_and_maximal() -> None:
    # A1 overlaps B1 and B2, A2 overlaps only B1: greedy A1-B1 would leave A2 alone; the
    # maximum matching pairs A1-B2 and A2-B1.
    a = [((0, 10),), ((8, 12),)]
    b = [((0, 10),), ((2, 4),)]
    b_reordered = [((2, 4),), ((0, 10),)]
    assert overlap_matches(a, b) == MatchCounts(2, 2, 2)
    assert overlap_matches(a, b_reordered) == MatchCounts(2, 2, 2)
    # one long span against three short ones inside it: only one of them can match
    counts = overlap_matches([((0, 30),)], [((0, 5),), ((10, 15),), ((20, 25),)])
    assert counts == MatchCounts(1, 1, 3)
    assert counts.f1 == pytest.approx(0.5)
    # touching is not overlapping (half-open ranges)
    assert overlap_matches([((0, 5),)], [((5, 9),)]).matched == 0


def test_discontinuous_spans_match_by_their_pieces() -> None:
    split = ((0, 3), (10, 13))
    assert exact_matches([split], [split]).matched == 1
    assert exact_matches([split], [((0, 13),)]).matched == 0
    assert overlap_matches([split], [((5, 8),)]).matched == 0  # inside the hole
    assert overlap_matches([split], [((11, 12),)]).matched == 1


def test_empty_counts_have_no_scores() -> None:
    assert MatchCounts().f1 is None
    assert MatchCounts(0, 2, 0).precision is None
    assert MatchCounts(0, 2, 0).f1 == 0.0


# -- Cohen's kappa ------------------------------------------------------------------------------


def test_kappa_worked_example() -> None:
    """The classic 2x2 example (Wikipedia, "Cohen's kappa"): 50 proposals, both yes 20, both
    no 15, A yes/B no 5, A no/B yes 10: p_o = 0.7, p_e = 0.5, kappa = 0.4."""
    confusion = confusion_of(
        [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    )
    assert cohen_kappa(confusion) == pytest.approx(0.4)


def test_kappa_krippendorff_1995_digitized_example() -> None:
    """Krippendorff (1995), the Bertha/Bill unitization digitized into 24 units: 0.385."""
    bertha = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
    bill = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    confusion = confusion_of((str(a), str(b)) for a, b in zip(bertha, bill, strict=True))
    assert cohen_kappa(confusion) == pytest.approx(0.385, abs=0.001)
    units = [[str(a), str(b)] for a, b in zip(bertha, bill, strict=True)]
    assert nominal_alpha(units) == pytest.approx(0.329, abs=0.001)


def test_binary_kappa_equals_the_general_one() -> None:
    table = (20, 5, 10, 15)
    general = confusion_of(
        [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    )
    assert binary_kappa(table) == pytest.approx(cohen_kappa(general))
    assert binary_kappa((0, 0, 0, 9)) is None


def test_kappa_undefined_when_everything_is_one_category() -> None:
    assert cohen_kappa(confusion_of([("O", "O")] * 10)) is None
    assert cohen_kappa(confusion_of([])) is None


def test_kappa_matches_scikit_learn_on_random_data() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    rng = random.Random(3)
    for _ in range(20):
        a = [rng.choice("OABC") for _ in range(200)]
        b = [x if rng.random() < 0.6 else rng.choice("OABC") for x in a]
        ours = cohen_kappa(confusion_of(zip(a, b, strict=True)))
        assert ours == pytest.approx(metrics.cohen_kappa_score(a, b))


# -- Krippendorff's alpha -----------------------------------------------------------------------

KRIPPENDORFF_2011 = [
    # Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C:
    # 4 observers x 12 units, nominal values, "." missing; alpha (nominal) = 0.743
    "1 2 3 3 2 1 4 1 2 . . .",
    "1 2 3 3 2 2 4 1 2 5 . 3",
    ". 3 3 3 2 3 4 2 2 5 1 .",
    "1 2 3 3 2 4 4 1 2 5 1 .",
]


def _observers() -> list[list[str | None]]:
    return [[None if v == "." else v for v in row.split()] for row in KRIPPENDORFF_2011]


def test_alpha_krippendorff_2011_example() -> None:
    units = list(zip(*_observers(), strict=True))
    assert nominal_alpha(units) == pytest.approx(0.743, abs=0.0005)


def test_alpha_matches_the_krippendorff_package() -> None:
    krippendorff = pytest.importorskip("krippendorff")
    np = pytest.importorskip("numpy")
    data = np.array(
        [[np.nan if v is None else float(v) for v in row] for row in _observers()], dtype=float
    )
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert nominal_alpha(zip(*_observers(), strict=True)) == pytest.approx(expected)
    rng = random.Random(5)
    for _ in range(10):
        rows = [[rng.choice([None, "1", "2", "3", "3", "3"]) for _ in range(40)] for _ in range(3)]
        data = np.array([[np.nan if v is None else float(v) for v in r] for r in rows])
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert nominal_alpha(zip(*rows, strict=True)) == pytest.approx(expected)


def test_alpha_uniform_units_equal_units_added_one_by_one() -> None:
    one_by_one = Coincidences()
    bulk = Coincidences()
    for matrix in (one_by_one, bulk):
        matrix.add_unit(["A", "B", "A"])
        matrix.add_unit(["A", "A", None])
    for _ in range(7):
        one_by_one.add_unit(["O", "O", "O"])
    bulk.add_uniform("O", 3, 7)
    assert one_by_one.alpha() == pytest.approx(bulk.alpha())
    assert Coincidences().alpha() is None


# -- Krippendorff's unitizing alpha -------------------------------------------------------------


def test_u_alpha_krippendorff_2004_example() -> None:
    """Krippendorff (2004), Content Analysis, p. 254: two observers, categories c and k over
    the continuum [150, 450): D_o(c) = 0.0144, D_e(c) = 0.0532, u-alpha(c) = 0.7286,
    u-alpha(k) = 1, u-alpha over both = 0.8591 (the book rounds along the way)."""
    study = UnitizingStudy(2)
    first = {"c": [(225, 295), (370, 400)], "k": [(180, 240), (300, 350)]}
    second = {"c": [(220, 300), (355, 375), (400, 420)], "k": [(180, 240), (300, 350)]}
    study.add_continuum(300, [first, second], begin=150)
    assert study.category_alpha("c") == pytest.approx(0.7286, abs=0.0001)
    assert study.category_alpha("k") == pytest.approx(1.0)
    assert study.alpha() == pytest.approx(0.8591, abs=0.0005)


def _krippendorff_1995(stretch: float) -> UnitizingStudy:
    """Krippendorff (1995: 57), four pairs of observers A-D over 24 positions."""

    def unit(begin: int, length: int) -> tuple[int, int]:
        return int(begin * stretch), int(begin * stretch) + int(length * stretch)

    first = {
        "A": [unit(2, 8), unit(14, 6)],
        "B": [unit(0, 18)],
        "C": [unit(2, 6), unit(10, 2), unit(14, 4), unit(20, 2)],
        "D": [unit(0, 2), unit(2, 8), unit(10, 4), unit(14, 6), unit(20, 4)],
    }
    second = {
        "A": [unit(4, 4), unit(15, 2)],
        "B": [unit(0, 2), unit(2, 1), unit(3, 1), unit(4, 1), unit(5, 1), unit(6, 3), unit(9, 1)],
        "C": [unit(0, 2), unit(4, 4), unit(10, 4), unit(16, 2), unit(20, 2)],
        "D": [unit(0, 4), unit(4, 4), unit(8, 7), unit(15, 2), unit(17, 7)],
    }
    study = UnitizingStudy(2)
    study.add_continuum(int(24 * stretch), [first, second])
    return study


def test_u_alpha_krippendorff_1995_example() -> None:
    """The published values (as reproduced by DKPro Statistics' tests): observed
    disagreement exactly, alphas of the fine-grained continuum within 0.02 (the 1995 paper
    has a small error in D_e)."""
    study = _krippendorff_1995(1)
    observed = {name: study._disagreements(name)[0] for name in "ABCD"}
    assert observed == pytest.approx(
        {"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715}, abs=1e-5
    )
    fine = _krippendorff_1995(1_200_000 / 24)
    expected = {"A": 0.553, "B": -0.926, "C": 0.679, "D": 0.066}
    for name, value in expected.items():
        assert fine.category_alpha(name) == pytest.approx(value, abs=0.02)
    assert _krippendorff_1995(0.5).category_alpha("C") == pytest.approx(0.494, abs=0.001)


def test_u_alpha_perfect_and_pooled() -> None:
    study = UnitizingStudy(3)
    same = {"X": [(2, 5), (9, 12)]}
    study.add_continuum(20, [same, same, same])
    assert study.category_alpha("X") == pytest.approx(1.0)
    other = UnitizingStudy(3)
    other.add_continuum(10, [{"Y": [(0, 4)]}, {"Y": [(1, 4)]}, {}])
    study += other
    assert study.length == 30
    # X gets the second continuum as gaps; Y the first one
    assert len(study.categories["X"].gaps) == 3 * 3 + 3
    assert study.category_alpha("Y") is not None
    assert study.category_alpha("Y") < 1.0  # type: ignore[operator]
    assert study.category_alpha("Z") is None


# -- tokens -------------------------------------------------------------------------------------


def test_tokens_and_coverage() -> None:
    text = "Rebels shelled al-Bab, killing 3,000."
    tokens = Tokens.of(text)
    words = [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)]
    assert words == ["Rebels", "shelled", "al-Bab", ",", "killing", "3,000", "."]
    assert list(tokens.covered(0, 6)) == [0]
    assert list(tokens.covered(3, 9)) == [0, 1]  # partial words count
    assert list(tokens.covered(6, 7)) == []  # only the space
    assert tokens.covered_by([(0, 2), (15, 16)]) == {0, 2}


# -- the whole computation ----------------------------------------------------------------------

TEXT = "Rebels shelled the town of Aleppo on Monday, killing seven civilians."


def _doc(
    doc_id: int, spans: list[tuple[str, str, int, int]], text: str = TEXT
) -> AnnotatedDocument:
    document = Document(DocumentId(doc_id), text, content_hash(text), title=f"doc {doc_id}")
    return AnnotatedDocument(
        document,
        tuple(
            Span(SpanId(n + 1), DocumentId(doc_id), label, start, end, annotator=who)
            for n, (who, label, start, end) in enumerate(spans)
        ),
    )


def _at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def test_two_annotators_by_hand() -> None:
    # tokens: Rebels shelled the town of Aleppo on Monday , killing seven civilians .  (13)
    doc = _doc(
        1,
        [
            ("ann", "ACTOR", *_at("Rebels")),
            ("ann", "LOCATION", *_at("Aleppo")),
            ("ann", "CASUALTY", *_at("seven civilians")),
            ("bob", "ACTOR", *_at("Rebels")),
            ("bob", "LOCATION", *_at("town of Aleppo")),
            ("bob", "ACTOR", *_at("civilians")),
        ],
    )
    report = measure_agreement([doc], label_order=["ACTOR", "LOCATION", "CASUALTY"])
    assert report.annotators == ("ann", "bob")
    assert report.labels == ("ACTOR", "LOCATION", "CASUALTY")
    pair = report.project.pair("ann", "bob")
    assert pair is not None
    assert pair.documents == 1
    # exact: only ACTOR Rebels; overlap adds LOCATION Aleppo ~ town of Aleppo
    assert pair.overall.exact == MatchCounts(1, 3, 3)
    assert pair.overall.overlap == MatchCounts(2, 3, 3)
    assert pair.labels["ACTOR"].exact == MatchCounts(1, 1, 2)
    assert pair.labels["CASUALTY"].overlap == MatchCounts(0, 1, 0)
    # token kappa over 13 tokens; ann: Rebels=A, Aleppo=L, seven=C, civilians=C
    # bob: Rebels=A, town=L, of=L, Aleppo=L, civilians=A; they agree on 9 of 13
    p_o = 9 / 13
    ann = {"ACTOR": 1, "LOCATION": 1, "CASUALTY": 2, "O": 9}
    bob = {"ACTOR": 2, "LOCATION": 3, "CASUALTY": 0, "O": 8}
    p_e = sum(ann[c] * bob[c] for c in ann) / 169
    assert pair.overall.kappa == pytest.approx((p_o - p_e) / (1 - p_e))
    # ACTOR one-vs-rest: both 1, bob only 1, neither 11
    p_o, p_e = 12 / 13, (1 * 2 + 12 * 11) / 169
    assert pair.labels["ACTOR"].kappa == pytest.approx((p_o - p_e) / (1 - p_e))
    # the group of two: alpha over the same tokens, u-alpha present, kappa = the pair's
    group = report.project
    assert group.overall.kappa == pair.overall.kappa
    units = [
        ["ACTOR", "ACTOR"], ["O", "O"], ["O", "O"], ["O", "LOCATION"], ["O", "LOCATION"],
        ["LOCATION", "LOCATION"], ["O", "O"], ["O", "O"], ["O", "O"], ["O", "O"],
        ["CASUALTY", "O"], ["CASUALTY", "ACTOR"], ["O", "O"],
    ]  # fmt: skip
    assert group.overall.alpha == pytest.approx(nominal_alpha(units))
    assert group.overall.u_alpha is not None
    assert group.overall.u_alpha < 1
    assert group.unitizing_documents == 1
    assert [d.title for d in report.documents] == ["doc 1"]
    assert report.documents[0].agreement.overall == group.overall


def test_identical_annotations_agree_perfectly_and_curation_is_left_out() -> None:
    spans = [("ACTOR", *_at("Rebels")), ("LOCATION", *_at("Aleppo"))]
    doc = _doc(
        1,
        [("a", *s) for s in spans]
        + [("b", *s) for s in spans]
        + [("curation", "ACTOR", *_at("Monday"))],
    )
    report = measure_agreement([doc])
    assert report.annotators == ("a", "b")
    overall = report.project.overall
    assert overall.exact.f1 == 1.0
    assert overall.overlap.f1 == 1.0
    assert overall.kappa == pytest.approx(1.0)
    assert overall.alpha == pytest.approx(1.0)
    assert overall.u_alpha == pytest.approx(1.0)


def test_documents_need_two_annotators_and_pooling_adds_counts() -> None:
    single = _doc(1, [("a", "ACTOR", *_at("Rebels"))])
    d2 = _doc(2, [("a", "ACTOR", *_at("Rebels")), ("b", "ACTOR", *_at("Rebels"))])
    d3 = _doc(
        3,
        [
            ("a", "ACTOR", *_at("Rebels")),
            ("b", "ACTOR", *_at("town")),
            ("c", "ACTOR", *_at("town")),
        ],
    )
    report = measure_agreement([single, d2, d3])
    assert [int(d.document_id) for d in report.documents] == [2, 3]
    assert report.project.documents == 2
    ab = report.project.pair("a", "b")
    assert ab is not None
    assert ab.documents == 2
    assert ab.overall.exact == MatchCounts(1, 2, 2)
    bc = report.project.pair("b", "c")
    assert bc is not None
    assert bc.documents == 1
    assert bc.overall.exact.f1 == 1.0
    # u-alpha of the project covers only the document all three annotated
    assert report.project.unitizing_documents == 1
    # restricting annotators and labels
    only = measure_agreement([single, d2, d3], annotators=["b", "c"], labels=["ACTOR"])
    assert only.annotators == ("b", "c")
    assert only.project.documents == 1


def test_project_alpha_pools_documents_coincidences() -> None:
    docs = [
        _doc(1, [("a", "ACTOR", *_at("Rebels")), ("b", "ACTOR", *_at("Rebels"))]),
        _doc(2, [("a", "ACTOR", *_at("town")), ("b", "LOCATION", *_at("town"))]),
    ]
    report = measure_agreement(docs)
    tokens = len(Tokens.of(TEXT))
    units = (
        [["ACTOR", "ACTOR"]]
        + [["O", "O"]] * (tokens - 1)
        + [["ACTOR", "LOCATION"]]
        + [["O", "O"]] * (tokens - 1)
    )
    assert report.project.overall.alpha == pytest.approx(nominal_alpha(units))
    assert report.project.labels["ACTOR"].alpha == pytest.approx(
        nominal_alpha([["ACTOR", "ACTOR"], ["ACTOR", "-"]] + [["-", "-"]] * (2 * tokens - 2))
    )
    json = report.to_json()
    assert json["project"]["overall"]["f1_exact"] == pytest.approx(0.5)
    assert len(json["documents"]) == 2


def test_discontinuous_spans_count_by_their_pieces_everywhere() -> None:
    first, second = _at("Rebels"), _at("town")
    document = Document(DocumentId(1), TEXT, content_hash(TEXT))
    split = ((first[0], first[1]), (second[0], second[1]))

    def span(n: int, who: str, fragments: tuple[tuple[int, int], ...]) -> Span:
        return Span(
            SpanId(n), DocumentId(1), "ACTOR", fragments[0][0], fragments[-1][1],
            annotator=who, fragments=fragments if len(fragments) > 1 else (),
        )  # fmt: skip

    same = AnnotatedDocument(document, (span(1, "a", split), span(2, "b", split)))
    overall = measure_agreement([same]).project.overall
    assert overall.exact.f1 == 1.0
    assert overall.kappa == pytest.approx(1.0)
    assert overall.u_alpha == pytest.approx(1.0)
    # the hull instead of the pieces: overlapping, not exact; "shelled the" now differs
    hull = AnnotatedDocument(
        document, (span(1, "a", split), span(2, "b", ((first[0], second[1]),)))
    )
    pair = measure_agreement([hull]).project.pair("a", "b")
    assert pair is not None
    assert pair.overall.exact.f1 == 0.0
    assert pair.overall.overlap.f1 == 1.0
    p_o = 11 / 13  # 13 tokens; "shelled" and "the" are ACTOR for b only
    p_e = (2 * 4 + 11 * 9) / 169
    assert pair.overall.kappa == pytest.approx((p_o - p_e) / (1 - p_e))
