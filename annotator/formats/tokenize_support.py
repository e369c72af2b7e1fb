"""Shared by the token formats: overlap policies, IOB2/BILOU tags, sentence grouping, units."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, compress, count
from operator import add, attrgetter, lt
from typing import overload

from annotator.core.annotation import AnnotatedDocument
from annotator.core.document import Document, DocumentDraft
from annotator.core.errors import OffsetError, UserError
from annotator.core.frozen import fast_constructor
from annotator.core.interchange import AnnotatedDraft, SpanRecord
from annotator.core.offsets import OffsetConverter, Unit
from annotator.core.schema import LabelSchema
from annotator.formats.base import (
    ExportOptions,
    Loss,
    LossReport,
    OverlapPolicy,
    count_overlapping,
    describe_attributes,
    document_place,
    no_token_example,
    overlap_example,
    widened_example,
)
from annotator.formats.tokenize import (
    align_words,
    scan,
    sentence_breaks,
    split_scanned,
    word_indices,
)
from annotator.formats.tokenize_plain import plain_words

SCHEMES = ("IOB2", "BILOU")
UNITS = (Unit.CODE_POINT, Unit.UTF16, Unit.UTF8)
"""Units tried, in order, when a file's offsets do not say theirs."""
DEFAULT_LAYERS = 3
"""Tag columns written by OverlapPolicy.COLUMNS unless ``extra["layers"]`` says otherwise."""

_TAG = re.compile(r"^(?:O|([BIELSU])-(\S+))$")
OUTSIDE = ("O", "")
"""The parsed ``O`` tag. Tables of parsed tags give this very tuple, so that counting it in a
sentence compares references, not contents."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span mapped to tokens: word indices ``[first, last]`` inclusive."""

    first: int
    last: int
    label: str
    rank: int
    span_id: int = 0


_new_candidate = fast_constructor(Candidate)


@dataclass(slots=True)
class TaggedSentence:
    words: list[str]
    tags: list[list[str]]
    """One tag list per layer (layer 0 first), each as long as ``words``."""


@dataclass(slots=True)
class TaggedDocument:
    """A document's words (non-space tokens) with their tags, grouped into sentences."""

    words: list[str] = field(default_factory=list)
    layers: list[list[str]] = field(default_factory=list)
    """One tag list per layer (layer 0 first), each as long as ``words``."""
    groups: list[tuple[int, int]] = field(default_factory=list)
    """Sentences as ``[first, last)`` word ranges, in order, covering every word."""
    report: LossReport = field(default_factory=LossReport)

    @property
    def sentences(self) -> list[TaggedSentence]:
        return [
            TaggedSentence(self.words[a:b], [layer[a:b] for layer in self.layers])
            for a, b in self.groups
        ]


def document_key(document: Document) -> str:
    """The name a document goes out under: its external id, else ``doc-<id>``."""
    return document.external_id or f"doc-{document.id}"


def check_scheme(options: ExportOptions) -> str:
    scheme = options.scheme.upper()
    if scheme not in SCHEMES:
        raise UserError(f"unknown tagging scheme {options.scheme!r} (use IOB2 or BILOU)")
    return scheme


def layer_count(options: ExportOptions) -> int:
    if options.overlap_policy is not OverlapPolicy.COLUMNS:
        return 1
    raw = options.extra.get("layers", str(DEFAULT_LAYERS))
    if not raw.isdecimal() or int(raw) < 1:
        raise UserError(f"extra option layers={raw!r} must be a positive number")
    return int(raw)


