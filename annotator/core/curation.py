"""Curation: the annotators' versions of one document, grouped into agreed and disputed units.

A *version* is what one annotator made of a stretch of text: a span (label, range, attributes) or
a relation between two span places. A *unit* is either one version every annotator made (agreed)
or a group of overlapping versions that not all annotators made alike (a disagreement), with one
*alternative* per distinct proposal and who proposed it. The curated layer (spans of
:data:`CURATION_ANNOTATOR`) is brought to a chosen alternative by the edits the planners return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from annotator.core.annotation import CURATION_ANNOTATOR, Relation, Span
from annotator.core.edits import (
    AddRelation,
    AddSpan,
    Batch,
    Edit,
    RelabelSpan,
    RemoveRelation,
    RemoveSpan,
)
from annotator.core.ids import DocumentId, SpanId
from annotator.core.schema import AttributeValue
from annotator.core.text import plural

Place = tuple[str, int, int]
"""Where a span is: (label, start, end). A layer holds at most one span per place."""
QUOTED = 32
"""Characters of an end's text shown in a relation's one-line description."""


def shortened(text: str, limit: int = QUOTED) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class SpanVersion:
    start: int
    end: int
    label: str
    attributes: tuple[tuple[str, AttributeValue], ...] = ()
    fragments: tuple[tuple[int, int], ...] = ()

    @classmethod
    def of(cls, span: Span) -> SpanVersion:
        return cls(
            span.start, span.end, span.label, tuple(sorted(span.attributes.items())), span.fragments
        )

    @property
    def place(self) -> Place:
        return (self.label, self.start, self.end)

    def quote(self, text: str = "") -> str:
        """The span's text, shortened (or label and range without the text)."""
        if not text:
            return f"{self.label} {self.start}-{self.end}"
        return shortened(text[self.start : self.end])

    def describe(self, text: str = "") -> str:
        attributes = ", ".join(f"{k}={v}" for k, v in self.attributes)
        quoted = f" {text[self.start : self.end]!r}" if text else ""
        return f"{self.label} {self.start}-{self.end}{quoted}" + (
            f" [{attributes}]" if attributes else ""
        )


@dataclass(frozen=True, slots=True)
class RelationVersion:
    source: SpanVersion
    target: SpanVersion
    type: str

    @property
    def link(self) -> tuple[str, Place, Place]:
        return (self.type, self.source.place, self.target.place)

    def describe(self, text: str = "") -> str:
        """``"SOURCE-TEXT —TYPE→ TARGET-TEXT"``, each end shortened."""
        return f"{self.source.quote(text)} —{self.type}→ {self.target.quote(text)}"


class UnitKind(StrEnum):
    SPANS = "spans"
    RELATIONS = "relations"


@dataclass(frozen=True, slots=True)
class Alternative:
    """One distinct proposal for a unit (possibly nothing) and the annotators who made it."""

    spans: tuple[SpanVersion, ...]
    relations: tuple[RelationVersion, ...]
    annotators: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.spans and not self.relations

    def describe(self, text: str = "") -> str:
        parts = [s.describe(text) for s in self.spans] + [r.describe(text) for r in self.relations]
        return "; ".join(parts) if parts else "(nothing)"


