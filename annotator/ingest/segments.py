"""Scraped text cut into segments: at line breaks and at runs of three or more spaces."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from annotator.ingest.boilerplate import ends_sentence

_WS = "[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
_RUN = re.compile(f"({_WS}{{2,}}|\t)")
_EXOTIC_SPACE = re.compile("[\u1680\u2000-\u200a\u202f\u205f\u3000]")
_ASCII_RUNS = ("  ", "\t", "\u00a0 ", " \u00a0", "\u00a0\u00a0")


class Break(IntEnum):
    """What separated a segment from the one before it."""

    PARAGRAPH = 0
    LINE = 1
    GAP = 2


@dataclass(slots=True)
class Segment:
    """A block of text with its whitespace collapsed, and why it was dropped (if it was)."""

    text: str
    before: Break
    removed: str | None = None


def _has_run(line: str) -> bool:
    if "  " in line or "\t" in line:
        return True
    return "\u00a0" in line and any(run in line for run in _ASCII_RUNS[2:])


def split_segments(text: str) -> list[Segment]:
    """Segments of ``text``; runs of two spaces inside a segment become one (a lone NBSP stays)."""
    segments: list[Segment] = []
    before = Break.PARAGRAPH
    exotic = not text.isascii() and _EXOTIC_SPACE.search(text) is not None
    runs = exotic or _has_run(text)  # no line has a run when the whole text has none
    if not runs:  # the usual case: a segment a line
        for line in text.split("\n"):
            stripped = line.strip()
            if stripped:
                segments.append(Segment(stripped, before))
                before = Break.LINE
            else:
                before = Break.PARAGRAPH
        return segments
    for line in text.split("\n"):
        if not line.strip():
            before = Break.PARAGRAPH
            continue
        if not exotic and not _has_run(line):
            segments.append(Segment(line.strip(), before))
            before = Break.LINE
            continue
        pieces = _RUN.split(line)
        current: list[str] = []
        for k in range(0, len(pieces), 2):
            if k and len(pieces[k - 1]) >= 3 and current:
                segments.append(Segment(" ".join(current), before))
                before, current = Break.GAP, []
            piece = pieces[k].strip()
            if piece:
                current.append(piece)
        if current:
            segments.append(Segment(" ".join(current), before))
        before = Break.LINE
    return segments


def kept(segments: list[Segment]) -> list[int]:
    """Indexes of the segments not dropped."""
    return [i for i, segment in enumerate(segments) if segment.removed is None]


def join_segments(segments: list[Segment]) -> str:
    """Segments joined as they were separated: a line break stays one, a blank line or a gap left
    by removed markup becomes a blank line; a segment cut in mid-sentence is rejoined with a
    space."""
    parts: list[str] = []
    previous = ""
    for segment in segments:
        text = segment.text
        if parts:
            mid_sentence = (  # the cheapest test first
                text[:1].islower()
                and segment.before != Break.PARAGRAPH
                and not ends_sentence(previous)
                and not previous.endswith((":", ";"))
            )
            if mid_sentence:
                parts.append(" ")
            else:  # a blank line stays one, and so does a gap recovered from a run of spaces
                parts.append("\n" if segment.before == Break.LINE else "\n\n")
        parts.append(text)
        previous = text
    return "".join(parts)
