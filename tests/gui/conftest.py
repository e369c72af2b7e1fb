"""GUI tests: pytest-qt with PySide6, offscreen (tests/conftest.py sets QT_QPA_PLATFORM).

The whole directory is left out when PySide6 is blocked (ANNOTATOR_BLOCK_PYSIDE6=1) or missing:
its modules import PySide6 at the top. (A module-level pytest.skip() here would be nicer to read,
but it breaks `pytest tests/gui`, where this conftest is loaded before collection starts.)
"""

from __future__ import annotations

import importlib.util
import os

if os.environ.get("ANNOTATOR_BLOCK_PYSIDE6") == "1" or importlib.util.find_spec("PySide6") is None:
    collect_ignore_glob = ["*"]
