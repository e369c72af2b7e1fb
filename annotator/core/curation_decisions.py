"""What the curator decided for each disagreement: kept a version, made their own, kept nothing
(rejected), or not decided yet; the curated layer alone cannot tell the last two apart, so
rejections are remembered by unit key."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from enum import StrEnum

from annotator.core.curation import CuratedLayer, Unit


class Decision(StrEnum):
    KEPT = "kept"
    """The curated layer holds one annotator's version (one alternative that proposes
    something)."""
    OWN = "own"
    """The curated layer holds something at the unit that is no annotator's version."""
    REJECTED = "rejected"
    """The curator chose to keep nothing here."""
    UNDECIDED = "undecided"
    """Nothing curated here, and nothing decided yet."""


def unit_key(unit: Unit) -> str:
    """A name of ``unit`` that stays the same while the annotators' versions do (its kind,
    span places and relation links), for remembering a decision across sessions."""
    return json.dumps(
        [unit.kind.value, sorted(unit.places), sorted(unit.links)],
        separators=(",", ":"),
        ensure_ascii=False,
    )


def decide(layer: CuratedLayer, unit: Unit, rejected: Collection[str]) -> Decision:
    """The decision for ``unit`` given the curated layer and the keys of rejected units."""
    state = layer.state(unit)
    if state is not None and not state.empty:
        return Decision.KEPT
    if layer.holds_any(unit):
        return Decision.OWN
    return Decision.REJECTED if unit_key(unit) in rejected else Decision.UNDECIDED


def encode_keys(keys: Iterable[str]) -> str:
    return json.dumps(sorted(set(keys)), ensure_ascii=False)


def decode_keys(text: str | None) -> frozenset[str]:
    """Keys stored by :func:`encode_keys`; anything unreadable counts as none."""
    if not text:
        return frozenset()
    try:
        value = json.loads(text)
    except ValueError:
        return frozenset()
    return (
        frozenset(k for k in value if isinstance(k, str))
        if isinstance(value, list)
        else frozenset()
    )