def tag_document(
    item: AnnotatedDocument,
    schema: LabelSchema,
    options: ExportOptions,
    *,
    layers: int | None = None,
    report: LossReport | None = None,
    ranks: Mapping[str, int] | None = None,
) -> TaggedDocument:
    """Tokens, sentences and tags of one document, with what could not be carried (in
    ``report`` when given, a batch's, else the result's own). ``ranks`` is
    :func:`label_ranks` of the schema and options, when the caller made it already."""
    scheme = check_scheme(options)
    layers = layer_count(options) if layers is None else layers
    out = TaggedDocument() if report is None else TaggedDocument(report=report)
    ranks = label_ranks(schema, options) if ranks is None else ranks
    texts, alignments, extent, breaks = _words(item, options)
    candidates = _candidates(item, alignments, extent, ranks, out.report)
    placed, dropped = resolve(candidates, options.overlap_policy, layers)
    policy = options.overlap_policy
    if policy is not OverlapPolicy.COLUMNS:
        overlapping = count_overlapping(item) if len(item.spans) > 1 else 0
        if overlapping:
            out.report.add(
                Loss.OVERLAPS, overlapping, overlap_example(item), note=_OVERLAP_NOTES[policy]
            )
    if dropped:
        example = ", ".join(
            f"{c.label} {' '.join(texts[c.first : c.last + 1])!r}" for c in dropped[:2]
        )
        out.report.add(Loss.DROPPED, len(dropped), f"{document_place(item.document)}: {example}")
    if item.relations:
        out.report.add(Loss.RELATIONS, len(item.relations))
    attributed = [s for s in item.spans if s.attributes]
    if attributed:
        out.report.add(
            Loss.ATTRIBUTES,
            sum(len(s.attributes) for s in attributed),
            describe_attributes(attributed[0].label, attributed[0].attributes),
        )
    out.words = texts
    out.groups = sentence_groups(
        breaks,
        len(texts),
        placed[0] if len(placed) == 1 else [c for p in placed for c in p],
    )
    out.layers = [encode(layer, 0, len(texts), scheme) for layer in placed]
    return out


def _words(
    item: AnnotatedDocument, options: ExportOptions
) -> tuple[
    list[str],
    list[tuple[int, int, bool] | None],
    Callable[[int, int], tuple[int, int]],
    list[int],
]:
    """A document's words (non-space tokens), its spans' alignments to them, where a run of
    words starts and ends, and the words where sentences start."""
    text = item.document.text
    splitting = options.extra.get("tokens", "expand") == "split"
    plain = None if splitting else plain_words(text)
    if plain is not None:  # most news: no offsets of every token needed
        alignments = plain.align(map(_start_end, item.spans))
        return plain.texts, alignments, plain.extent, plain.breaks
    scanned = scan(text)
    if splitting:
        spans = item.spans
        scanned = split_scanned(text, scanned, (b for s in spans for b in (s.start, s.end)))
    texts, starts, ends, _ = scanned
    index = word_indices(text, texts)
    if index is not None:
        texts = list(map(texts.__getitem__, index))
        starts = list(map(starts.__getitem__, index))
        ends = list(map(ends.__getitem__, index))
    alignments = align_words(map(_start_end, item.spans), starts, ends)
    breaks = sentence_breaks(text, texts, starts, ends)
    return texts, alignments, lambda first, last: (starts[first], ends[last]), breaks


_OVERLAP_NOTES = {
    OverlapPolicy.PRIORITY: "one tag per token, so the priority policy keeps the span whose "
    "label comes first",
    OverlapPolicy.DROP: "one tag per token, so the drop policy leaves them all out",
}


def label_ranks(schema: LabelSchema, options: ExportOptions) -> dict[str, int]:
    """Each label's priority for OverlapPolicy.PRIORITY (0 first)."""
    order = list(options.label_priority) or list(schema.label_names)
    return {label: rank for rank, label in enumerate(order)}


def _candidates(
    item: AnnotatedDocument,
    alignments: Sequence[tuple[int, int, bool] | None],
    extent: Callable[[int, int], tuple[int, int]],
    ranks: Mapping[str, int],
    report: LossReport,
) -> list[Candidate]:
    """The aligned spans as candidates; what could not be aligned exactly goes in ``report``
    (``extent`` says where a widened span's tokens start and end)."""
    out: list[Candidate] = []
    text = item.document.text
    spans = item.spans
    unranked = len(ranks)
    new = _new_candidate
    for span, alignment in zip(spans, alignments, strict=True):
        if alignment is None:
            shown = no_token_example(span.label, text[span.start : span.end])
            report.add(Loss.DROPPED, 1, f"{document_place(item.document)}: {shown}")
            continue
        first, last, widened = alignment
        if widened:
            wide_start, wide_end = extent(first, last)
            covered, wide = text[span.start : span.end], text[wide_start:wide_end]
            shown = widened_example(span.label, covered, wide)
            report.add(Loss.UNALIGNED, 1, f"{document_place(item.document)}: {shown}")
        out.append(new(first, last, span.label, ranks.get(span.label, unranked), span.id))
    return out


_start_end = attrgetter("start", "end")
_first = attrgetter("first")
_last = attrgetter("last")
_first_last = attrgetter("first", "last")


