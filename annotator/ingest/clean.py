"""Scraped plain text cleaned: whitespace, paragraphs, boilerplate, glued sentences, metadata.

Input is normalised text (``normalize_text``). The text is cut into segments at line breaks and
at runs of three or more spaces (what markup removal leaves between blocks); each segment is
kept, dropped as junk, or taken as metadata (title, date line, byline, author bio). Rules only
ever drop whole segments or whole prompt sentences that match a capped pattern, so body
sentences survive. Kept segments become paragraphs separated by one ``\\n``; a segment cut in
mid-sentence (no final punctuation, next starts in lower case) is rejoined with a space.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from annotator.ingest.boilerplate import (
    ends_sentence,
    is_promo_with_time,
    is_running_time,
    junk_reason,
    looks_like_promo_title,
    may_contain_prompt,
    prompt_reason,
    words,
)
from annotator.ingest.dates import search_date
from annotator.ingest.sentences import may_be_glued, separate_glued_sentences, split_sentences

_WS = "[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
_RUN = re.compile(f"({_WS}{{2,}}|\t)")
_EXOTIC_SPACE = re.compile("[\u1680\u2000-\u200a\u202f\u205f\u3000]")
_ASCII_RUNS = ("  ", "\t", "\u00a0 ", " \u00a0", "\u00a0\u00a0")
_NAME_WORD = r"[A-Z][\w'’.-]*"
_NAME = rf"{_NAME_WORD}(?:\s+(?:(?:de|van|von|der|da|al|bin|la|le)\s+)?{_NAME_WORD}){{1,3}}"
_NAMES = rf"{_NAME}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*){_NAME})*"
_BYLINE = re.compile(rf"by\s+(?P<names>{_NAMES})(?P<rest>\s*(?:,|\||/|-|–|—)\s*.*)?", re.I)
_AUTHOR_ONLY = re.compile(_NAME)
_BIO_VERBS = r"(?:is|was|has|covers|reports|writes|joined|edits|leads)"
_DATELINE_LEAD = re.compile(
    r"((last )?(updated|published|posted|first published|modified)( on| at)?\s*:?\s*|"
    r"(mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)",
    re.I,
)
_TIME = re.compile(r"\d{1,2}[:.]\d{2}\s*([ap]\.?m\.?)?(\s*[A-Z]{2,4})?", re.I)
_SOURCE_LEAD = re.compile(r"^[/|·•-]\s*(?P<source>\S.{0,60})$")


class _Break(IntEnum):
    PARAGRAPH = 0
    LINE = 1
    GAP = 2


@dataclass(slots=True)
class _Segment:
    text: str
    before: _Break
    removed: str | None = None


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


def _has_run(line: str) -> bool:
    if "  " in line or "\t" in line:
        return True
    return "\u00a0" in line and any(run in line for run in _ASCII_RUNS[2:])


def _segments(text: str) -> list[_Segment]:
    segments: list[_Segment] = []
    before = _Break.PARAGRAPH
    exotic = not text.isascii() and _EXOTIC_SPACE.search(text) is not None
    for line in text.split("\n"):
        if not line.strip():
            before = _Break.PARAGRAPH
            continue
        if not exotic and not _has_run(line):
            segments.append(_Segment(line.strip(), before))
            before = _Break.LINE
            continue
        pieces = _RUN.split(line)
        current: list[str] = []
        for k in range(0, len(pieces), 2):
            if k and len(pieces[k - 1]) >= 3 and current:
                segments.append(_Segment(" ".join(current), before))
                before, current = _Break.GAP, []
            piece = pieces[k].strip()
            if piece:
                current.append(piece)
        if current:
            segments.append(_Segment(" ".join(current), before))
        before = _Break.LINE
    return segments


def _kept(segments: list[_Segment]) -> list[int]:
    return [i for i, segment in enumerate(segments) if segment.removed is None]


def _drop_junk(segments: list[_Segment]) -> None:
    for i, segment in enumerate(segments):
        if segment.removed is not None:
            continue
        reason = junk_reason(segment.text)
        if reason is not None:
            segment.removed = reason
        elif is_promo_with_time(segment.text):
            segment.removed = "video promo"
        elif is_running_time(segment.text):
            segment.removed = "video promo"
            previous = next((j for j in range(i - 1, -1, -1) if segments[j].removed is None), None)
            if previous is not None and looks_like_promo_title(segments[previous].text):
                segments[previous].removed = "video promo"


def _drop_repeats(segments: list[_Segment]) -> None:
    counts = Counter(segment.text for segment in segments)
    if len(counts) == len(segments):
        return
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


@dataclass(slots=True)
class _Header:
    title: str = ""
    published: date | None = None
    author: str = ""
    author_bio: str = ""
    source: str = ""


def _dateline(text: str, header: _Header) -> bool:
    if words(text) > 16 or (ends_sentence(text) and not text.endswith(("M.", "m."))):
        return False
    lead = _DATELINE_LEAD.match(text)
    found = search_date(text)
    if found is None or (lead is None and words(text) > 8):
        return False
    header.published = header.published or found
    pieces = [piece.strip() for piece in re.split(r"\s[/|·•]\s|\s[/|]|[/|]\s", text)]
    for piece in pieces[1:]:
        if piece and search_date(piece) is None and not _TIME.fullmatch(piece):
            header.source = header.source or piece
    return True


def _byline(text: str, header: _Header) -> bool:
    if words(text) > 16 or ends_sentence(text):
        return False
    match = _BYLINE.fullmatch(text)
    if match is None:
        return False
    header.author = header.author or match.group("names").strip()
    return True


def _take_header(segments: list[_Segment], header: _Header, *, find_title: bool) -> None:
    kept = _kept(segments)
    for position, i in enumerate(kept):
        text = segments[i].text
        is_last = position == len(kept) - 1
        if _dateline(text, header) or _byline(text, header):
            pass
        elif header.published and not header.source and (match := _SOURCE_LEAD.match(text)):
            header.source = match.group("source").strip()
        elif (
            find_title
            and position == 0
            and not is_last
            and 2 <= words(text) <= 25
            and not ends_sentence(text)
            and not text.endswith((":", ";", ","))
            and any(char.isalpha() for char in text)
        ):
            header.title = text
        else:
            return
        segments[i].removed = "header"


def _take_bylines(segments: list[_Segment], header: _Header) -> None:
    kept = _kept(segments)
    for position, i in enumerate(kept):
        text = segments[i].text
        if len(text) > 200:
            continue
        if _byline(text, header):
            segments[i].removed = "header"
            continue
        if position + 1 >= len(kept) or len(text) > 60 or not _AUTHOR_ONLY.fullmatch(text):
            continue
        bio = segments[kept[position + 1]].text
        if re.match(re.escape(text) + rf"(’s|'s)?\s+{_BIO_VERBS}\b", bio) and words(bio) <= 40:
            header.author = header.author or text
            header.author_bio = header.author_bio or bio
            segments[i].removed = "header"
            segments[kept[position + 1]].removed = "author bio"


def _drop_prompt_sentences(segment: _Segment, removed: list[tuple[str, str]]) -> None:
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


def _join(segments: list[_Segment]) -> str:
    parts: list[str] = []
    previous = ""
    for segment in segments:
        text = segment.text
        if parts:
            mid_sentence = (
                segment.before != _Break.PARAGRAPH
                and not ends_sentence(previous)
                and not previous.endswith((":", ";"))
                and text[:1].islower()
            )
            parts.append(" " if mid_sentence else "\n")
        parts.append(text)
        previous = text
    return "".join(parts)


def clean_scraped_text(
    text: str, *, find_title: bool = True, find_header: bool = True
) -> CleanedText:
    """Clean scraped article text; see the module docstring for the rules.

    ``find_header`` takes a leading date line, byline, source and (with ``find_title``) a
    headline-like first line out of the text into metadata.
    """
    segments = _segments(text)
    _drop_junk(segments)
    _drop_repeats(segments)
    header = _Header()
    if find_header:
        _take_header(segments, header, find_title=find_title)
    _take_bylines(segments, header)
    removed = [(segment.removed, segment.text) for segment in segments if segment.removed]
    last = set(_kept(segments)[-2:])
    glued = may_be_glued(text)
    body: list[_Segment] = []
    for position, segment in enumerate(segments):
        if segment.removed is None and (position in last or words(segment.text) <= 40):
            _drop_prompt_sentences(segment, removed)
        if segment.removed is None:
            if glued:
                segment.text = separate_glued_sentences(segment.text)
            body.append(segment)
    return CleanedText(
        text=_join(body),
        title=header.title,
        published=header.published,
        author=header.author,
        author_bio=header.author_bio,
        source=header.source,
        removed=tuple(removed),
    )
