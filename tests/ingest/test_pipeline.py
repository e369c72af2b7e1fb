"""The import stream: order, folders, resume by origin, workers, format override."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.ingest import FailureCode, IngestFailure, IngestOptions, iter_records
from annotator.ingest.pipeline import BATCH_RECORDS

from .conftest import run


def _tree(root: Path) -> None:
    (root / "b").mkdir(parents=True)
    (root / "a").mkdir()
    (root / ".git").mkdir()
    (root / "b" / "2.txt").write_text("Second folder, first file.")
    (root / "a" / "z.txt").write_text("First folder, last file.")
    (root / "a" / "m.jsonl").write_text('{"text": "Line one."}\n{"text": "Line two."}\n')
    (root / ".git" / "config").write_text("ignored")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (root / "notes").write_text("A file without an extension is sniffed as text.")


def test_folders_are_walked_recursively_in_name_order(tmp_path: Path) -> None:
    _tree(tmp_path)
    documents, failures = run([tmp_path])
    assert failures == []
    assert [d.origin.removeprefix(str(tmp_path)) for d in documents] == [
        "/a/m.jsonl:1",
        "/a/m.jsonl:2",
        "/a/z.txt",
        "/b/2.txt",
        "/notes",
    ]


def test_relative_paths_become_stable_absolute_origins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path / "b")
    documents, _ = run(["../a/../b/2.txt"])
    assert [d.origin for d in documents] == [str(tmp_path / "b" / "2.txt")]


def test_skip_resumes_after_the_last_imported_origin(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(json.dumps({"text": f"Article {n}."}) + "\n" for n in range(10)))
    first = [item.origin for item in iter_records([path])]
    done = set(first[:6])
    rest, failures = run([path], skip=done.__contains__)
    assert failures == []
    assert [d.origin for d in rest] == first[6:]


def test_format_override(tmp_path: Path) -> None:
    path = tmp_path / "export.data"
    path.write_text('{"body": "From a file with an odd name."}\n')
    (document,), _ = run([path], IngestOptions(format="jsonl"))
    assert document.draft.text == "From a file with an odd name."
    (document,), _ = run([path], IngestOptions(format="text", clean=False))
    assert document.draft.text == '{"body": "From a file with an odd name."}'


def test_two_workers_give_the_same_items_in_the_same_order(tmp_path: Path, fixtures: Path) -> None:
    html = (fixtures / "news_article.html").read_text(encoding="utf-8")
    for n in range(30):
        (tmp_path / f"page{n:02}.html").write_text(html.replace("Port Wenlow", f"Port {n}"))
    (tmp_path / "broken.html").write_text("<!DOCTYPE x [<!ENTITY a 'b'>]><p>&a;</p>")
    lines = "".join(json.dumps({"text": f"Record {n}."}) + "\n" for n in range(3 * BATCH_RECORDS))
    (tmp_path / "records.jsonl").write_text(lines + "{oops\n")
    serial = list(iter_records([tmp_path]))
    parallel = list(iter_records([tmp_path], workers=2))
    assert parallel == serial
    assert len(serial) == 31 + 3 * BATCH_RECORDS + 1
    codes = [item.code for item in serial if isinstance(item, IngestFailure)]
    assert codes == [FailureCode.HOSTILE, FailureCode.MALFORMED]


def test_a_consumer_may_stop_early(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"text": f"Record {n}."}) + "\n" for n in range(1000))
    (tmp_path / "records.jsonl").write_text(lines)
    stream = iter_records([tmp_path], workers=2)
    assert next(stream).origin.endswith(":1")
    stream.close()
