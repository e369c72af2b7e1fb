"""File › Export… can export only the documents the list shows (a title search, a status, my
queue): issue 5's "exports can be limited to ... a selection"."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from annotator.gui.export_dialog import ExportDialog
from annotator.gui.export_runner import ExportSummaryDialog
from annotator.services.exporting import ExportReport
from tests.gui.workspace import ARTICLES, make_project, make_window


def test_export_only_the_documents_the_search_leaves_in_the_list(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window(qtbot, tmp_path / "config", make_project(tmp_path / "p"))
    dialog = window.choose_export()
    assert isinstance(dialog, ExportDialog)
    assert dialog.listed_only.isHidden()  # the list shows every document: nothing to limit
    dialog.close()

    qtbot.keyClicks(window.documents.search, "truce")
    window.documents.apply_filter()
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 1)
    dialog = window.choose_export()
    assert isinstance(dialog, ExportDialog)
    qtbot.waitExposed(dialog)
    assert not dialog.listed_only.isHidden()
    assert dialog.listed_only.text() == "Only the 1 document in the list (of 4)"
    assert not dialog.listed_only.isChecked()
    box = dialog.listed_only
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert dialog.listed_only.isChecked()
    target = tmp_path / "truce.jsonl"
    dialog.path_edit.setText(str(target))
    qtbot.waitUntil(dialog.preview_ready, timeout=20_000)
    with qtbot.waitSignal(window.exporter.finished, timeout=30_000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    report = blocker.args[0]
    assert isinstance(report, ExportReport)
    assert report.documents == 1
    records = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert [r["text"] for r in records] == [ARTICLES[2]["text"]]
    for summary in window.findChildren(ExportSummaryDialog):
        summary.close()
