"""Where an export's spans land on spaCy's tokens: ``doc.spans["sc"]`` and a non-overlapping
``doc.ents``, worked out from the tokens' offsets without spaCy's Span objects."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from annotator.formats.base import (
    Loss,
    LossReport,
    OverlapPolicy,
    no_token_example,
    widened_example,
)

SPAN_GROUP = "sc"


class SpanExtent(NamedTuple):
    """What the projection needs of a span (a worker process gets only this)."""

    start: int
    end: int
    label: str


class TokenSpan(NamedTuple):
    """A span widened to whole tokens, as ``doc.char_span(..., alignment_mode="expand")``
    makes it: token range ``start:end`` and its characters ``start_char:end_char``."""

    label: str
    start: int
    end: int
    start_char: int
    end_char: int


@dataclass(frozen=True, slots=True)
class Tokens:
    """A document's tokens as offsets: where each starts, its length and whether a space
    follows it (``doc.to_array([IDX, LENGTH, SPACY])``)."""

    starts: Sequence[int]
    lengths: Sequence[int]
    spaces: Sequence[int]

    def at(self, char: int) -> int:
        """The token whose text or trailing space holds ``char``, or -1 (spaCy's
        ``token_by_char``)."""
        i = bisect_right(self.starts, char) - 1
        if i < 0 or char >= self.starts[i] + self.lengths[i] + self.spaces[i]:
            return -1
        return i

    def expand(self, start: int, end: int, label: str) -> TokenSpan | None:
        """``doc.char_span(start, end, label, alignment_mode="expand")``: every token the
        characters touch, or None when there is none (an empty span, or one in the whitespace
        between tokens)."""
        first = self.at(start)
        last = self.at(end - 1)
        if first < 0 or last < 0:
            return None
        if start == self.starts[first] + self.lengths[first]:
            first += 1  # the span starts in the whitespace after a token
        last += 1
        if last <= first:
            return None
        end_char = self.starts[last - 1] + self.lengths[last - 1]
        return TokenSpan(label, first, last, self.starts[first], end_char)


@dataclass(slots=True)
class Projection:
    """How one document's spans land on spaCy tokens."""

    group: list[TokenSpan] = field(default_factory=list)
    """Every span covering a token, widened to token boundaries: ``doc.spans["sc"]``."""
    ents: list[TokenSpan] = field(default_factory=list)
    """A non-overlapping subset, by token: ``doc.ents``."""
    report: LossReport = field(default_factory=LossReport)


def project_spans(
    tokens: Tokens,
    text: str,
    spans: Sequence[SpanExtent],
    priority: Sequence[str],
    policy: OverlapPolicy,
    place: str = "",
) -> Projection:
    """Place ``spans`` on ``tokens`` and choose ``doc.ents``; loss examples start with
    ``place``, the document's name (:func:`~annotator.formats.base.document_place`).

    A span not on token boundaries is widened (``alignment_mode="expand"``) and reported as
    :attr:`Loss.UNALIGNED`; one that covers no token at all (only whitespace between tokens)
    stays out of both and is reported as :attr:`Loss.DROPPED`. ``doc.ents`` cannot overlap: with
    :attr:`OverlapPolicy.DROP` every span that overlaps another (on tokens) is left out, with
    any other policy the span whose label comes first in ``priority`` (unknown labels last)
    wins, then the earlier, then the longer one. Spans left out of ``doc.ents`` are reported as
    :attr:`Loss.OVERLAPS`; all of them stay in ``doc.spans["sc"]`` and, exact, in the user data.
    """
    out = Projection()
    placed: list[SpanExtent] = []
    expand = tokens.expand
    for span in spans:
        widened = expand(*span)
        if widened is None or widened.start_char != span.start or widened.end_char != span.end:
            report_unaligned(out.report, text, span, widened, place)
        if widened is not None:
            placed.append(span)
            out.group.append(widened)
    kept = choose_ents(out.group, placed, priority, policy)
    out.ents = sorted((out.group[i] for i in sorted(kept)), key=lambda s: s.start)
    if len(kept) < len(placed):
        report_left_out(out.report, out.group, placed, kept, place)
    return out


