"""Workspace speed: a 100,000-document project in the window, and one edit through every view.

Offscreen, 1400x900 window. A temporary project gets 100,000 short documents (bulk insert,
not timed), then:

- **open**: ``MainWindow.open_project`` until the window has painted (ids of the whole list
  fetched, the first page of summaries, the first document opened);
- **scroll**: the document list jumps 20 times from top to bottom, each jump painted;
- **label / relabel / delete / undo**: one command the way the keyboard gives it (selection
  + label key, another key, Delete, Ctrl+Z): undo stack -> service (one committed
  transaction) -> viewer, span list, palette and document-list row updated -> the events
  processed, which repaints what was marked dirty; median of 20 runs.

Prints numbers, asserts nothing. Run: ``.venv/bin/python benchmarks/workspace.py``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from annotator.core.document import DocumentDraft
from annotator.gui.main_window import MainWindow
from annotator.gui.settings import Settings
from annotator.gui.theme import ThemeManager
from annotator.services.project import Project
from annotator.storage.bulk import DraftWithSpans

DOCUMENTS = 100_000
BATCH = 5_000
RUNS = 20


def build(folder: Path) -> None:
    text = (
        "At least seven people were killed in Brennick on Tuesday, the Varessa health "
        "directorate said. The army blamed the Kell Valley Defence Front. "
    ) * 4
    with Project.create(folder) as project:
        now = project.now()
        for first in range(0, DOCUMENTS, BATCH):
            project.database.bulk_add(
                [
                    DraftWithSpans(
                        DocumentDraft(f"{i}. {text}", title=f"Report {i}", source="Wire"),
                        f"bench:{i}",
                    )
                    for i in range(first, first + BATCH)
                ],
                now,
            )


CPU: list[float] = []
"""Process CPU time of every :func:`timed` call, in order (the machine is often shared)."""


def timed(action: Callable[[], object], app: QApplication) -> float:
    """The action and the events it queued, including the repaint of what it marked dirty."""
    cpu = time.process_time()
    started = time.perf_counter()
    action()
    app.processEvents()
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - started


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> None:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "project"
        print(f"building {DOCUMENTS:,} documents ...", flush=True)
        build(folder)
        theme = ThemeManager(app, "light")
        theme.apply()
        window = MainWindow(
            Settings(Path(tmp) / "config"), theme, annotator="bench", log_file=Path(tmp) / "log"
        )
        window.resize(1400, 900)
        window.show()
        app.processEvents()

        opened = timed(lambda: window.open_project(folder), app)
        print(
            f"open a {DOCUMENTS:,}-document project, painted: {ms(opened)} "
            f"(CPU {ms(CPU[-1]).strip()})   goal < 1 s"
        )

        bar = window.documents.view.verticalScrollBar()

        def jump(step: int) -> Callable[[], None]:
            return lambda: bar.setValue(bar.maximum() * step // 20)

        jumps = [timed(jump(step), app) for step in range(1, 21)]
        print(f"scroll the list, one jump painted (median of 20): {ms(statistics.median(jumps))}")

        document = window.current
        assert document is not None
        start = document.text.index("Brennick")
        results: dict[str, list[float]] = {"label": [], "relabel": [], "delete": [], "undo": []}
        cpus: dict[str, list[float]] = {name: [] for name in results}
        for _ in range(RUNS):
            window.viewer.set_selection_offsets(start, start + len("Brennick"))
            results["label"].append(timed(lambda: window.labelling.apply_label("LOCATION"), app))
            cpus["label"].append(CPU[-1])
            results["relabel"].append(timed(lambda: window.labelling.apply_label("ACTOR"), app))
            cpus["relabel"].append(CPU[-1])
            results["delete"].append(timed(window.labelling.delete_selected, app))
            cpus["delete"].append(CPU[-1])
            results["undo"].append(timed(window.commands.undo_action.trigger, app))
            cpus["undo"].append(CPU[-1])
            window.commands.undo_action.trigger()  # undo the relabel
            window.commands.undo_action.trigger()  # and the label: no span again
            assert not window.current.spans if window.current else True
        for name, values in results.items():
            print(
                f"{name:>8} one span, committed, every view updated and repainted: "
                f"{ms(statistics.median(values))} (median of {RUNS}; "
                f"CPU {ms(statistics.median(cpus[name])).strip()})"
            )
        started = time.perf_counter()
        window.repaint()
        full = time.perf_counter() - started
        print(f"for comparison, a full repaint of the whole window: {ms(full)}")
        window.close()


if __name__ == "__main__":
    main()
