"""Tools › Agreement…: the agreement dialog beside the window, closed with its project."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.ids import DocumentId
from annotator.gui.agreement_dialog import AgreementDialog

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


def open_agreement(window: MainWindow) -> AgreementDialog | None:
    """Open the agreement dialog (not modal); it closes when another project opens."""
    project = window.project
    if project is None:
        window.status("Open a project first.")
        return None
    dialog = AgreementDialog(project, window)
    dialog.documentActivated.connect(lambda i: window.open_document(DocumentId(i)))
    window.bridge.changed.connect(dialog.mark_stale)
    window.bridge.projectChanged.connect(dialog.close)
    dialog.show()
    return dialog
