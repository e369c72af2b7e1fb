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


Binary = tuple[int, int, int, int]
"""A one-vs-rest table: units in the category for both, the first only, the second only,
neither."""


def add_binary(a: Binary, b: Binary) -> Binary:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3])


def binary_kappa(table: Binary) -> float | None:
    """Cohen's kappa of a one-vs-rest table (what :func:`cohen_kappa` gives for it)."""
    both, first_only, second_only, neither = table
    total = both + first_only + second_only + neither
    if not total:
        return None
    first_yes, second_yes = both + first_only, both + second_only
    expected = (first_yes * second_yes + (total - first_yes) * (total - second_yes)) / (
        total * total
    )
    if expected >= 1.0:
        return None
    return ((both + neither) / total - expected) / (1.0 - expected)
