"""Concurrent annotator processes on one project: no lost update, no unhandled error, every
conflict reported (the load and the checks are benchmarks/team.py's, asserted here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.team import prepare, run_load, verify

EDITS = int(os.environ.get("ANNOTATOR_TEAM_EDITS", "500"))
"""Edits per process; lower it to run the PostgreSQL case faster by hand."""


def check(folder: Path, url: str, workers: int, edits: int) -> None:
    prepare(folder, url, workers)
    logs = run_load(folder, url, workers, edits)
    assert verify(folder, url, logs) == []
    assert all(log.attempted == edits for log in logs)
    for log in logs:  # every attempt either committed or was refused with a reason
        assert len(log.successes) + sum(log.refused.values()) == edits
    assert sum(log.refused["stale"] for log in logs) > 0  # the shared spans did conflict
    if workers > 2:
        assert all(log.refused["permission"] > 0 for log in logs[-2:])  # plain annotators


@pytest.mark.postgres
def test_eight_annotators_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    check(tmp_path / "proj", postgres_url, 8, EDITS)


def test_two_processes_on_one_sqlite_file(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    check(folder, f"sqlite:///{folder / 'annotations.sqlite'}", 2, 150)
