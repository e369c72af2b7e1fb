"""File › Export… and File › Import Annotations…: real projects, real services, worker threads.

Dialogs are opened with ``open()`` (never ``exec()``) and driven through their widgets; the
worker threads are waited for with ``qtbot.waitSignal``.
"""

from __future__ import annotations

import json
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from annotator.core.annotation import CURATION_ANNOTATOR
from annotator.core.edits import AddRelation, AddSpan
from annotator.core.ids import DocumentId
from annotator.core.offsets import OffsetConverter, Unit
from annotator.gui import annotation_import_runner, export_dialog, export_runner
from annotator.gui.annotation_import_dialog import AnnotationImportDialog
from annotator.gui.annotation_import_runner import AnnotationImportReportDialog
from annotator.gui.export_dialog import ExportDialog
from annotator.gui.export_runner import ExportSummaryDialog
from annotator.gui.main_window import MainWindow
from annotator.services.annotation_import import AnnotationImportReport
from annotator.services.exporting import ExportReport, ExportSelection, export_project
from annotator.services.formats import OverlapPolicy, available_formats
from annotator.services.project import Project
from tests.gui.workspace import ALL_TYPES_SCHEMA, ARTICLES, make_project, make_window

FIRST = ARTICLES[0]["text"]
EMOJI = ARTICLES[1]["text"]


def find(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def annotate(folder: Path) -> None:
    """Nested (overlapping) spans and two relations in document 1, a span after emoji in 2."""
    with Project.open(folder) as project:

        def add(document: int, label: str, part: str, text: str) -> int:
            applied = project.apply(
                AddSpan(DocumentId(document), label, *find(text, part), annotator="tester")
            )
            return applied.changes.spans_added[0].id

        figure = add(1, "CASUALTY_FIGURE", "At least seven people", FIRST)
        people = add(1, "ACTOR", "people", FIRST)
        place = add(1, "LOCATION", "Brennick", FIRST)
        add(1, "ACTOR", "The army", FIRST)
        add(2, "LOCATION", "Vettrin", EMOJI)
        for kind, source, target in (("AFFECTS", figure, people), ("LOCATED_IN", figure, place)):
            project.apply(AddRelation(DocumentId(1), kind, source, target, annotator="tester"))  # type: ignore[arg-type]


@pytest.fixture
def annotated(tmp_path: Path) -> Path:
    folder = make_project(tmp_path / "p")
    annotate(folder)
    return folder


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, annotated: Path) -> MainWindow:
    return make_window(qtbot, tmp_path / "config", annotated)


def open_export(qtbot: QtBot, window: MainWindow) -> ExportDialog:
    dialog = window.choose_export()
    assert isinstance(dialog, ExportDialog)
    qtbot.waitExposed(dialog)
    return dialog


def choose(dialog: ExportDialog, name: str) -> None:
    index = dialog.format_box.findData(name)
    assert index >= 0, name
    dialog.format_box.setCurrentIndex(index)


def ready(qtbot: QtBot, dialog: ExportDialog) -> None:
    qtbot.waitUntil(dialog.preview_ready, timeout=20_000)
    assert dialog.export_button.isEnabled()


