"""Who annotates, how selections snap, which theme: the Edit and View menu settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from annotator.gui.project_dialogs import ask_annotator_name

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


class Preferences(QObject):
    """Edit › Annotator Name…, Edit › Character Precision and View › Theme."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def change_annotator(self) -> None:
        window = self._window
        name = ask_annotator_name(window, window.annotator)
        if name:
            window.settings.annotator = name
            self.set_annotator(name)

    def set_annotator(self, name: str) -> None:
        """Who makes the edits from now on (stored with every new span)."""
        window = self._window
        window.annotator = name
        self.show_annotator()
        window.team.annotator_changed()

    def show_annotator(self) -> None:
        self._window.annotator_label.setText(f"Annotator: {self._window.annotator or '(unnamed)'}")

    def toggle_precision(self, checked: bool) -> None:
        self._window.settings.character_precision = checked
        self._window.status(
            "Character precision: spans keep exactly what you select."
            if checked
            else "Word precision: selections snap to whole words."
        )

    def set_theme(self, mode: str) -> None:
        window = self._window
        window.settings.theme = mode
        window.theme.set_mode(mode)
        if mode in window.commands.theme_actions:
            window.commands.theme_actions[mode].setChecked(True)
