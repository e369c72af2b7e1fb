"""A curator's "keep nothing" is remembered, so a rejected disagreement is told apart from an
undecided one (SQLite and PostgreSQL)."""

from __future__ import annotations

from annotator.core.curation_decisions import Decision, decode_keys
from annotator.services import curation
from annotator.services.project import Project
from tests.services.test_curation import doc, project, two_annotators

__all__ = ["project"]  # the fixture, shared


def decisions(project: Project) -> list[Decision]:
    view = curation.load(project, doc(project))
    return [view.decision(unit) for unit in view.curation.disagreements]


def test_rejected_kept_and_undecided_are_told_apart(project: Project) -> None:
    two_annotators(project)
    curation.prepare(project)
    figure, rebels = curation.load(project, doc(project)).curation.disagreements
    assert decisions(project) == [Decision.UNDECIDED, Decision.UNDECIDED]

    curation.reject(project, doc(project), figure)  # nothing was curated: no edit, remembered
    assert decisions(project) == [Decision.REJECTED, Decision.UNDECIDED]
    curation.accept(project, doc(project), rebels, rebels.alternative_of("bob"))
    assert decisions(project) == [Decision.REJECTED, Decision.KEPT]
    curation.accept(project, doc(project), figure, figure.alternative_of("ana"))
    assert decisions(project) == [Decision.KEPT, Decision.KEPT]  # the layer decides first
    curation.reject(project, doc(project), figure)
    assert decisions(project) == [Decision.REJECTED, Decision.KEPT]

    curation.reject(project, doc(project), figure)  # twice: stored once
    stored = project.database.setting(curation.REJECTED_SETTING.format(doc(project)))
    assert len(decode_keys(stored)) == 1


def test_unreadable_stored_keys_count_as_none() -> None:
    assert decode_keys(None) == frozenset()
    assert decode_keys("not json") == frozenset()
    assert decode_keys('{"a": 1}') == frozenset()
    assert decode_keys('["x", 3]') == frozenset({"x"})
