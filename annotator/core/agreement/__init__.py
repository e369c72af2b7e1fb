"""Inter-annotator agreement: span F1, Cohen's kappa, Krippendorff's alpha and unitizing alpha."""

from annotator.core.agreement.alpha import Coincidences, nominal_alpha
from annotator.core.agreement.compute import NO, OUTSIDE, measure_agreement
from annotator.core.agreement.kappa import binary_kappa, cohen_kappa, confusion_of
from annotator.core.agreement.matching import MatchCounts, exact_matches, overlap_matches
from annotator.core.agreement.results import (
    MEASURES,
    AgreementReport,
    DocumentAgreement,
    GroupAgreement,
    Measure,
    PairAgreement,
    Scores,
    mean,
)
from annotator.core.agreement.tokens import Tokens
from annotator.core.agreement.unitizing import UnitizingStudy

__all__ = [
    "MEASURES",
    "NO",
    "OUTSIDE",
    "AgreementReport",
    "Coincidences",
    "DocumentAgreement",
    "GroupAgreement",
    "MatchCounts",
    "Measure",
    "PairAgreement",
    "Scores",
    "Tokens",
    "UnitizingStudy",
    "binary_kappa",
    "cohen_kappa",
    "confusion_of",
    "exact_matches",
    "mean",
    "measure_agreement",
    "nominal_alpha",
    "overlap_matches",
]
