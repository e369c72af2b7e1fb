"""Annotation layers: one annotator's annotations, the curated layer, or all of them."""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING

from annotator.core.annotation import CURATION_ANNOTATOR, AnnotatedDocument
from annotator.core.errors import PermissionDeniedError, UserError
from annotator.core.stamping import only_layer

if TYPE_CHECKING:
    from annotator.formats.base import LossReport
    from annotator.services.project import Project

ALL = "all"
CURATED = "curated"
_ANNOTATOR_OF = attrgetter("annotator")
PER_DOCUMENT = ""
"""The default choice: each document's curated layer when it has one, else all its layers."""


def resolve_layer(project: Project, layer: str) -> str | None:
    """The annotator name whose annotations to keep, ``None`` for all, or
    :data:`PER_DOCUMENT` (``""``): decided for each document by :func:`document_layer`. For an
    annotator under blind annotation (who sees only their own work) the default is their own
    layer. Under blind annotation an unnamed user, or a layer that is not one's own, is refused
    (the export would be silently empty)."""
    choice = layer.strip()
    if project.blinded():
        check_blind_choice(project, choice)
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
    return PER_DOCUMENT


def check_blind_choice(project: Project, choice: str) -> None:
    """Refuse an export that blind annotation would leave empty: by someone without a name
    (ANN381), or of a layer that is not the exporter's own (ANN382); "all" means all one sees."""
    if not project.annotator:
        raise PermissionDeniedError(
            "the project is blind (annotators see only their own annotations) and you have "
            "not named yourself: run with --annotator NAME before the command "
            "(a curator or manager sees every layer)",
            code="ANN381",
        )
    if choice in ("", ALL, project.annotator):
        return
    whose = "the curated layer" if choice == CURATED else f"{choice}'s layer"
    raise PermissionDeniedError(
        f"{project.annotator} may not export {whose}: the project is blind (annotators see "
        "only their own annotations); a curator or manager may",
        code="ANN382",
    )


def document_layer(item: AnnotatedDocument, layer: str | None) -> str | None:
    """The layer to keep of this document: ``layer``, or for :data:`PER_DOCUMENT` the curated
    layer when the document has curated spans, else ``None`` (all)."""
    if layer != PER_DOCUMENT:
        return layer
    curated = CURATION_ANNOTATOR in map(_ANNOTATOR_OF, item.spans)
    return CURATION_ANNOTATOR if curated else None


def keep_layer(
    item: AnnotatedDocument, layer: str | None, left_out: LossReport | None = None
) -> AnnotatedDocument:
    """The document with only the chosen layer (see :func:`resolve_layer`); what that leaves
    out is counted, by layer, in ``left_out``."""
    chosen = document_layer(item, layer)
    if chosen is None:
        return item
    kept = only_layer(item, chosen)
    if left_out is not None and (
        len(kept.spans) < len(item.spans) or len(kept.relations) < len(item.relations)
    ):
        kept_spans = {span.id for span in kept.spans}
        kept_relations = {relation.id for relation in kept.relations}
        for span in item.spans:
            if span.id not in kept_spans:
                left_out.leave_out(span.annotator, 1, 0)
        for relation in item.relations:
            if relation.id not in kept_relations:
                left_out.leave_out(relation.annotator, 0, 1)
    return kept


def layer_choices(project: Project) -> list[str]:
    """What an export can choose: all, curated, then every annotator with annotations."""
    names = [name for name in project.database.layer_names() if name != CURATION_ANNOTATOR]
    if project.blinded():
        names = [name for name in names if name == project.annotator]
    return [ALL, CURATED, *names]
