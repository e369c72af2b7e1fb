"""Inter-annotator agreement over a project: which annotators, labels and documents, measured
in one pass over the documents."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from annotator.core.agreement import AgreementReport, measure_agreement
from annotator.core.annotation import CURATION_ANNOTATOR, AnnotatedDocument
from annotator.core.errors import AgreementError, PermissionDeniedError
from annotator.core.ids import DocumentId
from annotator.core.team import Permission
from annotator.services.project import Project

UNKNOWN_ANNOTATOR = "(unknown)"
"""What statistics call spans without an annotator; they never count for agreement."""

Progress = Callable[[int, int], None]
"""``progress(documents read, documents in all)``."""
Cancelled = Callable[[], bool]


class AgreementCancelledError(Exception):
    """The caller asked to stop (a closed dialog): nothing to report."""


@dataclass(frozen=True, slots=True)
class AgreementRequest:
    """What to measure. ``None`` means: every annotator except the curated layer, every label
    used, every document (of which those annotated by two or more of them count)."""

    annotators: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    documents: tuple[DocumentId, ...] | None = None
    per_document: bool = True
    include_curation: bool = False


def agreement_choices(
    project: Project, include_curation: bool = False
) -> tuple[list[str], list[str]]:
    """The annotators that have spans in the project (by name) and the labels in use (the
    schema's in its order, then any other found in the spans), from one statistics query."""
    check_may_compare(project)
    stats = project.statistics()
    annotators = [
        name
        for name in stats.spans_by_annotator
        if name and name != UNKNOWN_ANNOTATOR and (include_curation or name != CURATION_ANNOTATOR)
    ]
    used = stats.spans_by_label
    schema = [label.name for label in project.schema.labels]
    labels = [n for n in schema if n in used] + sorted(n for n in used if n not in schema)
    return annotators, labels


def check_may_compare(project: Project) -> None:
    """Raise :class:`PermissionDeniedError` when blind annotation hides the others' work from
    this annotator: comparing layers would show it (curators and managers may)."""
    if not project.blind or project.refresh_identity().allows(Permission.CURATE):
        return
    who = project.annotator or "an unnamed annotator"
    raise PermissionDeniedError(
        f"{who} may not measure agreement: the project is blind (annotators see only their "
        "own annotations), so agreement is for curators and managers",
        code="ANN300",
    )


def agreement_annotators(project: Project, include_curation: bool = False) -> list[str]:
    return agreement_choices(project, include_curation)[0]


def agreement_labels(project: Project) -> list[str]:
    return agreement_choices(project)[1]


def measure(
    project: Project,
    request: AgreementRequest = AgreementRequest(),
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> AgreementReport:
    """Measure agreement as ``request`` says; raises :class:`AgreementError` for unknown
    annotators or labels, or fewer than two annotators, and :class:`PermissionDeniedError`
    for an annotator under blind annotation (it would show them the others' work)."""
    known, used_labels = agreement_choices(project, include_curation=True)
    annotators = request.annotators
    if annotators is not None:
        _check_known("annotator", annotators, known, "ANN221")
        if len(set(annotators)) < 2:
            raise AgreementError("choose at least two annotators to compare", code="ANN223")
    elif len([n for n in known if request.include_curation or n != CURATION_ANNOTATOR]) < 2:
        raise AgreementError(
            "agreement needs spans by at least two annotators; this project has "
            + (", ".join(known) or "none"),
            code="ANN223",
        )
    if request.labels is not None:
        _check_known(
            "label",
            request.labels,
            [label.name for label in project.schema.labels] + used_labels,
            "ANN222",
        )
    exclude = ("", *(() if request.include_curation else (CURATION_ANNOTATOR,)))
    ids = (
        request.documents
        if request.documents is not None
        else project.database.shared_document_ids(annotators, exclude)
    )
    return measure_agreement(
        _documents(project, ids, progress, cancelled),
        annotators,
        request.labels,
        label_order=[label.name for label in project.schema.labels],
        exclude=exclude,
        per_document=request.per_document,
    )


def _check_known(kind: str, names: Sequence[str], known: Sequence[str], code: str) -> None:
    unknown = [name for name in names if name not in known]
    if unknown:
        raise AgreementError(
            f"no {kind} named {', '.join(map(repr, unknown))} in this project "
            f"(known: {', '.join(known) or 'none'})",
            code=code,
        )


def _documents(
    project: Project,
    ids: Sequence[DocumentId],
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> Iterator[AnnotatedDocument]:
    """The documents, read in batches; only those two annotators annotated are read unless
    the caller named documents."""
    total = len(ids)
    for done, annotated in enumerate(project.database.iter_annotated_ids(ids), start=1):
        if cancelled is not None and cancelled():
            raise AgreementCancelledError
        yield annotated
        if progress is not None:
            progress(done, total)
