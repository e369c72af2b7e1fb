"""The annotate-all matcher: modes, Unicode, overlaps, skipped ranges, snapping, bad queries."""

from __future__ import annotations

import pytest

from annotator.core.occurrences import MatchMode, Query, QueryError, find_occurrences

TEXT = "Army armyworm ARMY army. The army’s Army-led unit; l'Armée."


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        (Query("Army", MatchMode.EXACT), TEXT, [(0, 4), (36, 40)]),
        (Query("army", MatchMode.EXACT), TEXT, [(5, 9), (19, 23), (29, 33)]),
        (
            Query("army", MatchMode.IGNORE_CASE),
            TEXT,
            [(0, 4), (5, 9), (14, 18), (19, 23), (29, 33), (36, 40)],
        ),
        # "army’s", "Army-led" and "l'Armée" are single words, as the viewer snaps them
        (Query("army", MatchMode.WHOLE_WORD), TEXT, [(19, 23)]),
        (Query("army", MatchMode.WHOLE_WORD, ignore_case=True), TEXT, [(0, 4), (14, 18), (19, 23)]),
        (
            Query(r"[Aa]rm\w+", MatchMode.REGEX),
            TEXT,
            [(0, 4), (5, 13), (19, 23), (29, 33), (36, 40), (53, 58)],
        ),
        (Query(r"^\w+", MatchMode.REGEX), "one\ntwo", [(0, 3), (4, 7)]),
        (Query("aa", MatchMode.EXACT), "aaa aaaa", [(0, 2), (4, 6), (6, 8)]),
        (Query("Armée", MatchMode.WHOLE_WORD), "Armée, ARMÉE, Arméee", [(0, 5)]),
        (Query("armée", MatchMode.IGNORE_CASE), "l'Armée, ARMÉE", [(2, 7), (9, 14)]),
        (Query("🏛 said", MatchMode.EXACT), "x 🏛 said 🏛 said", [(2, 8), (9, 15)]),
        (Query("x*", MatchMode.REGEX), "abc", []),
        (Query("U.S.", MatchMode.WHOLE_WORD), "the U.S. and US", [(4, 8)]),
    ],
)
def test_matches(query: Query, text: str, expected: list[tuple[int, int]]) -> None:
    assert list(find_occurrences(text, query)) == expected
    for start, end in expected:
        if query.mode is MatchMode.EXACT:
            assert text[start:end] == query.text


def test_ranges_already_labelled_are_skipped() -> None:
    hits = find_occurrences("Rebels met rebels.", Query("rebels", ignore_case=True), skip=[(0, 6)])
    assert list(hits) == [(11, 17)]


def test_a_match_inside_a_combining_sequence_is_dropped() -> None:
    text = "cafe\u0301 cafe"  # the first "cafe" is followed by a combining acute accent
    assert list(find_occurrences(text, Query("cafe", MatchMode.EXACT))) == [(6, 10)]


def test_snapping_widens_hits_to_whole_words_like_the_viewer() -> None:
    hits = find_occurrences(
        "The Army-led and armyworm.", Query("arm", MatchMode.IGNORE_CASE), snap=True
    )
    assert list(hits) == [(4, 12), (17, 25)]


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_query_is_refused(text: str) -> None:
    with pytest.raises(QueryError) as caught:
        Query(text).pattern()
    assert caught.value.code == "ANN260"


def test_an_invalid_regex_is_a_user_error_naming_the_problem() -> None:
    with pytest.raises(QueryError) as caught:
        list(find_occurrences("abc", Query("(ab", MatchMode.REGEX)))
    assert caught.value.code == "ANN261"
    assert "(ab" in caught.value.message
    assert "position" in caught.value.message
