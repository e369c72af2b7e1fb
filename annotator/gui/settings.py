"""The user's settings: an INI file in the config folder, read and written through QSettings."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from annotator.core.ids import DocumentId

MAX_RECENT = 10
THEMES = ("system", "light", "dark")


class Settings:
    """Typed access to the few things the window remembers between runs."""

    def __init__(self, config_dir: Path) -> None:
        config_dir.mkdir(parents=True, exist_ok=True)
        self.path = config_dir / "annotator.ini"
        self._qsettings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._qsettings.sync()

    # -- who is annotating ----------------------------------------------------------------------

    @property
    def annotator(self) -> str:
        return str(self._qsettings.value("annotator", "") or "")

    @annotator.setter
    def annotator(self, name: str) -> None:
        self._qsettings.setValue("annotator", name)

    # -- projects -------------------------------------------------------------------------------

    def recent_projects(self) -> list[Path]:
        value = self._qsettings.value("projects/recent", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        if not isinstance(value, list | tuple):
            return []
        return [Path(str(item)) for item in value if item]

    def add_recent_project(self, folder: Path) -> None:
        folder = folder.resolve()
        recent = [folder] + [p for p in self.recent_projects() if p != folder]
        self._qsettings.setValue("projects/recent", [str(p) for p in recent[:MAX_RECENT]])
        self._qsettings.setValue("projects/last", str(folder))

    def remove_recent_project(self, folder: Path) -> None:
        recent = [p for p in self.recent_projects() if p != folder]
        self._qsettings.setValue("projects/recent", [str(p) for p in recent])

    def clear_recent_projects(self) -> None:
        self._qsettings.setValue("projects/recent", [])

    @property
    def last_project(self) -> Path | None:
        value = self._qsettings.value("projects/last", "")
        return Path(str(value)) if value else None

    def last_document(self, folder: Path) -> DocumentId | None:
        value = self._qsettings.value(f"last_document/{_key(folder)}", None)
        try:
            return DocumentId(int(str(value))) if value not in (None, "") else None
        except ValueError:
            return None

    def set_last_document(self, folder: Path, document_id: DocumentId | None) -> None:
        key = f"last_document/{_key(folder)}"
        if document_id is None:
            self._qsettings.remove(key)
        else:
            self._qsettings.setValue(key, int(document_id))

    @property
    def package_folder(self) -> Path | None:
        """Where the last annotator package was saved or opened from."""
        value = str(self._qsettings.value("packages/folder", "") or "")
        return Path(value) if value else None

    @package_folder.setter
    def package_folder(self, folder: Path) -> None:
        self._qsettings.setValue("packages/folder", str(folder))

    # -- behaviour and looks --------------------------------------------------------------------

    @property
    def character_precision(self) -> bool:
        return _bool(self._qsettings.value("annotate/character_precision", False))

    @character_precision.setter
    def character_precision(self, value: bool) -> None:
        self._qsettings.setValue("annotate/character_precision", bool(value))

    @property
    def theme(self) -> str:
        value = str(self._qsettings.value("view/theme", "system"))
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._qsettings.setValue("view/theme", value if value in THEMES else "system")

    def window_geometry(self) -> QByteArray | None:
        return _bytes(self._qsettings.value("window/geometry"))

    def window_state(self) -> QByteArray | None:
        return _bytes(self._qsettings.value("window/state"))

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._qsettings.setValue("window/geometry", geometry)
        self._qsettings.setValue("window/state", state)


def _key(folder: Path) -> str:
    """A settings key for a project folder (paths hold characters INI keys cannot)."""
    return hashlib.sha1(str(folder.resolve()).encode("utf-8")).hexdigest()[:16]


def _bool(value: object) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def _bytes(value: object) -> QByteArray | None:
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QByteArray(bytes(value))
    return None
