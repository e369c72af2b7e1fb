"""An imported document whose spans are all plain, held column by column.

Most imported documents are new texts with spans that have a label and an extent and nothing
else (no attributes, notes, pieces or relations), all in one annotator's layer. A
:class:`PlainDraft` holds such spans as three columns instead of a record per span: an import
of 200,000 spans then sends, checks and stores three tuples per document. Anything less usual
stays an :class:`AnnotatedDraft`; :meth:`PlainDraft.annotated` turns a plain one back into one.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from annotator.core.document import DocumentDraft, DocumentStatus
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord

_PLAIN_PARTS = attrgetter("attributes", "note", "fragments")
_EXTENT = attrgetter("label", "start", "end")
_ANNOTATOR = attrgetter("annotator")


@dataclass(frozen=True, slots=True)
class PlainDraft:
    """A document with spans ``labels[i]``, ``starts[i]``-``ends[i]`` (code points), all made
    by ``annotator``, each with a different label or extent; the other fields are those of
    :class:`AnnotatedDraft`."""

    draft: DocumentDraft
    origin: str
    labels: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    annotator: str
    status: DocumentStatus | None = None
    note: str = ""
    comment: str = ""

    @property
    def relations(self) -> tuple[RelationRecord, ...]:
        return ()

    @property
    def spans(self) -> tuple[SpanRecord, ...]:
        """The spans as records, keyed by their place (``"0"``, ``"1"``, ...)."""
        annotator = self.annotator
        return tuple(
            SpanRecord(str(i), label, start, end, {}, annotator)
            for i, (label, start, end) in enumerate(
                zip(self.labels, self.starts, self.ends, strict=True)
            )
        )

    def annotated(self) -> AnnotatedDraft:
        return AnnotatedDraft(
            self.draft, self.origin, self.spans, (), self.status, self.note, self.comment
        )


def as_plain(item: AnnotatedDraft) -> PlainDraft | None:
    """``item`` as a :class:`PlainDraft`, or ``None`` when it is not plain: it has relations,
    a span with attributes, a note or pieces, spans in two layers, or two spans with the same
    label and extent."""
    spans = item.spans
    if item.relations or not spans:
        return None
    if any(map(any, map(_PLAIN_PARTS, spans))):
        return None
    if len(set(map(_ANNOTATOR, spans))) != 1:
        return None
    extents = list(map(_EXTENT, spans))
    if len(set(extents)) != len(extents):
        return None
    labels, starts, ends = zip(*extents, strict=True)
    return PlainDraft(
        item.draft,
        item.origin,
        labels,
        starts,
        ends,
        spans[0].annotator,
        item.status,
        item.note,
        item.comment,
    )
