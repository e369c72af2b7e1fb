"""The contract every format module fulfils: an exporter, an importer, or both.

Exporters stream documents into an :class:`OutputSink` (the service makes it atomic: nothing is
left behind when an export fails or is cancelled) and return a :class:`LossReport` of what the
format could not carry. Importers read a path and yield :class:`AnnotatedDraft` values (or,
asked with ``ImportOptions.plain``, :class:`PlainDraft` values for documents whose spans are
only labels and extents) or :class:`Failure` values (file, line, reason) and go on after a bad
record.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO, Protocol, TextIO, TypeVar

from annotator.core.annotation import CURATION_ANNOTATOR, AnnotatedDocument
from annotator.core.document import Document
from annotator.core.interchange import AnnotatedDraft
from annotator.core.offsets import Unit
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.core.text import plural


class Layout(StrEnum):
    FILE = "file"
    """One main file (plus side files beside it, e.g. the Label Studio config)."""
    FOLDER = "folder"
    """Many files: written into a folder, or a ``.zip`` when the output name ends in .zip."""


class OverlapPolicy(StrEnum):
    COLUMNS = "columns"
    """One tag column per overlap layer (CoNLL)."""
    PRIORITY = "priority"
    """Keep the span whose label comes first in the priority order (schema order by default)."""
    DROP = "drop"
    """Drop every span that overlaps another."""


class Loss(StrEnum):
    OVERLAPS = "overlapping spans"
    """Spans that overlap at least one other span of their document (both of a pair count, as
    :func:`count_overlapping` counts them), whatever the format then does with them; a format
    that leaves some out also reports them as :attr:`DROPPED`."""
    DROPPED = "spans left out"
    """Spans not written at all (an overlap policy, no token to put them on)."""
    RELATIONS = "relations"
    ATTRIBUTES = "attributes"
    UNALIGNED = "spans not aligned to tokens"
    DISCONTINUOUS = "discontinuous spans, written as their hull (first to last piece)"
    NOTES = "comments on spans, relations or documents"
    CHARACTERS = "characters the format cannot hold"

    def counted(self, count: int) -> str:
        """``"1 overlapping span"``, ``"2 overlapping spans"``."""
        return f"{count:,} {self.value if count != 1 else _SINGULAR[self]}"


_SINGULAR = {
    Loss.OVERLAPS: "overlapping span",
    Loss.DROPPED: "span left out",
    Loss.RELATIONS: "relation",
    Loss.ATTRIBUTES: "attribute",
    Loss.UNALIGNED: "span not aligned to tokens",
    Loss.DISCONTINUOUS: "discontinuous span, written as its hull (first to last piece)",
    Loss.NOTES: "comment on a span, relation or document",
    Loss.CHARACTERS: "character the format cannot hold",
}


UNALIGNED_NOTE = "widened to whole tokens when written"
"""What every token format says of :attr:`Loss.UNALIGNED` (the one sentence, said once)."""


def widened_example(label: str, covered: str, widened: str) -> str:
    """A :attr:`Loss.UNALIGNED` example, alike in every format: ``LOCATION 'Alep' widened to
    'Aleppo'`` (callers put the document's place first)."""
    return f"{label} {covered!r} widened to {widened!r}"


def no_token_example(label: str, covered: str) -> str:
    """A :attr:`Loss.DROPPED` example for a span no token can carry (whitespace between
    tokens, or past them), alike in every format."""
    return f"{label} {covered!r} is on no token"


def describe_attributes(label: str, attributes: Mapping[str, object]) -> str:
    """How loss examples show a span's attributes: ``CASUALTY_FIGURE count=7, outcome='killed'``."""
    return f"{label} " + ", ".join(f"{name}={value!r}" for name, value in attributes.items())


@dataclass(slots=True)
class LossReport:
    """What an export left out, by kind, with counts (and a few examples for the user)."""

    counts: Counter[Loss] = field(default_factory=Counter)
    examples: dict[Loss, list[str]] = field(default_factory=dict)
    notes: dict[Loss, str] = field(default_factory=dict)
    """What the format does with a kind of loss, said once (not an example)."""
    spans_left_out: Counter[str] = field(default_factory=Counter)
    """Spans a layer choice kept out of the export, by layer (annotator name)."""
    relations_left_out: Counter[str] = field(default_factory=Counter)
    """Relations a layer choice kept out of the export, by layer."""

    def leave_out(self, layer: str, spans: int, relations: int) -> None:
        if spans:
            self.spans_left_out[layer] += spans
        if relations:
            self.relations_left_out[layer] += relations

    def add(self, loss: Loss, count: int = 1, example: str = "", note: str = "") -> None:
        if count <= 0:
            return
        self.counts[loss] += count
        if note or loss is Loss.UNALIGNED:
            self.notes.setdefault(loss, note or UNALIGNED_NOTE)
        if example:
            shown = self.examples.setdefault(loss, [])
            if len(shown) < 3:
                shown.append(example)

    def merge(self, other: LossReport) -> None:
        for loss, count in other.counts.items():
            self.counts[loss] += count
        for loss, shown in other.examples.items():
            mine = self.examples.setdefault(loss, [])
            mine.extend(shown[: 3 - len(mine)])
        for loss, note in other.notes.items():
            self.notes.setdefault(loss, note)
        self.spans_left_out.update(other.spans_left_out)
        self.relations_left_out.update(other.relations_left_out)

    @property
    def empty(self) -> bool:
        return not any(self.counts.values()) and not self.left_out()

    def left_out(self) -> list[str]:
        """One line per layer a layer choice left out: how many of its spans and relations."""
        out = []
        for layer in sorted(set(self.spans_left_out) | set(self.relations_left_out)):
            counts = (
                plural(n, noun)
                for n, noun in (
                    (self.spans_left_out[layer], "span"),
                    (self.relations_left_out[layer], "relation"),
                )
                if n
            )
            what = " and ".join(counts)
            if what:
                out.append(f"{what} of {layer_title(layer)} not exported (not in the chosen layer)")
        return out

    def lines(self) -> list[str]:
        """Everything left out: what the format cannot carry, then the layers not chosen."""
        return self.format_lines() + self.left_out()

    def format_lines(self) -> list[str]:
        """What the format cannot carry, one line per kind of loss."""
        out = []
        for loss, count in sorted(self.counts.items(), key=lambda item: item[0].value):
            if count:
                note = f": {self.notes[loss]}" if loss in self.notes else ""
                shown = list(dict.fromkeys(self.examples.get(loss, ())))
                detail = f" (e.g. {'; '.join(shown)})" if shown else ""
                out.append(f"{loss.counted(count)}{note}{detail}")
        return out


def layer_title(layer: str) -> str:
    """How a report names a layer: "the curated layer", "ben's layer"."""
    if layer == CURATION_ANNOTATOR:
        return "the curated layer"
    return f"{layer}'s layer" if layer else "the unnamed layer"


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a format can carry; the generic loss check uses it."""

    overlaps: bool = True
    relations: bool = True
    attributes: bool = True
    discontinuous: bool = False
    """Spans made of several pieces are written as such (else as their hull, reported)."""
    notes: bool = False
    """Comments on spans and relations are written (else dropped, reported)."""
    document_notes: bool = False
    """A comment on a whole document is written (else dropped, reported)."""
    token_based: bool = False
    """Spans become token tags: a span not on token boundaries is widened (reported)."""


@dataclass(frozen=True, slots=True)
class ExportOptions:
    offset_unit: Unit = Unit.CODE_POINT
    overlap_policy: OverlapPolicy = OverlapPolicy.PRIORITY
    label_priority: tuple[str, ...] = ()
    """For OverlapPolicy.PRIORITY: labels in order of preference (default: the schema order)."""
    scheme: str = "IOB2"
    """Tagging scheme of token formats: IOB2 or BILOU."""
    as_predictions: bool = False
    """Label Studio: write the spans as predictions instead of annotations."""
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportOptions:
    offset_unit: Unit | None = None
    """The unit the file's offsets are in; ``None`` detects it against the text."""
    label_feature: str = ""
    """Formats with typed layers (XMI): the feature that carries the label."""
    annotator: str = ""
    """Who made the imported annotations when the file does not say."""
    extra: Mapping[str, str] = field(default_factory=dict)
    plain: bool = False
    """The reader may yield a :class:`PlainDraft` instead of an AnnotatedDraft for a document
    whose spans are plain (the import service sets it; readers that ignore it are fine)."""


class OutputSink(Protocol):
    """Where an exporter writes. For FILE layouts ``main`` is the file the user named and
    ``beside`` adds ``<stem><suffix>`` next to it; for FOLDER layouts ``member`` adds a file at a
    relative path inside the folder or zip."""

    def main_text(self) -> AbstractContextManager[TextIO]: ...

    def main_binary(self) -> AbstractContextManager[BinaryIO]: ...

    def beside(self, suffix: str) -> AbstractContextManager[TextIO]: ...

    def member(self, relative: str) -> AbstractContextManager[TextIO]: ...

    def member_binary(self, relative: str) -> AbstractContextManager[BinaryIO]: ...


class Exporter(Protocol):
    name: str
    layout: Layout
    capabilities: Capabilities

    def write(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        sink: OutputSink,
        options: ExportOptions,
    ) -> LossReport: ...


class Importer(Protocol):
    name: str

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | PlainDraft | Failure]: ...


