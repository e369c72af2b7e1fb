"""An in-memory annotation store: the reference implementation of the store protocol."""

from __future__ import annotations

from dataclasses import replace

from annotator.core.annotation import NEW_RELATION, NEW_SPAN, Relation, Span
from annotator.core.errors import EditError, StaleDataError
from annotator.core.ids import DocumentId, RelationId, SpanId


class MemoryStore:
    """Spans and relations of documents held in dictionaries; ids count up from 1."""

    def __init__(self, document_lengths: dict[DocumentId, int]) -> None:
        self._lengths = dict(document_lengths)
        self.spans: dict[SpanId, Span] = {}
        self.relations: dict[RelationId, Relation] = {}
        self._next_span = 1
        self._next_relation = 1

    def document_length(self, document_id: DocumentId) -> int | None:
        return self._lengths.get(document_id)

    def get_span(self, span_id: SpanId) -> Span | None:
        return self.spans.get(span_id)

    def find_span(
        self, document_id: DocumentId, label: str, start: int, end: int, annotator: str
    ) -> Span | None:
        wanted = (document_id, label, start, end, annotator)
        for span in self.spans.values():
            if (span.document_id, span.label, span.start, span.end, span.annotator) == wanted:
                return span
        return None

    def get_relation(self, relation_id: RelationId) -> Relation | None:
        return self.relations.get(relation_id)

    def relations_of_span(self, span_id: SpanId) -> list[Relation]:
        return sorted(
            (r for r in self.relations.values() if span_id in (r.source, r.target)),
            key=lambda r: r.id,
        )

    def find_relation(self, type_: str, source: SpanId, target: SpanId) -> Relation | None:
        for relation in self.relations.values():
            if (relation.type, relation.source, relation.target) == (type_, source, target):
                return relation
        return None

    def insert_span(self, span: Span) -> Span:
        if span.id == NEW_SPAN:
            span = replace(span, id=SpanId(self._next_span), version=1)
        elif span.id in self.spans:
            raise EditError(f"span {span.id} already exists", code="ANN151")
        self._next_span = max(self._next_span, span.id + 1)
        self.spans[span.id] = span
        return span

    def update_span(self, before: Span, after: Span) -> Span:
        current = self.spans.get(before.id)
        if current is None or current.version != before.version:
            raise StaleDataError(f"span {before.id} was changed by someone else", code="ANN162")
        after = replace(after, version=before.version + 1)
        self.spans[after.id] = after
        return after

    def delete_span(self, span: Span) -> None:
        if self.spans.pop(span.id, None) is None:
            raise StaleDataError(f"span {span.id} no longer exists", code="ANN161")

    def insert_relation(self, relation: Relation) -> Relation:
        if relation.id == NEW_RELATION:
            relation = replace(relation, id=RelationId(self._next_relation), version=1)
        elif relation.id in self.relations:
            raise EditError(f"relation {relation.id} already exists", code="ANN151")
        self._next_relation = max(self._next_relation, relation.id + 1)
        self.relations[relation.id] = relation
        return relation

    def update_relation(self, before: Relation, after: Relation) -> Relation:
        current = self.relations.get(before.id)
        if current is None or current.version != before.version:
            raise StaleDataError(f"relation {before.id} was changed by someone else", code="ANN162")
        after = replace(after, version=before.version + 1)
        self.relations[after.id] = after
        return after

    def delete_relation(self, relation: Relation) -> None:
        if self.relations.pop(relation.id, None) is None:
            raise StaleDataError(f"relation {relation.id} no longer exists", code="ANN161")
