"""The sixth pass's fast paths decide as the rules they stand for (old rule against new)."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.ingest import boilerplate, clean, records
from annotator.ingest.boilerplate import junk_reason, may_contain_prompt, prompt_reason, words
from annotator.ingest.dates import parse_date
from annotator.ingest.normalize import normalize_text
from annotator.ingest.segments import Break, Segment, split_segments
from annotator.ingest.sentences import split_sentences

from .cleaning_corpus import JUNK, scraped_texts

_FRAGMENTS = (
    *JUNK,
    *boilerplate._PROMPT_HINTS,
    "Newsletter",
    "NEWSLETTERS",
    "sign up",
    "inbox",
    "All Rights Reserved",
    "all rights reserved.",
    "/",
    " / ",
    "Reuters",
    "AFP",
    "via Getty",
    "©",
    "(c)",
    "Copyright 2023",
    "accept all cookies",
    "ſ",  # folds to "s" under re.I
    "K",  # KELVIN SIGN, folds to "k"
    "İ",
    "é",
    "\u00a0",
    "the council said",
    "on monday",
    "Access",
    "LOGIN",
    "Log In",
    "availABLE",
    "e-mail",
)


def _old_matches(rules: tuple[boilerplate._Rule, ...], segment: str) -> str | None:
    """``_matches`` before the sixth pass: one alternation of all rules, then each rule."""
    combined = re.compile("|".join(f"(?:{rule.pattern.pattern})" for rule in rules), re.I)
    text = segment.strip()
    count = words(text)
    if count > max(rule.max_words for rule in rules) or combined.match(text) is None:
        return None
    for rule in rules:
        if count <= rule.max_words and rule.pattern.fullmatch(text):
            return rule.reason
    return None


def _old_may_contain_prompt(segment: str) -> bool:
    return any(map(segment.lower().__contains__, boilerplate._PROMPT_HINTS))


def _old_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _corpus() -> list[str]:
    """Segments and sentences of varied scraped texts, and the junk lines themselves."""
    found: list[str] = list(_FRAGMENTS)
    for text in scraped_texts(21, 300):
        for segment in split_segments(normalize_text(text)):
            found.append(segment.text)
            found.extend(split_sentences(segment.text))
    return found


def test_screened_rules_decide_as_one_alternation_of_all_rules() -> None:
    corpus = _corpus()
    junk = prompts = 0
    for text in corpus:
        expected = _old_matches(boilerplate._LINES, text)
        assert junk_reason(text) == expected, text
        junk += expected is not None
        expected = _old_matches(boilerplate._PROMPTS, text)
        assert prompt_reason(text) == expected, text
        prompts += expected is not None
    assert junk > 300  # the corpus exercises the rules
    assert prompts > 50


def test_grouped_hints_decide_as_one_search_per_hint() -> None:
    hits = 0
    for text in _corpus():
        expected = _old_may_contain_prompt(text)
        assert may_contain_prompt(text) == expected, text
        hits += expected
    assert hits > 500


_TEXT = st.lists(
    st.one_of(
        st.sampled_from(_FRAGMENTS),
        st.text(alphabet="aeilmnorstuvwxyzACKLNS ./©()|:-'\"!?…", max_size=12),
    ),
    max_size=12,
).map(lambda parts: " ".join(parts))


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_fast_paths_decide_as_the_old_rules_on_generated_text(text: str) -> None:
    assert junk_reason(text) == _old_matches(boilerplate._LINES, text)
    assert prompt_reason(text) == _old_matches(boilerplate._PROMPTS, text)
    assert may_contain_prompt(text) == _old_may_contain_prompt(text)


class _EqualsEverything:
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


def test_empty_values_as_before() -> None:
    class Text(str):
        pass

    values: list[object] = [
        None,
        "",
        " ",
        "x",
        [],
        [""],
        {},
        {"a": 1},
        0,
        0.0,
        False,
        True,
        Text(""),
        Text("a"),
        (),
        _EqualsEverything(),
        float("nan"),
    ]
    for value in values:
        assert records._empty(value) == _old_empty(value), repr(value)


def test_dates_of_plain_strings_and_their_subclasses_agree() -> None:
    class Text(str):
        pass

    for value in ("2023-03-14T08:30:00Z", " June 28, 2021 ", "1686000000", "x", ""):
        assert parse_date(value) == parse_date(Text(value))
    assert parse_date("2023-03-14T08:30:00Z") == date(2023, 3, 14)


def test_word_counts_are_exact_or_over_every_cap() -> None:
    texts = [segment.text for text in scraped_texts(22, 200) for segment in split_segments(text)]
    texts += ["word " * 45 + "end", "x" * 400 + " a" * 39, "long" * 90 + " b" * 50, "a " * 100]
    segments = [Segment(text.strip(), Break.LINE) for text in texts]
    counts = clean._drop_junk(segments)
    capped = 0
    for text, count in zip(texts, counts, strict=True):
        exact = words(text.strip())
        if count != exact:
            assert count == clean._LONG
            assert exact >= clean._LONG
            assert len(text) > 200
            capped += 1
    assert capped > 20
