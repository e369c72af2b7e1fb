"""Krippendorff's unitizing alpha (u-alpha) over continua such as documents' characters.

Krippendorff, *Content Analysis*, 2nd ed. (2004), section 12.4, after Krippendorff (1995):
for one category c, each annotator cuts a continuum of length L into units of c and gaps.
Observed disagreement sums, over every ordered pair of annotators and every pair of their
sections, the squared distance of the two sections: ``(b_i-b_j)^2 + (e_i-e_j)^2`` for two
overlapping units, ``l_i^2`` for a unit lying inside a gap of the other, 0 otherwise; divided by
``m (m-1) L^2``. Expected disagreement considers every placement of every unit over the gaps:

    D_e = 2/L * sum_units [ (N_c-1)/3 (2l^3 - 3l^2 + l) + l^2 sum_{gaps g >= l} (g - l + 1) ]
          / ( m L (m L - 1) - sum_units l (l-1) )

u-alpha = 1 - D_o / D_e per category; over all categories, 1 - mean(D_o) / mean(D_e).
Several continua (documents) make one study: their lengths add up, sections never cross from
one document to the next, and every document needs the same annotators.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

Range = tuple[int, int]


def merged(units: Iterable[Range]) -> list[Range]:
    """Units of one annotator and category, sorted, overlapping ones merged (the measure
    assumes one annotator's units of a category never overlap)."""
    out: list[Range] = []
    for start, end in sorted(units):
        if end <= start:
            continue
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _sections(units: Sequence[Range], begin: int, end: int) -> list[tuple[int, int, bool]]:
    """The continuum ``[begin, end)`` cut into units (``True``) and the gaps between them."""
    out: list[tuple[int, int, bool]] = []
    position = begin
    for start, stop in units:
        if start > position:
            out.append((position, start, False))
        out.append((start, stop, True))
        position = stop
    if position < end:
        out.append((position, end, False))
    return out


def distance(a: tuple[int, int, bool], b: tuple[int, int, bool]) -> int:
    """The squared distance of two annotators' sections (start, end, is_unit)."""
    (b1, e1, unit1), (b2, e2, unit2) = a, b
    if unit1 and unit2:
        if b1 < e2 and b2 < e1:
            return (b1 - b2) ** 2 + (e1 - e2) ** 2
        return 0
    if unit1 and not unit2 and b2 <= b1 and e1 <= e2:
        return (e1 - b1) ** 2
    if unit2 and not unit1 and b1 <= b2 and e2 <= e1:
        return (e2 - b2) ** 2
    return 0


def _pair_disagreement(
    first: Sequence[tuple[int, int, bool]], second: Sequence[tuple[int, int, bool]]
) -> int:
    """Sum of distances over the pairs of sections that intersect (all others are 0): both
    lists partition the same continuum, so one merge walk visits each such pair once."""
    total = 0
    i = j = 0
    while i < len(first) and j < len(second):
        total += distance(first[i], second[j])
        end1, end2 = first[i][1], second[j][1]
        if end1 <= end2:
            i += 1
        if end2 <= end1:
            j += 1
    return total


@dataclass(slots=True)
class CategoryStudy:
    """Everything u-alpha needs about one category, summed over continua."""

    observed: int = 0
    """Sum of squared distances over ordered pairs of annotators."""
    units: list[int] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)

    def add(self, coders: Sequence[Sequence[Range]], begin: int, end: int) -> None:
        sections = [_sections(units, begin, end) for units in coders]
        for i, first in enumerate(sections):
            for second in sections[i + 1 :]:
                self.observed += 2 * _pair_disagreement(first, second)
        for cut in sections:
            for start, stop, is_unit in cut:
                (self.units if is_unit else self.gaps).append(stop - start)


@dataclass(slots=True)
class UnitizingStudy:
    """Units of several categories by the same ``annotators`` over one or more continua."""

    annotators: int
    continua: list[int] = field(default_factory=list)
    """The length of each continuum, in the order added."""
    categories: dict[str, CategoryStudy] = field(default_factory=dict)

    @property
    def length(self) -> int:
        return sum(self.continua)

    def add_continuum(
        self,
        length: int,
        units: Sequence[Mapping[str, Iterable[Range]]],
        begin: int = 0,
        categories: Iterable[str] = (),
    ) -> None:
        """One continuum ``[begin, begin + length)``; ``units[a][c]`` are annotator a's units
        of category c. ``categories`` names categories to include even where nobody used them
        here (their gaps count for the expected disagreement)."""
        if len(units) != self.annotators:
            raise ValueError(f"expected {self.annotators} annotators, got {len(units)}")
        names = set(categories) | set(self.categories)
        for by_category in units:
            names.update(by_category)
        for name in sorted(names):
            coders = [merged(by_category.get(name, ())) for by_category in units]
            study = self._category(name)
            study.add(coders, begin, begin + length)
        self.continua.append(length)

    def _category(self, name: str) -> CategoryStudy:
        """The category's study; a new one starts with every continuum so far as one gap per
        annotator (nobody marked a unit of it there)."""
        study = self.categories.get(name)
        if study is None:
            study = CategoryStudy(gaps=[n for n in self.continua for _ in range(self.annotators)])
            self.categories[name] = study
        return study

    def _disagreements(self, name: str) -> tuple[float, float]:
        study = self.categories[name]
        m, length = self.annotators, self.length
        observed = study.observed / (m * (m - 1) * length * length)
        count = len(study.units)
        gaps = sorted(study.gaps)
        longest = [0, *accumulate(reversed(gaps))]  # [k]: total length of the k longest gaps
        expected_sum = 0
        squares = 0
        for unit in study.units:
            squares += unit * (unit - 1)
            longer = len(gaps) - bisect_left(gaps, unit)
            placements = longest[longer] - (unit - 1) * longer
            expected_sum += (count - 1) * unit * (unit - 1) * (2 * unit - 1) // 3
            expected_sum += unit * unit * placements
        denominator = m * length * (m * length - 1) - squares
        expected = 2 / length * expected_sum / denominator if denominator > 0 else 0.0
        return observed, expected

    def category_alpha(self, name: str) -> float | None:
        """u-alpha of one category; ``None`` when undefined (nobody marked a unit of it)."""
        if name not in self.categories or self.annotators < 2 or self.length <= 0:
            return None
        observed, expected = self._disagreements(name)
        return 1.0 - observed / expected if expected > 0 else None

    def alpha(self, names: Iterable[str] | None = None) -> float | None:
        """u-alpha over categories (default: all): ``1 - mean(D_o) / mean(D_e)``."""
        if self.annotators < 2 or self.length <= 0:
            return None
        chosen = [n for n in (self.categories if names is None else names) if n in self]
        pairs = [self._disagreements(name) for name in chosen]
        expected = sum(e for _, e in pairs)
        return 1.0 - sum(o for o, _ in pairs) / expected if expected > 0 else None

    def __contains__(self, name: object) -> bool:
        study = self.categories.get(name) if isinstance(name, str) else None
        return study is not None and bool(study.units)

    def __iadd__(self, other: UnitizingStudy) -> UnitizingStudy:
        if other.annotators != self.annotators:
            raise ValueError("studies of different numbers of annotators do not add up")
        for name in other.categories.keys() - self.categories.keys():
            self._category(name)
        for name, mine in self.categories.items():
            study = other.categories.get(name)
            if study is None:
                mine.gaps.extend(n for n in other.continua for _ in range(self.annotators))
                continue
            mine.observed += study.observed
            mine.units.extend(study.units)
            mine.gaps.extend(study.gaps)
        self.continua.extend(other.continua)
        return self
