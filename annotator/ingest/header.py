"""Metadata at the edges of scraped text: headline, date line, source, byline, author bio."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from annotator.ingest.boilerplate import ends_sentence, words
from annotator.ingest.dates import search_date
from annotator.ingest.segments import Segment, kept

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


@dataclass(slots=True)
class Header:
    """What was found; the first value found for each field wins."""

    title: str = ""
    published: date | None = None
    author: str = ""
    author_bio: str = ""
    source: str = ""


def _dateline(text: str, header: Header) -> bool:
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


def _byline(text: str, header: Header) -> bool:
    if words(text) > 16 or ends_sentence(text):
        return False
    match = _BYLINE.fullmatch(text)
    if match is None:
        return False
    header.author = header.author or match.group("names").strip()
    return True


def take_header(segments: list[Segment], header: Header, *, find_title: bool) -> None:
    """Leading date line, source, byline and (with ``find_title``) headline into ``header``."""
    indexes = kept(segments)
    for position, i in enumerate(indexes):
        text = segments[i].text
        is_last = position == len(indexes) - 1
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


def take_bylines(segments: list[Segment], header: Header) -> None:
    """Bylines anywhere, and an author line followed by ``Name is ...`` (a bio)."""
    indexes = kept(segments)
    for position, i in enumerate(indexes):
        text = segments[i].text
        if len(text) > 200:
            continue
        if _byline(text, header):
            segments[i].removed = "header"
            continue
        if position + 1 >= len(indexes) or len(text) > 60 or not _AUTHOR_ONLY.fullmatch(text):
            continue
        bio = segments[indexes[position + 1]].text
        if re.match(re.escape(text) + rf"(’s|'s)?\s+{_BIO_VERBS}\b", bio) and words(bio) <= 40:
            header.author = header.author or text
            header.author_bio = header.author_bio or bio
            segments[i].removed = "header"
            segments[indexes[position + 1]].removed = "author bio"
