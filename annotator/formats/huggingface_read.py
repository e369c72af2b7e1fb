"""Reading a Hugging Face token-classification line, and the document of its sentences, in C.

A line is decoded by msgspec straight into :class:`Sentence`: its ``tokens`` a list of strings
and its ``ner_tags`` a list of ids or tags, checked while decoding (a bool, a float, a token
that is not a string, an ``id`` that is not a string all fail it), so no check is made per
token in Python; each tag is looked up once in the reader's table of parsed tags. A document
whose tags are clean IOB2 (only ``B-`` and ``I-``, every ``I-`` right after a tag of its span)
is made per document: its text joined in two C calls, the tags other than ``O`` visited, and
token offsets summed for the spans only (:func:`tagged_draft`). Anything else (a line that
does not decode so, a bad tag, a document with an empty sentence, IOB1, BILOU, a repair)
returns None: the caller then reads it as before, so every message and repair stays the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import accumulate
from operator import lt
from typing import cast

import msgspec

from annotator.core.document import DocumentDraft
from annotator.core.interchange import AnnotatedDraft, SpanRecord
from annotator.core.plain_draft import PlainDraft
from annotator.formats.tokenize_support import clean_iob2_spans

Tag = tuple[str, str]
_new_record = tuple.__new__
"""A SpanRecord made without its Python ``__new__`` (every field given)."""


class Sentence(msgspec.Struct, gc=False):
    tokens: list[str]
    ner_tags: list[int | str]
    id: str = ""


_DECODER = msgspec.json.Decoder(Sentence)


def decode_sentence(
    line: str, tags: Mapping[int | str, Tag | str], bad: set[int | str]
) -> tuple[str | None, list[str], list[Tag]] | None:
    """The line's document key (None: a document of its own), tokens and parsed tags, or None
    when the usual reader must read it. ``tags`` parses a raw tag (a string value: what is
    wrong with it); ``bad`` holds the raw tags it found wrong so far."""
    try:
        sentence = _DECODER.decode(line.encode("utf-8", "surrogatepass"))
    except (msgspec.DecodeError, RecursionError, UnicodeEncodeError):
        return None
    tokens, raw = sentence.tokens, sentence.ner_tags
    if len(raw) != len(tokens):
        return None
    if raw and raw.count(raw[0]) == len(raw):  # most sentences: every tag O
        parsed = [tags[raw[0]]] * len(raw)
    else:
        parsed = list(map(tags.__getitem__, raw))
    if bad and not bad.isdisjoint(raw):
        return None  # a tag the usual reader names in its message
    document, hash_sign, index = sentence.id.rpartition("#")
    key = document if hash_sign and index.isdigit() else None
    return key, tokens, cast("list[Tag]", parsed)


def tagged_draft(
    token_lists: list[list[str]],
    tag_lists: list[list[Tag]],
    origin: str,
    annotator: str,
    external_id: str,
    plain: bool = False,
) -> AnnotatedDraft | PlainDraft | None:
    """What :func:`~annotator.formats.tokenize_support.draft_from_tokens` makes of these
    sentences (one tag layer) when none is empty and the tags are clean IOB2; else None.
    Its spans never overlap: with ``plain``, a document that has some is a
    :class:`PlainDraft`, as ``as_plain`` makes it."""
    if 0 in map(len, token_lists):
        return None  # an empty sentence adds a line break, unless it comes first
    clean = clean_iob2_spans(tag_lists)
    if clean is None:
        return None
    # each span's sentence, first and last token, and label
    spans = [(k, first, last, label) for k, found in clean for first, last, label in found]
    pieces = list(map(" ".join, token_lists))
    draft = DocumentDraft(text="\n".join(pieces), external_id=external_id)
    if not spans:
        return AnnotatedDraft(draft, origin)
    cursors = list(accumulate(map((1).__add__, map(len, pieces)), initial=0))
    ends: dict[int, list[int]] = {}
    """Per sentence with spans: where each token ends, counted from the sentence's start."""
    for k, _, _, _ in spans:
        if k not in ends:
            ends[k] = list(accumulate(map((1).__add__, map(len, token_lists[k]))))
    if plain:
        labels = tuple([label for _, _, _, label in spans])
        starts = tuple([cursors[k] + (ends[k][a - 1] if a else 0) for k, a, _, _ in spans])
        stops = tuple([cursors[k] + ends[k][b] - 1 for k, _, b, _ in spans])
        if all(map(lt, starts, stops)):  # else the import names a span of empty tokens by key
            return PlainDraft(draft, origin, labels, starts, stops, annotator)
    records = tuple(
        _new_record(
            SpanRecord,
            (
                f"T{number}",
                label,
                cursors[k] + (ends[k][first - 1] if first else 0),
                cursors[k] + ends[k][last] - 1,
                {},
                annotator,
                "",
                (),
            ),
        )
        for number, (k, first, last, label) in enumerate(spans, start=1)
    )
    return AnnotatedDraft(draft, origin, records)
