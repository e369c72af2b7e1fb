"""Helpers for the ingest tests: fixture paths and running an import into lists."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from annotator.ingest import IngestedDocument, IngestFailure, IngestOptions, iter_records

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def run(
    paths: Sequence[Path | str], options: IngestOptions | None = None, **kwargs: object
) -> tuple[list[IngestedDocument], list[IngestFailure]]:
    """Every document and failure of an import, in order."""
    documents: list[IngestedDocument] = []
    failures: list[IngestFailure] = []
    for item in iter_records(paths, options, **kwargs):  # type: ignore[arg-type]
        if isinstance(item, IngestFailure):
            failures.append(item)
        else:
            documents.append(item)
    return documents, failures


def lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
