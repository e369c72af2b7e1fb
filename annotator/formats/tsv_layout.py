"""WebAnno TSV 3.3 layout: its names, our segmentation into tokens and sentences, and how a
document's own tokens and sentences are kept in its metadata.

An imported document keeps the file's tokens and sentences (``metadata["webanno_tsv"]``) so
that it exports again byte for byte. They are kept as compact strings, ``"0-6 7-10 11-17"`` (code
points, start-end, one pair per token; sentences as token index ranges, end exclusive): encoding
and decoding them are a join and a split, where a JSON list of pairs cost about a millisecond a
document to build, encode and store. The older form, JSON lists of pairs, is still read.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from itertools import accumulate, compress, count, pairwise
from operator import add, le, lt, not_
from typing import Any

FORMAT_NAME = "tsv3"
FORMAT_LINE = "#FORMAT=WebAnno TSV 3.3"
SPAN_LAYER = "webanno.custom.Span"
RELATION_LAYER = "webanno.custom.Relation"
LABEL_FEATURE = "label"
META_KEY = "webanno_tsv"
_WORD = re.compile(r"\S+")

Pairs = list[tuple[int, int]]


def segment(text: str, cuts: Iterable[int]) -> tuple[Pairs, Pairs]:
    """Tokens (non-whitespace runs cut at ``cuts``) and sentences (token index ranges, end
    exclusive): a sentence ends where exactly one line break separates two tokens."""
    starts, ends, sentences = segment_bounds(text, cuts)
    return list(zip(starts, ends, strict=True)), sentences


def segment_bounds(text: str, cuts: Iterable[int]) -> tuple[list[int], list[int], Pairs]:
    """:func:`segment` with the tokens as a list of starts and a list of ends."""
    starts, ends = _runs(text)
    if not starts:
        return [], [], []
    inside: dict[int, list[int]] = {}
    for cut in sorted(set(cuts)):
        k = bisect_right(starts, cut) - 1
        if k >= 0 and cut < ends[k] and cut != starts[k]:
            inside.setdefault(k, []).append(cut)
    if inside:
        new_starts: list[int] = []
        new_ends: list[int] = []
        done = 0
        for k, inner in inside.items():
            new_starts += starts[done:k]
            new_ends += ends[done:k]
            new_starts += (starts[k], *inner)
            new_ends += (*inner, ends[k])
            done = k + 1
        starts = new_starts + starts[done:]
        ends = new_ends + ends[done:]
    breaks = []
    line = text.find("\n", 1)
    while line != -1 and line < len(text) - 1:
        if not text[line - 1].isspace() and not text[line + 1].isspace():
            breaks.append(bisect_right(starts, line))
        line = text.find("\n", line + 1)
    bounds = [0, *breaks, len(starts)]
    return starts, ends, list(pairwise(bounds))


def _runs(text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the runs of non-whitespace characters (``\\S+``).

    Most text is runs between single spaces: it is split at spaces (in C) and only the pieces
    that are empty (two spaces in a row) or hold other whitespace are looked at again.
    """
    pieces = text.split(" ")
    lengths = list(map(len, pieces))
    starts = list(accumulate(map((1).__add__, lengths), initial=0))
    del starts[-1]
    ends = list(map(add, starts, lengths))
    odd = list(compress(count(), map(not_, map(str.isprintable, pieces))))
    if all(lengths) and not odd:
        return starts, ends
    odd = sorted({*odd, *compress(count(), map(not_, lengths))})
    out_starts: list[int] = []
    out_ends: list[int] = []
    done = 0
    for k in odd:
        out_starts += starts[done:k]
        out_ends += ends[done:k]
        done = k + 1
        if lengths[k]:
            for match in _WORD.finditer(text, starts[k], ends[k]):
                out_starts.append(match.start())
                out_ends.append(match.end())
    out_starts += starts[done:]
    out_ends += ends[done:]
    return out_starts, out_ends


def pack_pairs(pairs: Iterable[tuple[int, int]]) -> str:
    """``[(0, 6), (7, 10)]`` as ``"0-6 7-10"``."""
    return " ".join(f"{a}-{b}" for a, b in pairs)


def unpack_pairs(value: object) -> Pairs | None:
    """Pairs kept by :func:`pack_pairs`, or in the older form (a JSON list of two-item lists);
    None when ``value`` is neither."""
    flat = _flat(value)
    return None if flat is None else list(zip(flat[0::2], flat[1::2], strict=True))


def _flat(value: object) -> list[int] | None:
    if isinstance(value, str):
        numbers = value.replace("-", " ").split()
        if len(numbers) % 2 or value.count("-") * 2 != len(numbers):
            return None
        try:
            return list(map(int, numbers))
        except ValueError:
            return None
    if isinstance(value, list):
        try:
            return [int(x) for a, b in value for x in (a, b)]
        except (TypeError, ValueError):
            return None
    return None


def stored_layout(
    stored: Mapping[str, Any], length: int
) -> tuple[list[int], list[int], Pairs] | None:
    """The token starts, token ends and sentences a document kept from its file, when they fit
    its text (``length`` characters): tokens in order, not empty, not overlapping, sentences one
    after the other covering them all."""
    flat = _flat(stored.get("tokens"))
    sentences = unpack_pairs(stored.get("sentences"))
    if not flat or not sentences:
        return None
    starts, ends = flat[0::2], flat[1::2]
    if sentences[0][0] != 0 or sentences[-1][1] != len(starts):
        return None
    if not all(a < b for a, b in sentences) or any(x[1] != y[0] for x, y in pairwise(sentences)):
        return None
    if starts[0] < 0 or ends[-1] > length:
        return None
    if not all(map(lt, starts, ends)) or not all(map(le, ends[:-1], starts[1:])):
        return None
    return starts, ends, sentences
