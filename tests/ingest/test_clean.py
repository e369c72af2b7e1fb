"""The scraped-text cleaner keeps every body sentence and drops the junk."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.ingest import clean_scraped_text, normalize_text
from annotator.ingest.sentences import separate_glued_sentences, split_sentences

from .conftest import lines


def _clean(path: Path) -> str:
    return clean_scraped_text(normalize_text(path.read_text(encoding="utf-8"))).text


def test_every_body_sentence_survives(fixtures: Path) -> None:
    text = _clean(fixtures / "scraped_article.txt")
    missing = [s for s in lines(fixtures / "scraped_article.sentences.txt") if s not in text]
    assert missing == []


def test_no_junk_survives(fixtures: Path) -> None:
    text = _clean(fixtures / "scraped_article.txt")
    found = [junk for junk in lines(fixtures / "scraped_article.junk.txt") if junk in text]
    assert found == []


def test_nothing_but_body_sentences_is_left(fixtures: Path) -> None:
    text = _clean(fixtures / "scraped_article.txt")
    for sentence in lines(fixtures / "scraped_article.sentences.txt"):
        text = text.replace(sentence, "")
    assert text.split() == []


def test_header_metadata_is_kept(fixtures: Path) -> None:
    cleaned = clean_scraped_text(
        normalize_text((fixtures / "scraped_article.txt").read_text(encoding="utf-8"))
    )
    assert cleaned.title == "Calder Bay port approves channel dredging despite fishers' protest"
    assert cleaned.published == date(2022, 3, 3)
    assert cleaned.source == "Harbour Times"
    assert cleaned.author == "Tom Reyes"
    assert cleaned.author_bio == "Tom Reyes is Harbour Times' transport correspondent."
    reasons = {reason for reason, _ in cleaned.removed}
    assert {"paywall", "video promo", "image credit", "repeated line", "header"} <= reasons


def test_paragraphs_come_from_runs_of_spaces_and_line_breaks() -> None:
    text = "First paragraph ends here.      Second   paragraph  here.\nThird one.\n\n\nFourth."
    assert clean_scraped_text(text, find_header=False).text == (
        "First paragraph ends here.\n\nSecond paragraph here.\nThird one.\n\nFourth."
    )


def test_a_sentence_cut_by_a_gap_is_rejoined() -> None:
    text = "The committee said the strike in       northern towns would end on Friday."
    assert clean_scraped_text(text, find_header=False).text == (
        "The committee said the strike in northern towns would end on Friday."
    )


def test_lone_nbsp_is_kept_and_runs_collapse() -> None:
    text = "It is 10\u00a0km long.\u00a0 The road\u00a0\u00a0 opens today."
    assert clean_scraped_text(text, find_header=False).text == (
        "It is 10\u00a0km long. The road opens today."
    )


def test_video_promo_on_one_line() -> None:
    text = "Officials met on Monday.\nFloods hit the coast 01:43\nThey agreed a plan."
    cleaned = clean_scraped_text(text, find_header=False)
    assert cleaned.text == "Officials met on Monday.\nThey agreed a plan."


def test_a_sentence_ending_in_a_time_is_kept() -> None:
    text = "The meeting ended at 10:30.\nThe vote was close."
    assert clean_scraped_text(text, find_header=False).text == text


def test_prompt_sentences_inside_a_paragraph_are_dropped() -> None:
    text = "The vote was close. Thanks for reading the Ledger. Sign up for our newsletter today."
    assert clean_scraped_text(text, find_header=False).text == "The vote was close."


def test_body_sentences_mentioning_prompt_words_are_kept() -> None:
    text = (
        "Subscribers to the service said prices rose. She signed up for the course in May. "
        "The email address was leaked. Readers can create an account at the library."
    )
    assert clean_scraped_text(text, find_header=False).text == text


def test_repeated_sentences_keep_their_first_copy() -> None:
    quote = "This is the sentence that the page repeated as a pull quote in the middle."
    text = f"{quote}\nAnother paragraph follows here.\n{quote}"
    assert clean_scraped_text(text, find_header=False).text == (
        f"{quote}\nAnother paragraph follows here."
    )


def test_short_repeated_sentences_are_kept() -> None:
    text = "He said yes.\nShe asked again.\nHe said yes."
    assert clean_scraped_text(text, find_header=False).text == text


def test_byline_anywhere_becomes_author() -> None:
    cleaned = clean_scraped_text("By Ana Lima and Joe Park, Reuters\nThe port reopened on Monday.")
    assert cleaned.author == "Ana Lima and Joe Park"
    assert cleaned.text == "The port reopened on Monday."


def test_first_body_sentence_is_never_a_title() -> None:
    text = "The port reopened on Monday.\nShips queued outside."
    cleaned = clean_scraped_text(text)
    assert cleaned.title == ""
    assert cleaned.text == text


def test_glued_sentences_are_separated() -> None:
    assert separate_glued_sentences('in Erbil."We assess," he said.') == (
        'in Erbil. "We assess," he said.'
    )
    assert separate_glued_sentences('a "deliberate action.""Through these," x') == (
        'a "deliberate action." "Through these," x'
    )
    assert separate_glued_sentences('they said "our people."Iraq\'s army "refused."') == (
        'they said "our people." Iraq\'s army "refused."'
    )
    assert separate_glued_sentences("buildings.A defense official") == (
        "buildings. A defense official"
    )
    assert separate_glued_sentences("said.“We go,” she said.”Then") == (
        "said. “We go,” she said.” Then"
    )


def test_glue_fixing_leaves_abbreviations_and_quotes_alone() -> None:
    for text in ("The U.S.Army unit", "e.g.The", 'a 12.5" screen', 'He said, "yes."', "Ph.D."):
        assert separate_glued_sentences(text) == text


def test_split_sentences_joins_back_exactly() -> None:
    text = 'One. "Two," he said. Three?  Four! five.'
    assert "".join(split_sentences(text)) == text


_VOCABULARY = (
    "the council port river vote said on monday plan people water town new report "
    "officials would build year money court police school road"
)
_WORDS = st.sampled_from(_VOCABULARY.split())
_SENTENCE = st.builds(
    lambda words, end: " ".join(words).capitalize() + end,
    st.lists(_WORDS, min_size=4, max_size=14),
    st.sampled_from([".", "!", "?", '."']),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_SENTENCE, min_size=1, max_size=4), min_size=2, max_size=6))
def test_plain_sentences_always_survive(paragraphs: list[list[str]]) -> None:
    text = "\n".join("   ".join(paragraph) for paragraph in paragraphs)
    cleaned = clean_scraped_text(text)
    for paragraph in paragraphs:
        for sentence in paragraph:
            assert sentence in cleaned.text
