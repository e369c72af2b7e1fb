"""File › Export Annotator Package… and Merge Packages… in the window, with real files."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from annotator.core.edits import AddSpan, RemoveSpan
from annotator.core.ids import DocumentId
from annotator.gui.package_runners import MergeReportDialog
from annotator.gui.packages_dialog import ExportPackageDialog, merge_into
from annotator.services.packages import export_package, merge_packages
from annotator.services.project import Project
from tests.gui.workspace import make_project, make_window

DOC = DocumentId(1)


def test_export_from_the_menu_and_merge_with_a_report(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(tmp_path / "proj")
    with Project.open(folder) as project:
        project.apply(AddSpan(DOC, "ACTOR", 0, 8, {}, "tester"))
    laptop = tmp_path / "laptop"
    shutil.copytree(folder, laptop)
    window = make_window(qtbot, tmp_path / "config", folder)

    window.commands.export_package_action.trigger()
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ExportPackageDialog)
    assert dialog.annotator.currentText() == "tester"
    dialog.path.setText(str(tmp_path / "tester.zip"))
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    with qtbot.waitSignal(dialog.runner.finished, timeout=60_000):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.findChildren(ExportPackageDialog))  # closed, deleted
    assert (tmp_path / "tester.zip").exists()
    summary = "Exported tester's 1 span and 0 relations on 4 documents"
    assert summary in window.statusBar().currentMessage()
    exported = window.findChild(QMessageBox, "exportPackageReport")
    assert isinstance(exported, QMessageBox)
    assert summary in exported.text()
    assert f"File: {tmp_path / 'tester.zip'}" in exported.text()
    qtbot.mouseClick(exported.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert window.settings.package_folder == tmp_path

    # the laptop copy changes the layer; so does the project meanwhile: one conflict
    with Project.open(laptop) as other:
        assert merge_packages(other, [tmp_path / "tester.zip"]).ok  # learns the package's base
        other.apply(AddSpan(DocumentId(3), "LOCATION", 23, 34, {}, "tester"))
        other.apply(AddSpan(DOC, "LOCATION", 37, 45, {}, "tester"))
        export_package(other, "tester", None, tmp_path / "back.zip")
    with Project.open(folder) as project:
        span = next(s for s in project.spans(DOC) if s.annotator == "tester")
        project.apply(RemoveSpan(span.id))

    runner = merge_into(window, [tmp_path / "back.zip"])
    assert runner is not None
    with qtbot.waitSignal(runner.finished, timeout=60_000) as finished:
        pass
    report = finished.args[0]
    assert report is not None
    assert len(report.conflicts) == 1
    assert report.updated == [DocumentId(3)]
    shown = window.findChild(MergeReportDialog, "mergeReport")
    assert isinstance(shown, MergeReportDialog)
    summary = shown.findChild(QLabel, "mergeSummary")
    assert "1 conflict," in summary.text()
    assert "kept the project's version" in summary.text()
    groups = {
        shown.tree.topLevelItem(i).text(0): shown.tree.topLevelItem(i)
        for i in range(shown.tree.topLevelItemCount())
    }
    assert list(groups) == [
        "Added (0)",
        "Updated (1)",
        "Unchanged (2)",
        "Conflicts (1)",
        "Errors (0)",
    ]
    assert groups["Updated (1)"].child(0).text(1) == "3"
    conflict = groups["Conflicts (1)"].child(0)
    assert conflict.text(0) == "back.zip: document 1"
    assert "kept the project's" in conflict.text(1)
    assert "Merged packages: 0 documents added, 1 updated" in window.statusBar().currentMessage()
    shown.close()


def test_an_export_cancelled_from_its_progress_writes_nothing_and_keeps_the_dialog(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window(qtbot, tmp_path / "config", make_project(tmp_path / "proj"))
    window.commands.export_package_action.trigger()
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ExportPackageDialog)
    dialog.path.setText(str(tmp_path / "tester.zip"))
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    with qtbot.waitSignal(dialog.runner.finished, timeout=60_000) as finished:
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        progress = dialog.runner.progress_dialog
        assert progress is not None
        cancel = progress.findChild(QPushButton)
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert finished.args == [None]
    assert list(tmp_path.glob("*.zip*")) == []
    assert dialog.isVisible()
    assert window.statusBar().currentMessage() == (
        f"Package export cancelled: nothing was written to {tmp_path / 'tester.zip'}"
    )
    assert window.findChild(QMessageBox, "exportPackageReport") is None
    dialog.reject()


def test_an_export_error_shows_over_the_dialog_which_stays_open(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window(qtbot, tmp_path / "config", make_project(tmp_path / "proj"))
    window.commands.export_package_action.trigger()
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ExportPackageDialog)
    dialog.path.setText(str(tmp_path / "nowhere" / "tester.zip"))
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    with qtbot.waitSignal(dialog.runner.finished, timeout=60_000) as finished:
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert finished.args == [None]
    error = dialog.findChild(QMessageBox)
    assert isinstance(error, QMessageBox)
    assert "does not exist" in error.text()
    assert dialog.isVisible()
    error.close()
    dialog.reject()


def test_the_package_file_dialogs_open_where_the_last_package_was(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window(qtbot, tmp_path / "config", make_project(tmp_path / "proj"))
    elsewhere = tmp_path / "usb"
    elsewhere.mkdir()
    window.settings.package_folder = elsewhere
    window.commands.export_package_action.trigger()
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ExportPackageDialog)
    assert dialog.path.text() == str(elsewhere / "tester.zip")
    dialog.reject()

    seen: list[str] = []

    def look_and_cancel() -> None:
        chooser = QApplication.activeModalWidget()
        if not isinstance(chooser, QFileDialog):
            QTimer.singleShot(20, look_and_cancel)
            return
        seen.append(chooser.directory().absolutePath())
        chooser.reject()

    QTimer.singleShot(0, look_and_cancel)
    window.commands.merge_packages_action.trigger()
    assert seen == [str(elsewhere)]


def test_closing_the_window_during_a_merge_ends_it_first(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(tmp_path / "proj")
    with Project.open(folder) as project:
        project.apply(AddSpan(DOC, "ACTOR", 0, 8, {}, "tester"))
        export_package(project, "tester", None, tmp_path / "tester.zip")
    window = make_window(qtbot, tmp_path / "config", make_project(tmp_path / "other"))
    runner = merge_into(window, [tmp_path / "tester.zip"])
    assert runner is not None
    assert runner.running
    window.close()
    assert runner.wait(0)  # its worker thread had ended before the window closed
    assert not window.isVisible()


def many_articles(count: int) -> list[dict[str, str]]:
    return [
        {
            "title": f"Report {n}",
            "text": f"Dispatch {n}: " + " ".join(str(n * 7919 + k * 104729) for k in range(12)),
        }
        for n in range(count)
    ]


def test_closing_the_export_dialog_while_its_export_runs_cancels_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Cancel on the export dialog itself (before the progress dialog shows) stops the export:
    before, the dialog went away but the package was written and reported all the same."""
    folder = make_project(tmp_path / "proj", many_articles(1_500))
    window = make_window(qtbot, tmp_path / "config", folder)
    window.commands.export_package_action.trigger()
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ExportPackageDialog)
    dialog.path.setText(str(tmp_path / "tester.zip"))
    buttons = dialog.findChild(QDialogButtonBox)
    left = Qt.MouseButton.LeftButton
    with qtbot.waitSignal(dialog.runner.finished, timeout=60_000) as finished:
        qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), left)
        assert dialog.runner.running
        qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Cancel), left)
        assert not dialog.runner.running or dialog.runner.wait(0)
    assert finished.args == [None]
    qtbot.waitUntil(lambda: not window.findChildren(ExportPackageDialog))
    assert list(tmp_path.glob("*.zip*")) == []
    assert "nothing was written" in window.statusBar().currentMessage()
    assert window.findChild(QMessageBox, "exportPackageReport") is None


def test_the_export_dialog_is_deleted_once_closed(qtbot: QtBot, tmp_path: Path) -> None:
    """Each use of File › Export Annotator Package… does not leave a hidden dialog (with its
    runner and the project) behind in the window."""
    window = make_window(qtbot, tmp_path / "config", make_project(tmp_path / "proj"))
    for _ in range(2):
        window.commands.export_package_action.trigger()
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ExportPackageDialog)
        cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.findChildren(ExportPackageDialog))
