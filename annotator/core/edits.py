"""Reversible edits: values describing one change to a document's annotations, and their applier.

An edit is applied to an :class:`AnnotationStore` (the in-memory one in
:mod:`annotator.core.memory_store`, or the database-backed one in ``storage``). Applying returns
what changed and the inverse edit, which undoes it when applied in turn. The rules live here once,
whatever the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from annotator.core.annotation import NEW_RELATION, NEW_SPAN, Relation, Span
from annotator.core.changes import ChangeSet
from annotator.core.errors import EditError, SchemaError, StaleDataError
from annotator.core.fragments import as_fragments, normalised, resized, with_piece, without_piece
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.core.schema import AttributeValue, LabelSchema


@dataclass(frozen=True, slots=True)
class AddSpan:
    document_id: DocumentId
    label: str
    start: int
    end: int
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    annotator: str = ""
    span_id: SpanId = NEW_SPAN
    """Set when re-adding a removed span (undo), so relations and references stay valid."""
    created_at: datetime | None = None
    fragments: tuple[tuple[int, int], ...] = ()
    """The pieces of a discontinuous span (their hull is ``start``/``end``); empty otherwise."""
    comment: str = ""


@dataclass(frozen=True, slots=True)
class RemoveSpan:
    span_id: SpanId
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class RelabelSpan:
    span_id: SpanId
    label: str
    attributes: Mapping[str, AttributeValue] | None = None
    """The new attributes; ``None`` keeps those the new label also defines."""
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class ResizeSpan:
    span_id: SpanId
    start: int
    end: int
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class SetAttribute:
    span_id: SpanId
    name: str
    value: AttributeValue | None
    """``None`` removes the attribute."""
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class AddRelation:
    document_id: DocumentId
    type: str
    source: SpanId
    target: SpanId
    annotator: str = ""
    relation_id: RelationId = NEW_RELATION
    created_at: datetime | None = None
    comment: str = ""


@dataclass(frozen=True, slots=True)
class RemoveRelation:
    relation_id: RelationId
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class RetypeRelation:
    relation_id: RelationId
    type: str
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class AddFragment:
    """Add ``[start, end)`` to a span's pieces (it becomes discontinuous); touching pieces join,
    an overlapping one is refused."""

    span_id: SpanId
    start: int
    end: int
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class RemoveFragment:
    """Cut ``[start, end)`` (inside one piece) out of a span; one piece left: contiguous."""

    span_id: SpanId
    start: int
    end: int
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class SetSpanComment:
    span_id: SpanId
    comment: str
    """The new comment; ``""`` removes it."""
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class SetRelationComment:
    relation_id: RelationId
    comment: str
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class SetDocumentComment:
    """The document's comment. Locking compares the comment itself (``expected``) rather than
    the document's version, which marks status changes."""

    document_id: DocumentId
    comment: str
    expected: str | None = None
    """The comment this edit replaces; a different one in the store is a stale edit."""


@dataclass(frozen=True, slots=True)
class Batch:
    """Several edits applied in order as one; its inverse undoes them in reverse order."""

    edits: tuple[Edit, ...]
    description: str = ""


Edit = (
    AddSpan
    | RemoveSpan
    | RelabelSpan
    | ResizeSpan
    | SetAttribute
    | AddRelation
    | RemoveRelation
    | RetypeRelation
    | Batch
    | AddFragment
    | RemoveFragment
    | SetSpanComment
    | SetRelationComment
    | SetDocumentComment
)


def describe(edit: Edit) -> str:
    """A short name for menus and the status bar, e.g. ``Add ACTOR span``."""
    match edit:
        case AddSpan(label=label):
            return f"Add {label} span"
        case RemoveSpan():
            return "Delete span"
        case RelabelSpan(label=label):
            return f"Relabel span as {label}"
        case ResizeSpan():
            return "Resize span"
        case SetAttribute(name=name):
            return f"Set {name}"
        case AddRelation(type=type_):
            return f"Add {type_} relation"
        case RemoveRelation():
            return "Delete relation"
        case RetypeRelation(type=type_):
            return f"Change relation to {type_}"
        case Batch(edits=edits, description=description):
            if description:
                return description
            return describe(edits[0]) if len(edits) == 1 else f"{len(edits)} edits"
        case AddFragment():
            return "Add fragment to span"
        case RemoveFragment():
            return "Remove fragment from span"
        case SetSpanComment(comment=comment):
            return "Comment on span" if comment else "Remove span comment"
        case SetRelationComment(comment=comment):
            return "Comment on relation" if comment else "Remove relation comment"
        case SetDocumentComment(comment=comment):
            return "Comment on document" if comment else "Remove document comment"


