"""Every custom model of the window passes Qt's model tester, empty, filled and while editing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.core.annotation import Span
from annotator.core.changes import ChangeSet
from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.ids import DocumentId, SpanId
from annotator.gui.document_list import DocumentListModel
from annotator.gui.main_window import MainWindow
from annotator.gui.model_base import row_table, select_row
from annotator.gui.palette import LabelPaletteModel
from annotator.gui.span_panel import SpanListModel
from annotator.services.project import Project
from tests.gui.workspace import make_project, make_window, press


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p")


def test_document_list_model(qtmodeltester: ModelTester, folder: Path) -> None:
    model = DocumentListModel()
    qtmodeltester.check(model)
    with Project.open(folder) as project:
        model.set_project(project)
        qtmodeltester.check(model)
        assert model.rowCount() == 4
        model.set_filter(DocumentFilter(title_contains="truce"))
        qtmodeltester.check(model)
        assert model.rowCount() == 1
        model.set_filter(DocumentFilter(status=DocumentStatus.DONE))
        assert model.rowCount() == 0
        model.set_filter(DocumentFilter())
        project.set_status(DocumentId(3), DocumentStatus.DONE)
        model.refresh([DocumentId(3)])
        assert model.index(2, 3).data() == "Done"
        qtmodeltester.check(model)
        model.set_project(None)
        qtmodeltester.check(model)


def test_span_and_palette_models_while_annotating(
    qtbot: QtBot, qtmodeltester: ModelTester, tmp_path: Path, folder: Path
) -> None:
    assert isinstance(SpanListModel(), SpanListModel)
    qtmodeltester.check(SpanListModel())
    qtmodeltester.check(LabelPaletteModel())
    window: MainWindow = make_window(qtbot, tmp_path / "config", folder)
    spans = window.spans.model
    palette = window.palette_dock.model
    text = window.current.text if window.current else ""
    for word, key in (("army", "a"), ("Brennick", "l"), ("At least seven", "f"), ("Kell", "a")):
        start = text.index(word)
        window.viewer.set_selection_offsets(start, start + len(word))
        press(qtbot, window, key)
    qtmodeltester.check(spans)
    qtmodeltester.check(palette)
    assert [spans.index(row, 1).data() for row in range(spans.rowCount())] == [
        "CASUALTY_FIGURE",
        "LOCATION",
        "ACTOR",
        "ACTOR",
    ]
    assert spans.index(1, 0).data() == "Brennick"
    assert palette.index(0, 0).data() == "ACTOR"
    assert palette.index(0, 1).data() == "a"
    assert palette.index(0, 2).data() == 2
    window.commands.undo_action.trigger()
    window.commands.undo_action.trigger()
    qtmodeltester.check(spans)
    assert spans.rowCount() == 2  # Kell and "At least seven" are gone
    assert palette.index(0, 2).data() == 1
    assert palette.index(3, 2).data() == 0


def test_span_list_moves_an_updated_row_and_keeps_it_selected(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    spans = [Span(SpanId(n), DocumentId(1), "LOCATION", 10 * n, 10 * n + 4) for n in range(1, 6)]
    model = SpanListModel()
    model.set_document(DocumentId(1), "x" * 100, spans)
    view = row_table(model, "spans")
    qtbot.addWidget(view)
    before = spans[1]
    select_row(view, model.row_of(2))
    for start, end in ((55, 60), (5, 9), (5, 30), (5, 31)):  # down, up, down, in place
        after = replace(before, start=start, end=end)
        model.apply_changes(ChangeSet(spans_updated=((before, after),)))
        qtmodeltester.check(model)
        rows = [model.span_at(row) for row in range(model.rowCount())]
        assert [(s.start, s.end) for s in rows if s] == sorted((s.start, s.end) for s in rows if s)
        assert model.span_at(view.currentIndex().row()) == after
        assert [i.row() for i in view.selectionModel().selectedRows()] == [model.row_of(2)]
        before = after
