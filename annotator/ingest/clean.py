"""Scraped plain text cleaned: whitespace, paragraphs, boilerplate, glued sentences, metadata."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from annotator.ingest.boilerplate import (
    JUNK_MAX_WORDS,
    ends_sentence,
    is_promo_with_time,
    is_running_time,
    junk_reason,
    looks_like_promo_title,
    may_contain_prompt,
    prompt_reason,
    words,
)
from annotator.ingest.header import Header, take_bylines, take_header
from annotator.ingest.segments import Segment, join_segments, kept, split_segments
from annotator.ingest.sentences import may_be_glued, separate_glued_sentences, split_sentences

PROMPT_TEST_MAX_WORDS = 40
"""Segments of at most this many words (and the last two) are searched for prompt sentences."""


@dataclass(frozen=True, slots=True)
class CleanedText:
    """The cleaned body and whatever metadata the cleaner found in the text."""

    text: str
    title: str = ""
    published: date | None = None
    author: str = ""
    author_bio: str = ""
    source: str = ""
    removed: tuple[tuple[str, str], ...] = ()
    """What was dropped, as ``(reason, text)``; metadata lines are listed as ``header``."""


_LONG = max(JUNK_MAX_WORDS, PROMPT_TEST_MAX_WORDS) + 1
"""The count kept for a long segment: more words than any rule or test looks at."""
_LONG_PREFIX = 320
"""Characters of a long segment counted first: prose has its 40th space well before."""


def _drop_junk(segments: list[Segment]) -> list[int]:
    """Mark junk segments; returns the word count of every segment, or ``_LONG`` for a segment
    of more than 200 characters whose first ``_LONG_PREFIX`` already hold ``_LONG`` words
    (counting the rest of a paragraph would change no decision)."""
    counts: list[int] = []
    for i, segment in enumerate(segments):
        text = segment.text
        if len(text) > 200:
            head = text.count(" ", 0, _LONG_PREFIX)
            if head >= _LONG - 1:
                counts.append(_LONG)
                continue  # a long paragraph: every rule and both promo tests have lower caps
            count = head + text.count(" ", _LONG_PREFIX) + 1
        else:
            count = text.count(" ") + 1 if text else 0  # ``words``; segments are stripped
        counts.append(count)
        if segment.removed is not None or (count > JUNK_MAX_WORDS and len(text) > 200):
            continue  # a long paragraph, as above
        reason = junk_reason(text)
        if reason is not None:
            segment.removed = reason
        elif is_promo_with_time(text):
            segment.removed = "video promo"
        elif is_running_time(text):
            segment.removed = "video promo"
            previous = next((j for j in range(i - 1, -1, -1) if segments[j].removed is None), None)
            if previous is not None and looks_like_promo_title(segments[previous].text):
                segments[previous].removed = "video promo"
    return counts


def _drop_repeats(segments: list[Segment]) -> None:
    texts = [segment.text for segment in segments]
    texts.sort()
    if not any(map(str.__eq__, texts, texts[1:])):
        return  # no repeats: sorting compares a few characters, a set hashes every one
    counts = Counter(texts)
    seen: set[str] = set()
    for segment in segments:
        key = segment.text
        if counts[key] < 2:
            continue
        if not ends_sentence(segment.text):
            segment.removed = segment.removed or "repeated line"
        elif key in seen and words(segment.text) >= 8:
            segment.removed = segment.removed or "repeated sentence"
        seen.add(key)


def _drop_prompt_sentences(segment: Segment, removed: list[tuple[str, str]]) -> None:
    """Prompts glued to other text in one segment; only short ones and the last two are
    looked at (where paywall boxes end up), which keeps long body paragraphs cheap."""
    if not may_contain_prompt(segment.text):
        return
    kept: list[str] = []
    for sentence in split_sentences(segment.text):
        reason = prompt_reason(sentence)
        if reason is None:
            kept.append(sentence)
        else:
            removed.append((reason, sentence.strip()))
    text = "".join(kept).strip()
    if not text:
        segment.removed = "paywall"
    segment.text = text


def clean_scraped_text(
    text: str, *, find_title: bool = True, find_header: bool = True
) -> CleanedText:
    """Clean scraped article text.

    ``find_header`` takes a leading date line, byline, source and (with ``find_title``) a
    headline-like first line out of the text into metadata.

    Input is normalised text (``normalize_text``). The text is cut into segments at line breaks and
    at runs of three or more spaces (what markup removal leaves between blocks); each segment is
    kept, dropped as junk, or taken as metadata (title, date line, byline, author bio). Rules only
    ever drop whole segments or whole prompt sentences that match a capped pattern, so body
    sentences survive. Kept segments become paragraphs separated by one ``\\n``; a segment cut in
    mid-sentence (no final punctuation, next starts in lower case) is rejoined with a space.
    """
    segments = split_segments(text)
    counts = _drop_junk(segments)
    _drop_repeats(segments)
    header = Header()
    if find_header:
        take_header(segments, header, find_title=find_title)
    take_bylines(segments, header)
    removed = [(segment.removed, segment.text) for segment in segments if segment.removed]
    last = set(kept(segments)[-2:])
    glued = may_be_glued(text)
    body: list[Segment] = []
    for position, segment in enumerate(segments):
        # a segment's text is as counted until its own prompt sentences are dropped here
        if segment.removed is None and (
            position in last or counts[position] <= PROMPT_TEST_MAX_WORDS
        ):
            _drop_prompt_sentences(segment, removed)
        if segment.removed is None:
            if glued:
                segment.text = separate_glued_sentences(segment.text)
            body.append(segment)
    return CleanedText(
        text=join_segments(body),
        title=header.title,
        published=header.published,
        author=header.author,
        author_bio=header.author_bio,
        source=header.source,
        removed=tuple(removed),
    )