@dataclass(frozen=True, slots=True)
class AppliedEdit:
    edit: Edit
    changes: ChangeSet
    inverse: Edit


class AnnotationStore(Protocol):
    """What the applier needs from wherever annotations live; ids are assigned on insert."""

    def document_length(self, document_id: DocumentId) -> int | None: ...

    def get_span(self, span_id: SpanId) -> Span | None: ...

    def find_span(
        self, document_id: DocumentId, label: str, start: int, end: int, annotator: str = ""
    ) -> Span | None:
        """The span with this label and extent in ``annotator``'s layer (each annotator may
        mark the same words with the same label)."""
        ...

    def get_relation(self, relation_id: RelationId) -> Relation | None: ...

    def relations_of_span(self, span_id: SpanId) -> list[Relation]: ...

    def find_relation(self, type_: str, source: SpanId, target: SpanId) -> Relation | None: ...

    def insert_span(self, span: Span) -> Span: ...

    def update_span(self, before: Span, after: Span) -> Span: ...

    def delete_span(self, span: Span) -> None: ...

    def insert_relation(self, relation: Relation) -> Relation: ...

    def update_relation(self, before: Relation, after: Relation) -> Relation: ...

    def delete_relation(self, relation: Relation) -> None: ...

    def document_comment(self, document_id: DocumentId) -> str | None:
        """The document's comment (``""`` when it has none), ``None`` when there is no such
        document."""
        ...

    def update_document_comment(self, document_id: DocumentId, before: str, after: str) -> None:
        """Replace the comment, refused (StaleDataError) when it is no longer ``before``."""
        ...


