"""Starting the window: application, settings, theme, crash handler, the project to open."""

from __future__ import annotations

import getpass
import os
import shutil
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from annotator.gui.errors import CrashHandler
from annotator.gui.main_window import MainWindow
from annotator.gui.project_dialogs import ask_annotator_name
from annotator.gui.settings import Settings
from annotator.gui.theme import ThemeManager
from annotator.services.resources import resource, sample_project_dir


def run(
    folder: Path | None,
    *,
    database_url: str | None,
    annotator: str,
    config_dir: Path,
    log_file: Path,
) -> int:
    """Show the window on ``folder``, else the last project, else the sample; returns the exit
    code. ``annotator`` (from --annotator) wins over the remembered name for this session."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("annotator")
    app.setApplicationDisplayName("annotator")
    app.setDesktopFileName("annotator")
    app.setWindowIcon(application_icon())
    app.setStyle("Fusion")

    settings = Settings(config_dir)
    theme = ThemeManager(app, settings.theme)
    theme.apply()
    window = MainWindow(
        settings,
        theme,
        annotator=annotator or settings.annotator,
        log_file=log_file,
        database_url=database_url if folder is not None else None,
    )
    crash = CrashHandler(log_file, lambda: window)
    crash.install()
    window.show()

    def start() -> None:
        if not window.annotator:
            name = ask_annotator_name(window)
            if name:
                settings.annotator = name
            window.set_annotator(name or _login_name())
        for candidate in start_folders(folder, settings, config_dir):
            if window.open_project(candidate):
                break

    QTimer.singleShot(0, start)
    try:
        return app.exec()
    finally:
        crash.uninstall()


def start_folders(folder: Path | None, settings: Settings, config_dir: Path) -> list[Path]:
    """What to try opening, in order: the folder asked for, or the last project, or the sample."""
    if folder is not None:
        return [folder]
    candidates: list[Path] = []
    last = settings.last_project
    if last is not None and last.is_dir():
        candidates.append(last)
    candidates.append(writable_sample(config_dir))
    return candidates


def writable_sample(config_dir: Path) -> Path:
    """The bundled sample project, or a copy of it in the config folder when the bundled one is
    read-only (an installed package): opening a project creates its database beside it."""
    sample = sample_project_dir()
    if not sample.is_dir() or os.access(sample, os.W_OK):
        return sample
    copy = config_dir / "sample-project"
    if not copy.exists():
        shutil.copytree(sample, copy, ignore=shutil.ignore_patterns("*.sqlite*"))
    return copy


def application_icon() -> QIcon:
    icon = QIcon()
    for name in ("annotator.svg", "annotator.png"):
        path = resource("icons", name)
        if path.exists():
            icon.addFile(str(path))
    return icon


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
