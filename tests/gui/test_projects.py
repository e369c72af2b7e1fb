"""Projects in the window: open, restore, import (worker thread), drop, export, themes."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.core.ids import DocumentId
from annotator.core.reports import ImportReport
from annotator.gui.main import start_folders
from annotator.gui.main_window import MainWindow
from annotator.gui.settings import Settings
from annotator.services.exporting import ExportSelection
from annotator.services.project import Project
from annotator.services.resources import sample_project_dir
from tests.gui.workspace import ARTICLES, make_project, make_window, write_articles


def test_reopening_restores_the_project_document_and_layout(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(tmp_path / "p")
    config = tmp_path / "config"
    window = make_window(qtbot, config, folder)
    window.open_document(DocumentId(3))
    window.attributes.hide()
    window.close()

    settings = Settings(config)
    assert settings.recent_projects() == [folder.resolve()]
    assert start_folders(None, settings, config) == [folder.resolve(), sample_project_dir()]
    again = make_window(qtbot, config, folder, resize=False)
    assert again.current is not None
    assert again.current.id == 3
    assert settings.window_geometry() is not None  # offscreen clamps it to its tiny screen
    assert again.attributes.isHidden()
    assert not again.spans.isHidden()
    assert again.windowTitle().startswith(Project.open(folder).name)


def test_a_folder_that_is_not_a_project(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path / "config")
    (tmp_path / "empty").mkdir()
    assert not window.open_project(tmp_path / "empty")
    assert window.isVisible()
    assert window.project is None


def test_import_in_a_worker_thread_with_a_report(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(tmp_path / "p", ARTICLES[:1])
    window = make_window(qtbot, tmp_path / "config", folder)
    source = write_articles(tmp_path / "more.jsonl", [*ARTICLES[1:], ARTICLES[0]])
    with source.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    window.importer.show_report = False
    with qtbot.waitSignal(window.importer.finished, timeout=30_000) as blocker:
        assert window.import_paths([source])
    report = blocker.args[0]
    assert isinstance(report, ImportReport)
    assert len(report.imported) == 3
    assert len(report.skipped) == 1  # the first article again
    assert [f.line for f in report.failures] == [5]
    assert window.documents.model.rowCount() == 4
    assert window.progress_label.text() == "Done 0 / 4 (0%)"
    assert "3 imported, 1 skipped" in window.statusBar().currentMessage()


def test_import_report_dialog_lists_failures(qtbot: QtBot, tmp_path: Path) -> None:
    from annotator.gui.importer import ImportReportDialog

    folder = make_project(tmp_path / "p", ARTICLES[:1])
    window = make_window(qtbot, tmp_path / "config", folder)
    source = tmp_path / "bad.jsonl"
    source.write_text('{"title": "no text"}\n', "utf-8")
    with qtbot.waitSignal(window.importer.finished, timeout=30_000):
        window.import_paths([source])
    dialogs = [d for d in window.findChildren(ImportReportDialog) if d.isVisible()]
    assert len(dialogs) == 1
    failed = dialogs[0].tree.topLevelItem(2)
    assert failed.text(0) == "Failed (1)"
    assert failed.child(0).text(0) == f"{source}:1"
    assert "text" in failed.child(0).text(1)
    dialogs[0].close()


def drop(window: MainWindow, paths: list[Path]) -> None:
    """Deliver a drop as Qt would after a drag (QApplication filters synthetic drop events)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert event.isAccepted()


def test_dropped_files_import_and_a_dropped_project_opens(qtbot: QtBot, tmp_path: Path) -> None:
    first = make_project(tmp_path / "first", ARTICLES[:1])
    second = make_project(tmp_path / "second", ARTICLES[1:3])
    window = make_window(qtbot, tmp_path / "config", first)
    window.importer.show_report = False
    source = write_articles(tmp_path / "dropped.jsonl", ARTICLES[3:])
    with qtbot.waitSignal(window.importer.finished, timeout=30_000):
        drop(window, [source])
    assert window.documents.model.rowCount() == 2
    drop(window, [second])
    assert window.project is not None
    assert window.project.folder == second.resolve()
    assert window.documents.model.rowCount() == 2


