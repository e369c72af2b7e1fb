"""The document on screen and its spans, kept current from change summaries."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
    ValuesView,
)
from dataclasses import dataclass, field, replace

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.changes import ChangeSet
from annotator.core.document import Document, DocumentStatus
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.core.span_outline import SpanOutline

SpanLoader = Callable[[Sequence[int]], Iterable[Span]]
"""Full spans by id (those that still exist): the service's ``load_spans``."""


def _nothing(_ids: Sequence[int]) -> list[Span]:
    return []


class LazySpans(Mapping[SpanId, Span]):
    """The open document's spans by id: which ones exist is known from the outline, each full
    value is loaded on first use (in pages, see :meth:`prefetch`) and kept; edits put theirs.

    A span someone else deleted meanwhile disappears from the mapping when it fails to load.
    One someone else relabelled, moved or cut meanwhile (it no longer matches ``shown``, the
    outline the window paints) is kept with version 0: the window never saw its current
    version, so an edit of it is refused as stale and the document reloaded, as when every
    span was read at open. Either way ``changed`` is called, so the window can read the
    document again at once.
    """

    def __init__(
        self,
        ids: Iterable[int],
        load: SpanLoader,
        known: Iterable[Span] = (),
        shown: SpanOutline | None = None,
        changed: Callable[[], None] = lambda: None,
    ) -> None:
        self._ids: dict[int, None] = dict.fromkeys(ids)
        self._full: dict[int, Span] = {int(span.id): span for span in known}
        self._load = load
        self._shown = shown
        self._changed = changed

    def prefetch(self, ids: Iterable[int]) -> None:
        """Load the spans of ``ids`` that are not loaded yet, in one call."""
        missing = [i for i in ids if i in self._ids and i not in self._full]
        if not missing:
            return
        stale = False
        for span in self._load(missing):
            if self._shown is not None and not _as_shown(span, self._shown):
                span = replace(span, version=0)
                stale = True
            self._full[int(span.id)] = span
        for gone in [i for i in missing if i not in self._full]:
            del self._ids[gone]
            stale = True
        if stale:
            self._changed()

    def loaded(self, span_id: int) -> Span | None:
        """The span if it is loaded already (no database access)."""
        return self._full.get(span_id)

    def __getitem__(self, key: SpanId | int) -> Span:
        span = self._full.get(key)
        if span is None:
            self.prefetch((key,))
            span = self._full.get(key)
            if span is None:
                raise KeyError(key)
        return span

    def __contains__(self, key: object) -> bool:
        return key in self._ids

    def __iter__(self) -> Iterator[SpanId]:
        return iter([SpanId(i) for i in self._ids])

    def __len__(self) -> int:
        return len(self._ids)

    def values(self) -> ValuesView[Span]:
        self.prefetch(self._ids)
        return super().values()

    def items(self) -> ItemsView[SpanId, Span]:
        self.prefetch(self._ids)
        return super().items()

    def put(self, span: Span) -> None:
        self._ids[int(span.id)] = None
        self._full[int(span.id)] = span

    def drop(self, span_id: int) -> None:
        self._ids.pop(span_id, None)
        self._full.pop(span_id, None)


def _as_shown(span: Span, outline: SpanOutline) -> bool:
    """Whether ``span`` still has the label, extent and pieces ``outline`` gave it."""
    span_id = int(span.id)
    key = (span.start, span.end, span_id)
    entries = outline.entries
    row = bisect_left(entries, key)
    return (
        row < len(entries)
        and entries[row] == key
        and outline.labels.get(span_id) == span.label
        and outline.pieces.get(span_id, ()) == span.fragments
    )


@dataclass(slots=True)
class OpenDocument:
    """What the window knows about the shown document; the database stays the authority."""

    document: Document
    spans: LazySpans = field(default_factory=lambda: LazySpans((), _nothing))
    relations: dict[RelationId, Relation] = field(default_factory=dict)
    outline: SpanOutline = field(default_factory=SpanOutline)
    """The spans as opened (not kept current: :attr:`spans` is)."""

    @classmethod
    def from_annotated(cls, annotated: AnnotatedDocument) -> OpenDocument:
        spans = annotated.spans
        return cls(
            annotated.document,
            LazySpans((int(s.id) for s in spans), _nothing, spans),
            {relation.id: relation for relation in annotated.relations},
            SpanOutline.from_spans(spans),
        )

    @classmethod
    def from_outline(
        cls,
        document: Document,
        outline: SpanOutline,
        relations: Iterable[Relation],
        load: SpanLoader,
        changed: Callable[[], None] = lambda: None,
    ) -> OpenDocument:
        """``changed`` is called when a span loaded later was changed or deleted meanwhile."""
        return cls(
            document,
            LazySpans(outline.labels, load, shown=outline, changed=changed),
            {relation.id: relation for relation in relations},
            outline,
        )

    @property
    def id(self) -> DocumentId:
        return self.document.id

    @property
    def text(self) -> str:
        return self.document.text

    def span(self, span_id: SpanId | int | None) -> Span | None:
        if not span_id:
            return None
        return self.spans.get(SpanId(span_id))

    def touches(self, changes: ChangeSet) -> bool:
        return self.document.id in changes.document_ids

    def apply(self, changes: ChangeSet) -> None:
        """Bring the spans and relations up to date with an edit of this document."""
        doc_id = self.document.id
        if doc_id in changes.documents_started:
            self.document = replace(
                self.document, status=DocumentStatus.IN_PROGRESS, version=self.document.version + 1
            )
        for document_id, comment in changes.document_comments:
            if document_id == doc_id:
                self.document = replace(self.document, comment=comment)
        for span in changes.spans_removed:
            if span.document_id == doc_id:
                self.spans.drop(span.id)
        for _, after in changes.spans_updated:
            if after.document_id == doc_id:
                self.spans.put(after)
        for span in changes.spans_added:
            if span.document_id == doc_id:
                self.spans.put(span)
        for relation in changes.relations_removed:
            if relation.document_id == doc_id:
                self.relations.pop(relation.id, None)
        for _, relation in changes.relations_updated:
            if relation.document_id == doc_id:
                self.relations[relation.id] = relation
        for relation in changes.relations_added:
            if relation.document_id == doc_id:
                self.relations[relation.id] = relation
