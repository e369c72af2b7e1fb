"""The JSON-family exports on a real project: a cancel after several written batches leaves
nothing behind, the collector is back on afterwards, and the filters still choose the lines."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotator.core.document import DocumentDraft, DocumentStatus
from annotator.core.errors import UserError
from annotator.core.ids import DocumentId
from annotator.services.exporting import ExportSelection, export_project, preview_losses
from annotator.services.project import Project
from annotator.services.project_files import init_project
from annotator.storage.bulk import DraftWithSpans, SpanDraft

JSON_FAMILY = ("jsonl", "doccano", "label-studio", "spacy-jsonl")
COUNT = 150
"""More documents than two of the writers' 64-line batches."""


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Iterator[Project]:
    folder = tmp_path / "proj"
    init_project(folder, name="Test")
    opened = Project.open(folder, database_url=database_url)
    items = [
        DraftWithSpans(
            DocumentDraft(f"Rebels 🏛 shelled town {i}.", title=f"Report {i}"),
            f"b{i}",
            [SpanDraft("ACTOR", 0, 6, {}, "bench"), SpanDraft("LOCATION", 17, 21, {}, "bench")],
        )
        for i in range(COUNT)
    ]
    opened.database.bulk_add(items, datetime.now(UTC))
    yield opened
    opened.close()


@pytest.mark.parametrize("name", JSON_FAMILY)
def test_a_cancel_after_written_batches_leaves_nothing_and_the_collector_on(
    project: Project, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "out" / f"export-{name}"
    out.parent.mkdir()
    seen: list[int] = []
    with pytest.raises(UserError, match="cancelled"):
        export_project(project, name, out, progress=seen.append, cancelled=lambda: len(seen) >= 140)
    assert seen[-1] == 140
    assert list(out.parent.iterdir()) == []
    assert gc.isenabled()


@pytest.mark.parametrize("name", JSON_FAMILY)
def test_a_whole_export_writes_every_document_and_leaves_the_collector_on(
    project: Project, tmp_path: Path, name: str
) -> None:
    out = tmp_path / f"export-{name}"
    report = export_project(project, name, out)
    assert (report.documents, report.spans) == (COUNT, 2 * COUNT)
    text = out.read_text(encoding="utf-8")
    records = (
        json.loads(text)
        if name == "label-studio"
        else [json.loads(x) for x in text.split("\n") if x]
    )
    assert len(records) == COUNT
    assert gc.isenabled()
    preview_losses(project, name)
    assert gc.isenabled()


def test_the_done_only_filter_chooses_the_lines(project: Project, tmp_path: Path) -> None:
    done = [2, 70, 140]
    for document_id in done:
        project.set_status(DocumentId(document_id), DocumentStatus.DONE)
    out = tmp_path / "done.jsonl"
    report = export_project(project, "jsonl", out, ExportSelection(done_only=True))
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert report.documents == 3
    assert [line["id"] for line in lines] == done
    assert all(line["status"] == "done" for line in lines)
