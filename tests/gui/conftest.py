"""GUI tests: pytest-qt with PySide6, offscreen (tests/conftest.py sets QT_QPA_PLATFORM).

The whole directory is skipped when PySide6 is blocked (ANNOTATOR_BLOCK_PYSIDE6=1) or missing.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

if os.environ.get("ANNOTATOR_BLOCK_PYSIDE6") == "1":
    pytest.skip("PySide6 is blocked (ANNOTATOR_BLOCK_PYSIDE6=1)", allow_module_level=True)
if importlib.util.find_spec("PySide6") is None:
    pytest.skip("PySide6 is not installed", allow_module_level=True)
