"""Every "Menu › Item" named in README.md and in the window's texts exists in the menu bar."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from tests.gui.workspace import make_project, make_window

ROOT = Path(__file__).resolve().parents[2]
MENUS = "File|Edit|Annotate|Document|Project|View|Tools|Help"
MENU_PATH = re.compile(rf"\b({MENUS})\s*(?:>|›)\s*(?=([A-Z][^\n]{{0,50}}))")


def plain(text: str) -> str:
    return text.replace("&", "").replace("...", "…").split("\t")[0]


def menu_items(menu: QMenu) -> list[str]:
    return [plain(action.text()) for action in menu.actions() if action.text()]


def mentioned_paths() -> list[tuple[str, str, str]]:
    """(where, menu, text following the separator) for every menu path mentioned."""
    sources = [ROOT / "README.md", *sorted((ROOT / "annotator" / "gui").rglob("*.py"))]
    found = []
    for source in sources:
        text = re.sub(r"\s+", " ", source.read_text("utf-8"))
        for match in MENU_PATH.finditer(text):
            found.append((source.name, match[1], plain(match[2])))
    return found


def test_menu_paths_in_readme_and_dialogs_exist(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path / "config", make_project(tmp_path / "p"))
    bar = {
        plain(action.text()): menu_items(action.menu())
        for action in window.menuBar().actions()
        if isinstance(action.menu(), QMenu)
    }
    mentioned = mentioned_paths()
    assert len(mentioned) > 10
    wrong = [
        f"{where}: {menu} › {rest[:40]}"
        for where, menu, rest in mentioned
        if not any(rest.startswith(item) for item in bar[menu])
    ]
    assert not wrong, "\n".join(wrong)
