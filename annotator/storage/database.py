"""The project database: the one object services use for SQL, made of its parts (connection,
documents, annotations, team)."""

from __future__ import annotations

from annotator.storage.annotations_access import AnnotationAccess
from annotator.storage.documents_access import DocumentAccess
from annotator.storage.team_access import TeamAccess

__all__ = ["ProjectDatabase"]


class ProjectDatabase(DocumentAccess, AnnotationAccess, TeamAccess):
    """Everything the services need from the database; SQL stays behind these methods."""
