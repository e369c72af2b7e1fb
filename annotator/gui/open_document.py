"""Opening a document for the window: the outline at once, full spans as they are looked at."""

from __future__ import annotations

from collections.abc import Callable

from annotator.core.ids import DocumentId
from annotator.gui.current import OpenDocument
from annotator.services.document_view import load_spans, open_document
from annotator.services.project import Project


def open_view(
    project: Project, document_id: DocumentId, changed: Callable[[], None] = lambda: None
) -> OpenDocument:
    """The document as the window shows it (see :mod:`annotator.services.document_view`);
    ``changed`` is called when a span read later was changed or deleted meanwhile."""
    view = open_document(project, document_id)
    return OpenDocument.from_outline(
        view.document, view.outline, view.relations, lambda ids: load_spans(project, ids), changed
    )
