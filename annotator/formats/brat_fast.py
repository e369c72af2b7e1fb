"""The usual brat document read in a few C-speed calls: nothing but ``T`` lines of one piece,
offsets in code points that fit the text. Anything else is left to the general reader.

The general reader parses a line at a time, finds the offsets' unit by converting every span
in every unit it tries, and builds a record per span: some twenty Python calls per ``T`` line.
Most files are exports of tools that count code points, with one ``T`` line per span; for
those every step of the general reader has one outcome, known from a few whole-file checks:

- every line matches :data:`_SIMPLE_T` (so :func:`~annotator.formats.brat_parse.parse_line`
  would read each as ``Entity(label, [(start, end)], text)`` and fail none: no key repeats);
- every span fits the text in code points (``start < end <= len(text)``, its text is the
  ``.txt``'s there), so the unit found is code points for every span and no note is made;
- there are no relations, attributes or notes to resolve.

:func:`plain_document` then gives what the general reader would: the same record per span
(or, when the import asks for them, the :class:`PlainDraft` the import service would make of
it), and ``None`` whenever a check fails, so that the general reader reads the file and finds
the same spans, failures and notes as ever. tests/formats/test_brat_differential.py pins both.
"""

from __future__ import annotations

import re
from itertools import repeat
from operator import itemgetter, lt

from annotator.core.document import DocumentDraft
from annotator.core.frozen import fast_constructor
from annotator.core.interchange import AnnotatedDraft, SpanRecord
from annotator.core.offsets import Unit
from annotator.core.plain_draft import PlainDraft
from annotator.formats.base import ImportOptions

_SIMPLE_T = re.compile(r"^(T[^\t\n]*+)\t([^ \t\n]++) ([0-9]++) ([0-9]++)\t(.*+)$", re.MULTILINE)
"""A ``T`` line of one piece with its text: key, label, start, end, text (the text may hold
TABs, as the general reader allows). A key or label is what the general reader takes up to
the first TAB or space; ASCII digits read the same through ``int`` there. Possessive (``++``):
no backtracking into a field, a fifth faster."""
_new_plain = fast_constructor(PlainDraft)
_KEYS = itemgetter(0)
_LABELS = itemgetter(1)
_STARTS = itemgetter(2)
_ENDS = itemgetter(3)
_TEXTS = itemgetter(4)


def plain_document(
    ann: str, text: str, stem: str, origin: str, options: ImportOptions
) -> AnnotatedDraft | PlainDraft | None:
    """The document of ``ann`` (newlines made ``\\n``) on ``text`` as the general reader reads
    it, when it is the usual kind (see the module); ``None`` when it is not."""
    if options.offset_unit not in (None, Unit.CODE_POINT):
        return None
    rows = _SIMPLE_T.findall(ann)
    lines = ann.count("\n") + bool(ann) - ann.endswith("\n")  # the last line may end it
    if len(rows) != lines:
        return None  # another kind of line, a blank one, or a T line of another shape
    if not rows:
        return AnnotatedDraft(DocumentDraft(text=text, external_id=stem), origin, (), ())
    keys = list(map(_KEYS, rows))
    if len(set(keys)) != len(keys):
        return None  # the general reader fails the repeated key
    try:
        starts = list(map(int, map(_STARTS, rows)))
        ends = list(map(int, map(_ENDS, rows)))
    except ValueError:  # more digits than int() reads: the general reader fails the line
        return None
    if max(ends) > len(text) or not all(map(lt, starts, ends)):
        return None
    if list(map(text.__getitem__, map(slice, starts, ends))) != list(map(_TEXTS, rows)):
        return None
    labels = list(map(_LABELS, rows))
    draft = DocumentDraft(text=text, external_id=stem)
    annotator = options.annotator
    if options.plain:
        extents = list(zip(labels, starts, ends, strict=True))
        if len(set(extents)) == len(extents):
            return _new_plain(
                draft, origin, tuple(labels), tuple(starts), tuple(ends), annotator, None, "", ""
            )
    records = tuple(
        map(
            SpanRecord,
            keys,
            labels,
            starts,
            ends,
            [{} for _ in rows],
            repeat(annotator),
            repeat(""),
            repeat(()),
        )
    )
    return AnnotatedDraft(draft, origin, records, ())
