"""Our user data of a ``.spacy`` document as a :class:`PlainDraft` when its spans are plain.

What ``as_plain`` makes of the draft :mod:`annotator.formats.spacy_read` reads from the user data
(the import service asks for plain drafts), without a record per span: every span a text label
with integer offsets inside the text, its surface text matching, no attributes, one annotator,
no two spans alike, no relations. Anything else is ``None``, and the general reader reads the
document (and reports what is wrong) as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter, methodcaller
from typing import Any

from annotator.core.offsets import Unit
from annotator.core.plain_draft import PlainDraft
from annotator.formats.base import ImportOptions
from annotator.formats.plain_read import as_plain_draft, plain_columns
from annotator.formats.spacy_jsonl import draft_from_meta

_WRITTEN = ("label", "start", "end", "text", "attributes", "annotator", "key")
"""The keys of a span our export writes: then one lookup per span reads them all."""
_FIELDS = itemgetter(*_WRITTEN)
_KEY = itemgetter("key")
_EXTENT = itemgetter("label", "start", "end")
_TEXT = methodcaller("get", "text")
_ATTRIBUTES = methodcaller("get", "attributes")
_ANNOTATOR = methodcaller("get", "annotator")
_UNITS = (Unit.CODE_POINT,)


def plain_from_user_data(
    text: str, ours: Mapping[str, Any], origin: str, options: ImportOptions
) -> PlainDraft | None:
    """The document as a PlainDraft, or None (see the module)."""
    raws = ours.get("spans")
    if not raws or ours.get("relations") or type(raws) not in (tuple, list):
        return None
    if set(map(type, raws)) != {dict}:
        return None
    written = _written_columns(raws)
    if written is not None:  # as our export writes spans
        labels, starts, ends, surfaces, attributes, annotator_column, _ = written
        if any(attributes):
            return None
        try:
            annotators = set(annotator_column)
        except TypeError:  # an annotator that is a map
            return None
    else:
        try:
            for _ in map(_KEY, raws):  # every span has a key (the general reader needs one)
                pass
            labels, starts, ends = zip(*map(_EXTENT, raws), strict=True)
            annotators = set(map(_ANNOTATOR, raws))
        except (KeyError, TypeError):  # TypeError: an annotator that is a map
            return None
        if any(map(_ATTRIBUTES, raws)):
            return None
        surfaces = tuple(map(_TEXT, raws))
    if len(annotators) != 1:
        return None
    annotator = annotators.pop() or options.annotator
    if type(annotator) is not str:
        return None
    columns = plain_columns(text, labels, starts, ends, surfaces, _UNITS)
    if columns is None:
        return None
    document = ours.get("document")
    draft, status = draft_from_meta(text, document if isinstance(document, Mapping) else {})
    return as_plain_draft(draft, origin, columns, annotator, status)


def _written_columns(raws: Sequence[dict[str, Any]]) -> tuple[tuple[Any, ...], ...] | None:
    """The spans' fields column by column when every span has exactly the keys our export
    writes (as many keys, and each of them), else None."""
    if set(map(len, raws)) != {len(_WRITTEN)}:
        return None
    try:
        return tuple(zip(*map(_FIELDS, raws), strict=True))
    except KeyError:
        return None
