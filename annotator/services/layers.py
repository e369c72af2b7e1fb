"""Annotation layers: one annotator's annotations, the curated layer, or all of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.annotation import CURATION_ANNOTATOR
from annotator.core.errors import UserError

if TYPE_CHECKING:
    from annotator.services.project import Project

ALL = "all"
CURATED = "curated"


def resolve_layer(project: Project, layer: str) -> str | None:
    """The annotator name whose annotations to keep, or ``None`` for all. ``""`` means the
    curated layer when it holds any span, else all; for an annotator under blind annotation
    (who sees neither), their own layer."""
    choice = layer.strip()
    if choice == ALL:
        return None
    if choice == CURATED:
        return CURATION_ANNOTATOR
    if choice:
        known = [m.name for m in project.database.members() if m.name != CURATION_ANNOTATOR]
        if choice not in known:
            raise UserError(
                f"no annotator named {choice!r}: a layer is {ALL}, {CURATED} or one of "
                + (", ".join(known) or "(nobody yet)"),
                code="ANN301",
            )
        return choice
    if project.blinded():
        return project.annotator
    return CURATION_ANNOTATOR if project.database.layer_has_spans(CURATION_ANNOTATOR) else None


def layer_choices(project: Project) -> list[str]:
    """What an export can choose: all, curated, then every annotator with annotations."""
    names = [name for name in project.database.layer_names() if name != CURATION_ANNOTATOR]
    if project.blinded():
        names = [name for name in names if name == project.annotator]
    return [ALL, CURATED, *names]
