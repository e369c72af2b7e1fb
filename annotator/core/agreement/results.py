"""What an agreement computation found: scores per label and overall, per pair of annotators,
per document and for the whole project."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from annotator.core.agreement.matching import MatchCounts
from annotator.core.ids import DocumentId


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the defined values; ``None`` when none is."""
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


@dataclass(frozen=True, slots=True)
class Scores:
    """The measures for one label (or all labels) over a pair or a group of annotators.

    For a group, ``exact`` and ``overlap`` are summed over its pairs (pooled F1) and ``kappa``
    is the mean of the pairs' Cohen's kappas (Light's kappa); ``alpha`` (token-level
    Krippendorff's alpha, nominal) and ``u_alpha`` (unitizing alpha over characters) are
    measured over all the group's annotators at once and are ``None`` for a pair."""

    exact: MatchCounts
    overlap: MatchCounts
    kappa: float | None
    alpha: float | None = None
    u_alpha: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "f1_exact": self.exact.f1,
            "f1_overlap": self.overlap.f1,
            "kappa": self.kappa,
            "alpha": self.alpha,
            "u_alpha": self.u_alpha,
            "exact": self.exact.to_json(),
            "overlap": self.overlap.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Measure:
    """One column of the agreement tables: its key (as in JSON), a title and its value."""

    key: str
    title: str
    short: str
    value: Callable[[Scores], float | None]
    pairwise: bool
    """Whether the measure exists for a pair of annotators (the pairwise matrix)."""


MEASURES = (
    Measure("f1_exact", "F1 exact", "F1 exact", lambda s: s.exact.f1, True),
    Measure("f1_overlap", "F1 overlap", "F1 overlap", lambda s: s.overlap.f1, True),
    Measure("kappa", "Cohen's kappa", "Cohen's κ", lambda s: s.kappa, True),
    Measure("alpha", "Krippendorff's alpha", "Kripp. α", lambda s: s.alpha, False),
    Measure("u_alpha", "Unitizing alpha", "Unitizing α", lambda s: s.u_alpha, False),
)
"""The measures in the order the tables show them."""


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """Two annotators over the documents both annotated (``first`` is the reference for
    precision and recall)."""

    first: str
    second: str
    documents: int
    overall: Scores
    labels: Mapping[str, Scores]

    def to_json(self) -> dict[str, Any]:
        return {
            "first": self.first,
            "second": self.second,
            "documents": self.documents,
            "overall": self.overall.to_json(),
            "labels": {label: s.to_json() for label, s in self.labels.items()},
        }


@dataclass(frozen=True, slots=True)
class GroupAgreement:
    """Several annotators over one document or a set of documents."""

    annotators: tuple[str, ...]
    documents: int
    overall: Scores
    labels: Mapping[str, Scores]
    pairs: tuple[PairAgreement, ...]
    unitizing_documents: int = 0
    """How many documents u-alpha covers: those all the annotators annotated."""

    def pair(self, first: str, second: str) -> PairAgreement | None:
        for pair in self.pairs:
            if {pair.first, pair.second} == {first, second}:
                return pair
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "annotators": list(self.annotators),
            "documents": self.documents,
            "unitizing_documents": self.unitizing_documents,
            "overall": self.overall.to_json(),
            "labels": {label: s.to_json() for label, s in self.labels.items()},
            "pairs": [p.to_json() for p in self.pairs],
        }


@dataclass(frozen=True, slots=True)
class DocumentAgreement:
    document_id: DocumentId
    title: str
    agreement: GroupAgreement

    def to_json(self) -> dict[str, Any]:
        return {"document_id": int(self.document_id), "title": self.title} | (
            self.agreement.to_json()
        )


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Agreement of ``annotators`` on ``labels``: pooled over the project and per document."""

    annotators: tuple[str, ...]
    labels: tuple[str, ...]
    project: GroupAgreement
    documents: tuple[DocumentAgreement, ...] = ()

    @property
    def empty(self) -> bool:
        return self.project.documents == 0

    def to_json(self, per_document: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "annotators": list(self.annotators),
            "labels": list(self.labels),
            "project": self.project.to_json(),
        }
        if per_document:
            out["documents"] = [d.to_json() for d in self.documents]
        return out
