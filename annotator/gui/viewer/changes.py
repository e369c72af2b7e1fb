"""An edit's change summary applied to the viewer's spans and relations: what to repaint.

O(log n) per changed span in the index; the ranges returned are the old and new extents of
every changed span and of the relations attached to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.changes import ChangeSet
from annotator.core.ids import DocumentId
from annotator.gui.viewer.arcs import RelationArcs
from annotator.gui.viewer.shapes import ViewerSpans


@dataclass(slots=True)
class Applied:
    dirty: list[tuple[int, int]] = field(default_factory=list)
    """Code point ranges whose lines must be repainted."""
    span_deselected: bool = False
    """The selected span was removed."""
    relation_deselected: bool = False
    """The selected relation was removed (``arcs.selected`` is None now)."""


def apply_changes(
    changes: ChangeSet,
    document_id: DocumentId,
    length: int,
    spans: ViewerSpans,
    arcs: RelationArcs,
    selected_span: int | None,
) -> Applied:
    """Bring ``spans`` and ``arcs`` up to date with the edits of one document (``length``
    characters long); spans and relations of other documents are ignored."""
    applied = Applied()
    dirty = applied.dirty
    applied.relation_deselected = _forget_relations(changes, document_id, spans, arcs, dirty)
    for span in changes.spans_removed:
        old = spans.remove(span.id)
        if old is not None:
            dirty.append((old.start, old.end))
            applied.span_deselected = applied.span_deselected or old.id == selected_span
    updated = [after for _, after in changes.spans_updated]
    for span in (*updated, *changes.spans_added):
        if span.document_id != document_id:
            continue
        old = spans.get(span.id)
        if not 0 <= span.start < span.end <= length:
            continue
        if old is not None:
            dirty.append((old.start, old.end))
            dirty.extend(_relation_extents(span.id, spans, arcs))
        spans.set(span)
        dirty.append((span.start, span.end))
        if old is not None:
            dirty.extend(_relation_extents(span.id, spans, arcs))
    _add_relations(changes, document_id, spans, arcs, dirty)
    return applied


def _relation_extents(
    span_id: int, spans: ViewerSpans, arcs: RelationArcs
) -> list[tuple[int, int]]:
    found = (arcs.extent(r, spans) for r in arcs.of_span(span_id))
    return [extent for extent in found if extent is not None]


def _forget_relations(
    changes: ChangeSet,
    document_id: DocumentId,
    spans: ViewerSpans,
    arcs: RelationArcs,
    dirty: list[tuple[int, int]],
) -> bool:
    """Drop removed and changed relations (while their spans are still known); True when
    the selected one went."""
    deselected = False
    updated = [after for _, after in changes.relations_updated]
    for relation in (*changes.relations_removed, *updated):
        if relation.document_id != document_id:
            continue
        old = arcs.remove(int(relation.id))
        if old is None:
            continue
        extent = arcs.extent(old, spans)
        if extent is not None:
            dirty.append(extent)
        if relation in changes.relations_removed and arcs.selected == int(old.id):
            arcs.selected = None
            deselected = True
    return deselected


def _add_relations(
    changes: ChangeSet,
    document_id: DocumentId,
    spans: ViewerSpans,
    arcs: RelationArcs,
    dirty: list[tuple[int, int]],
) -> None:
    updated = [after for _, after in changes.relations_updated]
    for relation in (*updated, *changes.relations_added):
        if relation.document_id != document_id:
            continue
        arcs.add(relation)
        extent = arcs.extent(relation, spans)
        if extent is not None:
            dirty.append(extent)


__all__ = ["Applied", "apply_changes"]
