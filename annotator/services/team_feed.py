"""What the change feed means for a document list: documents it does not show yet."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from annotator.core.document import DocumentFilter
from annotator.core.ids import DocumentId

if TYPE_CHECKING:
    from annotator.services.project import Project


def new_in_list(
    project: Project,
    where: DocumentFilter,
    changed: Collection[DocumentId],
    shown: Collection[DocumentId],
) -> list[DocumentId]:
    """The changed documents a list filtered by ``where`` should show but does not (imported
    elsewhere, or newly matching), by id. One query, only when some are not shown."""
    unknown = [document_id for document_id in changed if document_id not in shown]
    return project.database.ids_among(where, unknown) if unknown else []
