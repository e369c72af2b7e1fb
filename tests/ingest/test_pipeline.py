"""The import stream: order, folders, resume by origin, workers, format override."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, ClassVar

import pytest

from annotator.ingest import FailureCode, IngestFailure, IngestOptions, iter_records, pipeline
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


class _FakePool:
    """Runs tasks at once in this process; a batch with a 'poison' unit breaks the pool (units
    travel packed: origin first)."""

    start_fails = False

    start_seconds = 0.0
    """How long a new pool takes to answer its first task."""
    pools: ClassVar[list[_FakePool]] = []

    def __init__(self, workers: int, mp_context: object = None) -> None:
        self.workers = workers
        self.pings = 0
        _FakePool.pools.append(self)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self.pings += fn is pipeline._ping
        if fn is pipeline._ping and self.start_seconds:
            threading.Timer(self.start_seconds, future.set_result, (True,)).start()
        elif fn is pipeline._ping and self.start_fails:
            future.set_exception(BrokenProcessPool("cannot start"))
        elif fn is not pipeline._ping and any("poison" in unit[0] for unit in args[0]):
            future.set_exception(BrokenProcessPool("a worker died"))
        else:
            future.set_result(fn(*args))
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def _texts(root: Path) -> list[str]:
    names = [f"{n:02}.txt" for n in range(20)]
    names[7] = "07-poison.txt"
    for name in names:
        (root / name).write_text(f"Article {name}.")
    return names


def test_a_unit_that_kills_its_worker_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _texts(tmp_path)
    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", _FakePool)
    items = list(iter_records([tmp_path], workers=2))
    assert [Path(item.origin).name for item in items] == names
    failures = [item for item in items if isinstance(item, IngestFailure)]
    assert [(Path(f.origin).name, f.code) for f in failures] == [
        ("07-poison.txt", FailureCode.EXTRACTION)
    ]


def test_workers_that_cannot_start_fall_back_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    names = _texts(tmp_path)
    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", _FakePool)
    monkeypatch.setattr(_FakePool, "start_fails", True)
    items = list(iter_records([tmp_path], workers=2))
    assert [Path(item.origin).name for item in items] == names
    assert not any(isinstance(item, IngestFailure) for item in items)
    assert "cannot start" in caplog.text


def test_every_worker_starts_at_once_and_a_slow_replacement_is_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _texts(tmp_path)
    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", _FakePool)
    monkeypatch.setattr(_FakePool, "pools", [])
    original = _FakePool.__init__

    def slow_replacement(pool: _FakePool, workers: int, mp_context: object = None) -> None:
        original(pool, workers, mp_context)
        pool.start_seconds = 0.2 if len(_FakePool.pools) > 1 else 0.0

    monkeypatch.setattr(_FakePool, "__init__", slow_replacement)
    items = list(iter_records([tmp_path], workers=2))
    assert [Path(item.origin).name for item in items] == names
    failures = [item for item in items if isinstance(item, IngestFailure)]
    assert [Path(f.origin).name for f in failures] == ["07-poison.txt"]
    # a spawn pool starts a process per task while none is idle: every worker starts at once
    assert [pool.pings for pool in _FakePool.pools] == [2, 2, 2]  # the poison broke two