def resolve(
    candidates: Sequence[Candidate], policy: OverlapPolicy, layers: int = 1
) -> tuple[list[list[Candidate]], list[Candidate]]:
    """Place spans into ``layers`` non-overlapping layers by the policy; return the rest."""
    if policy is OverlapPolicy.COLUMNS:
        return _columns(candidates, layers)
    if policy is OverlapPolicy.DROP:
        kept, dropped = _drop_overlapping(candidates)
        return [kept], dropped
    return _by_priority(candidates)


def _by_priority(candidates: Sequence[Candidate]) -> tuple[list[list[Candidate]], list[Candidate]]:
    by_first = sorted(candidates, key=_first_last)
    if all(map(lt, map(_last, by_first), map(_first, by_first[1:]))):
        return [by_first], []  # no overlap: every span is kept
    order = sorted(candidates, key=lambda c: (c.rank, c.first, c.first - c.last))
    firsts: list[int] = []
    kept: list[Candidate] = []
    dropped: list[Candidate] = []
    for candidate in order:
        at = bisect_right(firsts, candidate.last)
        if at and kept[at - 1].last >= candidate.first:
            dropped.append(candidate)
            continue
        firsts.insert(at, candidate.first)
        kept.insert(at, candidate)
    return [kept], dropped


def _drop_overlapping(candidates: Sequence[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
    order = sorted(candidates, key=lambda c: (c.first, c.last))
    clash: set[int] = set()
    furthest = -1
    holder = -1
    for n, candidate in enumerate(order):
        if candidate.first <= furthest:
            clash.update((n, holder))
        if candidate.last > furthest:
            furthest, holder = candidate.last, n
    kept = [c for n, c in enumerate(order) if n not in clash]
    return kept, [c for n, c in enumerate(order) if n in clash]


def _columns(
    candidates: Sequence[Candidate], layers: int
) -> tuple[list[list[Candidate]], list[Candidate]]:
    order = sorted(candidates, key=lambda c: (c.first, c.first - c.last, c.rank))
    placed: list[list[Candidate]] = [[] for _ in range(layers)]
    dropped: list[Candidate] = []
    for candidate in order:
        for layer in placed:
            if not layer or layer[-1].last < candidate.first:
                layer.append(candidate)
                break
        else:
            dropped.append(candidate)
    return placed, dropped


def sentence_groups(
    breaks: Sequence[int], count: int, spans: Iterable[Candidate]
) -> list[tuple[int, int]]:
    """Sentences as ``[first, last)`` ranges of ``count`` words, given the word indices where
    sentences start (:func:`~annotator.formats.tokenize.sentence_breaks`); sentences that a
    span crosses are joined."""
    if not count:
        return []
    starts = [0, *breaks]
    joined: set[int] = set()
    for span in spans:
        joined.update(starts[bisect_right(starts, span.first) : bisect_right(starts, span.last)])
    kept = [s for s in starts if s not in joined] if joined else starts
    return list(zip(kept, [*kept[1:], count], strict=True))


def encode(spans: Sequence[Candidate], first: int, last: int, scheme: str) -> list[str]:
    """Tags of words ``[first, last)`` for spans (non-overlapping) in IOB2 or BILOU."""
    tags = ["O"] * (last - first)
    starts = [s.first for s in spans]
    for span in spans[bisect_left(starts, first) : bisect_left(starts, last)]:
        a, b = span.first - first, span.last - first
        if scheme == "BILOU":
            if a == b:
                tags[a] = f"U-{span.label}"
                continue
            tags[a], tags[b] = f"B-{span.label}", f"L-{span.label}"
            for k in range(a + 1, b):
                tags[k] = f"I-{span.label}"
        else:
            tags[a] = f"B-{span.label}"
            for k in range(a + 1, b + 1):
                tags[k] = f"I-{span.label}"
    return tags


def tag_names(labels: Iterable[str], scheme: str) -> list[str]:
    """``O`` then every tag of every label, in label order (the ClassLabel order)."""
    prefixes = "BILU" if scheme == "BILOU" else "BI"
    return ["O", *(f"{p}-{label}" for label in labels for p in prefixes)]


# -- reading tags back ----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def parse_tag(tag: str) -> tuple[str, str] | None:
    """``("B", "PER")`` for ``B-PER``, ``("O", "")`` for ``O``, None for anything else."""
    match = _TAG.match(tag)
    if match is None:
        return None
    if tag == "O":
        return "O", ""
    return match.group(1), match.group(2)


@dataclass(frozen=True, slots=True)
class Decoded:
    spans: list[tuple[int, int, str]]
    """``(first, last, label)`` word indices, inclusive."""
    scheme: str
    repairs: list[tuple[int, str]]
    """``(word index, what was wrong)`` for every invalid sequence that was repaired."""


def detect_scheme(sentences_tags: Sequence[Sequence[tuple[str, str]]]) -> str:
    """IOB1, IOB2 or BILOU (BIOES counts as BILOU) from parsed tags, sentence by sentence."""
    opens_with_i = False
    b_only_between = True
    for tags in sentences_tags:
        for n in compress(count(), map(OUTSIDE.__ne__, tags)):  # only tags other than O
            prefix, label = tags[n]
            previous = tags[n - 1] if n else OUTSIDE
            if prefix in "LUES":
                return "BILOU"
            if prefix == "I" and (previous[0] == "O" or previous[1] != label):
                opens_with_i = True
            if prefix == "B" and (previous[0] == "O" or previous[1] != label):
                b_only_between = False
    return "IOB1" if opens_with_i and b_only_between else "IOB2"


def decode(tags: Sequence[tuple[str, str]], scheme: str) -> Decoded:
    """Spans of one sentence; invalid sequences are repaired (and listed) the lenient way:
    an ``I-`` that cannot continue starts a span, a ``B-`` never closed by ``L-`` (BILOU) ends
    where the next tag does not continue it."""
    spans: list[tuple[int, int, str]] = []
    repairs: list[tuple[int, str]] = []
    current: tuple[int, str] | None = None
    if tags.count(OUTSIDE) == len(tags):
        return Decoded(spans, scheme, repairs)

    def close(end: int) -> None:
        nonlocal current
        if current is not None:
            spans.append((current[0], end, current[1]))
            current = None

    for n, (prefix, label) in enumerate(tags):
        if prefix == "O":
            if current is not None:
                if scheme == "BILOU":
                    repairs.append((n - 1, f"{current[1]} span not closed with L-"))
                close(n - 1)
            continue
        continues = current is not None and current[1] == label
        if prefix == "B":
            if current is not None and scheme == "BILOU":
                repairs.append((n - 1, f"{current[1]} span not closed with L-"))
            close(n - 1)
            current = (n, label)
        elif prefix == "I":
            if not continues:
                if scheme != "IOB1":
                    repairs.append((n, f"I-{label} after {_show(tags, n - 1)}"))
                close(n - 1)
                current = (n, label)
        elif prefix in "LE":
            if not continues:
                repairs.append((n, f"{prefix}-{label} without B-{label}"))
                close(n - 1)
                current = (n, label)
            close(n)
        else:  # U, S
            if current is not None:
                repairs.append((n - 1, f"{current[1]} span not closed with L-"))
            close(n - 1)
            spans.append((n, n, label))
    if current is not None and scheme == "BILOU":
        repairs.append((len(tags) - 1, f"{current[1]} span not closed with L-"))
    close(len(tags) - 1)
    return Decoded(spans, scheme, repairs)


def _show(tags: Sequence[tuple[str, str]], n: int) -> str:
    if n < 0:
        return "the sentence start"
    prefix, label = tags[n]
    return "O" if prefix == "O" else f"{prefix}-{label}"


@dataclass(slots=True)
class TokenSentence:
    """A sentence read from a token file: tokens, parsed tags per layer, where each token was."""

    tokens: list[str]
    layers: list[list[tuple[str, str]]]
    where: Sequence[str]
    """Per token, for messages: ``line 14`` or ``line 3, token 2``."""


class LineNumbers(Sequence[str]):
    """``line <n>`` for each of the given line numbers, made only when a message needs it."""

    def __init__(self, numbers: Sequence[int]) -> None:
        self.numbers = numbers

    def __len__(self) -> int:
        return len(self.numbers)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return LineNumbers(self.numbers[index])
        return f"line {self.numbers[index]}"


def draft_from_tokens(
    sentences: Sequence[TokenSentence],
    origin: str,
    annotator: str = "",
    external_id: str = "",
) -> AnnotatedDraft:
    """A document whose text is the tokens joined by spaces, sentence per line, with the spans
    the tags give (scheme detected per layer; repairs listed in the note)."""
    pieces: list[str] = []
    cursors: list[int] = []
    """Where each sentence starts in the text."""
    cursor = 0
    for sentence in sentences:
        if pieces:
            pieces.append("\n")
            cursor += 1
        cursors.append(cursor)
        if sentence.tokens:
            joined = " ".join(sentence.tokens)
            pieces.append(joined)
            cursor += len(joined)
    offsets: dict[int, tuple[list[int], list[int]]] = {}
    """Token starts and ends of the sentences that have spans, made when first needed."""
    records: list[SpanRecord] = []
    notes: list[str] = []
    layer_total = max((len(s.layers) for s in sentences), default=0)
    for layer in range(layer_total):
        tag_lists = [s.layers[layer] if layer < len(s.layers) else [] for s in sentences]
        clean = clean_iob2_spans(tag_lists)
        if clean is not None:  # what detect_scheme and decode would find, found faster
            for k, spans in clean:
                starts, ends = _token_offsets(sentences[k].tokens, cursors[k])
                records.extend(
                    SpanRecord(
                        f"T{len(records) + 1}", label, starts[first], ends[last], {}, annotator
                    )
                    for first, last, label in spans
                )
            continue
        scheme = detect_scheme(tag_lists)
        for k, tags in enumerate(tag_lists):
            if tags.count(OUTSIDE) == len(tags):
                continue  # no span, nothing to repair
            decoded = decode(tags, scheme)
            if decoded.spans:
                positions = offsets.get(k) or offsets.setdefault(
                    k, _token_offsets(sentences[k].tokens, cursors[k])
                )
                for first, last, label in decoded.spans:
                    start, end = positions[0][first], positions[1][last]
                    records.append(
                        SpanRecord(f"T{len(records) + 1}", label, start, end, {}, annotator)
                    )
            where = sentences[k].where
            notes.extend(f"{where[n]}: {what} ({scheme}; repaired)" for n, what in decoded.repairs)
    records.sort(key=lambda r: (r.start, -r.end))
    draft = DocumentDraft(text="".join(pieces), external_id=external_id)
    return AnnotatedDraft(draft, origin, tuple(records), note="\n".join(notes))


def clean_iob2_spans(
    tag_lists: Sequence[Sequence[tuple[str, str]]],
) -> list[tuple[int, list[tuple[int, int, str]]]] | None:
    """The spans of each sentence that has some, when the tags are IOB2 with nothing to
    repair (only ``B-`` and ``I-``, every ``I-`` right after a tag of its span); else None.

    Only the tags other than ``O`` are visited: most of a news article is outside spans.
    """
    out: list[tuple[int, list[tuple[int, int, str]]]] = []
    outside = OUTSIDE
    for k, tags in enumerate(tag_lists):
        if tags.count(outside) == len(tags):
            continue
        spans: list[tuple[int, int, str]] = []
        previous = -2
        for n in compress(count(), map(outside.__ne__, tags)):
            prefix, label = tags[n]
            if prefix == "B":
                spans.append((n, n, label))
            elif prefix == "I" and previous == n - 1 and spans[-1][2] == label:
                spans[-1] = (spans[-1][0], n, label)
            else:
                return None
            previous = n
        out.append((k, spans))
    return out


def _token_offsets(tokens: Sequence[str], cursor: int) -> tuple[list[int], list[int]]:
    """Starts and ends of tokens joined by single spaces from ``cursor`` on."""
    lengths = list(map(len, tokens))
    starts = list(accumulate(map((1).__add__, lengths), initial=cursor))
    del starts[-1]
    return starts, list(map(add, starts, lengths))


# -- offsets in files that carry text -------------------------------------------------------------


def find_unit(
    converter: OffsetConverter,
    pieces: Sequence[tuple[int, int]],
    surface: str | None,
    units: Sequence[Unit],
    joiner: str = " ",
) -> tuple[Unit, list[tuple[int, int]]] | None:
    """The first unit in which the pieces are valid offsets whose text (joined) is ``surface``.

    Without a surface text, the first unit in which the offsets are valid wins.
    """
    text = converter.text
    for unit in units:
        try:
            converted = [
                (converter.to_codepoint(a, unit), converter.to_codepoint(b, unit))
                for a, b in pieces
            ]
        except OffsetError:
            continue
        if any(a >= b for a, b in converted):
            continue
        if surface is None or joiner.join(text[a:b] for a, b in converted) == surface:
            return unit, converted
    return None
