"""A large annotation import takes the fast path (batched inserts, and a reading worker when a
core is free) and keeps every check: bad lines reported with their line, duplicates skipped,
edit_log rows, one transaction that a cancel or a refused label undoes whole (SQLite and
PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import UserError
from annotator.formats.read_ahead import WORTH_A_WORKER, _worth_a_worker
from annotator.services.annotation_import import ImportCancelledError, import_annotations
from annotator.services.project import Project

WORDS = "rebels shelled the town police said seven people died near the border".split()


def _line(i: int) -> str:
    words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(1100)]
    text = f"Report {i}: " + " ".join(words)
    spans = []
    at = 0
    for k, word in enumerate(text.split(" ")[:24]):
        label = ("ACTOR", "LOCATION", "CLAIM")[k % 3]
        spans.append({"id": k, "label": label, "start": at, "end": at + len(word), "text": word})
        at += len(word) + 1
    spans.append(dict(spans[1]) | {"id": 99})  # the same span twice: stored once
    record = {"text": text, "title": f"R{i}", "spans": spans}
    if i == 5:
        record["relations"] = [{"type": "SAID_BY", "source": 0, "target": 1}]
    return json.dumps(record)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bulk") / "big.jsonl"
    lines = [_line(i) for i in range(650)]
    lines[400] = '{"text": "bad", "spans": [{"label": "ACTOR", "start": 0, "end": 9}]}'
    lines[401] = "{not json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > WORTH_A_WORKER
    assert _worth_a_worker(path, WORTH_A_WORKER)  # read in a worker when a core is free
    return path


def test_a_large_import_stores_everything_once(
    big_file: Path, tmp_path: Path, database_url: str
) -> None:
    with Project.create(tmp_path / "p", database_url=database_url) as project:
        before = project.last_change_id()
        report = import_annotations(project, "jsonl", big_file, add_labels=True)
        assert len(report.created) == 648
        assert report.spans == 648 * 24
        assert report.relations == 1
        assert report.spans_already_there == 648
        assert [(f.line, f.code) for f in report.failures] == [(401, "ANN132"), (402, "ANN131")]
        assert project.count_documents() == 648
        first = project.annotated(report.created[0])
        assert first is not None
        assert len(first.spans) == 24
        assert all(first.document.text[s.start : s.end] for s in first.spans)
        assert project.last_change_id() - before == 648  # other machines see every document


def test_a_cancel_or_a_refused_label_keeps_nothing(
    big_file: Path, tmp_path: Path, database_url: str
) -> None:
    with Project.create(tmp_path / "p", database_url=database_url) as project:
        seen = []

        def cancelled() -> bool:
            seen.append(1)
            return len(seen) > 550  # after a batch was stored

        with pytest.raises(ImportCancelledError):
            import_annotations(project, "jsonl", big_file, add_labels=True, cancelled=cancelled)
        assert project.count_documents() == 0
        with pytest.raises(UserError, match="SAID_BY"):
            import_annotations(project, "jsonl", big_file)
        assert project.count_documents() == 0


def test_a_document_changed_by_two_batches_is_logged_once(
    tmp_path: Path, database_url: str
) -> None:
    lines = [_line(i) for i in range(650)]
    again = json.loads(lines[3])
    again["spans"] = [{"label": "CLAIM", "start": 0, "end": 6}]  # a new span on that text
    lines[600] = json.dumps(again)
    path = tmp_path / "twice.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Project.create(tmp_path / "p", database_url=database_url) as project:
        before = project.last_change_id()
        report = import_annotations(project, "jsonl", path, add_labels=True)
        assert len(report.created) == 649
        assert report.updated == [report.created[3]]
        assert project.last_change_id() - before == 649  # one row per changed document
        seen = []

        def cancelled() -> bool:
            seen.append(1)
            return len(seen) > 550  # after a batch was stored and logged

        with pytest.raises(ImportCancelledError):
            import_annotations(project, "jsonl", big_file_copy(path, tmp_path), cancelled=cancelled)
        assert project.last_change_id() - before == 649  # nothing of the cancelled import


def big_file_copy(path: Path, folder: Path) -> Path:
    """The same lines with other texts (so that the import creates documents again)."""
    copy = folder / "other.jsonl"
    copy.write_text(path.read_text(encoding="utf-8").replace("Report ", "Rapport "), "utf-8")
    return copy
