"""A DocBin's document texts from its token arrays, for the whole file at once, as ``Doc.text``
joins them: each token's ORTH string, then a space where the token has one."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import DocBin

_MOST_SLOTS = 1 << 22
"""The largest lookup table (32 MB of indices): a file with more than 512k distinct strings
finds the rest by binary search."""


def docbin_texts(docbin: DocBin) -> Iterator[str] | None:
    """The documents' texts, or None when they cannot be told from the arrays alone: a file
    without ORTH, with unknown spaces, with a token whose string is not in the file's strings,
    or two strings of the same hash."""
    import numpy
    from spacy.attrs import ORTH  # type: ignore[import-not-found]
    from spacy.strings import get_string_id

    if ORTH not in docbin.attrs or any(f.get("has_unknown_spaces") for f in docbin.flags):
        return None
    if not len(docbin):
        return iter(())
    strings = sorted(docbin.strings)
    keys = numpy.fromiter(map(get_string_id, strings), dtype=numpy.uint64, count=len(strings))
    order = numpy.argsort(keys)
    keys = keys[order]
    if len(keys) and (keys[1:] == keys[:-1]).any():
        return None
    words = numpy.asarray(strings, dtype=object)[order]
    pieces = numpy.concatenate((words, words + " "))  # each string, then with its space
    column = docbin.attrs.index(ORTH)
    orths = numpy.concatenate([tokens[:, column] for tokens in docbin.tokens])
    spaces = numpy.concatenate([spaces[:, 0] for spaces in docbin.spaces])
    if len(orths):
        found = string_indices(keys, orths)
        if found is None:
            return None
        pieces = pieces[found + len(keys) * spaces]
    else:
        pieces = orths
    bounds = numpy.cumsum([0, *map(len, docbin.tokens)]).tolist()
    return ("".join(pieces[a:b].tolist()) for a, b in pairwise(bounds))


def string_indices(keys: Any, orths: Any) -> Any:
    """Where each of ``orths`` is in ``keys`` (sorted, distinct uint64 hashes), or None when one
    is not there.

    What ``numpy.searchsorted(keys, orths)`` finds, several times faster: the hashes are
    random, so their low bits index a table of several slots per key; a token whose slot holds
    another key (two keys in one slot) is found by binary search, and every index is checked.
    """
    import numpy

    if not len(keys):
        return None
    size = min(max(1024, 1 << (8 * len(keys)).bit_length()), _MOST_SLOTS)
    mask = numpy.uint64(size - 1)
    table = numpy.zeros(size, dtype=numpy.intp)
    table[(keys & mask).astype(numpy.intp)] = numpy.arange(len(keys), dtype=numpy.intp)
    found = table[(orths & mask).astype(numpy.intp)]
    missed = keys[found] != orths
    if missed.any():
        again = numpy.searchsorted(keys, orths[missed])
        found[missed] = numpy.minimum(again, len(keys) - 1)
        if not (keys[found] == orths).all():
            return None
    return found
