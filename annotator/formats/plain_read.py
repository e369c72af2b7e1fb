"""Reading a document's usual spans as columns, for the readers of the JSON-family formats.

A reader asked for plain drafts (``ImportOptions.plain``) tries :func:`plain_columns` first: when
every span is a label and an extent that fits the text as it stands (offsets that are code
points in every unit the reader would consider, each span inside the text, each surface text
matching), the document becomes a :class:`PlainDraft` without a record per span. Anything else
returns ``None`` and the reader's own path reads the document (and reports what is wrong) as
before, so both paths give the same spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import lt, sub
from typing import Any

from annotator.core.document import DocumentDraft, DocumentStatus
from annotator.core.frozen import fast_constructor
from annotator.core.offsets import Unit
from annotator.core.plain_draft import PlainDraft

_ASTRAL = "\U00010000"
_SURFACE_TYPES = {str, type(None)}


def code_points_in(text: str, units: Sequence[Unit]) -> bool:
    """Whether an offset in any of ``units`` is a code point index in ``text``."""
    if text.isascii() or all(unit is Unit.CODE_POINT for unit in units):
        return True
    if Unit.UTF8 in units:
        return False
    return max(text) < _ASTRAL  # UTF-16 units: no character outside the BMP


Columns = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]


def plain_columns(
    text: str,
    labels: Sequence[Any],
    starts: Sequence[Any],
    ends: Sequence[Any],
    surfaces: Sequence[Any] | None,
    units: Sequence[Unit],
    *,
    once: bool = False,
    typed: bool = False,
) -> Columns | None:
    """The spans as (labels, starts, ends) when they are non-empty, with integer offsets and
    non-empty text labels, and fit ``text`` as they are in every one of ``units`` (the
    declared unit, or those the reader would detect among, its default first; only the first
    when every span has a surface), surfaces (None: not given) matching; ``None``
    otherwise. ``once``: a span repeated with the same label and extent is kept once (else
    such spans are not plain). ``typed``: the caller's decoder has checked the types (int
    offsets, str labels, str or None surfaces), that the labels are not empty and that no
    start is negative."""
    if not starts or (
        not typed
        and (
            set(map(type, starts)) != {int}
            or set(map(type, ends)) != {int}
            or set(map(type, labels)) != {str}
            or not all(labels)
            or min(starts) < 0
        )
    ):
        return None
    if max(ends) > len(text) or not all(map(lt, starts, ends)):
        return None
    given = surfaces is not None and surfaces.count(None) != len(surfaces)
    if given:
        assert surfaces is not None
        if not typed and not set(map(type, surfaces)) <= _SURFACE_TYPES:
            return None
        if None in surfaces:  # some spans give their text, some do not
            cut = map(text.__getitem__, map(slice, starts, ends))
            if any(x is not None and x != y for x, y in zip(surfaces, cut, strict=True)):
                return None
            given = False
        elif list(map(len, surfaces)) != list(map(sub, ends, starts)) or not all(
            map(text.startswith, surfaces, starts)
        ):  # each surface as long as its extent and at its start: the text there, no slices
            return None
    # Every span reading its own text in the first unit settles the unit (the others are
    # not tried); else each unit the reader might pick must read the offsets as they are.
    if not code_points_in(text, units[:1] if given else units):
        return None
    if len(set(starts)) == len(starts):  # the usual spans: no two start together
        return tuple(labels), tuple(starts), tuple(ends)
    extents = dict.fromkeys(zip(labels, starts, ends, strict=True))
    if len(extents) != len(labels):
        if not once:
            return None
        labels, starts, ends = zip(*extents, strict=True)
    return tuple(labels), tuple(starts), tuple(ends)


def as_plain_draft(
    draft: DocumentDraft,
    origin: str,
    columns: Columns,
    annotator: str,
    status: DocumentStatus | None = None,
    note: str = "",
) -> PlainDraft:
    labels, starts, ends = columns
    return _new_plain(draft, origin, labels, starts, ends, annotator, status, note, "")


_new_plain = fast_constructor(PlainDraft)
"""``PlainDraft(...)`` with every field given, without the frozen dataclass's setattr."""
