"""Cohen's kappa for two annotators from a confusion table of category pairs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

Confusion = Counter[tuple[str, str]]
"""How many units the first annotator put in category a and the second in b: ``{(a, b): n}``."""


def confusion_of(pairs: Iterable[tuple[str, str]]) -> Confusion:
    return Counter(pairs)


def cohen_kappa(confusion: Mapping[tuple[str, str], int]) -> float | None:
    """``(p_o - p_e) / (1 - p_e)``; ``None`` when undefined (no units, or both annotators put
    every unit in the same single category, so that chance agreement is already 1)."""
    total = sum(confusion.values())
    if not total:
        return None
    first: Counter[str] = Counter()
    second: Counter[str] = Counter()
    agreed = 0
    for (a, b), count in confusion.items():
        first[a] += count
        second[b] += count
        if a == b:
            agreed += count
    observed = agreed / total
    expected = sum(first[c] * second.get(c, 0) for c in first) / (total * total)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def binary_confusion(both: int, first_only: int, second_only: int, neither: int) -> Confusion:
    """The confusion of a one-vs-rest category: counts of units in it for both, one, none."""
    return Counter(
        {
            ("yes", "yes"): both,
            ("yes", "no"): first_only,
            ("no", "yes"): second_only,
            ("no", "no"): neither,
        }
    )
