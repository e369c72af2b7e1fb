"""read_ahead yields what the reader yields, raises what it raises, and stops its worker."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pytest

from annotator.core.document import DocumentDraft
from annotator.core.errors import InputFileError, ReaderStoppedError
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats.base import ImportOptions
from annotator.formats.native_jsonl import IMPORTER
from annotator.formats.read_ahead import (
    _safe_to_fork,
    _size,
    has_core_to_spare,
    read_ahead,
    runnable_now,
)

LINES = [
    '{"text": "Rebels shelled Aleppo.", "title": "A", "metadata": {"n": 1},'
    ' "spans": [{"id": 1, "label": "ACTOR", "start": 0, "end": 6, "text": "Rebels"},'
    ' {"id": 2, "label": "PLACE", "start": 15, "end": 21, "attributes": {"k": "v"},'
    ' "annotator": "ana", "comment": "c"}],'
    ' "relations": [{"type": "near", "source": 1, "target": 2}]}',
    "not json",
    '{"text": "Two pieces here.", "spans": [{"label": "X", "start": 0, "end": 16,'
    ' "fragments": [[0, 3], [11, 16]]}]}',
]


def test_the_worker_yields_what_the_reader_yields(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(LINES * 50) + "\n", encoding="utf-8")
    options = ImportOptions(annotator="ben")

    def read() -> Iterator[AnnotatedDraft | Failure]:
        return IMPORTER.read(path, LabelSchema(()), options)

    direct = list(read())
    assert _safe_to_fork(), threading.enumerate()
    ahead = read_ahead(path, read, minimum=0, when_busy=True)
    assert not isinstance(ahead, type(direct))  # a worker really read it
    received = list(ahead)
    assert received == direct
    drafts = [item for item in received if isinstance(item, AnnotatedDraft)]
    assert len(drafts) == 100
    first = drafts[0]
    assert type(first.spans[0]) is SpanRecord
    assert first.spans[1].attributes == {"k": "v"}
    assert first.draft.content_hash == DocumentDraft(first.draft.text).content_hash
    assert first.relations == (RelationRecord("near", "1", "2", "ben"),)


def test_plain_drafts_come_through_equal_with_each_label_sent_once(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    line = (
        '{"text": "Rebels shelled Aleppo.", "spans": [{"label": "ACTOR", "start": 0, "end": 6},'
        ' {"label": "PLACE", "start": 15, "end": 21}, {"label": "ACTOR", "start": 7, "end": 14}]}'
    )
    path.write_text("\n".join([line] * 150) + "\n", encoding="utf-8")
    options = ImportOptions(annotator="ben", plain=True)

    def read() -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        return IMPORTER.read(path, LabelSchema(()), options)

    direct = list(read())
    received = list(read_ahead(path, read, minimum=0, when_busy=True))
    assert received == direct
    assert {type(item) for item in received} == {PlainDraft}
    labels = [label for item in received[:64] for label in item.labels]  # one batch
    assert len({id(label) for label in labels}) == 2  # one ACTOR and one PLACE object


def test_small_files_are_read_in_process(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(LINES[0] + "\n", encoding="utf-8")
    reader = IMPORTER.read(path, LabelSchema(()), ImportOptions())
    assert read_ahead(path, lambda: reader) is reader


def test_a_folder_counts_the_size_of_its_files(tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.jsonl").write_text(LINES[0] + "\n", encoding="utf-8")
    (folder / "sub" / "b.jsonl").write_text(LINES[0] + "\n", encoding="utf-8")
    size = 2 * (len(LINES[0].encode()) + 1)
    assert _size(folder, 1 << 30) == size
    assert _size(folder, 1) < size  # counting stops once it is enough
    assert _size(tmp_path / "absent", 1) == -1

    def read() -> Iterator[AnnotatedDraft | Failure]:
        return iter(())

    small = read_ahead(folder, read, minimum=size + 1, when_busy=True)
    assert not hasattr(small, "would_wait")  # read in-process
    ahead = read_ahead(folder, read, minimum=size, when_busy=True)
    assert hasattr(ahead, "would_wait")  # read by a worker
    assert list(ahead) == []


_PARENT = os.getpid()


def _spans_then(error: BaseException | None, path: Path) -> Iterator[AnnotatedDraft | Failure]:
    for i in range(3):
        yield AnnotatedDraft(
            DocumentDraft(f"text {i}"), f"{path}:{i}", (SpanRecord("a", "X", 0, 4),)
        )
    if error is not None:
        raise error
    if os.getpid() != _PARENT:  # never end the test run itself
        os._exit(3)


def test_an_error_in_the_reader_is_raised_after_what_came_before(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("{}\n", encoding="utf-8")
    error = InputFileError("in.jsonl: broken archive", code="ANN131")
    received: list[AnnotatedDraft | Failure] = []
    with pytest.raises(InputFileError) as caught:
        received.extend(
            read_ahead(path, lambda: _spans_then(error, path), minimum=0, when_busy=True)
        )
    assert caught.value.code == "ANN131"
    assert caught.value.message == "in.jsonl: broken archive"
    assert [item.draft.text for item in received if isinstance(item, AnnotatedDraft)] == [
        "text 0",
        "text 1",
        "text 2",
    ]


def test_a_worker_that_dies_is_an_error_not_a_hang(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("{}\n", encoding="utf-8")
    with pytest.raises(ReaderStoppedError, match="exit code 3"):
        list(read_ahead(path, lambda: _spans_then(None, path), minimum=0, when_busy=True))


def test_closing_early_stops_the_worker(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(LINES * 2000) + "\n", encoding="utf-8")
    ahead = read_ahead(
        path,
        lambda: IMPORTER.read(path, LabelSchema(()), ImportOptions()),
        minimum=0,
        when_busy=True,
    )
    next(ahead)
    worker = ahead._worker  # type: ignore[attr-defined]
    ahead.close()  # type: ignore[attr-defined]
    assert not worker.is_alive()


def _some_unpicklable(count: int, bad: int) -> Iterator[AnnotatedDraft | Failure]:
    for i in range(count):
        metadata = MappingProxyType({"n": i}) if i == bad else {"n": i}  # a valid Mapping
        yield AnnotatedDraft(DocumentDraft(f"text {i}", metadata=metadata), f"f:{i}", (), ())


def test_an_item_that_cannot_be_sent_is_an_error_not_a_lost_batch(tmp_path: Path) -> None:
    # multiprocessing's queue pickles in a feeder thread that only prints what fails to pickle:
    # the batch holding it (64 items) vanished and the import committed without them
    path = tmp_path / "in.jsonl"
    path.write_text("{}\n", encoding="utf-8")
    received: list[AnnotatedDraft | Failure] = []
    with pytest.raises(ReaderStoppedError, match="mappingproxy"):
        received.extend(
            read_ahead(path, lambda: _some_unpicklable(200, 70), minimum=0, when_busy=True)
        )
    texts = [item.draft.text for item in received if isinstance(item, AnnotatedDraft)]
    assert texts == [f"text {i}" for i in range(len(texts))]  # no gap before the error
    assert len(texts) < 200


def _batch_then_pause(path: Path) -> Iterator[AnnotatedDraft | Failure]:
    for i in range(130):
        if i == 64:
            time.sleep(0.5)  # the first batch is sent; the next is slow to read
        yield AnnotatedDraft(DocumentDraft(f"text {i}"), f"{path}:{i}", ())


def test_the_reader_tells_when_the_next_item_is_not_read_yet(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("{}\n", encoding="utf-8")
    ahead = read_ahead(path, lambda: _batch_then_pause(path), minimum=0, when_busy=True)
    first = next(ahead)
    assert first.origin.endswith(":0")
    assert not ahead.would_wait()  # type: ignore[attr-defined]  # 63 items at hand
    rest = [next(ahead) for _ in range(63)]
    assert rest[-1].origin.endswith(":63")
    assert ahead.would_wait()  # type: ignore[attr-defined]  # the worker is still reading
    assert len(list(ahead)) == 66
    worker = ahead._worker  # type: ignore[attr-defined]
    ahead.close()  # type: ignore[attr-defined]
    assert worker.exitcode == 0  # it ended by itself after sending everything, and was joined


def test_the_runnable_count_is_read_from_proc_loadavg() -> None:
    assert runnable_now("1.98 2.04 4.82 1/312 40123\n") == 1
    assert runnable_now("0.10 0.20 0.30 12/950 7") == 12
    assert runnable_now("0.10 0.20 0.30") is None
    assert runnable_now("0.10 0.20 0.30 x/950 7") is None
    assert runnable_now("") is None


def test_the_count_of_this_instant_decides_not_the_lagging_average() -> None:
    # right after both cores were busy: the average still high, one thread (ours) runnable
    assert has_core_to_spare(1, 1.9, 2)
    assert not has_core_to_spare(2, 0.2, 2)  # another process is running on the other core
    assert not has_core_to_spare(5, 4.0, 2)
    assert has_core_to_spare(3, 6.0, 4)
    assert has_core_to_spare(None, 1.2, 2)  # no count: the average decides, as before
    assert not has_core_to_spare(None, 1.6, 2)
    assert has_core_to_spare(None, None, 1)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux only")
def test_a_process_pinned_to_one_core_reads_in_process(tmp_path: Path) -> None:
    """A machine of several cores, a process allowed one (taskset, a container's cpuset): no
    worker, which would only take turns with it on that core."""
    big = tmp_path / "big.jsonl"
    big.write_bytes(b"x" * 1024)
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from annotator.formats import read_ahead\n"
        "from annotator.formats.workers import worker_count\n"
        "os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})\n"
        "print(read_ahead.usable_cores(), worker_count({}),"
        " read_ahead._worth_a_worker(Path(sys.argv[1]), 0))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(big)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["1", "1", "False"]
