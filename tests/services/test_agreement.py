"""Agreement over a real project (SQLite and PostgreSQL): choices, defaults and errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotator.core.agreement import MatchCounts, measure_agreement
from annotator.core.document import DocumentDraft
from annotator.core.errors import AgreementError, PermissionDeniedError
from annotator.core.ids import DocumentId
from annotator.core.team import Role
from annotator.services import team
from annotator.services.agreement import (
    AgreementCancelledError,
    AgreementRequest,
    agreement_annotators,
    agreement_labels,
    measure,
)
from annotator.services.project import Project
from annotator.services.project_files import init_project
from annotator.storage.bulk import DraftWithSpans, SpanDraft

TEXTS = [
    "Rebels shelled Aleppo on Monday, killing seven civilians.",
    "The ministry said police detained dozens of protesters in Homs.",
    "Officials in Idlib reported clashes near the border.",
]


def at(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Iterator[Project]:
    folder = tmp_path / "proj"
    init_project(folder, name="Agreement")
    with Project.open(folder, database_url=database_url) as opened:
        yield opened


@pytest.fixture
def ids(project: Project) -> list[DocumentId]:
    spans = {
        0: [
            ("ann", "ACTOR", "Rebels"),
            ("ann", "LOCATION", "Aleppo"),
            ("bob", "ACTOR", "Rebels"),
            ("bob", "LOCATION", "Aleppo on Monday"),
            ("cat", "ACTOR", "Rebels"),
            ("curation", "ACTOR", "Rebels"),
        ],
        1: [
            ("ann", "ACTOR", "The ministry"),
            ("bob", "ACTOR", "The ministry"),
            ("bob", "ACTOR", "police"),
        ],
        2: [("ann", "LOCATION", "Idlib")],  # one annotator only: left out
    }
    # Stored in bulk (as an import does): an edit refuses a span with the label and range of
    # another annotator's span.
    items = [
        DraftWithSpans(
            DocumentDraft(text, title=f"Article {i}"),
            f"t:{i}",
            [SpanDraft(label, *at(text, words), annotator=who) for who, label, words in spans[i]],
        )
        for i, text in enumerate(TEXTS)
    ]
    return project.database.bulk_add(items, datetime.now(UTC))


def test_defaults_leave_out_curation_and_single_annotator_documents(
    project: Project, ids: list[DocumentId]
) -> None:
    assert agreement_annotators(project) == ["ann", "bob", "cat"]
    assert agreement_labels(project) == ["ACTOR", "LOCATION"]
    report = measure(project)
    assert report.annotators == ("ann", "bob", "cat")
    assert report.labels == ("ACTOR", "LOCATION")
    assert [d.document_id for d in report.documents] == ids[:2]
    assert [d.title for d in report.documents] == ["Article 0", "Article 1"]
    ann_bob = report.project.pair("ann", "bob")
    assert ann_bob is not None
    assert ann_bob.documents == 2
    assert ann_bob.overall.exact == MatchCounts(2, 3, 4)
    assert ann_bob.overall.overlap == MatchCounts(3, 3, 4)
    assert ann_bob.labels["LOCATION"].exact.f1 == 0.0
    assert ann_bob.labels["LOCATION"].overlap.f1 == 1.0
    # u-alpha over the one document all three annotated
    assert report.project.unitizing_documents == 1
    # the same numbers as the core computation on the documents read back
    direct = measure_agreement(project.iter_annotated(), label_order=project.schema.label_names)
    assert direct.project == report.project


def test_choices_of_annotators_labels_and_documents(
    project: Project, ids: list[DocumentId]
) -> None:
    report = measure(project, AgreementRequest(annotators=("ann", "bob"), labels=("ACTOR",)))
    assert report.annotators == ("ann", "bob")
    assert report.labels == ("ACTOR",)
    assert report.project.overall.exact == MatchCounts(2, 2, 3)
    only_first = measure(project, AgreementRequest(documents=(ids[0],), per_document=False))
    assert only_first.project.documents == 1
    assert only_first.documents == ()
    with_curation = measure(project, AgreementRequest(include_curation=True))
    assert "curation" in with_curation.annotators


def test_the_documents_read_are_those_two_chosen_annotators_annotated(
    project: Project, ids: list[DocumentId]
) -> None:
    shared = project.database.shared_document_ids
    assert shared(None, exclude=("curation",)) == ids[:2]
    assert shared(["ann", "curation"]) == ids[:1]
    assert shared(["cat", "zed"]) == []
    assert shared(None) == ids[:2]


def test_progress_and_cancel(project: Project, ids: list[DocumentId]) -> None:
    seen: list[tuple[int, int]] = []
    measure(project, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (2, 2)  # only the documents two annotators annotated are read
    with pytest.raises(AgreementCancelledError):
        measure(project, cancelled=lambda: True)


def test_errors_name_what_is_wrong(project: Project, ids: list[DocumentId]) -> None:
    with pytest.raises(AgreementError, match="'zed'") as error:
        measure(project, AgreementRequest(annotators=("ann", "zed")))
    assert error.value.code == "ANN221"
    with pytest.raises(AgreementError) as error:
        measure(project, AgreementRequest(labels=("WEAPON",)))
    assert error.value.code == "ANN222"
    with pytest.raises(AgreementError) as error:
        measure(project, AgreementRequest(annotators=("ann",)))
    assert error.value.code == "ANN223"


def test_a_project_with_one_annotator_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "solo"
    init_project(folder)
    with Project.open(folder) as project:
        with pytest.raises(AgreementError) as error:
            measure(project)
        assert error.value.code == "ANN223"


def test_in_a_blind_project_agreement_needs_a_curator_or_manager(
    tmp_path: Path, database_url: str
) -> None:
    folder = tmp_path / "blind"
    init_project(folder, name="Blind")
    with (
        Project.open(folder, database_url=database_url, annotator="amira") as amira,
        Project.open(folder, database_url=database_url, annotator="cy") as cy,
    ):
        amira.database.bulk_add(
            [
                DraftWithSpans(
                    DocumentDraft(TEXTS[0]),
                    "t:0",
                    [
                        SpanDraft("ACTOR", *at(TEXTS[0], "Rebels"), annotator=who)
                        for who in ("amira", "cy")
                    ],
                )
            ],
            datetime.now(UTC),
        )
        amira.refresh_identity()
        assert measure(cy).annotators == ("amira", "cy")  # not blind: anyone may compare
        team.set_blind(amira, True)
        with pytest.raises(PermissionDeniedError) as caught:
            measure(cy)
        assert caught.value.code == "ANN300"
        assert "blind" in caught.value.message
        with pytest.raises(PermissionDeniedError):
            agreement_annotators(cy)
        assert not measure(amira).empty  # the manager may
        team.set_role(amira, "cy", Role.CURATOR)
        assert not measure(cy).empty  # and so may a curator