def export_through(qtbot: QtBot, window: MainWindow, dialog: ExportDialog) -> ExportReport:
    ready(qtbot, dialog)
    with qtbot.waitSignal(window.exporter.finished, timeout=30_000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    report = blocker.args[0]
    assert isinstance(report, ExportReport)
    return report


def close_summaries(window: MainWindow) -> list[ExportSummaryDialog]:
    shown = [d for d in window.findChildren(ExportSummaryDialog) if d.isVisible()]
    for dialog in shown:
        dialog.close()
    return shown


# -- export ---------------------------------------------------------------------------------------


def test_the_export_dialog_lists_the_registry_and_shows_each_formats_options(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = open_export(qtbot, window)
    names = [dialog.format_box.itemData(i) for i in range(dialog.format_box.count())]
    assert names == [f.name for f in available_formats() if f.can_export]
    assert {"jsonl", "brat", "conll", "spacy", "spacy-jsonl", "doccano", "label-studio"} <= set(
        names
    )
    assert {"huggingface", "prodigy"} <= set(names)
    form = dialog.options_form

    def shown() -> dict[str, bool]:
        return {
            "unit": form.isRowVisible(dialog.unit_box),
            "scheme": form.isRowVisible(dialog.scheme_box),
            "overlap": form.isRowVisible(dialog.overlap_box),
            "predictions": form.isRowVisible(dialog.predictions_box),
            "group": dialog.options_group.isVisibleTo(dialog),
            "zip or folder": dialog._form.isRowVisible(dialog.kind_box),
        }

    nothing = dict.fromkeys(("unit", "scheme", "overlap", "predictions", "group"), False)
    assert shown() == {**nothing, "zip or folder": False}
    assert dialog.output() == window.project.folder / "p.jsonl"  # type: ignore[union-attr]

    choose(dialog, "conll")
    assert shown() == {**nothing, "scheme": True, "overlap": True, "group": True} | {
        "zip or folder": False
    }
    assert [dialog.overlap_box.itemData(i) for i in range(dialog.overlap_box.count())] == [
        "priority",
        "columns",
        "drop",
    ]
    assert dialog.output().name == "p-conll.conll"
    dialog.scheme_box.setCurrentIndex(1)
    dialog.overlap_box.setCurrentIndex(1)
    options = dialog.options()
    assert (options.scheme, options.overlap_policy) == ("BILOU", OverlapPolicy.COLUMNS)

    choose(dialog, "huggingface")
    assert shown()["scheme"]
    assert shown()["overlap"]
    assert not shown()["unit"]
    assert "columns" not in [dialog.overlap_box.itemData(i) for i in range(2)]

    choose(dialog, "doccano")
    assert shown() == {**nothing, "unit": True, "group": True, "zip or folder": False}
    assert dialog.unit_box.currentData() == "utf16"
    assert "as doccano shows them" in dialog.unit_box.currentText()
    assert "UTF-16" in dialog.unit_note.text()
    assert dialog.options().offset_unit is Unit.UTF16
    dialog.unit_box.setCurrentIndex(dialog.unit_box.findData("codepoint"))
    assert dialog.options().offset_unit is Unit.CODE_POINT

    choose(dialog, "label-studio")
    assert shown() == {**nothing, "predictions": True, "group": True, "zip or folder": False}
    dialog.predictions_box.setCurrentIndex(1)
    assert dialog.options().as_predictions

    choose(dialog, "brat")
    assert shown() == {**nothing, "zip or folder": True}
    assert dialog.output() == window.project.folder / "p-brat.zip"  # type: ignore[union-attr]
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("folder"))
    assert dialog.output() == window.project.folder / "p-brat"  # type: ignore[union-attr]

    # a name the user typed keeps its stem; only the extension follows the format
    choose(dialog, "jsonl")
    dialog.path_edit.clear()
    qtbot.keyClicks(dialog.path_edit, str(window.project.folder / "mine.txt"))  # type: ignore[union-attr]
    choose(dialog, "prodigy")
    assert dialog.output().name == "mine.jsonl"
    choose(dialog, "brat")
    assert dialog.output().name == "mine"  # a folder, as chosen above
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("zip"))
    assert dialog.output().name == "mine.zip"
    dialog.reject()


