"""A project of 100,000 documents opens at once and scrolls: the list is lazy over ids."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.core.document import DocumentDraft
from annotator.gui.document_list import PAGE
from annotator.services.project import Project
from annotator.storage.bulk import DraftWithSpans
from tests.gui.workspace import make_window

DOCUMENTS = 100_000
BATCH = 5_000


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big") / "p"
    with Project.create(folder) as project:
        now = project.now()
        for first in range(0, DOCUMENTS, BATCH):
            project.database.bulk_add(
                [
                    DraftWithSpans(
                        DocumentDraft(
                            f"Report {i}: shelling hit the market in town {i % 977}.",
                            title=f"Report number {i}",
                            source=f"Outlet {i % 13}",
                        ),
                        f"generated:{i}",
                    )
                    for i in range(first, first + BATCH)
                ],
                now,
            )
    return folder


@pytest.mark.slow
def test_opens_and_scrolls(qtbot: QtBot, tmp_path: Path, big_project: Path) -> None:
    window = make_window(qtbot, tmp_path / "config")
    started = time.perf_counter()
    assert window.open_project(big_project)
    QApplication.processEvents()
    opened = time.perf_counter() - started
    print(f"\n100,000-document project ready in {opened * 1000:.0f} ms")
    model = window.documents.model
    assert model.rowCount() == DOCUMENTS
    assert model.queries <= 2  # the first page (and maybe the open row's refresh)
    assert window.progress_label.text() == "Done 0 / 100,000 (0%)"

    view = window.documents.view
    bar = view.verticalScrollBar()
    started = time.perf_counter()
    for step in range(1, 21):
        bar.setValue(bar.maximum() * step // 20)
        QApplication.processEvents()
    print(f"20 scroll jumps to the bottom: {(time.perf_counter() - started) * 1000:.0f} ms")
    bottom = view.rowAt(view.viewport().height() - 2)
    assert bottom == DOCUMENTS - 1
    top = view.rowAt(1)
    for row in range(top, bottom + 1):
        assert model.index(row, 0).data() == f"Report number {row}"
    assert model.queries <= 2 + 2 * 20  # one or two pages per jump, never everything
    assert len(model._pages) * PAGE < DOCUMENTS

    window.documents.search.setText("number 99999")
    window.documents.apply_filter()
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "Report number 99999"
