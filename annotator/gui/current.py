"""The document on screen and its spans, kept current from change summaries."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.changes import ChangeSet
from annotator.core.document import Document, DocumentStatus
from annotator.core.ids import DocumentId, RelationId, SpanId


@dataclass(slots=True)
class OpenDocument:
    """What the window knows about the shown document; the database stays the authority."""

    document: Document
    spans: dict[SpanId, Span] = field(default_factory=dict)
    relations: dict[RelationId, Relation] = field(default_factory=dict)

    @classmethod
    def from_annotated(cls, annotated: AnnotatedDocument) -> OpenDocument:
        return cls(
            annotated.document,
            {span.id: span for span in annotated.spans},
            {relation.id: relation for relation in annotated.relations},
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
                self.spans.pop(span.id, None)
        for _, after in changes.spans_updated:
            if after.document_id == doc_id:
                self.spans[after.id] = after
        for span in changes.spans_added:
            if span.document_id == doc_id:
                self.spans[span.id] = span
        for relation in changes.relations_removed:
            if relation.document_id == doc_id:
                self.relations.pop(relation.id, None)
        for _, relation in changes.relations_updated:
            if relation.document_id == doc_id:
                self.relations[relation.id] = relation
        for relation in changes.relations_added:
            if relation.document_id == doc_id:
                self.relations[relation.id] = relation
