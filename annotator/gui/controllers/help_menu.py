"""The Help menu: the guidelines, the log file and the About box."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


class HelpMenu(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def show_guidelines(self) -> None:
        guidelines = self._window.guidelines
        guidelines.show()
        guidelines.raise_()
        guidelines.focus_find()

    def show_log(self) -> None:
        log_file = self._window.log_file
        if log_file.exists():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file)))
        else:
            self._window.status(f"No log file yet ({log_file})")

    def about(self) -> None:
        from annotator import __version__

        QMessageBox.about(
            self._window,
            "About annotator",
            f"<b>annotator</b> {__version__}<br>Annotate news articles: spans, attributes and "
            f"relations, exported as training data.<br><br>Log file: {self._window.log_file}",
        )
