"""Finding the next document to work on, in SQL through the project's paging."""

from __future__ import annotations

from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.ids import DocumentId
from annotator.services.project import Project

UNFINISHED = (DocumentStatus.NEW, DocumentStatus.IN_PROGRESS)


def next_unfinished(
    project: Project, after: DocumentId | None, title_contains: str = ""
) -> DocumentId | None:
    """The first document after ``after`` (by id, wrapping around) that is not done."""
    for start in (after, None):
        found: list[DocumentId] = []
        for status in UNFINISHED:
            where = DocumentFilter(status=status, title_contains=title_contains)
            found.extend(s.id for s in project.page(where, start, 2) if s.id != after)
        if found:
            return min(found)
    return None
