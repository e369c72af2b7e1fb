"""Tools › Agreement…: a real project annotated by three annotators, the real window, the
dialog computed in the background, its charts painted and its document list double-clicked."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QPushButton, QToolTip
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.core.agreement import AgreementReport
from annotator.core.document import DocumentDraft
from annotator.core.edits import AddSpan
from annotator.core.ids import DocumentId
from annotator.gui.agreement_charts import scale_colour
from annotator.gui.agreement_dialog import AgreementDialog
from annotator.gui.agreement_models import VALUE_ROLE
from annotator.gui.document_list import SPANS
from annotator.gui.main_window import MainWindow
from annotator.services import team
from annotator.services.project import Project
from annotator.storage.bulk import DraftWithSpans, SpanDraft
from tests.gui.workspace import make_window

TEXTS = [
    "Rebels shelled Aleppo on Monday, killing seven civilians.",
    "The ministry said police detained dozens of protesters in Homs.",
    "Officials in Idlib reported clashes near the border.",
]
LAYERS = {
    0: [
        ("ann", "ACTOR", "Rebels"),
        ("ann", "LOCATION", "Aleppo"),
        ("bob", "ACTOR", "Rebels"),
        ("bob", "LOCATION", "Aleppo on Monday"),
        ("cat", "ACTOR", "Rebels"),
        ("cat", "CASUALTY_FIGURE", "seven civilians"),
    ],
    1: [
        ("ann", "ACTOR", "The ministry"),
        ("bob", "ACTOR", "The ministry"),
        ("bob", "ACTOR", "police"),
        ("cat", "ACTOR", "police"),
    ],
    2: [("ann", "LOCATION", "Idlib"), ("bob", "LOCATION", "Idlib")],
}


def span(text: str, who: str, label: str, words: str) -> SpanDraft:
    start = text.index(words)
    return SpanDraft(label, start, start + len(words), annotator=who)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    folder = tmp_path / "team"
    with Project.create(folder) as project:
        project.database.bulk_add(
            [
                DraftWithSpans(
                    DocumentDraft(text, title=f"Article {i}"),
                    f"t:{i}",
                    [span(text, *layer) for layer in LAYERS[i]],
                )
                for i, text in enumerate(TEXTS)
            ],
            datetime.now(UTC),
        )
    return make_window(qtbot, tmp_path / "config", folder)


def open_dialog(qtbot: QtBot, window: MainWindow) -> AgreementDialog:
    window.commands.agreement_action.trigger()
    dialogs = window.findChildren(AgreementDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.ready, timeout=20_000)
    return dialog


def pixel(widget: object, x: float, y: float) -> QColor:
    image = widget.grab().toImage()  # type: ignore[attr-defined]
    ratio = image.devicePixelRatio()
    return image.pixelColor(round(x * ratio), round(y * ratio))


def test_the_dialog_shows_the_summary_matrix_bars_and_opens_documents(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = open_dialog(qtbot, window)
    report = dialog.report
    assert isinstance(report, AgreementReport)
    assert report.annotators == ("ann", "bob", "cat")
    assert "3 documents" in dialog.status.text()

    # summary: one row per label, then all labels, the report's numbers in the cells
    model = dialog.summary_model
    assert model.rowCount() == len(report.labels) + 1
    actor = list(report.labels).index("ACTOR")
    assert model.headerData(actor, Qt.Orientation.Vertical, Qt.ItemDataRole.DisplayRole) == "ACTOR"
    assert model.index(actor, 0).data(VALUE_ROLE) == report.project.labels["ACTOR"].exact.f1
    assert model.index(model.rowCount() - 1, 2).data() == f"{report.project.overall.kappa:.3f}"

    # the pairwise heat map: painted, cells coloured by their value, the diagonal blank
    dialog.tabs.setCurrentIndex(1)
    heatmap = dialog.heatmap
    qtbot.waitUntil(lambda: heatmap.paints > 0)
    pair = report.project.pair("ann", "bob")
    assert pair is not None
    value = pair.overall.exact.f1
    assert value is not None
    assert heatmap.values[0][1] == value
    assert heatmap.values[0][0] is None
    assert heatmap.tips[0][1].startswith("ann and bob: 3 documents both annotated")
    assert heatmap.cell_at(heatmap.cell_rect(2, 1).center()) == (2, 1)
    where = heatmap.cell_rect(0, 1).center().toPoint()
    QApplication.sendEvent(
        heatmap, QHelpEvent(QEvent.Type.ToolTip, where, heatmap.mapToGlobal(where))
    )
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == heatmap.tips[0][1]
    QToolTip.hideText()
    cell = heatmap.cell_rect(0, 1)
    assert pixel(heatmap, cell.left() + 4, cell.top() + 4) == scale_colour(value)
    dialog.pair_measure.setCurrentIndex(2)  # Cohen's kappa
    assert heatmap.values[1][0] == pair.overall.kappa

    # the bar chart per label: a bar in the label's colour, as high as its value
    dialog.tabs.setCurrentIndex(2)
    bars = dialog.bars
    qtbot.waitUntil(lambda: bars.paints > 0)
    names = [name for name, _, _ in bars.bars]
    assert names == [*report.labels, "All labels"]
    index = names.index("ACTOR")
    rect = bars.bar_rect(index)
    assert rect.height() > 10
    colour = window.project.schema.label("ACTOR").color  # type: ignore[union-attr]
    assert pixel(bars, rect.center().x(), rect.bottom() - 3) == QColor(colour)

    # per document: sortable, and a double-click opens the document in the window
    dialog.tabs.setCurrentIndex(3)
    table = dialog.documents
    assert dialog.documents_model.rowCount() == 3
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert dialog.documents_model.index(0, 0).data() == "Article 2"
    target = dialog.documents_model.index(1, 0)  # Article 1
    target_id = dialog.documents_model.document_id(1)
    assert target_id is not None
    assert window.current is None or int(window.current.id) != target_id
    qtbot.waitExposed(table)
    assert table.visualRect(target).width() > 200  # the title column takes the room left
    where = table.visualRect(target).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: window.current is not None and int(window.current.id) == target_id)


def test_the_models_pass_the_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, window: MainWindow
) -> None:
    dialog = open_dialog(qtbot, window)
    qtmodeltester.check(dialog.summary_model)
    qtmodeltester.check(dialog.documents_model)
    dialog.documents_model.sort(4, Qt.SortOrder.DescendingOrder)
    values = [dialog.documents_model.index(r, 4).data(VALUE_ROLE) for r in range(3)]
    known = [v for v in values if v is not None]
    assert known == sorted(known, reverse=True)
    assert values[len(known) :] == [None] * (3 - len(known))  # undefined values last
    qtmodeltester.check(dialog.documents_model)


def test_choosing_annotators_recomputes_in_the_background(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    cat = dialog.annotators.findItems("cat", Qt.MatchFlag.MatchExactly)[0]
    cat.setCheckState(Qt.CheckState.Unchecked)
    assert not dialog.ready()
    qtbot.waitUntil(dialog.ready, timeout=20_000)
    report = dialog.report
    assert report is not None
    assert report.annotators == ("ann", "bob")
    assert report.project.unitizing_documents == 3
    bob = dialog.annotators.findItems("bob", Qt.MatchFlag.MatchExactly)[0]
    bob.setCheckState(Qt.CheckState.Unchecked)
    assert "two or more annotators" in dialog.status.text()
    dialog.close()
    qtbot.waitUntil(lambda: not window.findChildren(AgreementDialog))


def test_a_project_with_one_annotator_says_why_there_is_nothing(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "solo"
    with Project.create(folder) as project:
        text = TEXTS[0]
        project.database.bulk_add(
            [DraftWithSpans(DocumentDraft(text), "t:0", [span(text, "ann", "ACTOR", "Rebels")])],
            datetime.now(UTC),
        )
    window = make_window(qtbot, tmp_path / "config", folder)
    dialog = window.show_agreement()
    assert dialog is not None
    qtbot.waitUntil(lambda: "two or more annotators" in dialog.status.text())
    assert dialog.report is None
    window.set_project(Project.open(folder))  # another project: the dialog closes
    qtbot.waitUntil(lambda: not window.findChildren(AgreementDialog))


def test_a_blind_annotator_sees_neither_others_counts_nor_agreement(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "blind"
    Project.create(folder).close()
    with Project.open(folder, annotator="ann") as manager:  # the first named opener: manager
        manager.database.bulk_add(
            [
                DraftWithSpans(
                    DocumentDraft(text, title=f"Article {i}"),
                    f"t:{i}",
                    [span(text, *layer) for layer in LAYERS[i]],
                )
                for i, text in enumerate(TEXTS)
            ],
            datetime.now(UTC),
        )
        Project.open(folder, annotator="tester").close()  # joins as an annotator
        manager.refresh_identity()
        team.set_blind(manager, True)
    window = make_window(qtbot, tmp_path / "config", folder)
    model = window.documents.model
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    assert [model.index(row, SPANS).data() for row in range(3)] == [0, 0, 0]
    dialog = window.show_agreement()
    assert dialog is not None
    qtbot.waitUntil(lambda: "blind" in dialog.status.text())
    assert "Cannot measure agreement" in dialog.status.text()
    assert dialog.report is None
    dialog.close()


def test_a_long_measurement_shows_progress_and_cancel_stops_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "big"
    text = TEXTS[0]
    layers = [span(text, who, "ACTOR", "Rebels") for who in ("ann", "bob", "cat")]
    with Project.create(folder) as project:
        project.database.bulk_add(
            [DraftWithSpans(DocumentDraft(f"{text} ({n})"), f"t:{n}", layers) for n in range(1500)],
            datetime.now(UTC),
        )
    window = make_window(qtbot, tmp_path / "config", folder)
    dialog = window.show_agreement()
    assert dialog is not None
    assert dialog.runner.running
    progress = dialog.runner.progress_dialog
    assert progress is not None
    assert progress.objectName() == "agreementProgress"
    with qtbot.waitSignal(dialog.runner.finished, timeout=30_000) as finished:
        qtbot.mouseClick(progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert finished.args == [None]
    assert dialog.status.text() == "Cancelled: press Compute to measure again."
    assert dialog.report is None
    assert dialog.compute_button.isEnabled()
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.ready, timeout=30_000)
    assert dialog.report is not None
    assert dialog.report.project.documents == 1500
    # a new choice cancelled: the numbers on screen are said to be the earlier choice's
    with qtbot.waitSignal(dialog.runner.finished, timeout=30_000):
        dialog.annotators.item(2).setCheckState(Qt.CheckState.Unchecked)
        progress = dialog.runner.progress_dialog
        assert progress is not None
        qtbot.mouseClick(progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert dialog.status.text() == (
        "Cancelled: press Compute to measure again. The numbers shown are for the earlier choice."
    )
    assert not dialog.ready()
    dialog.close()
    qtbot.waitUntil(lambda: not window.findChildren(AgreementDialog))


def test_cancel_after_the_choice_changed_mid_measurement_stops_for_good(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A choice changed while a measurement runs waits for it to end; Cancel then stops, it
    does not start the new choice's measurement behind the user's back (before: a second
    progress dialog, a second Cancel needed)."""
    folder = tmp_path / "big"
    text = TEXTS[0]
    layers = [span(text, who, "ACTOR", "Rebels") for who in ("ann", "bob", "cat")]
    with Project.create(folder) as project:
        project.database.bulk_add(
            [DraftWithSpans(DocumentDraft(f"{text} ({n})"), f"t:{n}", layers) for n in range(1500)],
            datetime.now(UTC),
        )
    window = make_window(qtbot, tmp_path / "config", folder)
    dialog = window.show_agreement()
    assert dialog is not None
    assert dialog.runner.running
    dialog.annotators.item(2).setCheckState(Qt.CheckState.Unchecked)  # within the 300 ms
    progress = dialog.runner.progress_dialog
    assert progress is not None
    with qtbot.waitSignal(dialog.runner.finished, timeout=30_000) as finished:
        qtbot.mouseClick(progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert finished.args == [None]
    qtbot.wait(50)
    assert not dialog.runner.running
    assert dialog.status.text() == "Cancelled: press Compute to measure again."
    assert not dialog.ready()
    assert dialog.compute_button.isEnabled()
    dialog.close()
    qtbot.waitUntil(lambda: not window.findChildren(AgreementDialog))


def test_numbers_measured_while_annotations_changed_are_not_shown_as_current(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The window stays usable during a long measurement (its progress dialog blocks only the
    agreement dialog): an edit made meanwhile may or may not be in the numbers, so they are
    shown as stale, not as the current choice's (before: ready, as if nothing had changed)."""
    folder = tmp_path / "big"
    text = TEXTS[0]
    layers = [span(text, who, "ACTOR", "Rebels") for who in ("ann", "bob", "cat")]
    with Project.create(folder) as project:
        project.database.bulk_add(
            [DraftWithSpans(DocumentDraft(f"{text} ({n})"), f"t:{n}", layers) for n in range(1500)],
            datetime.now(UTC),
        )
    window = make_window(qtbot, tmp_path / "config", folder, annotator="bob")
    dialog = window.show_agreement()
    assert dialog is not None
    assert dialog.runner.running
    with qtbot.waitSignal(dialog.runner.finished, timeout=60_000) as finished:
        start = text.index("Aleppo")
        assert window.bridge.apply(AddSpan(DocumentId(1), "LOCATION", start, start + 6, {}, "bob"))
    assert isinstance(finished.args[0], AgreementReport)
    assert dialog.report is not None
    assert not dialog.ready()
    assert dialog.status.text() == "Annotations changed since: press Compute to measure again."
    dialog.close()
    qtbot.waitUntil(lambda: not window.findChildren(AgreementDialog))
