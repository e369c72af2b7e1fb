"""Guard against PySide6 builds that drop a reference to None on every void call.

PySide6 6.12.0 on CPython 3.11 returns None from void methods without taking a reference; after a
few thousand calls the interpreter aborts with "Fatal Python error: none_dealloc" (see
shared/design/platform.md). pyproject.toml pins PySide6-Essentials < 6.12 on Python < 3.12; this
test catches a pin that slipped, or the same bug in another release. On 3.12+ None is immortal:
its reference count never moves and the test passes trivially.

The calls run in a subprocess: with the bug, the interpreter aborts, and that must fail this test
rather than kill the whole pytest run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

CALLS = 20_000
# Other code may take or drop a few references to None meanwhile; the bug drops one per call.
SLACK = 1_000

SETUP = {
    "setPosition": """
        cursor = QTextCursor(doc)
        call = lambda: cursor.setPosition(3)
    """,
    "mergeCharFormat": """
        cursor = QTextCursor(doc)
        cursor.setPosition(0)
        cursor.setPosition(5, QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setFontWeight(700)
        call = lambda: cursor.mergeCharFormat(fmt)
    """,
    "setExtraSelections": """
        selection = QTextEdit.ExtraSelection()
        selection.cursor = QTextCursor(edit.document())
        call = lambda: edit.setExtraSelections([selection])
    """,
    "processEvents": """
        call = QApplication.processEvents
    """,
}

SCRIPT = """
import sys
import PySide6
from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit

app = QApplication([])
doc = QTextDocument("Hello, annotated world.\\nSecond line.")
edit = QPlainTextEdit("Hello, annotated world.")
{setup}
call()  # warm up: first calls may cache things
before = sys.getrefcount(None)
for _ in range({calls}):
    call()
after = sys.getrefcount(None)
print(PySide6.__version__, before, after)
"""


@pytest.mark.parametrize("method", list(SETUP))
def test_void_calls_keep_none_alive(method: str) -> None:
    code = SCRIPT.format(setup=textwrap.dedent(SETUP[method]), calls=CALLS)
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    where = f"{method} x {CALLS} on Python {sys.version.split()[0]}"
    assert result.returncode == 0, (
        f"{where} crashed (exit {result.returncode}); 'none_dealloc' below means PySide6 drops "
        "references to None: pin PySide6-Essentials<6.12 on Python < 3.12\n"
        f"--- stderr (end)\n{result.stderr[-2000:]}"
    )
    version, before, after = result.stdout.split()
    assert int(after) >= int(before) - SLACK, (
        f"{where}: sys.getrefcount(None) fell from {before} to {after}: PySide6 {version} drops "
        "references to None (it will abort with 'none_dealloc'); "
        "pin PySide6-Essentials<6.12 on Python < 3.12"
    )
