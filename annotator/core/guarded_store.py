"""An annotation store that refuses writes the current identity may not make (role checks)."""

from __future__ import annotations

from annotator.core.annotation import Relation, Span
from annotator.core.edits import AnnotationStore
from annotator.core.errors import PermissionDeniedError
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.core.team import Identity


class GuardedStore:
    """Passes reads through; every write first checks whose layer it touches. Checking at the
    store catches every path (batches, undo steps, cascades from deleting a span)."""

    def __init__(self, store: AnnotationStore, identity: Identity) -> None:
        self._store = store
        self._identity = identity

    def _check(self, owner: str, what: str) -> None:
        if not self._identity.may_edit_layer(owner):
            me = self._identity.name or "an unnamed annotator"
            whose = f"{owner}'s" if owner else "unattributed"
            raise PermissionDeniedError(
                f"{me} ({self._identity.role.value}) cannot {what} {whose} annotations",
                code="ANN201",
            )

    def document_length(self, document_id: DocumentId) -> int | None:
        return self._store.document_length(document_id)

    def get_span(self, span_id: SpanId) -> Span | None:
        return self._store.get_span(span_id)

    def find_span(
        self, document_id: DocumentId, label: str, start: int, end: int, annotator: str = ""
    ) -> Span | None:
        return self._store.find_span(document_id, label, start, end, annotator)

    def get_relation(self, relation_id: RelationId) -> Relation | None:
        return self._store.get_relation(relation_id)

    def relations_of_span(self, span_id: SpanId) -> list[Relation]:
        return self._store.relations_of_span(span_id)

    def find_relation(self, type_: str, source: SpanId, target: SpanId) -> Relation | None:
        return self._store.find_relation(type_, source, target)

    def insert_span(self, span: Span) -> Span:
        self._check(span.annotator, "add to")
        return self._store.insert_span(span)

    def update_span(self, before: Span, after: Span) -> Span:
        self._check(before.annotator, "change")
        return self._store.update_span(before, after)

    def delete_span(self, span: Span) -> None:
        self._check(span.annotator, "delete")
        self._store.delete_span(span)

    def insert_relation(self, relation: Relation) -> Relation:
        self._check(relation.annotator, "add to")
        return self._store.insert_relation(relation)

    def update_relation(self, before: Relation, after: Relation) -> Relation:
        self._check(before.annotator, "change")
        return self._store.update_relation(before, after)

    def delete_relation(self, relation: Relation) -> None:
        self._check(relation.annotator, "delete")
        self._store.delete_relation(relation)

    def document_comment(self, document_id: DocumentId) -> str | None:
        return self._store.document_comment(document_id)

    def update_document_comment(self, document_id: DocumentId, before: str, after: str) -> None:
        # A document's comment is a shared note, not anyone's layer: every member may write it.
        self._store.update_document_comment(document_id, before, after)