@dataclass(frozen=True, slots=True)
class Unit:
    """Agreed versions (one alternative made by everyone) or a disagreement."""

    kind: UnitKind
    start: int
    end: int
    alternatives: tuple[Alternative, ...]
    annotators: tuple[str, ...]
    """Every annotator of the document, in order; each is in exactly one alternative."""

    @property
    def agreed(self) -> bool:
        return len(self.alternatives) == 1 and not self.alternatives[0].empty

    @property
    def relations(self) -> tuple[RelationVersion, ...]:
        return tuple(r for a in self.alternatives for r in a.relations)

    @property
    def marks(self) -> tuple[tuple[int, int], ...]:
        """The ranges to highlight: the unit's text, or a relation unit's two ends (not the
        text between them, which may be paragraphs)."""
        relations = self.relations
        if self.kind is not UnitKind.RELATIONS or not relations:
            return ((self.start, self.end),)
        ends = {(v.start, v.end) for r in relations for v in (r.source, r.target)}
        return tuple(sorted(ends))

    def covers(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.marks)

    def title(self, text: str) -> str:
        """One line naming the unit: its text, or ``"SOURCE —TYPE→ TARGET"`` for relations
        (the types proposed joined by "/")."""
        relations = self.relations
        if self.kind is not UnitKind.RELATIONS or not relations:
            return shortened(text[self.start : self.end], 2 * QUOTED)
        types = "/".join(sorted({r.type for r in relations}))
        first = relations[0]
        return f"{first.source.quote(text)} —{types}→ {first.target.quote(text)}"

    def alternative_of(self, annotator: str) -> Alternative:
        for alternative in self.alternatives:
            if annotator in alternative.annotators:
                return alternative
        raise KeyError(annotator)

    @property
    def places(self) -> frozenset[Place]:
        return frozenset(s.place for a in self.alternatives for s in a.spans)

    @property
    def links(self) -> frozenset[tuple[str, Place, Place]]:
        return frozenset(r.link for a in self.alternatives for r in a.relations)


@dataclass(frozen=True, slots=True)
class Curation:
    """A document's units, in text order, and who annotated it."""

    annotators: tuple[str, ...]
    units: tuple[Unit, ...]

    @property
    def agreed(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.agreed)

    @property
    def disagreements(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if not u.agreed)


@dataclass(frozen=True, slots=True)
class CuratedLayer:
    """The curated layer of one document, looked up by place."""

    document_id: DocumentId
    spans: Mapping[Place, Span] = field(default_factory=dict)
    relations: Mapping[tuple[str, Place, Place], Relation] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        document_id: DocumentId,
        spans: Iterable[Span],
        relations: Iterable[Relation],
        curator: str = CURATION_ANNOTATOR,
    ) -> CuratedLayer:
        mine = {s.id: s for s in spans if s.annotator == curator}
        by_place = {(s.label, s.start, s.end): s for s in mine.values()}
        links = {}
        for relation in relations:
            source, target = mine.get(relation.source), mine.get(relation.target)
            if relation.annotator == curator and source is not None and target is not None:
                key = (
                    relation.type,
                    (source.label, source.start, source.end),
                    (target.label, target.start, target.end),
                )
                links[key] = relation
        return cls(document_id, by_place, links)

    def holds_any(self, unit: Unit) -> bool:
        """Whether the curated layer has anything at the unit's places or links."""
        return any(p in self.spans for p in unit.places) or any(
            k in self.relations for k in unit.links
        )

    def state(self, unit: Unit) -> Alternative | None:
        """The alternative the curated layer holds for ``unit``, or ``None`` when it holds
        something else (an edit of the curator's own, or nothing for a disagreement whose
        alternatives all propose something)."""
        spans = {SpanVersion.of(s) for p, s in self.spans.items() if p in unit.places}
        links = {k for k in self.relations if k in unit.links}
        for alternative in unit.alternatives:
            wanted_links = {r.link for r in alternative.relations}
            if set(alternative.spans) == spans and wanted_links == links:
                return alternative
        return None


def compute_units(
    spans: Iterable[Span], relations: Iterable[Relation] = (), *, curator: str = CURATION_ANNOTATOR
) -> Curation:
    """Group the annotators' spans and relations of one document (the curated layer left out)."""
    by_annotator: dict[str, set[SpanVersion]] = {}
    version_of: dict[SpanId, SpanVersion] = {}
    for span in spans:
        if span.annotator == curator:
            continue
        version = SpanVersion.of(span)
        version_of[span.id] = version
        by_annotator.setdefault(span.annotator, set()).add(version)
    links: dict[str, set[RelationVersion]] = {}
    for relation in relations:
        source, target = version_of.get(relation.source), version_of.get(relation.target)
        if relation.annotator == curator or source is None or target is None:
            continue
        links.setdefault(relation.annotator, set()).add(
            RelationVersion(source, target, relation.type)
        )
        by_annotator.setdefault(relation.annotator, set())
    annotators = tuple(sorted(by_annotator))
    units = _span_units(annotators, by_annotator) + _relation_units(annotators, links)
    units.sort(key=lambda u: (u.start, u.end, u.kind != UnitKind.SPANS))
    return Curation(annotators, tuple(units))