class EditApplier:
    """Applies edits to a store under a schema, checking every rule and building inverses."""

    def __init__(self, store: AnnotationStore, schema: LabelSchema, now: datetime) -> None:
        self._store = store
        self._schema = schema
        self._now = now

    def apply(self, edit: Edit) -> AppliedEdit:
        match edit:
            case AddSpan():
                return self._add_span(edit)
            case RemoveSpan():
                return self._remove_span(edit)
            case RelabelSpan():
                return self._relabel_span(edit)
            case ResizeSpan():
                return self._resize_span(edit)
            case SetAttribute():
                return self._set_attribute(edit)
            case AddRelation():
                return self._add_relation(edit)
            case RemoveRelation():
                return self._remove_relation(edit)
            case RetypeRelation():
                return self._retype_relation(edit)
            case Batch():
                return self._batch(edit)
            case AddFragment() | RemoveFragment():
                return self._change_fragments(edit)
            case SetSpanComment():
                return self._set_span_comment(edit)
            case SetRelationComment():
                return self._set_relation_comment(edit)
            case SetDocumentComment():
                return self._set_document_comment(edit)

    # -- spans ----------------------------------------------------------------------------------

    def _add_span(self, edit: AddSpan) -> AppliedEdit:
        self._check_range(edit.document_id, edit.start, edit.end)
        if edit.fragments:
            _check_fragments(edit.fragments, edit.start, edit.end)
        attributes = self._checked_attributes(edit.label, edit.attributes)
        found = self._store.find_span(
            edit.document_id, edit.label, edit.start, edit.end, edit.annotator
        )
        if found is not None:
            raise EditError(
                f"a {edit.label} span already covers {edit.start}-{edit.end}", code="ANN151"
            )
        span = self._store.insert_span(
            Span(
                id=edit.span_id,
                document_id=edit.document_id,
                label=edit.label,
                start=edit.start,
                end=edit.end,
                attributes=attributes,
                annotator=edit.annotator,
                created_at=edit.created_at or self._now,
                updated_at=self._now,
                fragments=tuple(edit.fragments),
                comment=edit.comment,
            )
        )
        return AppliedEdit(edit, ChangeSet(spans_added=(span,)), RemoveSpan(span.id, span.version))

    def _remove_span(self, edit: RemoveSpan) -> AppliedEdit:
        span = self._existing_span(edit.span_id, edit.expected_version)
        relations = self._store.relations_of_span(span.id)
        for relation in relations:
            self._store.delete_relation(relation)
        self._store.delete_span(span)
        restore: list[Edit] = [
            AddSpan(
                span.document_id,
                span.label,
                span.start,
                span.end,
                dict(span.attributes),
                span.annotator,
                span.id,
                span.created_at,
                span.fragments,
                span.comment,
            )
        ]
        restore.extend(_re_add(relation) for relation in relations)
        inverse: Edit = restore[0] if len(restore) == 1 else Batch(tuple(restore), "Restore span")
        changes = ChangeSet(spans_removed=(span,), relations_removed=tuple(relations))
        return AppliedEdit(edit, changes, inverse)

    def _relabel_span(self, edit: RelabelSpan) -> AppliedEdit:
        span = self._existing_span(edit.span_id, edit.expected_version)
        label = self._schema.label(edit.label)
        if label is None:
            raise EditError(f"unknown label {edit.label!r}", code="ANN152")
        if edit.attributes is None:
            attributes = {k: v for k, v in span.attributes.items() if label.attribute(k)}
        else:
            attributes = self._checked_attributes(edit.label, edit.attributes)
        if edit.label != span.label:
            clash = self._store.find_span(
                span.document_id, edit.label, span.start, span.end, span.annotator
            )
            if clash is not None:
                raise EditError(
                    f"a {edit.label} span already covers {span.start}-{span.end}", code="ANN151"
                )
        for relation in self._store.relations_of_span(span.id):
            self._check_relation_still_allowed(relation, span.id, edit.label)
        after = self._update_span(span, label=edit.label, attributes=attributes)
        inverse = RelabelSpan(span.id, span.label, dict(span.attributes), after.version)
        return AppliedEdit(edit, ChangeSet(spans_updated=((span, after),)), inverse)

    def _resize_span(self, edit: ResizeSpan) -> AppliedEdit:
        span = self._existing_span(edit.span_id, edit.expected_version)
        self._check_range(span.document_id, edit.start, edit.end)
        if (edit.start, edit.end) != (span.start, span.end):
            clash = self._store.find_span(
                span.document_id, span.label, edit.start, edit.end, span.annotator
            )
            if clash is not None:
                raise EditError(
                    f"a {span.label} span already covers {edit.start}-{edit.end}", code="ANN151"
                )
        pieces = as_fragments(resized(span.pieces, edit.start, edit.end))
        after = self._update_span(span, start=edit.start, end=edit.end, fragments=pieces)
        inverse = ResizeSpan(span.id, span.start, span.end, after.version)
        return AppliedEdit(edit, ChangeSet(spans_updated=((span, after),)), inverse)

    def _set_attribute(self, edit: SetAttribute) -> AppliedEdit:
        span = self._existing_span(edit.span_id, edit.expected_version)
        attributes = dict(span.attributes)
        if edit.value is None:
            attributes.pop(edit.name, None)
        else:
            attributes.update(self._checked_attributes(span.label, {edit.name: edit.value}))
        after = self._update_span(span, attributes=attributes)
        inverse = SetAttribute(span.id, edit.name, span.attributes.get(edit.name), after.version)
        return AppliedEdit(edit, ChangeSet(spans_updated=((span, after),)), inverse)

    def _change_fragments(self, edit: AddFragment | RemoveFragment) -> AppliedEdit:
        span = self._existing_span(edit.span_id, edit.expected_version)
        adding = isinstance(edit, AddFragment)
        if adding:
            self._check_range(span.document_id, edit.start, edit.end)
            pieces = with_piece(span.pieces, edit.start, edit.end)
        else:
            pieces = without_piece(span.pieces, edit.start, edit.end)
        start, end = pieces[0][0], pieces[-1][1]
        if (start, end) != (span.start, span.end):
            clash = self._store.find_span(span.document_id, span.label, start, end, span.annotator)
            if clash is not None:
                raise EditError(f"a {span.label} span already covers {start}-{end}", code="ANN151")
        after = self._update_span(span, start=start, end=end, fragments=as_fragments(pieces))
        undo = RemoveFragment if adding else AddFragment
        inverse = undo(span.id, edit.start, edit.end, after.version)
        return AppliedEdit(edit, ChangeSet(spans_updated=((span, after),)), inverse)

    def _set_span_comment(self, edit: SetSpanComment) -> AppliedEdit:
        span = self._existing_span(edit.span_id, edit.expected_version)
        after = self._update_span(span, comment=edit.comment)
        inverse = SetSpanComment(span.id, span.comment, after.version)
        return AppliedEdit(edit, ChangeSet(spans_updated=((span, after),)), inverse)

    # -- relations ------------------------------------------------------------------------------

    def _add_relation(self, edit: AddRelation) -> AppliedEdit:
        source = self._existing_span(edit.source, None)
        target = self._existing_span(edit.target, None)
        if source.document_id != edit.document_id or target.document_id != edit.document_id:
            raise EditError("a relation must link two spans of the same document", code="ANN153")
        if source.id == target.id:
            raise EditError("a relation cannot link a span to itself", code="ANN153")
        self._check_relation_type(edit.type, source.label, target.label)
        if self._store.find_relation(edit.type, source.id, target.id) is not None:
            raise EditError(f"this {edit.type} relation already exists", code="ANN151")
        relation = self._store.insert_relation(
            Relation(
                id=edit.relation_id,
                document_id=edit.document_id,
                type=edit.type,
                source=source.id,
                target=target.id,
                annotator=edit.annotator,
                created_at=edit.created_at or self._now,
                updated_at=self._now,
                comment=edit.comment,
            )
        )
        inverse = RemoveRelation(relation.id, relation.version)
        return AppliedEdit(edit, ChangeSet(relations_added=(relation,)), inverse)

    def _remove_relation(self, edit: RemoveRelation) -> AppliedEdit:
        relation = self._existing_relation(edit.relation_id, edit.expected_version)
        self._store.delete_relation(relation)
        return AppliedEdit(edit, ChangeSet(relations_removed=(relation,)), _re_add(relation))

    def _retype_relation(self, edit: RetypeRelation) -> AppliedEdit:
        relation = self._existing_relation(edit.relation_id, edit.expected_version)
        source = self._existing_span(relation.source, None)
        target = self._existing_span(relation.target, None)
        self._check_relation_type(edit.type, source.label, target.label)
        after = self._store.update_relation(
            relation, replace(relation, type=edit.type, updated_at=self._now)
        )
        inverse = RetypeRelation(relation.id, relation.type, after.version)
        return AppliedEdit(edit, ChangeSet(relations_updated=((relation, after),)), inverse)

    def _set_relation_comment(self, edit: SetRelationComment) -> AppliedEdit:
        relation = self._existing_relation(edit.relation_id, edit.expected_version)
        after = self._store.update_relation(
            relation, replace(relation, comment=edit.comment, updated_at=self._now)
        )
        inverse = SetRelationComment(relation.id, relation.comment, after.version)
        return AppliedEdit(edit, ChangeSet(relations_updated=((relation, after),)), inverse)

    # -- documents ------------------------------------------------------------------------------

    def _set_document_comment(self, edit: SetDocumentComment) -> AppliedEdit:
        current = self._store.document_comment(edit.document_id)
        if current is None:
            raise EditError(f"no document with id {edit.document_id}", code="ANN154")
        if edit.expected is not None and current != edit.expected:
            raise StaleDataError(
                f"the comment of document {edit.document_id} was changed by someone else; "
                "reload to see it",
                code="ANN254",
            )
        self._store.update_document_comment(edit.document_id, current, edit.comment)
        changes = ChangeSet(document_comments=((edit.document_id, edit.comment),))
        inverse = SetDocumentComment(edit.document_id, current, edit.comment)
        return AppliedEdit(edit, changes, inverse)

    def _batch(self, edit: Batch) -> AppliedEdit:
        changes = ChangeSet()
        inverses: list[Edit] = []
        for part in edit.edits:
            applied = self.apply(part)
            changes = changes.merged(applied.changes)
            inverses.append(applied.inverse)
        inverse = Batch(tuple(reversed(inverses)), edit.description)
        return AppliedEdit(edit, changes, inverse)

    # -- checks ---------------------------------------------------------------------------------

    def _check_range(self, document_id: DocumentId, start: int, end: int) -> None:
        length = self._store.document_length(document_id)
        if length is None:
            raise EditError(f"no document with id {document_id}", code="ANN154")
        if not 0 <= start < end <= length:
            raise EditError(
                f"span {start}-{end} is empty or outside the text (0-{length})", code="ANN155"
            )

    def _checked_attributes(
        self, label: str, attributes: Mapping[str, AttributeValue]
    ) -> dict[str, AttributeValue]:
        try:
            return self._schema.check_attributes(label, attributes)
        except SchemaError as error:
            raise EditError(error.message, code=error.code) from None

    def _existing_span(self, span_id: SpanId, expected_version: int | None) -> Span:
        span = self._store.get_span(span_id)
        if span is None:
            raise StaleDataError(f"span {span_id} no longer exists", code="ANN161")
        if expected_version is not None and span.version != expected_version:
            raise StaleDataError(
                f"span {span_id} was changed by someone else (version {span.version}, "
                f"expected {expected_version})",
                code="ANN162",
            )
        return span

    def _existing_relation(self, relation_id: RelationId, expected_version: int | None) -> Relation:
        relation = self._store.get_relation(relation_id)
        if relation is None:
            raise StaleDataError(f"relation {relation_id} no longer exists", code="ANN161")
        if expected_version is not None and relation.version != expected_version:
            raise StaleDataError(
                f"relation {relation_id} was changed by someone else", code="ANN162"
            )
        return relation

    def _check_relation_type(self, type_: str, source_label: str, target_label: str) -> None:
        relation_type = self._schema.relation_type(type_)
        if relation_type is None:
            raise EditError(f"unknown relation type {type_!r}", code="ANN156")
        if not relation_type.allows(source_label, target_label):
            raise EditError(
                f"{type_} cannot link {source_label} to {target_label} "
                f"(allowed: {', '.join(sorted(relation_type.source_labels))} -> "
                f"{', '.join(sorted(relation_type.target_labels))})",
                code="ANN157",
            )

    def _check_relation_still_allowed(
        self, relation: Relation, span_id: SpanId, new_label: str
    ) -> None:
        other_id = relation.target if relation.source == span_id else relation.source
        other = self._existing_span(other_id, None)
        if relation.source == span_id:
            self._check_relation_type(relation.type, new_label, other.label)
        else:
            self._check_relation_type(relation.type, other.label, new_label)

    def _update_span(self, span: Span, **changes: object) -> Span:
        after = replace(span, updated_at=self._now, **changes)  # type: ignore[arg-type]
        return self._store.update_span(span, after)


def _re_add(relation: Relation) -> AddRelation:
    return AddRelation(
        relation.document_id,
        relation.type,
        relation.source,
        relation.target,
        relation.annotator,
        relation.id,
        relation.created_at,
        relation.comment,
    )


def _check_fragments(fragments: tuple[tuple[int, int], ...], start: int, end: int) -> None:
    pieces = tuple(fragments)
    if (
        len(pieces) < 2
        or normalised(pieces) != pieces
        or (pieces[0][0], pieces[-1][1])
        != (
            start,
            end,
        )
    ):
        raise EditError(
            f"fragments {list(pieces)} must be two or more ordered pieces, apart from each "
            f"other, covering {start}-{end}",
            code="ANN255",
        )
