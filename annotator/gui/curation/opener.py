"""Opening the curation view on the window's open document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.errors import AnnotatorError
from annotator.gui.curation.dialog import CurationDialog
from annotator.gui.errors import show_error

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


def open_curation(window: MainWindow) -> CurationDialog | None:
    """Show the curation dialog for the open document (it does not block the caller)."""
    project, opened = window.project, window.current
    if project is None or opened is None:
        window.status("Open a document first, then curate it.")
        return None
    try:
        dialog = CurationDialog(project, opened.id, window.bridge, window.stacks, window)
    except AnnotatorError as error:
        show_error(window, "Cannot curate this document", error)
        return None
    if not dialog.view.annotators:
        window.status("Nobody has annotated this document yet: there is nothing to curate.")
    dialog.open()
    return dialog
