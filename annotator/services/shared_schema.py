"""The team's schema of record as text for the database, and keeping project.toml in step."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import AnnotatorError, ProjectError
from annotator.core.project import PROJECT_FILE
from annotator.core.schema import LabelSchema, schema_from_mapping, schema_to_mapping
from annotator.services.atomic import atomic_write_text
from annotator.services.schema_file import render_schema
from annotator.storage.schema_record import Publication

if TYPE_CHECKING:
    from annotator.services.project import Project

log = logging.getLogger(__name__)

WHERE = "the database's schema of record"


def schema_to_text(schema: LabelSchema) -> str:
    """The schema as JSON (the mapping project.toml holds); :func:`schema_from_text` reads it."""
    return json.dumps(schema_to_mapping(schema), ensure_ascii=False, sort_keys=True)


def schema_from_text(text: str) -> LabelSchema:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ProjectError(f"{WHERE} is not valid JSON: {error}", code="ANN316") from None
    if not isinstance(data, dict):
        raise ProjectError(f"{WHERE} is not a JSON object", code="ANN316")
    return schema_from_mapping(data, where=WHERE)


def publication(project: Project, schema: LabelSchema) -> Publication | None:
    """What to publish with a schema change: the team's schema of record once the project is a
    team or already has one; None for a project used by one person (project.toml only)."""
    if project.identity.managed or project.schema_revision is not None:
        return Publication(schema_to_text(schema), project.schema_revision)
    return None


def write_local_schema(folder: Path, schema: LabelSchema) -> bool:
    """Rewrite the schema part of ``folder/project.toml`` when it differs from ``schema`` (the
    rest of the file is kept); True when the file was written. A file that cannot be read or
    written is left alone with a warning: the database's schema is used either way."""
    path = folder / PROJECT_FILE
    try:
        old_text = path.read_text(encoding="utf-8")
        new_text = render_schema(old_text, schema, where=str(path))
        if new_text == old_text:
            return False
        atomic_write_text(path, new_text)
    except (OSError, UnicodeDecodeError, AnnotatorError) as error:
        log.warning("%s: could not write the team's schema into the file: %s", path, error)
        return False
    return True
