"""Who made what: edits stamped with their annotator, and one annotator's layer of a document."""

from __future__ import annotations

from dataclasses import replace

from annotator.core.annotation import AnnotatedDocument
from annotator.core.edits import AddRelation, AddSpan, Batch, Edit


def stamped(edit: Edit, annotator: str) -> Edit:
    """``edit`` with every unattributed added span and relation made by ``annotator``; those
    already naming someone (undo restoring a span, the curated layer) keep their name."""
    if not annotator:
        return edit
    if isinstance(edit, AddSpan | AddRelation):
        return edit if edit.annotator else replace(edit, annotator=annotator)
    if isinstance(edit, Batch):
        return replace(edit, edits=tuple(stamped(part, annotator) for part in edit.edits))
    return edit


def only_layer(item: AnnotatedDocument, annotator: str) -> AnnotatedDocument:
    """The document with only ``annotator``'s spans, and relations between them."""
    spans = tuple(s for s in item.spans if s.annotator == annotator)
    kept = {s.id for s in spans}
    relations = tuple(
        r
        for r in item.relations
        if r.annotator == annotator and r.source in kept and r.target in kept
    )
    return replace(item, spans=spans, relations=relations)
