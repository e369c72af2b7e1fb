"""Decoding a Label Studio task line straight into the few fields its plain path reads.

orjson builds every object of a task: ~100 per document of 20 spans (each result's id, names,
origin, its value object, its labels list), most of which the plain path never looks at, and
the line must first be scanned for integers beyond 64 bits. msgspec decodes the line into the
:class:`Task` below instead: the text and the other data fields, the id, and per annotation the
fields that choose it and its annotator, per result its type and value's start, end, labels
and text; every other key is validated as JSON and skipped without building anything. Only a
task that can be plain decodes (``labels`` results, one label each, a start of 0 or more):
decoding fails on any other, which then goes the usual way.
Integers of any size come out exact, so no scan is needed.

A line is only decoded here when it is JSON that ``json``/orjson read as the same object: the
types below accept nothing that the record reader would read differently (an ``int`` field
refuses floats and booleans), msgspec refuses what is not strict JSON (and some JSON that
``json`` reads, such as lone surrogate escapes, NaN or 1e400 in a field it decodes: those go
the usual way), and bytes that are not UTF-8 anywhere in the line (msgspec checks only the
strings it decodes) are left to the usual reader, which reports them. ``None`` means: read the
line as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgspec


class Value(msgspec.Struct, gc=False):
    """A ``labels`` result's value that can be a plain span: its checks that need no text are
    made here (a non-negative start, one non-empty label), so a value that fails them leaves
    the task to the usual reader, which decides what it is."""

    start: Annotated[int, msgspec.Meta(ge=0)]
    end: int
    labels: tuple[Annotated[str, msgspec.Meta(min_length=1)]]
    text: str | None = None


class Result(msgspec.Struct, gc=False):
    type: Literal["labels"]
    value: Value


class Entry(msgspec.Struct, gc=False):
    """An annotation: what ``_TaskReader._entries`` and ``_annotator`` read of it."""

    result: list[Result]
    annotator: Any = None
    completed_by: Any = None
    was_cancelled: Any = None
    skipped: Any = None


class Task(msgspec.Struct, gc=False):
    data: dict[str, Any]
    id: Any = None
    annotations: list[Entry] | None = None
    predictions: msgspec.Raw = msgspec.Raw(b"")
    """Undecoded: the plain path needs only to know that it is a list, null, or absent."""


@dataclass(frozen=True, slots=True)
class DecodedTask:
    """A line decoded by :func:`decode_task`, with its bytes for the usual reader."""

    task: Task
    body: bytes


_DECODER = msgspec.json.Decoder(Task)


def decode_task(body: bytes) -> DecodedTask | None:
    """The line's task, or ``None`` when it does not have the shape above (or is not valid
    JSON or UTF-8): the caller then reads it as before."""
    if not body.isascii():
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return None
    try:
        return DecodedTask(_DECODER.decode(body), body)
    except (msgspec.DecodeError, RecursionError):
        return None


def predictions_unused(task: Task) -> bool:
    """Whether the task's ``predictions`` are absent, null or a list: what the record reader
    accepts without reading them (it refuses another truthy value; other falsy values are
    left to it too)."""
    raw = bytes(task.predictions)
    return not raw or raw[:1] == b"[" or raw == b"null"
