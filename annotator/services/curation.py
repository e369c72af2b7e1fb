"""Curating a document: its annotators' versions as units, chosen into the curated layer.

The curated layer is the spans and relations of the pseudo-annotator
:data:`~annotator.core.annotation.CURATION_ANNOTATOR`. Every change goes through
:meth:`Project.apply` with edits from :mod:`annotator.core.edits`, so the window can undo it.
Each use case comes in two forms: ``next_*_edit`` (the next edit to apply, for the window's undo
stack; ``None`` when there is nothing left to do) and the applying form, which loops over them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.annotation import CURATION_ANNOTATOR, Relation, Span
from annotator.core.changes import ChangeSet
from annotator.core.curation import (
    Alternative,
    CuratedLayer,
    Curation,
    Unit,
    compute_units,
    plan_auto_merge,
    plan_choice,
)
from annotator.core.curation_decisions import (
    Decision,
    decide,
    decode_keys,
    encode_keys,
    unit_key,
)
from annotator.core.document import Document
from annotator.core.edits import Edit
from annotator.core.errors import CurationError
from annotator.core.ids import DocumentId
from annotator.core.team import Permission

if TYPE_CHECKING:
    from annotator.services.project import Project

REJECTED_SETTING = "curation_rejected:{}"
"""The keys of the units a document's curator chose to keep nothing of (JSON list)."""
MAX_STEPS = 4
"""A choice takes at most two edits (spans, then relations); more means the plans disagree."""


@dataclass(frozen=True, slots=True)
class DocumentCuration:
    """One document as the curation view shows it."""

    document: Document
    curation: Curation
    layer: CuratedLayer
    spans: tuple[Span, ...]
    relations: tuple[Relation, ...]
    rejected: frozenset[str] = frozenset()
    """Keys of the units the curator chose to keep nothing of."""

    @property
    def annotators(self) -> tuple[str, ...]:
        return self.curation.annotators

    def spans_of(self, annotator: str) -> list[Span]:
        return [s for s in self.spans if s.annotator == annotator]

    def relations_of(self, annotator: str) -> list[Relation]:
        return [r for r in self.relations if r.annotator == annotator]

    def state(self, unit: Unit) -> Alternative | None:
        return self.layer.state(unit)

    def decision(self, unit: Unit) -> Decision:
        return decide(self.layer, unit, self.rejected)


@dataclass(frozen=True, slots=True)
class CurationSummary:
    """How far the curation of one document is."""

    document_id: DocumentId
    title: str
    annotators: tuple[str, ...]
    agreed: int
    disagreements: int
    settled: int
    """Disagreements for which the curated layer holds one of the annotators' versions."""
    curated_spans: int

    def to_json(self) -> dict[str, object]:
        return {
            "document": self.document_id,
            "title": self.title,
            "annotators": list(self.annotators),
            "agreed": self.agreed,
            "disagreements": self.disagreements,
            "settled": self.settled,
            "curated_spans": self.curated_spans,
        }


def require_curation(project: Project) -> None:
    """The one place where curating is allowed or refused: curators and managers, once the
    project is a team (every curation use case below calls this first)."""
    project.require(Permission.CURATE)


def prepare(project: Project) -> None:
    """Check that curating is allowed and create the curated layer's pseudo-annotator."""
    require_curation(project)
    project.database.ensure_curation_annotator(CURATION_ANNOTATOR)


def load(project: Project, document_id: DocumentId) -> DocumentCuration:
    """The document, its units and its curated layer, read in one go."""
    annotated = project.annotated(document_id)
    return DocumentCuration(
        annotated.document,
        compute_units(annotated.spans, annotated.relations),
        CuratedLayer.of(document_id, annotated.spans, annotated.relations),
        annotated.spans,
        annotated.relations,
        decode_keys(project.database.setting(REJECTED_SETTING.format(document_id))),
    )


def remember_rejection(project: Project, document_id: DocumentId, unit: Unit) -> None:
    """Remember that the curator keeps nothing of ``unit`` (the curated layer alone cannot
    tell that from a unit not decided yet)."""
    require_curation(project)
    key = REJECTED_SETTING.format(document_id)
    known = decode_keys(project.database.setting(key))
    if unit_key(unit) not in known:
        project.database.set_setting(key, encode_keys({*known, unit_key(unit)}))


def summary(project: Project, document_id: DocumentId) -> CurationSummary:
    view = load(project, document_id)
    disputed = view.curation.disagreements
    settled = sum(1 for u in disputed if (state := view.state(u)) is not None and not state.empty)
    return CurationSummary(
        document_id,
        view.document.display_title,
        view.annotators,
        len(view.curation.agreed),
        len(disputed),
        settled,
        len(view.layer.spans),
    )


def curation_units(project: Project, document_id: DocumentId) -> tuple[Unit, ...]:
    return load(project, document_id).curation.units


def next_accept_edit(
    project: Project, document_id: DocumentId, unit: Unit, choice: Alternative | None
) -> Edit | None:
    """The next edit that makes the curated layer hold ``choice`` for ``unit`` (``None``:
    nothing for it); ``None`` once it does."""
    require_curation(project)
    current = load(project, document_id)
    if unit not in current.curation.units:
        raise CurationError(
            f"document {document_id}: the annotators' versions at {unit.start}-{unit.end} "
            "changed since they were shown; reload the curation view",
            code="ANN241",
        )
    if choice is not None and choice not in unit.alternatives:
        raise CurationError(
            f"document {document_id}: that version is not one of the unit's", code="ANN242"
        )
    return plan_choice(unit, choice, current.layer)


def next_auto_merge_edit(project: Project, document_id: DocumentId) -> Edit | None:
    """The next edit that copies what every annotator agrees on into the curated layer."""
    require_curation(project)
    current = load(project, document_id)
    return plan_auto_merge(current.curation, current.layer)


def accept(
    project: Project, document_id: DocumentId, unit: Unit, choice: Alternative | None
) -> ChangeSet:
    """Make the curated layer hold ``choice`` for ``unit``; doing it twice changes nothing.
    Keeping nothing (``None``, or a version that proposes nothing) is remembered as rejected."""
    changes = _run(project, lambda: next_accept_edit(project, document_id, unit, choice))
    if choice is None or choice.empty:
        remember_rejection(project, document_id, unit)
    return changes


def reject(project: Project, document_id: DocumentId, unit: Unit) -> ChangeSet:
    """Keep nothing of ``unit`` in the curated layer."""
    return accept(project, document_id, unit, None)


def auto_merge(project: Project, document_id: DocumentId) -> ChangeSet:
    """Copy every agreed span (and agreed relation) into the curated layer; disagreements and
    what the curator already holds are left alone. Doing it twice changes nothing."""
    return _run(project, lambda: next_auto_merge_edit(project, document_id))


def _run(project: Project, next_edit: Callable[[], Edit | None]) -> ChangeSet:
    prepare(project)
    changes = ChangeSet()
    for _ in range(MAX_STEPS):
        edit = next_edit()
        if edit is None:
            return changes
        changes = changes.merged(project.apply(edit).changes)
    raise CurationError("curation did not settle; reload and try again", code="ANN243")
