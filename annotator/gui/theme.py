"""Light and dark themes: style sheets from resources/styles, following the system by default."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from annotator.services.resources import resource

MODES = ("system", "light", "dark")


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if scheme is None:  # Qt < 6.5: guess from the window colour
        return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return bool(scheme() == Qt.ColorScheme.Dark)


def dark_palette() -> QPalette:
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#25292e",
        QPalette.ColorRole.WindowText: "#e3e6ea",
        QPalette.ColorRole.Base: "#1e2227",
        QPalette.ColorRole.AlternateBase: "#23282d",
        QPalette.ColorRole.ToolTipBase: "#353b42",
        QPalette.ColorRole.ToolTipText: "#f0f2f4",
        QPalette.ColorRole.PlaceholderText: "#8b949e",
        QPalette.ColorRole.Text: "#e3e6ea",
        QPalette.ColorRole.Button: "#353b42",
        QPalette.ColorRole.ButtonText: "#e3e6ea",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: "#2f5f85",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#56b4e9",
        QPalette.ColorRole.LinkVisited: "#cc79a7",
        QPalette.ColorRole.Light: "#3f464e",
        QPalette.ColorRole.Midlight: "#353b42",
        QPalette.ColorRole.Mid: "#2c3137",
        QPalette.ColorRole.Dark: "#1a1d21",
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7d8590"))
    return palette


def light_palette() -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Link, QColor("#0072b2"))
    return palette


class ThemeManager(QObject):
    """Applies the chosen mode; ``darkChanged`` tells the text viewer to switch colours."""

    darkChanged = Signal(bool)

    def __init__(
        self, app: QApplication, mode: str = "system", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._mode = mode if mode in MODES else "system"
        self._dark: bool | None = None
        self._sheets: dict[bool, str] = {}
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._system_changed)

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def dark(self) -> bool:
        return bool(self._dark)

    def set_mode(self, mode: str) -> None:
        self._mode = mode if mode in MODES else "system"
        self.apply()

    def apply(self) -> None:
        dark = system_prefers_dark() if self._mode == "system" else self._mode == "dark"
        changed = dark != self._dark
        self._dark = dark
        self._app.setPalette(dark_palette() if dark else light_palette())
        self._app.setStyleSheet(self._sheet(dark))
        if changed:
            self.darkChanged.emit(dark)

    def _sheet(self, dark: bool) -> str:
        if dark not in self._sheets:
            path = resource("styles", "dark.qss" if dark else "light.qss")
            try:
                self._sheets[dark] = path.read_text(encoding="utf-8")
            except OSError:
                self._sheets[dark] = ""
        return self._sheets[dark]

    def _system_changed(self, _scheme: object) -> None:
        if self._mode == "system":
            self.apply()
