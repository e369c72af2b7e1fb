"""Showing failures: short messages for user errors, a logged crash dialog for bugs."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator.core.errors import (
    AnnotatorError,
    ConnectionLostError,
    DatabaseError,
    DatabaseVersionError,
    StaleDataError,
    UserError,
)

log = logging.getLogger("annotator.gui")

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def is_serious(error: BaseException) -> bool:
    """Whether a failure deserves a dialog, not just a line in the status bar (a lost
    connection gets the banner of :mod:`annotator.gui.team_mode` instead)."""
    if isinstance(error, ConnectionLostError):
        return False
    if isinstance(error, StaleDataError | DatabaseError | DatabaseVersionError):
        return True
    return not isinstance(error, UserError)


def message_of(error: BaseException) -> str:
    if isinstance(error, AnnotatorError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def show_error(parent: QWidget | None, title: str, error: BaseException) -> QMessageBox:
    """A window-modal message for a failed operation; it does not block the caller."""
    return open_message(parent, QMessageBox.Icon.Warning, title, message_of(error))


def open_message(
    parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, details: str = ""
) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("errorMessage")
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class CrashHandler:
    """``sys.excepthook`` for the window: log the traceback, show a dialog, keep running."""

    def __init__(self, log_file: Path, parent: Callable[[], QWidget | None]) -> None:
        self._log_file = log_file
        self._parent = parent
        self._previous: ExceptHook | None = None
        self._box: QMessageBox | None = None
        self.count = 0
        """How many unexpected errors were reported (tests read this)."""

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self and self._previous is not None:
            sys.excepthook = self._previous

    def __call__(
        self,
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        self.count += 1
        log.error("unexpected error", exc_info=(kind, error, tb))
        if isinstance(error, UserError):
            text = str(error)
            details = ""
        else:
            text = (
                "Something went wrong inside annotator. Your annotations saved so far are "
                "safe; the operation that failed was not carried out.\n\n"
                f"{type(error).__name__}: {error}\n\n"
                f"Details were written to the log file:\n{self._log_file}"
            )
            details = "".join(traceback.format_exception(kind, error, tb))
        if self._box is not None or QApplication.instance() is None:
            sys.stderr.write((details or text) + "\n")
            return
        self._box = open_message(
            self._parent(), QMessageBox.Icon.Critical, "Unexpected error", text, details
        )
        self._box.finished.connect(self._closed)

    def _closed(self) -> None:
        self._box = None