def _span_units(annotators: Sequence[str], made: Mapping[str, set[SpanVersion]]) -> list[Unit]:
    everyone = set.intersection(*made.values()) if made else set()
    who = tuple(annotators)
    units = [
        Unit(UnitKind.SPANS, v.start, v.end, (Alternative((v,), (), who),), who)
        for v in sorted(everyone, key=_span_order)
    ]
    rest = sorted({v for versions in made.values() for v in versions} - everyone, key=_span_order)
    for cluster in _overlapping(rest):
        members = set(cluster)
        proposals = {a: tuple(sorted(made[a] & members, key=_span_order)) for a in annotators}
        alternatives = _alternatives(annotators, {a: (p, ()) for a, p in proposals.items()})
        start = min(v.start for v in cluster)
        end = max(v.end for v in cluster)
        units.append(Unit(UnitKind.SPANS, start, end, alternatives, tuple(annotators)))
    return units


def _overlapping(versions: Sequence[SpanVersion]) -> list[list[SpanVersion]]:
    """Connected groups of overlapping ranges (``versions`` sorted by start)."""
    clusters: list[list[SpanVersion]] = []
    reach = -1
    for version in versions:
        if clusters and version.start < reach:
            clusters[-1].append(version)
            reach = max(reach, version.end)
        else:
            clusters.append([version])
            reach = version.end
    return clusters


def _relation_units(
    annotators: Sequence[str], made: Mapping[str, set[RelationVersion]]
) -> list[Unit]:
    if not made:
        return []
    all_made = {a: made.get(a, set()) for a in annotators}
    everyone = set.intersection(*all_made.values())
    units = []
    for version in sorted(everyone, key=_relation_order):
        start, end = _hull(version)
        alternative = Alternative((), (version,), tuple(annotators))
        units.append(Unit(UnitKind.RELATIONS, start, end, (alternative,), tuple(annotators)))
    pairs: dict[tuple[Place, Place], set[RelationVersion]] = {}
    for versions in all_made.values():
        for version in versions - everyone:
            pairs.setdefault((version.source.place, version.target.place), set()).add(version)
    for pair in sorted(pairs):
        members = pairs[pair]
        proposals = {
            a: ((), tuple(sorted(all_made[a] & members, key=_relation_order))) for a in annotators
        }
        alternatives = _alternatives(annotators, proposals)
        hulls = [_hull(v) for v in members]
        start, end = min(h[0] for h in hulls), max(h[1] for h in hulls)
        units.append(Unit(UnitKind.RELATIONS, start, end, alternatives, tuple(annotators)))
    return units


def _span_order(version: SpanVersion) -> tuple[object, ...]:
    """Text order; attribute values compare by their repr (they may differ in type)."""
    return (version.start, version.end, version.label, repr(version.attributes), version.fragments)


def _relation_order(version: RelationVersion) -> tuple[object, ...]:
    return (_span_order(version.source), _span_order(version.target), version.type)


def _hull(version: RelationVersion) -> tuple[int, int]:
    return (
        min(version.source.start, version.target.start),
        max(version.source.end, version.target.end),
    )


def _alternatives(
    annotators: Sequence[str],
    proposals: Mapping[str, tuple[tuple[SpanVersion, ...], tuple[RelationVersion, ...]]],
) -> tuple[Alternative, ...]:
    """One alternative per distinct proposal, in the order of the first annotator making it."""
    grouped: dict[tuple[tuple[SpanVersion, ...], tuple[RelationVersion, ...]], list[str]] = {}
    for annotator in annotators:
        grouped.setdefault(proposals[annotator], []).append(annotator)
    return tuple(Alternative(s, r, tuple(who)) for (s, r), who in grouped.items())


# -- planning edits of the curated layer -----------------------------------------------------------


