"""Guard against PySide6 builds that drop a reference to None on every void call.

PySide6 6.12.0 on CPython 3.11 returns None from void methods without taking a reference; after a
few thousand calls the interpreter aborts with "Fatal Python error: none_dealloc" (see
shared/design/platform.md). pyproject.toml pins PySide6-Essentials < 6.12 on Python < 3.12; this
test catches a pin that slipped, or the same bug in another release. On 3.12+ None is immortal:
its reference count never moves and the test passes trivially.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit

CALLS = 20_000
# Other code may take or drop a few references to None meanwhile; the bug drops one per call.
SLACK = 1_000


def _set_position(doc: QTextDocument, edit: QPlainTextEdit) -> Callable[[], None]:
    cursor = QTextCursor(doc)
    return lambda: cursor.setPosition(3)


def _merge_char_format(doc: QTextDocument, edit: QPlainTextEdit) -> Callable[[], None]:
    cursor = QTextCursor(doc)
    cursor.setPosition(0)
    cursor.setPosition(5, QTextCursor.MoveMode.KeepAnchor)
    fmt = QTextCharFormat()
    fmt.setFontWeight(700)
    return lambda: cursor.mergeCharFormat(fmt)


def _set_extra_selections(doc: QTextDocument, edit: QPlainTextEdit) -> Callable[[], None]:
    selection = QTextEdit.ExtraSelection()
    selection.cursor = QTextCursor(edit.document())
    return lambda: edit.setExtraSelections([selection])


def _process_events(doc: QTextDocument, edit: QPlainTextEdit) -> Callable[[], None]:
    return QCoreApplication.processEvents


@pytest.mark.parametrize(
    "make_call",
    [_set_position, _merge_char_format, _set_extra_selections, _process_events],
    ids=["setPosition", "mergeCharFormat", "setExtraSelections", "processEvents"],
)
def test_void_calls_keep_none_alive(
    qapp: QApplication, make_call: Callable[[QTextDocument, QPlainTextEdit], Callable[[], None]]
) -> None:
    doc = QTextDocument("Hello, annotated world.\nSecond line.")
    edit = QPlainTextEdit("Hello, annotated world.")
    call = make_call(doc, edit)
    call()  # warm up: first calls may cache things

    before = sys.getrefcount(None)
    for _ in range(CALLS):
        call()
    after = sys.getrefcount(None)

    assert after >= before - SLACK, (
        f"sys.getrefcount(None) fell from {before} to {after} over {CALLS} void calls: "
        f"PySide6 {pyside_version} on Python {sys.version.split()[0]} drops references to None "
        "(it will abort with 'none_dealloc'); pin PySide6-Essentials<6.12 on Python < 3.12"
    )
