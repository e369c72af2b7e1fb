"""Helpers for the workspace tests: real projects on disk, the real window, real mouse input."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.core.ids import DocumentId
from annotator.core.offsets import OffsetConverter
from annotator.gui.main_window import MainWindow
from annotator.gui.settings import Settings
from annotator.gui.theme import ThemeManager
from annotator.services.importing import import_paths
from annotator.services.project import Project

ARTICLES: list[dict[str, Any]] = [
    {
        "id": "a1",
        "title": "Shelling kills seven in Brennick",
        "source": "Meridian Wire",
        "url": "https://example.org/a1",
        "published": "2026-03-03",
        "text": "At least seven people were killed in Brennick on Tuesday, the health "
        "directorate said.\n\nThe army blamed the Kell Valley Defence Front.",
    },
    {
        "id": "a2",
        "title": "Emoji 👩‍🔬 report",
        "source": "Coastal Post",
        "published": "2026-03-04",
        "text": "Scientists 👩‍🔬 and 🇸🇾 flags: Dr. Mence said\u00a0twelve were hurt near Vettrin.",
    },
    {
        "id": "a3",
        "title": "Truce talks resume",
        "source": "Meridian Wire",
        "published": "2026-03-05",
        "text": "Truce talks resumed in Port Aldane on Friday, officials said.",
    },
    {
        "id": "a4",
        "title": "Aid workers missing",
        "source": "Highland Times",
        "published": "2026-03-06",
        "text": "Two aid workers are missing after an attack near Sarn.",
    },
]

ALL_TYPES_SCHEMA = """
[project]
name = "all attribute types"

[database]
url = "sqlite:///annotations.sqlite"

[[labels]]
name = "EVENT"
color = "#0072B2"
hotkey = "e"
  [[labels.attributes]]
  name = "kind"
  type = "choice"
  choices = ["attack", "protest"]
  [[labels.attributes]]
  name = "deaths"
  type = "integer"
  [[labels.attributes]]
  name = "note"
  type = "text"
  [[labels.attributes]]
  name = "confirmed"
  type = "flag"

[[labels]]
name = "PLACE"
color = "#009E73"
hotkey = "p"
"""


def write_articles(path: Path, articles: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), "utf-8")
    return path


def make_project(
    folder: Path, articles: Sequence[dict[str, Any]] = ARTICLES, schema_toml: str | None = None
) -> Path:
    """A real project on disk with ``articles`` imported (documents get ids 1, 2, ...)."""
    if schema_toml is None:
        Project.create(folder).close()
    else:
        folder.mkdir(parents=True)
        (folder / "project.toml").write_text(schema_toml, "utf-8")
    with Project.open(folder) as project:
        source = write_articles(folder.parent / f"{folder.name}-articles.jsonl", articles)
        report = import_paths(project, [source])
        assert report.ok, report.failures
        assert len(report.imported) == len(articles)
    return folder


def make_window(
    qtbot: QtBot,
    config: Path,
    folder: Path | None = None,
    *,
    resize: bool = True,
    annotator: str = "tester",
) -> MainWindow:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme = ThemeManager(app, "light")
    theme.apply()
    window = MainWindow(
        Settings(config), theme, annotator=annotator, log_file=config / "annotator.log"
    )
    qtbot.addWidget(window)
    if resize:
        window.resize(1300, 850)
    window.show()
    qtbot.waitExposed(window)
    if folder is not None:
        assert window.open_project(folder)
    focus_text(qtbot, window)
    return window


def focus_text(qtbot: QtBot, window: MainWindow) -> None:
    """Make the window active and give the text the focus: shortcuts need both."""
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.viewer.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(window.viewer.hasFocus)


def point_at(window: MainWindow, offset: int) -> QPoint:
    """Viewport coordinates just right of the boundary before code point ``offset``."""
    viewer = window.viewer
    text = viewer.document().toPlainText()
    cursor = QTextCursor(viewer.document())
    cursor.setPosition(OffsetConverter(text).cp_to_utf16(offset))
    viewer.ensureCursorVisible()
    rect = viewer.cursorRect(cursor)
    return QPoint(rect.left() + 1, rect.center().y())


def drag(qtbot: QtBot, window: MainWindow, start: int, end: int) -> None:
    """A real mouse drag on the viewer from code point ``start`` to ``end``."""
    viewport = window.viewer.viewport()
    first, last = point_at(window, start), point_at(window, end)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=first)
    middle = QPoint((first.x() + last.x()) // 2, (first.y() + last.y()) // 2)
    qtbot.mouseMove(viewport, middle)
    qtbot.mouseMove(viewport, last)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=last)


def press(qtbot: QtBot, window: MainWindow, key: str | Qt.Key, modifiers: Any = None) -> None:
    """A key press while the text has the focus (shortcuts included)."""
    modifier = modifiers if modifiers is not None else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(window.viewer.viewport(), key, modifier)


def spans_in_db(folder: Path, document_id: int) -> list[tuple[str, int, int, dict[str, Any]]]:
    """The document's spans as the database holds them, read through a second Project."""
    with Project.open(folder) as project:
        spans = project.spans(DocumentId(document_id))
        return [(s.label, s.start, s.end, dict(s.attributes)) for s in spans]


def document_text(folder: Path, document_id: int) -> str:
    with Project.open(folder) as project:
        return project.document(DocumentId(document_id)).text