def generic_losses(items: Iterable[AnnotatedDocument], capabilities: Capabilities) -> LossReport:
    """What a format with these capabilities cannot carry from these documents (before export).

    Token alignment is checked by token formats themselves; this counts the rest.
    """
    report = LossReport()
    for item in items:
        if not capabilities.relations:
            report.add(Loss.RELATIONS, len(item.relations))
        if not capabilities.attributes:
            with_attributes = [s for s in item.spans if s.attributes]
            report.add(
                Loss.ATTRIBUTES,
                sum(len(s.attributes) for s in with_attributes),
                describe_attributes(with_attributes[0].label, with_attributes[0].attributes)
                if with_attributes
                else "",
            )
        if not capabilities.overlaps:
            report.add(Loss.OVERLAPS, count_overlapping(item))
    return report


def shape_losses(item: AnnotatedDocument, capabilities: Capabilities, report: LossReport) -> None:
    """Add what a format loses of one document's discontinuous spans and comments: every
    format writes a discontinuous span at least as its hull, so only its gaps are lost."""
    if not capabilities.discontinuous and any(map(_FRAGMENTS, item.spans)):
        pieced = [s for s in item.spans if s.fragments]
        first = pieced[0]
        shown = " … ".join(item.document.text[a:b] for a, b in first.fragments)
        where = _where(item)
        report.add(Loss.DISCONTINUOUS, len(pieced), f"{where}: {first.label} {shown!r}")
    if not capabilities.notes and (
        any(map(_COMMENT, item.spans)) or any(map(_COMMENT, item.relations))
    ):
        commented = [s for s in item.spans if s.comment]
        linked = [r for r in item.relations if r.comment]
        example = commented[0].comment if commented else linked[0].comment
        where = _where(item)
        report.add(Loss.NOTES, len(commented) + len(linked), f"{where}: {example[:40]!r}")
    if not capabilities.document_notes and item.document.comment:
        where = _where(item)
        report.add(Loss.NOTES, 1, f"{where}: the document's comment")


