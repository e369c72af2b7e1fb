"""A spaCy export run from the window (a Qt worker thread) forks its shard workers from a server
process, and neither a finished nor a cancelled export leaves a process or a partial file."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from annotator.core.offsets import Unit
from annotator.gui import export_runner
from annotator.gui.main_window import MainWindow
from annotator.services.exporting import ExportReport, ExportSelection, export_project
from annotator.services.formats import ExportOptions
from tests.forkservers import server_processes
from tests.gui.workspace import ARTICLES, make_project, make_window

spacy = pytest.importorskip("spacy")

SHARDED = ExportOptions(offset_unit=Unit.CODE_POINT, extra={"workers": "2", "shard_documents": "1"})
"""One document a shard, two workers: the server starts with the first document."""


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    if not Path("/proc/self/stat").exists():
        pytest.skip("reads /proc to find the server process")
    return make_window(qtbot, tmp_path / "config", make_project(tmp_path / "p"))


def test_a_spacy_export_from_the_window_writes_shards_built_by_forked_workers(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    out = tmp_path / "shards"
    assert window.project is not None
    with qtbot.waitSignal(window.exporter.finished, timeout=60_000) as blocker:
        assert window.exporter.start(window.project, "spacy", out, ExportSelection(), SHARDED)
    report = blocker.args[0]
    assert isinstance(report, ExportReport)
    assert report.documents == len(ARTICLES)
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"part-{n:04d}.spacy" for n in range(1, len(ARTICLES) + 1)]
    nlp = spacy.blank("en")
    texts = [
        doc.text
        for name in names
        for doc in spacy.tokens.DocBin().from_disk(out / name).get_docs(nlp.vocab)
    ]
    assert sorted(texts) == sorted(article["text"] for article in ARTICLES)
    assert server_processes() == []


def test_a_spacy_export_cancelled_in_the_window_leaves_no_file_and_no_process(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()

    def held_after_the_first(
        *args: Any, progress: Callable[[int], None], **kwargs: Any
    ) -> ExportReport:
        def held(done: int) -> None:
            progress(done)
            gate.wait(20)

        return export_project(*args, progress=held, **kwargs)

    monkeypatch.setattr(export_runner, "export_project", held_after_the_first)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert window.project is not None
    assert window.exporter.start(
        window.project, "spacy", out_dir / "shards", ExportSelection(), SHARDED
    )
    progress = window.exporter.progress_dialog
    assert progress is not None
    with qtbot.waitSignal(window.exporter.finished, timeout=60_000) as blocker:
        (button,) = progress.findChildren(QPushButton)
        button.click()
        gate.set()
    assert blocker.args == [None]
    assert list(out_dir.iterdir()) == []
    assert server_processes() == []
    assert "Export cancelled" in window.statusBar().currentMessage()
