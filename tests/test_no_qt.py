"""The non-GUI code runs without PySide6.

A subprocess installs the same import blocker as tests/conftest.py (ANNOTATOR_BLOCK_PYSIDE6=1),
imports every module under annotator/ except annotator.gui, and runs `python -m annotator --help`
when annotator/__main__.py exists. scripts/test also runs this whole directory (all but tests/gui)
with the blocker active, so every non-GUI test proves the same thing for the code it exercises.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
ROOT = TESTS_DIR.parent

# Prints one line per module it imported; exits non-zero on the first failure.
IMPORT_ALL = textwrap.dedent(
    """
    import importlib, importlib.util, pkgutil, runpy, sys

    spec = importlib.util.spec_from_file_location("_annotator_tests_conftest", sys.argv[1])
    conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conftest)  # installs the blocker (ANNOTATOR_BLOCK_PYSIDE6=1)

    SKIP_PREFIXES = ("annotator.gui",)  # the only place PySide6 may be imported
    SKIP = {"annotator.__main__"}  # runs the program; exercised through --help below

    def skipped(name):
        if name in SKIP or name.endswith(".migrations.env"):  # Alembic env runs only in Alembic
            return True
        return any(name == p or name.startswith(p + ".") for p in SKIP_PREFIXES)

    def walk(package):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            if skipped(info.name):
                continue
            module = importlib.import_module(info.name)
            print("imported", info.name, flush=True)
            if info.ispkg:
                walk(module)

    import annotator
    walk(annotator)
    leaked = sorted(m for m in sys.modules if m.partition(".")[0] in {"PySide6", "shiboken6"})
    assert not leaked, leaked

    if importlib.util.find_spec("annotator.__main__") is not None:
        sys.argv = ["annotator", "--help"]
        try:
            runpy.run_module("annotator", run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            if exc.code not in (0, None):
                raise
        print("ran python -m annotator --help", flush=True)
    """
)


def _run_blocked(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ANNOTATOR_BLOCK_PYSIDE6="1", PYTHONDONTWRITEBYTECODE="1")
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_non_gui_modules_import_without_pyside6() -> None:
    result = _run_blocked(IMPORT_ALL, str(TESTS_DIR / "conftest.py"))
    assert result.returncode == 0, (
        "importing the non-GUI code with PySide6 blocked failed:\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )
    assert "imported annotator.core" in result.stdout, result.stdout


@pytest.mark.parametrize("module", ["PySide6", "PySide6.QtCore", "shiboken6"])
def test_blocker_really_blocks(module: str) -> None:
    code = textwrap.dedent(
        f"""
        import importlib.util, sys
        spec = importlib.util.spec_from_file_location("_c", sys.argv[1])
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
        try:
            import {module}
        except ImportError as exc:
            print("blocked:", exc)
        else:
            sys.exit("{module} was imported despite ANNOTATOR_BLOCK_PYSIDE6=1")
        """
    )
    result = _run_blocked(code, str(TESTS_DIR / "conftest.py"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "blocked:" in result.stdout


def test_this_process_is_blocked_when_asked() -> None:
    if os.environ.get("ANNOTATOR_BLOCK_PYSIDE6") != "1":
        pytest.skip("this run has PySide6 importable (scripts/test blocks it for tests/)")
    with pytest.raises(ImportError, match="blocked"):
        import PySide6  # noqa: F401
