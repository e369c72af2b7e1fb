"""Change summaries: what an applied edit touched, so each view redraws only that."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.annotation import Relation, Span
from annotator.core.ids import DocumentId


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Spans and relations added, updated (before, after) and removed by one edit."""

    spans_added: tuple[Span, ...] = ()
    spans_updated: tuple[tuple[Span, Span], ...] = ()
    spans_removed: tuple[Span, ...] = ()
    relations_added: tuple[Relation, ...] = ()
    relations_updated: tuple[tuple[Relation, Relation], ...] = ()
    relations_removed: tuple[Relation, ...] = ()
    documents_started: tuple[DocumentId, ...] = ()
    """Documents whose status moved from new to in progress with this edit."""
    document_comments: tuple[tuple[DocumentId, str], ...] = ()
    """Documents whose comment changed, with the new comment."""

    @property
    def document_ids(self) -> frozenset[DocumentId]:
        ids = {s.document_id for s in self.spans_added + self.spans_removed}
        ids.update(after.document_id for _, after in self.spans_updated)
        ids.update(r.document_id for r in self.relations_added + self.relations_removed)
        ids.update(after.document_id for _, after in self.relations_updated)
        ids.update(document_id for document_id, _ in self.document_comments)
        return frozenset(ids)

    @property
    def is_empty(self) -> bool:
        return not (
            self.spans_added
            or self.spans_updated
            or self.spans_removed
            or self.relations_added
            or self.relations_updated
            or self.relations_removed
            or self.document_comments
        )

    def touched_ranges(self) -> tuple[tuple[int, int], ...]:
        """Text ranges whose highlighting may have changed."""
        ranges = [(s.start, s.end) for s in self.spans_added + self.spans_removed]
        for before, after in self.spans_updated:
            ranges.append((before.start, before.end))
            ranges.append((after.start, after.end))
        return tuple(ranges)

    def merged(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(
            self.spans_added + other.spans_added,
            self.spans_updated + other.spans_updated,
            self.spans_removed + other.spans_removed,
            self.relations_added + other.relations_added,
            self.relations_updated + other.relations_updated,
            self.relations_removed + other.relations_removed,
            self.documents_started + other.documents_started,
            self.document_comments + other.document_comments,
        )
