"""The document list never scrolls sideways: its columns fit the dock, also when rows imported
by another member bring the vertical scroll bar (seen with two windows side by side)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from annotator.core.team import Role
from annotator.gui.column_fit import STRETCH_SHARE
from annotator.gui.document_list import COLUMNS, DATE, SPANS, STATUS, TITLE
from annotator.gui.main_window import MainWindow
from annotator.services import team
from annotator.services.importing import import_paths
from annotator.services.project import Project
from tests.gui.workspace import make_project, make_window, write_articles


def articles(count: int) -> list[dict[str, str]]:
    return [
        {
            "title": f"Report {n} from the border",
            "text": f"Dispatch {n}: " + " ".join(str(n * 7919 + k * 104729) for k in range(40)),
        }
        for n in range(count)
    ]


def import_as_bob(folder: Path, tmp_path: Path, count: int) -> None:
    with Project.open(folder, annotator="tester") as manager:
        team.add_member(manager, "bob", Role.MANAGER)
    with Project.open(folder, annotator="bob") as bob:
        report = import_paths(bob, [write_articles(tmp_path / "more.jsonl", articles(count))])
    assert len(report.imported) == count


def fits(window: MainWindow) -> bool:
    try:
        assert_fits(window)
    except AssertionError:
        return False
    return True


def assert_fits(window: MainWindow) -> None:
    view = window.documents.view
    header = view.horizontalHeader()
    width = view.viewport().width()
    shown = [c for c in range(len(COLUMNS)) if not header.isSectionHidden(c)]
    assert sum(header.sectionSize(c) for c in shown) <= width
    assert header.sectionViewportPosition(SPANS) + header.sectionSize(SPANS) <= width
    assert header.offset() == 0
    assert view.horizontalScrollBar().maximum() == 0
    assert header.sectionSize(TITLE) >= int(width * STRETCH_SHARE)


def open_narrow(qtbot: QtBot, tmp_path: Path, width: int) -> tuple[MainWindow, Path]:
    folder = make_project(tmp_path / "p")
    window = make_window(qtbot, tmp_path / "config", folder)
    window.team.timer.stop()  # polled by hand
    window.resize(width, 850)
    qtbot.waitUntil(lambda: window.width() == width)
    return window, folder


def test_new_rows_from_another_member_do_not_push_the_columns_sideways(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, folder = open_narrow(qtbot, tmp_path, 760)
    view = window.documents.view
    assert not view.verticalScrollBar().isVisible()
    assert_fits(window)
    before = view.viewport().width()

    import_as_bob(folder, tmp_path, 20)
    window.team.poll()
    qtbot.waitUntil(view.verticalScrollBar().isVisible)
    qtbot.waitUntil(lambda: view.viewport().width() < before)
    assert window.documents.model.rowCount() == 24
    assert_fits(window)


def test_a_wide_list_keeps_its_columns_and_a_column_shown_again_makes_room(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, folder = open_narrow(qtbot, tmp_path, 1300)
    view = window.documents.view
    header = view.horizontalHeader()
    window.resizeDocks([window.documents], [560], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: view.viewport().width() > 520)
    fit = window.documents.column_fit
    natural = [header.sectionSize(c) for c in (DATE, STATUS, SPANS)]
    assert natural == [fit.own_width(c) for c in (DATE, STATUS, SPANS)]
    import_as_bob(folder, tmp_path, 20)
    window.team.poll()
    qtbot.waitUntil(view.verticalScrollBar().isVisible)
    assert [header.sectionSize(c) for c in (DATE, STATUS, SPANS)] == natural  # room enough
    assert_fits(window)

    window.resizeDocks([window.documents], [300], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: header.sectionSize(DATE) < natural[0])
    assert_fits(window)
    shrunk = [header.sectionSize(c) for c in (DATE, STATUS, SPANS)]
    header.setSectionHidden(DATE, True)  # as the header's menu does
    qtbot.waitUntil(lambda: fits(window) and header.sectionSize(STATUS) > shrunk[1])
    header.setSectionHidden(DATE, False)
    qtbot.waitUntil(lambda: fits(window) and header.sectionSize(STATUS) == shrunk[1])
    assert [header.sectionSize(c) for c in (DATE, STATUS, SPANS)] == shrunk
    assert [fit.own_width(c) for c in (DATE, STATUS, SPANS)] == natural


def drag_edge(qtbot: QtBot, window: MainWindow, column: int, by: int) -> None:
    """Drag the right edge of ``column``'s header ``by`` pixels, as a user does."""
    header = window.documents.view.horizontalHeader()
    viewport = header.viewport()
    edge = header.sectionViewportPosition(column) + header.sectionSize(column) - 1
    y = header.height() // 2
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(viewport, left, none, QPoint(edge, y))
    for step in range(1, 5):
        QTest.mouseMove(viewport, QPoint(edge + by * step // 4, y))
        qtbot.wait(10)
    QTest.mouseRelease(viewport, left, none, QPoint(edge + by, y))


def test_a_column_dragged_wider_still_leaves_the_title_its_share(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, _folder = open_narrow(qtbot, tmp_path, 1300)
    view = window.documents.view
    header = view.horizontalHeader()
    window.resizeDocks([window.documents], [420], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: 380 < view.viewport().width() < 440)
    assert_fits(window)
    before = header.sectionSize(STATUS)
    drag_edge(qtbot, window, STATUS, 80)
    qtbot.waitUntil(lambda: fits(window))  # failed: the title squeezed to 25 pixels
    assert header.sectionSize(STATUS) > before
    assert window.documents.column_fit.own_width(STATUS) == before + 80