def test_losses_are_shown_before_exporting(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_export(qtbot, window)
    ready(qtbot, dialog)
    assert "Nothing is lost" in dialog.losses_text()  # native JSONL carries everything

    choose(dialog, "conll")
    assert not dialog.export_button.isEnabled()  # not before the losses are known
    ready(qtbot, dialog)
    text = dialog.losses_text()
    assert "2 relations" in text
    assert "overlapping spans" in text
    assert dialog.losses_group.title() == "What CoNLL-2003 style (IOB2 or BILOU) cannot carry"

    # the selection counts: nothing is done yet, so nothing is lost
    dialog.done_only.setChecked(True)
    ready(qtbot, dialog)
    assert "Nothing is lost" in dialog.losses_text()
    dialog.reject()


def test_annotations_a_layer_choice_leaves_out_are_listed(qtbot: QtBot, window: MainWindow) -> None:
    assert window.project is not None
    window.project.apply(
        AddSpan(DocumentId(2), "LOCATION", *find(EMOJI, "Vettrin"), annotator=CURATION_ANNOTATOR)
    )
    dialog = open_export(qtbot, window)
    ready(qtbot, dialog)  # the default: document 1 has no curated layer, so all of it goes out
    assert "Nothing is lost" not in dialog.losses_text()
    assert "1 span of tester&#x27;s layer not exported" in dialog.losses_text()
    assert dialog.losses_group.title().endswith("and what the layer choice leaves out")

    dialog.annotator_box.setCurrentIndex(dialog.annotator_box.findData("curated"))
    ready(qtbot, dialog)
    assert "5 spans and 2 relations of tester&#x27;s layer not exported" in dialog.losses_text()
    dialog.annotator_box.setCurrentIndex(dialog.annotator_box.findData("all"))
    ready(qtbot, dialog)
    assert "Nothing is lost" in dialog.losses_text()
    assert dialog.losses_group.title() == "What annotator JSONL (lossless) cannot carry"

    dialog.annotator_box.setCurrentIndex(0)
    report = export_through(qtbot, window, dialog)
    assert (report.spans, report.relations) == (5, 2)
    (summary,) = close_summaries(window)
    assert "1 span of tester&#x27;s layer not exported" in summary.losses.text()


def test_a_format_that_cannot_be_loaded_says_so(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = export_dialog.export_layout

    def broken(name: str) -> Any:
        if name == "prodigy":
            raise ModuleNotFoundError("No module named 'annotator.formats.prodigy'")
        return real(name)

    monkeypatch.setattr(export_dialog, "export_layout", broken)
    dialog = open_export(qtbot, window)
    choose(dialog, "prodigy")
    assert dialog.problem_row.isVisibleTo(dialog)
    assert "Prodigy JSONL exporter cannot be loaded" in dialog.format_problem.text()
    assert "No module named" in dialog.format_problem.text()
    assert not dialog.export_button.isEnabled()
    choose(dialog, "doccano")
    assert not dialog.problem_row.isVisibleTo(dialog)
    ready(qtbot, dialog)
    dialog.reject()


def test_export_to_a_brat_zip(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dialog = open_export(qtbot, window)
    choose(dialog, "brat")
    out = tmp_path / "brat-out.zip"
    dialog.path_edit.setText(str(out))
    report = export_through(qtbot, window, dialog)
    assert report.documents == 4
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        assert {"annotation.conf", "visual.conf", "a1.txt", "a1.ann", "a4.ann"} <= names
        assert archive.read("a1.txt").decode("utf-8") == FIRST
        ann = archive.read("a1.ann").decode("utf-8")
    assert "CASUALTY_FIGURE 0 21\tAt least seven people" in ann
    assert sum(line.startswith("R") for line in ann.splitlines()) == 2
    (summary,) = close_summaries(window)
    assert "Wrote 4 documents, 5 spans and 2 relations" in summary.summary.text()
    assert summary.files.item(0).text() == str(out)
    assert "Exported 4 documents" in window.statusBar().currentMessage()


def test_export_to_doccano_in_utf16_and_code_points(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    start, end = find(EMOJI, "Vettrin")
    conv = OffsetConverter(EMOJI)
    assert conv.cp_to_utf16(start) != start  # the emoji make the units differ

    def vettrin(path: Path) -> tuple[int, int]:
        records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        (entity,) = [e for r in records if r["text"] == EMOJI for e in r["entities"]]
        assert entity["label"] == "LOCATION"
        return entity["start_offset"], entity["end_offset"]

    dialog = open_export(qtbot, window)
    choose(dialog, "doccano")
    utf16 = tmp_path / "utf16.jsonl"
    dialog.path_edit.setText(str(utf16))
    export_through(qtbot, window, dialog)
    assert vettrin(utf16) == (conv.cp_to_utf16(start), conv.cp_to_utf16(end))
    close_summaries(window)

    dialog = open_export(qtbot, window)
    choose(dialog, "doccano")
    dialog.unit_box.setCurrentIndex(dialog.unit_box.findData("codepoint"))
    points = tmp_path / "points.jsonl"
    dialog.path_edit.setText(str(points))
    report = export_through(qtbot, window, dialog)
    assert vettrin(points) == (start, end)
    assert report.files == (points,)
    (summary,) = close_summaries(window)
    assert "attributes" not in summary.losses.text() or "e.g." in summary.losses.text()


def press_cancel(progress: QProgressDialog) -> None:
    """Click the progress dialog's Cancel button (shown or not yet)."""
    (button,) = progress.findChildren(QPushButton)
    assert button.text() == "Cancel"
    button.click()


@pytest.fixture
def gated_export(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The export waits after its first document until the test opens the gate."""
    gate = threading.Event()

    def slow(*args: Any, progress: Callable[[int], None], **kwargs: Any) -> ExportReport:
        def held(done: int) -> None:
            progress(done)
            gate.wait(20)

        return export_project(*args, progress=held, **kwargs)

    monkeypatch.setattr(export_runner, "export_project", slow)
    return gate


def test_a_cancelled_export_leaves_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, gated_export: threading.Event
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for name, target in (("brat", out_dir / "cancelled.zip"), ("conll", out_dir / "x.conll")):
        dialog = open_export(qtbot, window)
        choose(dialog, name)
        dialog.path_edit.setText(str(target))
        ready(qtbot, dialog)
        gated_export.clear()
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert window.exporter.running
        progress = window.exporter.progress_dialog
        assert progress is not None
        with qtbot.waitSignal(window.exporter.finished, timeout=30_000) as blocker:
            press_cancel(progress)
            gated_export.set()
        assert blocker.args == [None]
        assert list(out_dir.iterdir()) == []  # no file, no partial file
        assert "Export cancelled: nothing was written" in window.statusBar().currentMessage()
        assert not close_summaries(window)


# -- import ---------------------------------------------------------------------------------------


def exported_jsonl(folder: Path, out: Path) -> Path:
    with Project.open(folder) as project:
        export_project(project, "jsonl", out, ExportSelection())
    return out


def open_import(qtbot: QtBot, window: MainWindow) -> AnnotationImportDialog:
    dialog = window.choose_import_annotations()
    assert isinstance(dialog, AnnotationImportDialog)
    qtbot.waitExposed(dialog)
    return dialog


def run_import(
    qtbot: QtBot, window: MainWindow, dialog: AnnotationImportDialog
) -> AnnotationImportReport | None:
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(window.annotation_importer.finished, timeout=30_000) as blocker:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    report = blocker.args[0]
    assert report is None or isinstance(report, AnnotationImportReport)
    return report


def spans_of(folder: Path) -> list[tuple[str, str, int, int]]:
    with Project.open(folder) as project:
        return sorted(
            (item.document.title, s.label, s.start, s.end)
            for item in project.iter_annotated()
            for s in item.spans
        )


def relation_count(folder: Path) -> int:
    with Project.open(folder) as project:
        return sum(len(item.relations) for item in project.iter_annotated())


def test_import_annotations_round_trip(qtbot: QtBot, tmp_path: Path, annotated: Path) -> None:
    source = exported_jsonl(annotated, tmp_path / "all.jsonl")
    fresh = tmp_path / "fresh"
    Project.create(fresh).close()
    window = make_window(qtbot, tmp_path / "config", fresh)
    assert window.documents.model.rowCount() == 0
    dialog = open_import(qtbot, window)
    importers = [dialog.format_box.itemData(i) for i in range(dialog.format_box.count())]
    assert importers == [f.name for f in available_formats() if f.can_import]
    assert not dialog.import_button.isEnabled()  # nothing chosen yet
    dialog.path_edit.setText(str(tmp_path / "missing.jsonl"))
    assert "does not exist" in dialog.path_hint.text()
    assert not dialog.import_button.isEnabled()
    dialog.path_edit.setText(str(source))
    assert dialog.options().annotator == "tester"
    assert dialog.options().offset_unit is None  # detect

    report = run_import(qtbot, window, dialog)
    assert report is not None
    assert (len(report.created), len(report.updated), report.spans, report.relations) == (
        4,
        0,
        5,
        2,
    )
    assert spans_of(fresh) == spans_of(annotated)
    assert relation_count(fresh) == 2
    (shown,) = [d for d in window.findChildren(AnnotationImportReportDialog) if d.isVisible()]
    assert shown.groups["created"].text(0) == "Documents created (4)"
    assert shown.groups["spans"].text(0) == "Spans added (5)"
    assert shown.groups["failed"].text(0) == "Failed (0)"
    shown.close()
    # the window shows the new documents and opened the first one with its spans
    assert window.documents.model.rowCount() == 4
    assert window.current is not None
    assert window.current.id == 1
    assert len(window.current.spans) == 4
    assert window.progress_label.text() == "Done 0 / 4 (0%)"
    assert "4 documents created" in window.statusBar().currentMessage()

    # the same file again: the texts are there, the spans too; a bad line is reported
    with source.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    dialog = open_import(qtbot, window)
    dialog.path_edit.setText(str(source))
    report = run_import(qtbot, window, dialog)
    assert report is not None
    assert (len(report.created), len(report.updated), report.spans) == (0, 4, 0)
    assert report.spans_already_there == 5
    (failure,) = report.failures
    assert failure.where == f"{source}:5"
    (shown,) = [d for d in window.findChildren(AnnotationImportReportDialog) if d.isVisible()]
    failed = shown.groups["failed"]
    assert failed.text(0) == "Failed (1)"
    assert failed.child(0).text(0) == f"{source}:5"
    shown.close()


def test_schema_gaps_are_refused_then_added_on_retry(
    qtbot: QtBot, tmp_path: Path, annotated: Path
) -> None:
    source = exported_jsonl(annotated, tmp_path / "all.jsonl")
    other = make_project(tmp_path / "other", ARTICLES[:1], schema_toml=ALL_TYPES_SCHEMA)
    window = make_window(qtbot, tmp_path / "config", other)
    window.annotation_importer.show_report = False
    palette = window.palette_dock.model
    assert [palette.label_at(r).name for r in range(palette.rowCount())] == ["EVENT", "PLACE"]  # type: ignore[union-attr]
    dialog = open_import(qtbot, window)
    dialog.path_edit.setText(str(source))
    assert not dialog.add_labels.isChecked()
    assert run_import(qtbot, window, dialog) is None

    runner = window.annotation_importer
    box = runner.gap_box
    assert box is not None
    assert box.isVisible()
    assert f"CASUALTY_FIGURE (1 span, first at {source}:1)" in box.informativeText()
    assert f"LOCATION (2 spans, first at {source}:" in box.informativeText()
    assert "--add-labels" not in box.informativeText()
    assert spans_of(other) == []  # nothing was imported
    assert runner.add_labels_button is not None
    with qtbot.waitSignal(runner.finished, timeout=30_000) as blocker:
        runner.add_labels_button.click()
    report = blocker.args[0]
    assert isinstance(report, AnnotationImportReport)
    assert set(report.labels_added) == {"CASUALTY_FIGURE", "ACTOR", "LOCATION"}
    assert (len(report.created), len(report.updated)) == (3, 1)  # a1 was already there
    names = [palette.label_at(r).name for r in range(palette.rowCount())]  # type: ignore[union-attr]
    assert names[:2] == ["EVENT", "PLACE"]
    assert set(names[2:]) == {"CASUALTY_FIGURE", "ACTOR", "LOCATION"}
    menu = [a.text() for a in window.commands.annotate_menu.actions()]
    assert "Label as CASUALTY_FIGURE" in menu
    assert "CASUALTY_FIGURE" in (other / "project.toml").read_text("utf-8")
    assert window.documents.model.rowCount() == 4
    assert window.current is not None
    assert window.current.id == 1
    assert len(window.current.spans) == 4  # the open document got its spans, shown
    assert len(spans_of(other)) == 5


def test_a_cancelled_import_keeps_nothing(
    qtbot: QtBot, tmp_path: Path, annotated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = exported_jsonl(annotated, tmp_path / "all.jsonl")
    fresh = tmp_path / "fresh"
    Project.create(fresh).close()
    window = make_window(qtbot, tmp_path / "config", fresh)
    gate = threading.Event()
    real = annotation_import_runner.import_annotations

    def slow(*args: Any, progress: Callable[[int], None], **kwargs: Any) -> Any:
        def held(done: int) -> None:
            progress(done)
            gate.wait(20)

        return real(*args, progress=held, **kwargs)

    monkeypatch.setattr(annotation_import_runner, "import_annotations", slow)
    dialog = open_import(qtbot, window)
    dialog.path_edit.setText(str(source))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    runner = window.annotation_importer
    assert runner.running
    assert runner.progress_dialog is not None
    with qtbot.waitSignal(runner.finished, timeout=30_000) as blocker:
        press_cancel(runner.progress_dialog)
        gate.set()
    assert blocker.args == [None]
    assert "Import cancelled: nothing was imported" in window.statusBar().currentMessage()
    with Project.open(fresh) as project:
        assert project.count_documents() == 0
    assert not [d for d in window.findChildren(AnnotationImportReportDialog) if d.isVisible()]


def test_the_file_menu_has_both_dialogs(qtbot: QtBot, window: MainWindow) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]  # type: ignore[union-attr]
    assert "Import &Annotations…" in texts
    assert "&Export…" in texts
    window.commands.import_annotations_action.trigger()
    dialogs = [d for d in window.findChildren(AnnotationImportDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialogs[0].reject()
    window.commands.export_action.trigger()
    exports = [d for d in window.findChildren(ExportDialog) if d.isVisible()]
    assert len(exports) == 1
    exports[0].reject()
    QApplication.processEvents()


def test_import_report_counts_spans_already_there_in_the_right_number(qtbot: QtBot) -> None:
    one = AnnotationImportReportDialog(
        AnnotationImportReport(updated=[DocumentId(3)], spans_already_there=1)
    )
    qtbot.addWidget(one)
    assert one.groups["spans"].text(1) == "1 was already there"
    assert "(1 span was already there)" in one.summary.text()
    two = AnnotationImportReportDialog(AnnotationImportReport(spans_already_there=2))
    qtbot.addWidget(two)
    assert two.groups["spans"].text(1) == "2 were already there"
