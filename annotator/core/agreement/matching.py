"""Span-level agreement between two annotators: exact and overlap matches, precision/recall/F1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Pieces = tuple[tuple[int, int], ...]
"""The ranges a span covers: one ``(start, end)`` pair, or its fragments when discontinuous."""


@dataclass(frozen=True, slots=True)
class MatchCounts:
    """Spans of a first and a second annotator and how many of them match one to one.

    Taking the first annotator as the reference: precision is ``matched / second``, recall
    ``matched / first``. F1 is symmetric, ``2 * matched / (first + second)``."""

    matched: int = 0
    first: int = 0
    second: int = 0

    def __add__(self, other: MatchCounts) -> MatchCounts:
        return MatchCounts(
            self.matched + other.matched, self.first + other.first, self.second + other.second
        )

    @property
    def precision(self) -> float | None:
        return self.matched / self.second if self.second else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.first if self.first else None

    @property
    def f1(self) -> float | None:
        total = self.first + self.second
        return 2 * self.matched / total if total else None

    def to_json(self) -> dict[str, object]:
        return {
            "matched": self.matched,
            "first": self.first,
            "second": self.second,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def exact_matches(first: Sequence[Pieces], second: Sequence[Pieces]) -> MatchCounts:
    """Spans of one label matching exactly (the same ranges); duplicates match once each."""
    remaining: dict[Pieces, int] = {}
    for pieces in second:
        remaining[pieces] = remaining.get(pieces, 0) + 1
    matched = 0
    for pieces in first:
        left = remaining.get(pieces, 0)
        if left:
            remaining[pieces] = left - 1
            matched += 1
    return MatchCounts(matched, len(first), len(second))


def _overlap(a: Pieces, b: Pieces) -> bool:
    if a[0][0] >= b[-1][1] or b[0][0] >= a[-1][1]:  # hulls apart (pieces are ordered)
        return False
    if len(a) == 1 and len(b) == 1:
        return True
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def overlap_matches(first: Sequence[Pieces], second: Sequence[Pieces]) -> MatchCounts:
    """Spans of one label matching when their ranges overlap, one to one.

    The pairing is a maximum matching of the overlap graph (so the count does not depend on
    the order of the spans); exact matches are paired first, which never lowers the maximum."""
    candidates = [[j for j, b in enumerate(second) if _overlap(a, b)] for a in first]
    owner: list[int | None] = [None] * len(second)
    partner: list[int | None] = [None] * len(first)
    for i, a in enumerate(first):
        for j in candidates[i]:
            if owner[j] is None and second[j] == a:
                owner[j], partner[i] = i, j
                break

    def augment(i: int, seen: set[int]) -> bool:
        for j in candidates[i]:
            if j in seen:
                continue
            seen.add(j)
            holder = owner[j]
            if holder is None or augment(holder, seen):
                owner[j], partner[i] = i, j
                return True
        return False

    for i in range(len(first)):
        if partner[i] is None and candidates[i]:
            augment(i, set())
    matched = sum(1 for j in owner if j is not None)
    return MatchCounts(matched, len(first), len(second))
