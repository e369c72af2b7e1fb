"""The curation view: the annotators' versions of a document side by side, and the curated one."""

from annotator.gui.curation.dialog import CurationDialog

__all__ = ["CurationDialog"]
