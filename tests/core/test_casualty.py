"""Casualty figures read as numbers: a table of phrases and the attributes they give."""

from __future__ import annotations

import pytest

from annotator.core.casualty import parse_casualty

CASES: list[tuple[str, str, dict[str, int | str]]] = [
    # (span text, words after it, expected attributes)
    ("at least seven", "", {"count": 7, "qualifier": "at least"}),
    (
        "At least seven people",
        " were killed in Brennick",
        {"count": 7, "qualifier": "at least", "outcome": "killed"},
    ),
    ("dozens", "", {"qualifier": "unknown"}),
    ("dozens of people", " were arrested", {"qualifier": "unknown", "outcome": "detained"}),
    ("more than 200 wounded", "", {"count": 200, "qualifier": "at least", "outcome": "injured"}),
    ("two", "", {"count": 2, "qualifier": "exact"}),
    ("a dozen", "", {"count": 12, "qualifier": "exact"}),
    (
        "a dozen soldiers",
        " were injured",
        {"count": 12, "qualifier": "exact", "outcome": "injured"},
    ),
    ("no Americans", "", {"count": 0, "qualifier": "exact"}),
    ("No one", " was killed", {"count": 0, "qualifier": "exact", "outcome": "killed"}),
    (
        "between 10 and 15 killed",
        "",
        {"count": 10, "count_max": 15, "qualifier": "about", "outcome": "killed"},
    ),
    (
        "between 40 and 60 civilians",
        " had been killed",
        {"count": 40, "count_max": 60, "qualifier": "about", "outcome": "killed"},
    ),
    (
        "some 40 people",
        " were detained",
        {"count": 40, "qualifier": "about", "outcome": "detained"},
    ),
    ("1,200", " displaced", {"count": 1200, "qualifier": "exact", "outcome": "affected"}),
    (
        "over 3,500 people",
        " have fled",
        {"count": 3500, "qualifier": "at least", "outcome": "affected"},
    ),
    ("nearly 90", "", {"count": 90, "qualifier": "about"}),
    ("almost a hundred", "", {"count": 100, "qualifier": "about"}),
    ("up to 30", " missing", {"count": 30, "qualifier": "at most", "outcome": "missing"}),
    ("fewer than 90", "", {"count": 90, "qualifier": "at most"}),
    ("about 30", " injured", {"count": 30, "qualifier": "about", "outcome": "injured"}),
    ("around twenty-five", "", {"count": 25, "qualifier": "about"}),
    (
        "an estimated 1.5 million people",
        " displaced",
        {"count": 1_500_000, "qualifier": "about", "outcome": "affected"},
    ),
    ("two million", "", {"count": 2_000_000, "qualifier": "exact"}),
    ("three thousand five hundred", "", {"count": 3500, "qualifier": "exact"}),
    ("one hundred and twenty-seven", "", {"count": 127, "qualifier": "exact"}),
    ("hundreds", " were hurt", {"qualifier": "unknown", "outcome": "injured"}),
    ("thousands", "", {"qualifier": "unknown"}),
    ("scores of", "", {"qualifier": "unknown"}),
    ("tens of thousands", " displaced", {"qualifier": "unknown", "outcome": "affected"}),
    ("several", " dead", {"qualifier": "unknown", "outcome": "killed"}),
    ("a few", "", {"qualifier": "unknown"}),
    (
        "19 of its fighters",
        " had been killed",
        {"count": 19, "qualifier": "exact", "outcome": "killed"},
    ),
    (
        "one of its fighters",
        " was injured",
        {"count": 1, "qualifier": "exact", "outcome": "injured"},
    ),
    (
        "Two journalists",
        " were detained.",
        {"count": 2, "qualifier": "exact", "outcome": "detained"},
    ),
    ("10-15", " killed", {"count": 10, "count_max": 15, "qualifier": "about", "outcome": "killed"}),
    (
        "seven",
        " were killed and more than 20 wounded",
        {"count": 7, "qualifier": "exact", "outcome": "killed"},
    ),
    ("more than 20", " wounded", {"count": 20, "qualifier": "at least", "outcome": "injured"}),
    ("no fewer than 14", "", {"count": 14, "qualifier": "at least"}),
    ("no more than 14", "", {"count": 14, "qualifier": "at most"}),
    ("half a dozen", " arrested", {"count": 6, "qualifier": "exact", "outcome": "detained"}),
    ("a total of 40", "", {"count": 40, "qualifier": "exact"}),
    ("four", " people. Later, 30 were killed", {"count": 4, "qualifier": "exact"}),
    (
        "twelve",
        " were hurt near Vettrin",
        {"count": 12, "qualifier": "exact", "outcome": "injured"},
    ),
    ("the toll", " could rise", {}),
    ("people", " were killed", {}),
    ("", "", {}),
]


@pytest.mark.parametrize(
    ("text", "following", "expected"), CASES, ids=[c[0] or "empty" for c in CASES]
)
def test_phrase(text: str, following: str, expected: dict[str, int | str]) -> None:
    assert parse_casualty(text, following) == expected


def test_at_least_25_phrases() -> None:
    assert len(CASES) >= 25


def test_the_outcome_stops_at_the_end_of_the_sentence() -> None:
    assert parse_casualty("three", ". Police arrested two men") == {
        "count": 3,
        "qualifier": "exact",
    }


def test_the_outcome_looks_only_a_few_words_ahead() -> None:
    far = " people from the village on the road were killed"
    assert "outcome" not in parse_casualty("five", far)
