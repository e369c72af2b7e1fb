"""The latest span and relation versions this window has seen, to rebase undo and redo steps.

An inverse edit expects the version its object had right after the edit it undoes. Undoing a
later edit of the same span bumps that version again (versions only grow), so an older inverse
would be refused as stale. Before applying an undo or redo step, its expected versions are moved
forward by what this window itself did since; a change made by someone else still shows up as
a version mismatch in the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from annotator.core.annotation import Relation, Span
from annotator.core.changes import ChangeSet
from annotator.core.edits import (
    AddFragment,
    Batch,
    Edit,
    RelabelSpan,
    RemoveFragment,
    RemoveRelation,
    RemoveSpan,
    ResizeSpan,
    RetypeRelation,
    SetAttribute,
    SetRelationComment,
    SetSpanComment,
)
from annotator.core.ids import RelationId, SpanId

SpanEdit = (
    RemoveSpan
    | RelabelSpan
    | ResizeSpan
    | SetAttribute
    | AddFragment
    | RemoveFragment
    | SetSpanComment
)
RelationEdit = RemoveRelation | RetypeRelation | SetRelationComment


class KnownVersions:
    def __init__(self) -> None:
        self._spans: dict[SpanId, int] = {}
        self._relations: dict[RelationId, int] = {}

    def clear(self) -> None:
        self._spans.clear()
        self._relations.clear()

    def span(self, span_id: SpanId) -> int | None:
        return self._spans.get(span_id)

    def relation(self, relation_id: RelationId) -> int | None:
        return self._relations.get(relation_id)

    def note(self, changes: ChangeSet) -> None:
        for span in changes.spans_removed:
            self._spans.pop(span.id, None)
        for relation in changes.relations_removed:
            self._relations.pop(relation.id, None)
        self.note_spans(after for _, after in changes.spans_updated)
        self.note_spans(changes.spans_added)
        self.note_relations(after for _, after in changes.relations_updated)
        self.note_relations(changes.relations_added)

    def note_spans(self, spans: Iterable[Span]) -> None:
        for span in spans:
            self._spans[span.id] = span.version

    def note_relations(self, relations: Iterable[Relation]) -> None:
        for relation in relations:
            self._relations[relation.id] = relation.version

    def rebase(self, edit: Edit) -> Edit:
        """``edit`` with each object's expected versions shifted to the latest known one.

        Within a batch, later parts expect the versions earlier parts produce; the whole chain
        for an object shifts by the same amount, so it stays consistent.
        """
        span_shift: dict[SpanId, int] = {}
        relation_shift: dict[RelationId, int] = {}
        for part in _parts(edit):
            if isinstance(part, SpanEdit) and part.expected_version is not None:
                known = self._spans.get(part.span_id)
                if known is not None:
                    span_shift.setdefault(part.span_id, known - part.expected_version)
            elif isinstance(part, RelationEdit) and part.expected_version is not None:
                known = self._relations.get(part.relation_id)
                if known is not None:
                    relation_shift.setdefault(part.relation_id, known - part.expected_version)
        if not any(span_shift.values()) and not any(relation_shift.values()):
            return edit
        return _shifted(edit, span_shift, relation_shift)


def _parts(edit: Edit) -> Iterable[Edit]:
    if isinstance(edit, Batch):
        for part in edit.edits:
            yield from _parts(part)
    else:
        yield edit


def _shifted(
    edit: Edit, span_shift: dict[SpanId, int], relation_shift: dict[RelationId, int]
) -> Edit:
    if isinstance(edit, Batch):
        return replace(
            edit, edits=tuple(_shifted(part, span_shift, relation_shift) for part in edit.edits)
        )
    if isinstance(edit, SpanEdit) and edit.expected_version is not None:
        shift = span_shift.get(edit.span_id, 0)
        return replace(edit, expected_version=edit.expected_version + shift) if shift else edit
    if isinstance(edit, RelationEdit) and edit.expected_version is not None:
        shift = relation_shift.get(edit.relation_id, 0)
        return replace(edit, expected_version=edit.expected_version + shift) if shift else edit
    return edit


def rebase_changes(versions: KnownVersions, changes: ChangeSet) -> ChangeSet:
    """A rewrite (schema undo/redo) expecting the latest versions this window knows of the
    spans and relations it updates or removes."""

    def span(value: Span) -> Span:
        known = versions.span(value.id)
        return replace(value, version=known) if known is not None else value

    def relation(value: Relation) -> Relation:
        known = versions.relation(value.id)
        return replace(value, version=known) if known is not None else value

    return replace(
        changes,
        spans_updated=tuple((span(b), a) for b, a in changes.spans_updated),
        spans_removed=tuple(span(s) for s in changes.spans_removed),
        relations_updated=tuple((relation(b), a) for b, a in changes.relations_updated),
        relations_removed=tuple(relation(r) for r in changes.relations_removed),
    )
