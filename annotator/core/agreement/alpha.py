"""Krippendorff's alpha (nominal) for any number of annotators, missing values allowed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(slots=True)
class Coincidences:
    """What nominal alpha needs of the coincidence matrix: value totals and its diagonal.

    Units are added one by one (or many identical ones at once); matrices of disjoint sets of
    units add up, so a project's alpha is that of its documents' matrices summed."""

    totals: Counter[str] = field(default_factory=Counter)
    """``n_c``: how often each value was given in units with two or more values."""
    agreeing: dict[str, float] = field(default_factory=dict)
    """``o_cc``: the diagonal of the coincidence matrix."""

    def add_unit(self, values: Iterable[str | None], times: int = 1) -> None:
        """One unit (or ``times`` alike): the values the annotators gave it (``None`` where
        one gave none)."""
        counts = Counter(v for v in values if v is not None)
        pairable = sum(counts.values())
        if pairable < 2 or times <= 0:
            return
        for value, count in counts.items():
            self.totals[value] += count * times
            agreeing = times * count * (count - 1) / (pairable - 1)
            self.agreeing[value] = self.agreeing.get(value, 0.0) + agreeing

    def add_uniform(self, value: str, annotators: int, units: int = 1) -> None:
        """``units`` units that ``annotators`` (two or more) all gave the same ``value``."""
        if annotators < 2 or units <= 0:
            return
        self.totals[value] += annotators * units
        self.agreeing[value] = self.agreeing.get(value, 0.0) + annotators * units

    def __iadd__(self, other: Coincidences) -> Coincidences:
        self.totals.update(other.totals)
        for value, count in other.agreeing.items():
            self.agreeing[value] = self.agreeing.get(value, 0.0) + count
        return self

    def alpha(self) -> float | None:
        """``1 - D_o / D_e``; ``None`` when undefined (fewer than two values in use)."""
        n = sum(self.totals.values())
        expected_pairs = n * n - sum(c * c for c in self.totals.values())
        if n < 2 or expected_pairs <= 0:
            return None
        disagreeing = n - sum(self.agreeing.values())
        return 1.0 - (n - 1) * disagreeing / expected_pairs


def nominal_alpha(units: Iterable[Sequence[str | None]]) -> float | None:
    """Alpha over units given as the values of each annotator (``None`` = missing)."""
    matrix = Coincidences()
    for unit in units:
        matrix.add_unit(unit)
    return matrix.alpha()
