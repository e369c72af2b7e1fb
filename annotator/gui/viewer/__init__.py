"""The document viewer: read-only text with its spans highlighted, selections in code points."""

from annotator.gui.viewer.viewer import ZOOM_LEVELS, DocumentViewer

__all__ = ["ZOOM_LEVELS", "DocumentViewer"]