def _placed(place: str, example: str) -> str:
    return f"{place}: {example}" if place else example


def report_unaligned(
    report: LossReport, text: str, span: SpanExtent, widened: TokenSpan | None, place: str = ""
) -> None:
    """Report ``span``, which ``widened`` does not cover exactly (None: it covers no token)."""
    start, end, label = span
    if widened is None:
        shown = no_token_example(label, text[start:end])
        report.add(Loss.DROPPED, 1, _placed(place, f"{shown} (kept in user data)"))
        return
    shown = text[widened.start_char : widened.end_char]
    report.add(Loss.UNALIGNED, 1, _placed(place, widened_example(label, text[start:end], shown)))


def report_left_out(
    report: LossReport,
    group: Sequence[TokenSpan],
    placed: Sequence[SpanExtent],
    kept: set[int],
    place: str = "",
) -> None:
    """Report the spans of one document's ``group`` that are not ``kept`` in ``doc.ents``,
    with the first of them and a span that it overlaps as the example."""
    report_left_out_columns(
        report,
        [widened.start for widened in group],
        [widened.end for widened in group],
        placed,
        kept,
        place,
    )


def report_left_out_columns(
    report: LossReport,
    starts: Sequence[int],
    ends: Sequence[int],
    placed: Sequence[SpanExtent],
    kept: set[int],
    place: str = "",
) -> None:
    """:func:`report_left_out` with the widened spans as their token starts and ends."""
    left_out = [i for i in range(len(placed)) if i not in kept]
    first = left_out[0]
    span, start, end = placed[first], starts[first], ends[first]
    rival = next(
        (placed[i] for i in sorted(kept) if starts[i] < end and start < ends[i]),
        None,
    )
    against = f" overlaps {rival.label} {rival.start}-{rival.end}" if rival else ""
    report.add(
        Loss.OVERLAPS,
        len(left_out),
        _placed(
            place,
            f"{span.label} {span.start}-{span.end}{against}: not in doc.ents, kept in "
            f"doc.spans[{SPAN_GROUP!r}]",
        ),
    )


def choose_ents(
    group: Sequence[TokenSpan],
    placed: Sequence[SpanExtent],
    priority: Sequence[str],
    policy: OverlapPolicy,
) -> set[int]:
    """Positions in ``group`` of the spans that go into ``doc.ents``."""
    return choose_ents_columns(
        [widened.start for widened in group],
        [widened.end for widened in group],
        [span.label for span in placed],
        label_ranks(priority),
        policy,
    )


def label_ranks(priority: Sequence[str]) -> dict[str, int]:
    """Each label's place in ``priority`` (see :func:`choose_ents_columns`)."""
    return {label: i for i, label in enumerate(priority)}


def choose_ents_columns(
    starts: Sequence[int],
    ends: Sequence[int],
    labels: Sequence[str],
    ranks: dict[str, int],
    policy: OverlapPolicy,
) -> set[int]:
    """:func:`choose_ents` with the widened spans as their token starts and ends, and the
    priority as :func:`label_ranks` (unknown labels come last)."""
    count = len(starts)
    if policy is OverlapPolicy.DROP:
        order = sorted(range(count), key=lambda i: (starts[i], ends[i]))
        clashing: set[int] = set()
        furthest, owner = -1, -1
        for i in order:
            if starts[i] < furthest and owner >= 0:
                clashing.add(i)
                clashing.add(owner)
            if ends[i] > furthest:
                furthest, owner = ends[i], i
        return set(range(count)) - clashing
    last = len(ranks)
    order = sorted(
        range(count), key=lambda i: (ranks.get(labels[i], last), starts[i], starts[i] - ends[i])
    )
    taken: set[int] = set()
    kept: set[int] = set()
    for i in order:
        tokens = range(starts[i], ends[i])
        if taken.isdisjoint(tokens):
            taken.update(tokens)
            kept.add(i)
    return kept