def _where(item: AnnotatedDocument) -> str:
    return document_place(item.document)


def document_place(document: Document) -> str:
    """How loss examples name a document: its external id, else ``doc-<id>``."""
    return document.external_id or f"doc-{document.id}"


_FRAGMENTS = attrgetter("fragments")
_COMMENT = attrgetter("comment")


def watch_shape_losses(
    items: Iterable[AnnotatedDocument], capabilities: Capabilities, report: LossReport
) -> Iterator[AnnotatedDocument]:
    """``items`` unchanged, counting :func:`shape_losses` into ``report`` as they pass."""
    for item in items:
        shape_losses(item, capabilities, report)
        yield item


def count_overlapping(item: AnnotatedDocument) -> int:
    """How many spans overlap at least one other span (spans are ordered by start)."""
    overlapping: set[int] = set()
    furthest_end = -1
    furthest_id = None
    for span in item.spans:
        if span.start < furthest_end and furthest_id is not None:
            overlapping.add(span.id)
            overlapping.add(furthest_id)
        if span.end > furthest_end:
            furthest_end, furthest_id = span.end, span.id
    return len(overlapping)


def overlap_example(item: AnnotatedDocument) -> str:
    """The first two overlapping spans of a document, for a loss report ("" when none)."""
    furthest = None
    text = item.document.text
    for span in item.spans:
        if furthest is not None and span.start < furthest.end:
            shown = (f"{s.label} {text[s.start : s.end]!r}" for s in (furthest, span))
            return f"{_where(item)}: " + " overlaps ".join(shown)
        if furthest is None or span.end > furthest.end:
            furthest = span
    return ""


def read_text_lines(handle: TextIO) -> Iterator[tuple[int, str]]:
    """Numbered lines without their line ending (1-based, for error messages)."""
    for number, line in enumerate(handle, start=1):
        yield number, line.rstrip("\n").rstrip("\r")


_Read = TypeVar("_Read")


def read_text_file(
    path: Path,
    read: Callable[[TextIO], Iterator[_Read]],
    *,
    encoding: str = "utf-8",
) -> Iterator[_Read | Failure]:
    """Open ``path`` and stream ``read`` over it; an unreadable or non-UTF-8 file becomes a
    Failure naming it instead of an exception, after whatever was read before the bad byte."""
    try:
        handle = path.open(encoding=encoding)
    except OSError as error:
        yield Failure(str(path), None, f"cannot read ({error.strerror})", "ANN133")
        return
    with handle:
        try:
            yield from read(handle)
        except UnicodeDecodeError as error:
            yield Failure(str(path), None, f"not UTF-8 text (byte {error.start})", "ANN136")


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class MemberNames:
    """Unique, file-system-safe names for the files of a folder or zip export (unique ignoring
    case, for Windows and macOS)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, key: str) -> str:
        base = _UNSAFE_NAME.sub("_", key).strip("._")[:120] or "doc"
        name, n = base, 1
        while name.lower() in self._taken:
            n += 1
            name = f"{base}-{n}"
        self._taken.add(name.lower())
        return name