def test_export_jsonl(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(tmp_path / "p")
    window = make_window(qtbot, tmp_path / "config", folder)
    window.viewer.set_selection_offsets(0, 8)
    window.labelling.apply_label("CASUALTY_FIGURE")
    window.mark_done_and_next()
    out = tmp_path / "out.jsonl"
    assert window.project is not None
    with qtbot.waitSignal(window.exporter.finished, timeout=30_000) as blocker:
        window.exporter.start(window.project, "jsonl", out, ExportSelection(done_only=True))
    assert blocker.args[0].documents == 1
    (line,) = out.read_text("utf-8").splitlines()
    record = json.loads(line)
    assert record["spans"][0]["label"] == "CASUALTY_FIGURE"


def test_dark_theme_reaches_the_style_sheet(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path / "config")
    window.set_theme("dark")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert "#25292e" in app.styleSheet()
    assert window.theme.dark
    assert Settings(tmp_path / "config").theme == "dark"
    window.set_theme("light")
    assert not window.theme.dark
    assert "#f5f6f8" in app.styleSheet()


def test_new_project_from_the_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    from annotator.gui.project_dialogs import NewProjectDialog

    window = make_window(qtbot, tmp_path / "config")
    dialog = NewProjectDialog(window, tmp_path / "fresh")
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Fresh project")
    choice = dialog.choice()
    assert choice.folder == tmp_path / "fresh"
    assert choice.schema == "news-events"
    assert window.create_project(choice)
    assert (tmp_path / "fresh" / "project.toml").exists()
    assert window.project is not None
    assert window.project.name == "Fresh project"
    assert window.documents.model.rowCount() == 0
    assert window.header.title.text() == "No document open"
    assert [a.text() for a in window.commands.annotate_menu.actions()][:4] == [
        "Label as ACTOR",
        "Label as LOCATION",
        "Label as CLAIM",
        "Label as CASUALTY_FIGURE",
    ]
    # the same folder again is refused, with a message, and the project stays open
    again = NewProjectDialog(window, tmp_path / "fresh")
    qtbot.addWidget(again)
    assert "already a project" in again.hint.text()
    assert not window.create_project(again.choice())
    assert window.project is not None
    assert window.project.folder == (tmp_path / "fresh").resolve()


def test_open_recent_lists_the_projects(qtbot: QtBot, tmp_path: Path) -> None:
    first = make_project(tmp_path / "first", ARTICLES[:1])
    second = make_project(tmp_path / "second", ARTICLES[1:2])
    window = make_window(qtbot, tmp_path / "config", first)
    assert window.open_project(second)
    window.commands.recent_menu.aboutToShow.emit()
    texts = [a.text() for a in window.commands.recent_menu.actions()]
    assert texts[:2] == [str(second.resolve()), str(first.resolve())]
    window.commands.recent_menu.actions()[1].trigger()
    assert window.project is not None
    assert window.project.folder == first.resolve()


def test_export_dialog_defaults(qtbot: QtBot, tmp_path: Path) -> None:
    from annotator.gui.export_dialog import ExportDialog

    folder = make_project(tmp_path / "p")
    window = make_window(qtbot, tmp_path / "config", folder)
    window.viewer.set_selection_offsets(0, 8)
    window.labelling.apply_label("CASUALTY_FIGURE")
    assert window.project is not None
    dialog = ExportDialog(window.project, window)
    qtbot.addWidget(dialog)
    assert dialog.format_name() == "jsonl"
    assert dialog.output() == window.project.folder / "p.jsonl"
    assert [dialog.annotator_box.itemText(i) for i in range(dialog.annotator_box.count())] == [
        "Each document's curated layer if any, else all",
        "All annotators",
        "Curated layer",
        "tester",
    ]
    dialog.annotator_box.setCurrentIndex(3)
    dialog.done_only.setChecked(True)
    assert dialog.selection() == ExportSelection(done_only=True, layer="tester")
