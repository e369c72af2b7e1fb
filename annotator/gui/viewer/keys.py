"""What the viewer's keys mean: those the window's shortcuts get, zoom, and linking keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

PASS_THROUGH_KEYS = frozenset(
    {
        Qt.Key.Key_Delete,
        Qt.Key.Key_Backspace,
        Qt.Key.Key_Return,
        Qt.Key.Key_Enter,
        Qt.Key.Key_Insert,
    }
)
LINK_KEYS = frozenset(
    {Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab}
)
"""Keys that steer the choice of a relation's target while linking."""
WHEEL_STEP = 120
"""One notch of a mouse wheel (``angleDelta``): one zoom step with Ctrl held."""


def passes_through(event: QKeyEvent) -> bool:
    """Keys the window's actions get even while the viewer has focus: plain and shifted
    characters (label hotkeys), Delete, Backspace, Return/Enter with any modifier, and
    anything with Alt (moving span edges)."""
    if event.key() in PASS_THROUGH_KEYS:
        return True
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if modifiers & Qt.KeyboardModifier.AltModifier:
        return True
    if modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
        text = event.text()
        return bool(text) and text.isprintable()
    return False


def zoom_step(event: QKeyEvent) -> int | None:
    """+1, -1 or 0 (reset) for Ctrl+plus / Ctrl+minus / Ctrl+0, else None."""
    modifiers = event.modifiers() & ~(
        Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier
    )
    if modifiers != Qt.KeyboardModifier.ControlModifier:
        return None
    return {
        Qt.Key.Key_Plus: 1,
        Qt.Key.Key_Equal: 1,
        Qt.Key.Key_Minus: -1,
        Qt.Key.Key_Underscore: -1,
        Qt.Key.Key_0: 0,
    }.get(Qt.Key(event.key()))


def is_plain_escape(event: QKeyEvent) -> bool:
    return event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier


def wheel_zoom(delta: int) -> tuple[int, int]:
    """Whole zoom steps in an accumulated wheel ``delta`` (Ctrl+wheel), and what is left."""
    steps = 0
    while delta >= WHEEL_STEP:
        delta -= WHEEL_STEP
        steps += 1
    while delta <= -WHEEL_STEP:
        delta += WHEEL_STEP
        steps -= 1
    return steps, delta


__all__ = [
    "LINK_KEYS",
    "PASS_THROUGH_KEYS",
    "is_plain_escape",
    "passes_through",
    "wheel_zoom",
    "zoom_step",
]
