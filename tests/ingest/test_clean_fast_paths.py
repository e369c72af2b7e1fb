"""The cleaner's fast paths change nothing: outputs pinned from the code before them."""

from __future__ import annotations

import hashlib

from annotator.ingest.boilerplate import (
    JUNK_MAX_WORDS,
    is_promo_with_time,
    is_running_time,
    junk_reason,
)
from annotator.ingest.clean import clean_scraped_text
from annotator.ingest.normalize import normalize_text
from annotator.ingest.segments import split_segments

from .cleaning_corpus import scraped_texts

PINNED = "316757f40207fbb0dc13058750f467fe46d5a608e8b28136efa8f7f83e4c5cc5"
"""SHA-256 of the ``repr`` of every result below, computed with the cleaner as it was before
the fast paths (word counts reused, long paragraphs not tested against the junk rules,
repeats found with a set, a segment a line when the text has no run of spaces)."""


def test_cleaning_varied_texts_gives_the_results_of_the_code_before_the_fast_paths() -> None:
    digest = hashlib.sha256()
    removed = 0
    for text in scraped_texts(11, 800):
        text = normalize_text(text)
        for find_title in (True, False):
            cleaned = clean_scraped_text(text, find_title=find_title)
            removed += len(cleaned.removed)
            digest.update(repr(cleaned).encode())
    assert removed == 7425  # the corpus exercises the rules
    assert digest.hexdigest() == PINNED


def test_segments_are_stripped_and_long_ones_are_never_junk() -> None:
    long_ones = 0
    for text in scraped_texts(12, 300):
        for segment in split_segments(normalize_text(text)):
            assert segment.text == segment.text.strip()
            if segment.text.count(" ") + 1 > JUNK_MAX_WORDS and len(segment.text) > 200:
                long_ones += 1
                assert junk_reason(segment.text) is None
                assert not is_promo_with_time(segment.text)
                assert not is_running_time(segment.text)
    assert long_ones > 100
