"""``annotator agreement`` as a user runs it: a real process on a real project folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.document import DocumentDraft
from annotator.services.project import Project
from annotator.services.project_files import init_project
from annotator.storage.bulk import DraftWithSpans, SpanDraft
from tests.cli.test_cli import run

TEXT = "Rebels shelled Aleppo on Monday, killing seven civilians."


def span(label: str, words: str, who: str) -> SpanDraft:
    start = TEXT.index(words)
    return SpanDraft(label, start, start + len(words), annotator=who)


def make_project(folder: Path) -> None:
    init_project(folder, name="Team")
    spans = [
        span("ACTOR", "Rebels", "ann"),
        span("LOCATION", "Aleppo", "ann"),
        span("ACTOR", "Rebels", "bob"),
        span("LOCATION", "Aleppo on Monday", "bob"),
        span("ACTOR", "Rebels", "curation"),
    ]
    with Project.open(folder) as project:
        project.database.bulk_add(
            [DraftWithSpans(DocumentDraft(TEXT, title="Shelling"), "t:1", spans)],
            datetime.now(UTC),
        )


def test_agreement_tables_and_json(tmp_path: Path) -> None:
    make_project(tmp_path / "proj")
    shown = run("agreement", "proj", "--per-document", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "Team: agreement of ann, bob on 1 document annotated by two or more of them"
    actor = next(line for line in lines if line.startswith("ACTOR "))
    assert actor.split()[1:3] == ["1.000", "1.000"]
    location = next(line for line in lines if line.startswith("LOCATION "))
    assert location.split()[1:3] == ["0.000", "1.000"]
    assert any(line.strip().startswith("1  Shelling") for line in lines)
    assert "curation" not in shown.stdout

    as_json = run("agreement", "proj", "--json", "--labels", "ACTOR,LOCATION", cwd=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["annotators"] == ["ann", "bob"]
    assert data["labels"] == ["ACTOR", "LOCATION"]
    assert data["project"]["overall"]["f1_exact"] == 0.5
    assert data["project"]["overall"]["f1_overlap"] == 1.0
    assert data["project"]["pairs"][0]["first"] == "ann"
    assert "documents" not in data


def test_agreement_errors_exit_1(tmp_path: Path) -> None:
    make_project(tmp_path / "proj")
    bad = run("agreement", "proj", "--annotators", "ann", "zed", cwd=tmp_path)
    assert bad.returncode == 1
    assert "no annotator named 'zed'" in bad.stderr
    assert "[ANN221]" in bad.stderr
