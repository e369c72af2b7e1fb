"""``run()``: the application starts on the folder given, remembers it, and exits cleanly."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.gui.main import run
from annotator.gui.main_window import MainWindow
from annotator.gui.settings import Settings
from tests.gui.workspace import make_project


def test_run_opens_the_folder_and_returns_on_close(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_project(tmp_path / "p")
    config = tmp_path / "config"
    seen: dict[str, object] = {}

    def close_when_ready() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = next((w for w in windows if w.isVisible()), None)
        if window is None or window.project is None:
            QTimer.singleShot(50, close_when_ready)
            return
        seen["folder"] = window.project.folder
        seen["document"] = window.current.id if window.current else None
        seen["annotator"] = window.annotator
        seen["hook"] = sys.excepthook
        window.close()

    previous_hook = sys.excepthook
    QTimer.singleShot(0, close_when_ready)
    code = run(
        folder,
        database_url=None,
        annotator="cli-name",
        config_dir=config,
        log_file=tmp_path / "annotator.log",
    )
    assert code == 0
    assert seen["folder"] == folder.resolve()
    assert seen["document"] == 1
    assert seen["annotator"] == "cli-name"
    assert seen["hook"] is not previous_hook  # the crash handler was installed meanwhile
    assert sys.excepthook is previous_hook  # and removed afterwards
    settings = Settings(config)
    assert settings.last_project == folder.resolve()
    assert settings.annotator == ""  # --annotator is for this session only
