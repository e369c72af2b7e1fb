"""Agreement of several annotators over documents: per label and overall, per pair, per
document and pooled over the project."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, combinations

from annotator.core.agreement.alpha import Coincidences
from annotator.core.agreement.kappa import (
    Binary,
    Confusion,
    add_binary,
    binary_kappa,
    cohen_kappa,
)
from annotator.core.agreement.matching import (
    MatchCounts,
    Pieces,
    exact_matches,
    overlap_matches,
)
from annotator.core.agreement.results import (
    AgreementReport,
    DocumentAgreement,
    GroupAgreement,
    PairAgreement,
    Scores,
    mean,
)
from annotator.core.agreement.tokens import Tokens
from annotator.core.agreement.unitizing import Range, UnitizingStudy
from annotator.core.annotation import CURATION_ANNOTATOR, AnnotatedDocument, Span

OUTSIDE = "O"
"""The token category of a token no span covers."""
NO = "-"
"""The one-vs-rest category of a token not covered by a span of the label in question."""


@dataclass(slots=True)
class _Layer:
    """One annotator's spans of the chosen labels in one document, in every form a measure
    needs."""

    pieces: dict[str, list[Pieces]] = field(default_factory=dict)
    coverage: dict[str, set[int]] = field(default_factory=dict)
    token_label: dict[int, str] = field(default_factory=dict)
    """The label of each covered token: that of the shortest span covering it."""
    units: dict[str, list[Range]] = field(default_factory=dict)

    @classmethod
    def of(cls, spans: Sequence[Span], tokens: Tokens) -> _Layer:
        layer = cls()
        sized = sorted(spans, key=lambda s: (-sum(e - b for b, e in s.pieces), s.label))
        for span in sized:
            pieces, label = span.pieces, span.label
            layer.pieces.setdefault(label, []).append(pieces)
            layer.units.setdefault(label, []).extend(pieces)
            coverage = layer.coverage.setdefault(label, set())
            for start, end in pieces:
                covered = tokens.covered(start, end)
                coverage.update(covered)
                layer.token_label.update(dict.fromkeys(covered, label))  # shorter spans win
        return layer


@dataclass(slots=True)
class _PairTally:
    """Counts for one pair of annotators, additive over documents."""

    documents: int = 0
    exact: dict[str, MatchCounts] = field(default_factory=dict)
    overlap: dict[str, MatchCounts] = field(default_factory=dict)
    binary: dict[str, Binary] = field(default_factory=dict)
    confusion: Confusion = field(default_factory=Counter)

    @classmethod
    def of(cls, first: _Layer, second: _Layer, labels: Sequence[str], tokens: int) -> _PairTally:
        tally = cls(documents=1)
        for label in labels:
            a, b = first.pieces.get(label, []), second.pieces.get(label, [])
            tally.exact[label] = exact_matches(a, b)
            tally.overlap[label] = overlap_matches(a, b)
            cover_a = first.coverage.get(label, set())
            cover_b = second.coverage.get(label, set())
            both = len(cover_a & cover_b)
            only_a, only_b = len(cover_a) - both, len(cover_b) - both
            tally.binary[label] = (both, only_a, only_b, tokens - both - only_a - only_b)
        keys = first.token_label.keys() | second.token_label.keys()
        in_first, in_second = first.token_label.get, second.token_label.get
        tally.confusion = Counter((in_first(t, OUTSIDE), in_second(t, OUTSIDE)) for t in keys)
        tally.confusion[(OUTSIDE, OUTSIDE)] += tokens - len(keys)
        return tally

    def __iadd__(self, other: _PairTally) -> _PairTally:
        self.documents += other.documents
        for mine, theirs in ((self.exact, other.exact), (self.overlap, other.overlap)):
            for label, counts in theirs.items():
                mine[label] = mine.get(label, MatchCounts()) + counts
        for label, table in other.binary.items():
            self.binary[label] = add_binary(self.binary.get(label, (0, 0, 0, 0)), table)
        self.confusion.update(other.confusion)
        return self

    def result(self, first: str, second: str, labels: Sequence[str]) -> PairAgreement:
        per_label = {
            label: Scores(
                exact=self.exact.get(label, MatchCounts()),
                overlap=self.overlap.get(label, MatchCounts()),
                kappa=binary_kappa(self.binary.get(label, (0, 0, 0, 0))),
            )
            for label in labels
        }
        overall = Scores(
            exact=sum(self.exact.values(), MatchCounts()),
            overlap=sum(self.overlap.values(), MatchCounts()),
            kappa=cohen_kappa(self.confusion),
        )
        return PairAgreement(first, second, self.documents, overall, per_label)


@dataclass(slots=True)
class _GroupTally:
    """Counts for a set of annotators over one or more documents."""

    documents: int = 0
    pairs: dict[tuple[str, str], _PairTally] = field(default_factory=dict)
    alpha: Coincidences = field(default_factory=Coincidences)
    label_alpha: dict[str, Coincidences] = field(default_factory=dict)
    unitizing: UnitizingStudy | None = None
    unitizing_documents: int = 0

    def __iadd__(self, other: _GroupTally) -> _GroupTally:
        self.documents += other.documents
        for key, pair in other.pairs.items():
            if key in self.pairs:
                self.pairs[key] += pair
            else:
                self.pairs[key] = _copy_pair(pair)
        self.alpha += other.alpha
        for label, matrix in other.label_alpha.items():
            self.label_alpha.setdefault(label, Coincidences()).__iadd__(matrix)
        return self

    def add_unitizing(self, study: UnitizingStudy) -> None:
        if self.unitizing is None:
            self.unitizing = UnitizingStudy(study.annotators)
        self.unitizing += study
        self.unitizing_documents += 1

    def result(self, annotators: Sequence[str], labels: Sequence[str]) -> GroupAgreement:
        pairs = tuple(
            self.pairs[key].result(key[0], key[1], labels)
            for key in combinations(annotators, 2)
            if key in self.pairs
        )
        study = self.unitizing

        def scores(label: str | None) -> Scores:
            chosen = [p.overall if label is None else p.labels[label] for p in pairs]
            if label is None:
                alpha = self.alpha.alpha()
                u_alpha = study.alpha(labels) if study is not None else None
            else:
                matrix = self.label_alpha.get(label)
                alpha = matrix.alpha() if matrix is not None else None
                u_alpha = study.category_alpha(label) if study is not None else None
            return Scores(
                exact=sum((s.exact for s in chosen), MatchCounts()),
                overlap=sum((s.overlap for s in chosen), MatchCounts()),
                kappa=mean(s.kappa for s in chosen),
                alpha=alpha,
                u_alpha=u_alpha,
            )

        return GroupAgreement(
            annotators=tuple(annotators),
            documents=self.documents,
            overall=scores(None),
            labels={label: scores(label) for label in labels},
            pairs=pairs,
            unitizing_documents=self.unitizing_documents,
        )


def _copy_pair(pair: _PairTally) -> _PairTally:
    copy = _PairTally()
    copy += pair
    return copy


def _document_tally(
    annotated: AnnotatedDocument, names: Sequence[str], labels: Sequence[str]
) -> _GroupTally:
    """The tally of one document annotated by ``names`` (two or more, sorted)."""
    text = annotated.document.text
    tokens = Tokens.of(text)
    count = len(tokens)
    chosen = set(labels)
    by_annotator: dict[str, list[Span]] = {name: [] for name in names}
    for span in annotated.spans:
        if span.annotator in by_annotator and span.label in chosen:
            by_annotator[span.annotator].append(span)
    layers = [_Layer.of(by_annotator[name], tokens) for name in names]
    tally = _GroupTally(documents=1)
    for (i, first), (j, second) in combinations(enumerate(layers), 2):
        tally.pairs[(names[i], names[j])] = _PairTally.of(first, second, labels, count)

    m = len(layers)
    labelled = [layer.token_label for layer in layers]
    keys: set[int] = set().union(*labelled)
    patterns = Counter(tuple(labels.get(t, OUTSIDE) for labels in labelled) for t in keys)
    for values, times in patterns.items():
        tally.alpha.add_unit(values, times)
    tally.alpha.add_uniform(OUTSIDE, m, count - len(keys))
    for label in labels:
        # one-vs-rest: a unit's contribution depends only on how many said "label"
        matrix = Coincidences()
        hits = Counter(chain.from_iterable(layer.coverage.get(label, ()) for layer in layers))
        for said, times in Counter(hits.values()).items():
            matrix.add_unit([label] * said + [NO] * (m - said), times)
        matrix.add_uniform(NO, m, count - len(hits))
        tally.label_alpha[label] = matrix

    study = UnitizingStudy(m)
    study.add_continuum(len(text), [layer.units for layer in layers], categories=labels)
    tally.add_unitizing(study)
    return tally


def measure_agreement(
    documents: Iterable[AnnotatedDocument],
    annotators: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    *,
    label_order: Sequence[str] = (),
    exclude: Collection[str] = (CURATION_ANNOTATOR,),
    per_document: bool = True,
) -> AgreementReport:
    """Agreement over the documents that two or more of the ``annotators`` annotated (an
    annotator annotated a document when it has a span in it, of any label).

    ``annotators``: default every annotator found except those in ``exclude``. ``labels``:
    default every label the chosen annotators used, ordered as in ``label_order`` and then by
    name. The project's u-alpha covers the documents that all the chosen annotators annotated.
    """
    wanted = set(annotators) if annotators is not None else None
    # Labels must be known before the first document: gather the documents' layers first.
    selected: list[tuple[AnnotatedDocument, list[str]]] = []
    found_labels: set[str] = set()
    seen_annotators: set[str] = set()
    for annotated in documents:
        names = sorted(
            {
                s.annotator
                for s in annotated.spans
                if (s.annotator in wanted if wanted is not None else s.annotator not in exclude)
            }
        )
        if len(names) < 2:
            continue
        seen_annotators.update(names)
        if labels is None:
            found_labels.update(s.label for s in annotated.spans if s.annotator in names)
        selected.append((annotated, names))
    rank = {name: i for i, name in enumerate(label_order)}
    chosen_labels = (
        list(labels)
        if labels is not None
        else sorted(found_labels, key=lambda n: (rank.get(n, len(rank)), n))
    )
    everyone = sorted(wanted) if wanted is not None else sorted(seen_annotators)

    project = _GroupTally()
    rows: list[DocumentAgreement] = []
    for annotated, names in selected:
        tally = _document_tally(annotated, names, chosen_labels)
        if per_document:
            rows.append(
                DocumentAgreement(
                    annotated.document.id,
                    annotated.document.display_title,
                    tally.result(names, chosen_labels),
                )
            )
        study = tally.unitizing
        project += tally
        if study is not None and len(names) == len(everyone):
            project.add_unitizing(study)
    return AgreementReport(
        annotators=tuple(everyone),
        labels=tuple(chosen_labels),
        project=project.result(everyone, chosen_labels),
        documents=tuple(rows),
    )
