"""Decoding a Prodigy task line straight into what its usual reading keeps of it.

A task line is mostly its ``tokens``: an object per token (text, start, end, id, ws), which
the usual reader builds and never looks at when every span has code-point offsets. msgspec
decodes the line into :class:`Task` instead: the text, the meta object, the spans' offsets,
labels, texts and attributes; ``tokens`` is validated as JSON and skipped without building
anything. Only the plain case decodes here: no relations, every span with integer ``start``
and ``end`` that fit the text as code points (and its ``text``, when it has one). Anything
else (a span without offsets, offsets in another unit, relations, a rejected answer, JSON
that msgspec and ``json`` could read differently: NaN, lone surrogate escapes, a float where
an integer goes) makes :func:`plain_task` return None, and the line is read as before.
"""

from __future__ import annotations

from typing import Any

import msgspec

from annotator.core.document import DocumentDraft
from annotator.core.interchange import AnnotatedDraft, SpanRecord
from annotator.core.offsets import Unit
from annotator.core.plain_draft import PlainDraft
from annotator.formats.base import ImportOptions
from annotator.formats.tokenize_support import UNITS


class Span(msgspec.Struct, gc=False):
    start: int
    end: int
    label: str
    text: str | None = None
    attributes: dict[str, Any] | None = None


class Task(msgspec.Struct, gc=False):
    text: str
    spans: list[Span] | None = None
    relations: list[msgspec.Raw] | None = None
    meta: Any = None
    answer: str = "accept"
    tokens: msgspec.Raw = msgspec.Raw(b"")
    """Undecoded: spans with offsets never need the tokens."""


_DECODER = msgspec.json.Decoder(Task)
_make_record = tuple.__new__


def plain_task(
    line: str, name: str, number: int, options: ImportOptions
) -> AnnotatedDraft | PlainDraft | None:
    """What the usual reader yields for the task on ``line`` (line ``number`` of ``name``),
    when that is one document and no failure; else None (read the line as before). With
    ``options.plain``, a task with spans and no attributes is a :class:`PlainDraft`, as
    ``as_plain`` makes it."""
    if (options.offset_unit or UNITS[0]) is not Unit.CODE_POINT:
        return None  # offsets are tried in another unit first
    try:
        task = _DECODER.decode(line.encode("utf-8", "surrogatepass"))
    except (msgspec.DecodeError, RecursionError, UnicodeEncodeError):
        return None
    if task.relations or task.answer != "accept":
        return None
    text = task.text
    size = len(text)
    annotator = options.annotator
    spans: list[SpanRecord] = []
    seen: set[tuple[int, int, str]] = set()
    for span in task.spans or ():
        start, end, label, surface = span.start, span.end, span.label, span.text
        if not 0 <= start < end <= size or (surface is not None and text[start:end] != surface):
            return None
        extent = (start, end, label)
        if extent in seen:
            continue
        seen.add(extent)
        attributes = span.attributes
        spans.append(
            _make_record(
                SpanRecord,
                (
                    f"s{len(spans) + 1}",
                    label,
                    start,
                    end,
                    attributes if attributes is not None else {},
                    annotator,
                    "",
                    (),
                ),
            )
        )
    meta = task.meta if isinstance(task.meta, dict) else {}
    draft = DocumentDraft(
        text=text,
        title=str(meta.get("title") or ""),
        source=str(meta.get("source") or ""),
        url=str(meta.get("url") or ""),
        metadata=dict(meta),
        external_id=str(meta.get("id") or ""),
    )
    origin = f"{name}:{number}"
    if options.plain and spans and not any(span[4] for span in spans):
        labels, starts, ends = tuple(zip(*(span[1:4] for span in spans), strict=True))
        return PlainDraft(draft, origin, labels, starts, ends, annotator)
    return AnnotatedDraft(draft, origin, tuple(spans))
