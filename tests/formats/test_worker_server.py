"""Workers forked from a server that loaded their modules once; no process outlives an export."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import nullcontext
from functools import partial
from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.errors import ExportWorkerStoppedError
from annotator.core.schema import LabelSchema
from annotator.formats.base import ExportOptions
from annotator.formats.spacy_docbin import EXPORTER as SPACY
from annotator.formats.worker_server import WorkerServer, starting_at
from annotator.formats.workers import batched, ordered_map
from annotator.services.sinks import AtomicSink
from tests.forkservers import server_processes
from tests.formats.conftest import round_trip_document


def pid_preloaded_and_sum(module: str, batch: list[int]) -> tuple[int, bool, int]:
    return os.getpid(), module in sys.modules, sum(batch)


@pytest.fixture
def preload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A module nothing imports, on ``sys.path`` only at run time (as a script's own folder
    is): a worker has it only if the server loaded it, from where this process finds it."""
    name = f"server_probe_{uuid.uuid4().hex}"
    (tmp_path / f"{name}.py").write_text("LOADED = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


@pytest.fixture(autouse=True)
def _linux_only() -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("reads /proc to find the server process")


def test_workers_start_with_the_servers_modules_and_the_server_ends_with_the_map(
    preload: str,
) -> None:
    work = partial(pid_preloaded_and_sum, preload)
    before = os.environ.get("PYTHONPATH")
    with WorkerServer(preload) as server:
        results = list(ordered_map(work, batched(range(30), 4), 2, server=server))
        assert server_processes()
    assert [total for _, _, total in results] == [sum(b) for b in batched(range(30), 4)]
    assert all(preloaded for _, preloaded, _ in results)
    assert os.getpid() not in {pid for pid, _, _ in results}
    assert server_processes() == []
    assert multiprocessing.active_children() == []
    assert preload not in sys.modules
    assert os.environ.get("PYTHONPATH") == before


def test_once_the_server_is_started_even_one_short_batch_goes_to_a_worker(
    preload: str,
) -> None:
    work = partial(pid_preloaded_and_sum, preload)
    with WorkerServer(preload) as server:
        assert list(ordered_map(work, [[1, 2]], 2, server=server)) == [
            (os.getpid(), False, 3)
        ]  # a small export never starts the server
        assert not server.started
        numbers = starting_at(range(5), 3, server)
        [(pid, preloaded, total)] = ordered_map(
            work, batched(numbers, 10), 2, full=10, server=server
        )
    assert (preloaded, total) == (True, 10)
    assert pid != os.getpid()
    assert server_processes() == []


def test_exports_from_two_threads_share_the_server_and_the_last_stops_it(preload: str) -> None:
    results: dict[int, list[int]] = {}
    work = partial(pid_preloaded_and_sum, preload)

    def run(number: int) -> None:
        with WorkerServer(preload) as server:
            done = ordered_map(work, batched(range(24), 3), 2, server=server)
            results[number] = [total for _, _, total in done]

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = [sum(b) for b in batched(range(24), 3)]
    assert results == {0: expected, 1: expected}
    assert server_processes() == []


class StopError(Exception):
    """What a cancel raises from the documents being read (ExportCancelledError in the app)."""


def write_or_abort(
    items: Iterator[AnnotatedDocument], schema: LabelSchema, target: Path, options: ExportOptions
) -> None:
    """As services.exporting.export_project writes: the sink is aborted on any error."""
    sink = AtomicSink(target, SPACY.layout)
    try:
        SPACY.write(items, schema, sink, options)
        sink.commit()
    except BaseException:
        sink.abort()
        raise


def test_a_cancelled_spacy_export_leaves_no_file_and_no_process(
    tmp_path: Path, schema: LabelSchema
) -> None:
    pytest.importorskip("spacy")
    items = [round_trip_document(n, f"afp-{n}") for n in range(1, 12)]

    def read() -> Iterator[AnnotatedDocument]:
        for number, item in enumerate(items):
            if number == 7:  # three shards are out, the fourth is being read
                raise StopError
            yield item

    target = tmp_path / "out" / "export"
    target.parent.mkdir()
    options = ExportOptions(extra={"workers": "2", "shard_documents": "2"})
    with pytest.raises(StopError):
        write_or_abort(read(), schema, target, options)
    assert server_processes() == []
    assert multiprocessing.active_children() == []
    assert list(target.parent.iterdir()) == []


def test_a_process_without_spacy_exports_through_the_server_and_never_imports_it(
    tmp_path: Path,
) -> None:
    """Even two documents go to a worker when spaCy is not loaded here (the server imports it
    while this process reads), and an empty export's one shard too."""
    pytest.importorskip("spacy")
    import subprocess

    script = f"""
import sys
from pathlib import Path
from annotator.formats.base import ExportOptions
from annotator.formats.spacy_docbin import EXPORTER
from annotator.services.sinks import AtomicSink
from tests.formats.conftest import round_trip_document, round_trip_schema
for name, items in (("two", [round_trip_document(n, f"afp-{{n}}") for n in (1, 2)]), ("none", [])):
    sink = AtomicSink(Path({str(tmp_path)!r}) / name, EXPORTER.layout)
    EXPORTER.write(iter(items), round_trip_schema(), sink, ExportOptions(extra={{"workers": "2"}}))
    sink.commit()
assert "spacy" not in sys.modules, "imported here"
"""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    two = list(DocBin().from_disk(tmp_path / "two" / "part-0001.spacy").get_docs(nlp.vocab))
    assert [doc.user_data["annotator"]["document"]["external_id"] for doc in two] == [
        "afp-1",
        "afp-2",
    ]
    assert len(DocBin().from_disk(tmp_path / "none" / "part-0001.spacy")) == 0


def sum_or_die(batch: list[int]) -> int:
    """A worker that is killed (as by the out-of-memory killer) on the batch holding 13."""
    if 13 in batch:
        os.kill(os.getpid(), signal.SIGKILL)
    return sum(batch)


@pytest.mark.parametrize("served", [False, True], ids=["spawned", "server"])
def test_a_killed_worker_is_a_clear_error_and_leaves_no_process(preload: str, served: bool) -> None:
    """Before, the pool's BrokenProcessPool reached the user as an internal error."""
    server = WorkerServer(preload) if served else None
    with (
        server or nullcontext(),
        pytest.raises(ExportWorkerStoppedError, match="worker process stopped"),
    ):
        list(ordered_map(sum_or_die, batched(range(40), 4), 2, server=server))
    assert server_processes() == []
    assert multiprocessing.active_children() == []


def test_starting_the_server_leaves_the_environment_of_other_threads_alone(
    preload: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window exports in a thread while others start processes (an import's reading
    worker, another export's pool): a process started meanwhile must not inherit a
    ``PYTHONPATH`` set for the server. Before, each start set it process-wide for a moment."""
    monkeypatch.delenv("PYTHONPATH", raising=False)
    seen: list[str] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if "PYTHONPATH" in os.environ:
                seen.append(os.environ.get("PYTHONPATH", ""))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # the other thread runs often enough to see a brief change
    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(5):
            with WorkerServer(preload) as server:
                server.start()
    finally:
        done.set()
        watcher.join()
        sys.setswitchinterval(interval)
    assert seen == []
    assert server_processes() == []


def test_an_export_cancelled_while_the_server_loads_does_not_wait_for_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cancel (or Ctrl-C, or the window closing) right after the export started the server
    waited for it to finish importing spaCy, 1.3-2 s, before the export could end."""
    name = f"slow_probe_{uuid.uuid4().hex}"
    (tmp_path / f"{name}.py").write_text("import time\ntime.sleep(20)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    server = WorkerServer(name)
    server.start()
    time.sleep(0.2)  # the server is importing
    began = time.monotonic()
    server.close()
    assert time.monotonic() - began < 5
    assert server_processes() == []


def test_an_export_stopped_while_its_first_batch_waits_for_the_server_does_not_wait_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first batch is read and waits for the loading server when a cancel comes: before,
    the map's end waited for the server to load (its first worker's start held the pool)."""
    name = f"slow_probe_{uuid.uuid4().hex}"
    (tmp_path / f"{name}.py").write_text("import time\ntime.sleep(20)\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    def read() -> Iterator[list[int]]:
        yield [1, 2]
        time.sleep(0.3)  # the first worker is being started meanwhile
        raise StopError

    began = time.monotonic()
    with WorkerServer(name) as server:
        server.start()  # as the spaCy export does when this process has not loaded spaCy
        with pytest.raises(StopError):
            list(ordered_map(sum, read(), 2, server=server))
    assert time.monotonic() - began < 5
    assert server_processes() == []
    assert multiprocessing.active_children() == []


def interrupt_handler_is_default(_batch: list[int]) -> bool:
    return signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_ctrl_c_while_the_spacy_server_loads_is_left_to_the_export(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Ctrl-C on a terminal reaches every process of the group. The server loading spaCy
    printed a KeyboardInterrupt traceback (the export ends it anyway); it now ignores SIGINT
    while it loads, and the workers forked from it are interruptible as usual."""
    from annotator.formats.spacy_docbin import WORKER_MODULE

    with WorkerServer(WORKER_MODULE) as server:
        server.start()
        deadline = time.monotonic() + 10
        while not server_processes() and time.monotonic() < deadline:
            time.sleep(0.01)
        (pid,) = server_processes()
        time.sleep(0.3)  # importing spaCy takes longer than this
        os.kill(pid, signal.SIGINT)
        time.sleep(0.3)
        assert server_processes() == [pid]  # still loading, not ended by the interrupt
        results = list(ordered_map(interrupt_handler_is_default, [[1], [2]], 2, server=server))
    assert results == [True, True]
    assert "Traceback" not in capfd.readouterr().err
    assert server_processes() == []
