"""The read every export shares: documents with their spans and relations, as the export gets them.

Times ``selected_documents`` (``Project.iter_annotated`` plus the default layer choice) over a
project of N documents x 20 spans, with the cyclic collector paused as ``export_project`` runs
it, and prints the CPU time per document of each run and the best. Nothing is written: this is
the part of every export's figure in ``benchmarks/formats.py`` that no writer can save. Usage::

    .venv/bin/python benchmarks/export_read.py [--documents N] [--runs R] [--project DIR]

``--project`` reads an existing project (e.g. one made earlier with the same N) instead of
making one in a temporary folder.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from synthetic import make_project

from annotator.core.gc_pause import gc_paused
from annotator.services.exporting import ExportSelection, selected_documents
from annotator.services.project import Project


def read_once(project: Project) -> tuple[float, int, int]:
    """CPU seconds, documents and spans of one full read."""
    documents = spans = 0
    started = time.process_time()
    with gc_paused():
        for item in selected_documents(project, ExportSelection()):
            documents += 1
            spans += len(item.spans)
    return time.process_time() - started, documents, spans


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--project", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.project
        if folder is None:
            folder = Path(tmp) / "source"
            make_project(folder, args.documents)
        with Project.open(folder) as project:
            best = float("inf")
            for run in range(1, args.runs + 1):
                cpu, documents, spans = read_once(project)
                best = min(best, cpu)
                print(
                    f"run {run}: {documents:,} documents, {spans:,} spans: {cpu:.3f} s CPU, "
                    f"{cpu / max(documents, 1) * 1e6:.0f} us/document"
                )
            print(f"best: {best / max(documents, 1) * 1e6:.0f} us/document")


if __name__ == "__main__":
    main()