def plan_choice(
    unit: Unit,
    choice: Alternative | None,
    layer: CuratedLayer,
    curator: str = CURATION_ANNOTATOR,
) -> Edit | None:
    """The next edit that brings the curated layer to ``choice`` for ``unit`` (``None``:
    reject, keep nothing), or ``None`` when it is there already. Spans come first; a relation
    whose end spans are missing from the curated layer needs a second call once they exist."""
    wanted = choice or Alternative((), (), ())
    label = _choice_text(unit, choice)
    spans = _span_edits(unit.places, wanted.spans, layer, curator)
    if unit.kind is UnitKind.RELATIONS:
        spans += _missing_ends(wanted.relations, layer, curator)
    if spans:
        return Batch(tuple(spans), label)
    links = _link_edits(unit.links, wanted.relations, layer, curator)
    return Batch(tuple(links), label) if links else None


def plan_auto_merge(
    curation: Curation, layer: CuratedLayer, curator: str = CURATION_ANNOTATOR
) -> Edit | None:
    """The next edit copying what every annotator agrees on into the curated layer: missing
    agreed spans first, then agreed relations whose ends are both curated. Places the curated
    layer already holds are left as the curator made them."""
    agreed = curation.agreed
    edits: list[Edit] = []
    for unit in agreed:
        for version in unit.alternatives[0].spans:
            if version.place not in layer.spans:
                edits.append(_add(layer.document_id, version, curator))
    if edits:
        return Batch(tuple(edits), f"Auto-merge {plural(len(edits), 'agreed span')}")
    for unit in agreed:
        for relation in unit.alternatives[0].relations:
            source = layer.spans.get(relation.source.place)
            target = layer.spans.get(relation.target.place)
            if relation.link in layer.relations or source is None or target is None:
                continue
            edits.append(
                AddRelation(layer.document_id, relation.type, source.id, target.id, curator)
            )
    merged = f"Auto-merge {plural(len(edits), 'agreed relation')}"
    return Batch(tuple(edits), merged) if edits else None


def _choice_text(unit: Unit, choice: Alternative | None) -> str:
    if choice is None:
        return "Curate: reject"
    if unit.agreed:
        return "Curate: accept agreed"
    return "Curate: accept " + (", ".join(a or "(unnamed)" for a in choice.annotators) or "version")


def _span_edits(
    places: frozenset[Place],
    wanted: Sequence[SpanVersion],
    layer: CuratedLayer,
    curator: str,
) -> list[Edit]:
    target = {v.place: v for v in wanted}
    edits: list[Edit] = []
    for place in sorted(places | set(target), key=lambda p: (p[1], p[2], p[0])):
        current = layer.spans.get(place)
        version = target.get(place)
        if version is None:
            if current is not None:
                edits.append(RemoveSpan(current.id))
        elif current is None:
            edits.append(_add(layer.document_id, version, curator))
        elif tuple(sorted(current.attributes.items())) != version.attributes:
            edits.append(RelabelSpan(current.id, version.label, dict(version.attributes)))
    return edits


def _missing_ends(
    relations: Sequence[RelationVersion], layer: CuratedLayer, curator: str
) -> list[Edit]:
    missing: dict[Place, SpanVersion] = {}
    for relation in relations:
        for end in (relation.source, relation.target):
            if end.place not in layer.spans:
                missing.setdefault(end.place, end)
    return [_add(layer.document_id, v, curator) for v in missing.values()]


def _link_edits(
    links: frozenset[tuple[str, Place, Place]],
    wanted: Sequence[RelationVersion],
    layer: CuratedLayer,
    curator: str,
) -> list[Edit]:
    target = {r.link for r in wanted}
    edits: list[Edit] = []
    for link in sorted(links | target):
        current = layer.relations.get(link)
        if link not in target:
            if current is not None:
                edits.append(RemoveRelation(current.id))
        elif current is None:
            type_, source, target_place = link
            edits.append(
                AddRelation(
                    layer.document_id,
                    type_,
                    layer.spans[source].id,
                    layer.spans[target_place].id,
                    curator,
                )
            )
    return edits


def _add(document_id: DocumentId, version: SpanVersion, curator: str) -> AddSpan:
    return AddSpan(
        document_id,
        version.label,
        version.start,
        version.end,
        dict(version.attributes),
        curator,
        fragments=version.fragments,
    )
