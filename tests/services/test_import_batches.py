"""An import checks duplicates a batch at a time with the answers of one at a time."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from annotator.core.reports import Skipped
from annotator.ingest import Deduplicator, IngestFailure, IngestOptions, iter_records, pipeline
from annotator.services.importing import _skipped, import_paths
from annotator.services.project import Project
from annotator.services.project_files import init_project

WORDS = (
    "council budget river storm harbour minister police school road rail union strike farm "
    "price energy court judge vote party border trade port bank wage health water forest"
).split()


def _records(rng: random.Random, count: int) -> list[str]:
    """Articles with exact copies and edited copies of earlier ones, near and far back."""
    texts: list[str] = []
    lines: list[str] = []
    for number in range(count):
        roll = rng.random()
        if texts and roll < 0.1:
            text = rng.choice(texts)
        elif texts and roll < 0.3:
            words = rng.choice(texts).split(" ")
            for _ in range(rng.randint(1, 12)):
                words[rng.randrange(len(words))] = rng.choice(WORDS)
            text = " ".join(words)
        else:
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 200))) + "."
        texts.append(text)
        lines.append(json.dumps({"id": number, "title": f"Story {number}", "text": text}))
        if rng.random() < 0.02:
            lines.append("{broken")
    return lines


def test_a_batched_import_skips_what_one_check_at_a_time_skips(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(_records(random.Random(4), 400)) + "\n", encoding="utf-8")
    seen: Deduplicator[str] = Deduplicator(0.7)
    expected_skipped: list[Skipped] = []
    expected_failed: list[tuple[str, int | None]] = []
    kept = 0
    for item in iter_records([path], IngestOptions()):
        if isinstance(item, IngestFailure):
            expected_failed.append((item.file, item.line))
            continue
        duplicate = seen.check(item.draft.content_hash, item.signature)
        if duplicate is None:
            seen.add(item.origin, item.draft.content_hash, item.signature)
            kept += 1
        else:
            expected_skipped.append(_skipped(item.origin, duplicate))
    init_project(tmp_path / "proj", name="Batches")
    with Project.open(tmp_path / "proj") as project:
        report = import_paths(project, [path])
        assert len(report.imported) == kept == project.count_documents()
    assert report.skipped == expected_skipped  # same documents, reasons and similarities
    reasons = {entry.reason.split(" ")[0] for entry in report.skipped}
    assert reasons == {"same", "near-duplicate"}
    assert [(f.file, f.line) for f in report.failures] == expected_failed
    assert expected_failed


def test_the_batch_size_changes_nothing_stored_or_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records are grouped ``BATCH_RECORDS`` at a time for the workers and the duplicate
    screening; the size is a speed setting only (same documents, ids, skips and failures)."""
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(_records(random.Random(9), 300)) + "\n", encoding="utf-8")
    outcomes = []
    for size in (5, 64, 128):
        monkeypatch.setattr(pipeline, "BATCH_RECORDS", size)
        folder = tmp_path / f"proj-{size}"
        init_project(folder, name="Batches")
        with Project.open(folder) as project:
            report = import_paths(project, [path])
            stored = [
                (document_id, digest, signature, project.database.document(document_id))
                for document_id, digest, signature in project.database.fingerprints()
            ]
        rows = [
            (i, digest, mark, doc.external_id, doc.text, doc.title, dict(doc.metadata))
            for i, digest, mark, doc in stored
            if doc is not None
        ]
        failures = [(f.file, f.line, f.reason, f.code) for f in report.failures]
        outcomes.append((report.imported, report.skipped, failures, rows))
    assert outcomes[0] == outcomes[1] == outcomes[2]
    imported, skipped, failures, rows = outcomes[0]
    assert skipped
    assert failures
    assert len(rows) == len(imported)
