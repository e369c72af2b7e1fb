"""The annotator package byte-compiled before timing, as ``pip install`` leaves it.

An installed program's modules are compiled once, at install time. A checkout run with
``PYTHONDONTWRITEBYTECODE`` set (as on the development machine) never writes ``__pycache__``,
so every process of a benchmark (an export's spawned workers, the spaCy worker server, an
import's workers) would compile each of our modules from source on every run: 0.5-0.8 CPU
seconds of a CoNLL export that no user's installed copy spends. ``compileall`` writes the
bytecode whatever that variable says.
"""

from __future__ import annotations

import compileall
from pathlib import Path

import annotator


def compile_package() -> str:
    """Byte-compile the annotator package in place; one line saying so, for the output."""
    folder = Path(annotator.__file__).parent
    compileall.compile_dir(folder, quiet=1)
    modules = sum(1 for _ in folder.rglob("*.py"))
    return f"bytecode: {modules} modules of {folder} compiled, as an install does"
