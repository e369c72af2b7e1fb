"""Format speed: export and import 10,000 documents x 20 spans in every registered format.

Prints seconds (wall clock, and the CPU time of the process and of the worker processes it
starts: an import's reading worker, an export's workers; on a shared machine the wall clock
mostly measures the neighbours), documents per second and the peak memory of each step (each
step runs in its own process so that its peak is its own; an import's peak adds its reading
worker's; ``wkr MB`` is the largest export worker's, an upper bound). Usage::

    .venv/bin/python benchmarks/formats.py [--documents N] [--formats jsonl,brat,...]
        [--exports-only]

For scale (issue 5): doccano 1.8.4 took 31.6-33.4 s to import and 19.5-24.8 s to export such a
set; Label Studio 1.23.2 took 11.4 s to import and 19.2-20.5 s to export JSON. The goals are
ten times the best of them on the same data (doccano JSONL): import under 1.1 s (the JSON
family), JSON-family exports under 1.9 s, CoNLL and spaCy (and the other token formats) under
3.5 s, peak memory under 300 MB and flat as the count grows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bytecode import compile_package
from machine import reference
from synthetic import make_project

from annotator.formats.registry import FORMATS, format_info
from annotator.services.annotation_import import import_annotations
from annotator.services.exporting import export_project
from annotator.services.formats import ExportOptions
from annotator.services.project import Project


def out_path(folder: Path, name: str) -> Path:
    """Where a format exports: a .zip for folder formats, except spaCy's folder of shards (what
    ``spacy train`` reads; its shards are compressed already)."""
    info = format_info(name)
    assert info is not None
    if name == "spacy":
        return folder / "export-spacy"
    suffix = ".zip" if info.layout.value == "folder" else info.extensions[0]
    return folder / f"export-{name}{suffix}"


def cpu_seconds() -> float:
    """CPU time of this process and of its children that ended (an export's worker
    processes and an import's reading worker end with the step)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def child_export(project_dir: Path, name: str, out: Path) -> dict[str, float]:
    with Project.open(project_dir) as project:
        info = format_info(name)
        assert info is not None
        started, cpu = time.perf_counter(), cpu_seconds()
        report = export_project(project, name, out, options=ExportOptions(info.default_unit))
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    # the largest worker's peak (at least this process's size when it started the worker)
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": elapsed, "cpu": cpu, "documents": report.documents, "workers_mb": workers_mb}


def child_import(project_dir: Path, name: str, path: Path) -> dict[str, float]:
    with Project.create(project_dir) as project:
        started, cpu = time.perf_counter(), cpu_seconds()
        report = import_annotations(project, name, path, add_labels=True)
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    documents = len(report.created) + len(report.updated)
    return {"seconds": elapsed, "cpu": cpu, "documents": documents}


def peak_rss_mb() -> float:
    """This process's own peak resident size. Linux keeps ``ru_maxrss`` across exec, so a child
    would report its parent's peak; ``VmHWM`` belongs to the new process image."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return {"error": True, "stderr": lines[-1] if lines else f"exit {done.returncode}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--formats", default=",".join(f.name for f in FORMATS))
    parser.add_argument("--exports-only", action="store_true", help="skip the imports")
    parser.add_argument("--child", nargs=4, metavar=("STEP", "PROJECT", "FORMAT", "PATH"))
    args = parser.parse_args()
    if args.child:
        step, project_dir, name, path = args.child
        run = child_export if step == "export" else child_import
        result = run(Path(project_dir), name, Path(path))
        result["peak_mb"] = peak_rss_mb()
        if step == "import":  # plus the reading worker's own peak, if there was one
            result["peak_mb"] += resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps(result))
        return
    print(compile_package(), flush=True)
    print(reference(), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        make_project(folder / "source", args.documents)
        print(
            f"made {args.documents:,} documents x 20 spans in {time.perf_counter() - started:.1f} s"
        )
        print(
            f"{'format':<14} {'export s':>9} {'cpu s':>6} {'docs/s':>9} {'peak MB':>8} "
            f"{'wkr MB':>7}   "
            f"{'import s':>9} {'cpu s':>6} {'docs/s':>9} {'peak MB':>8}"
        )
        for name in args.formats.split(","):
            info = format_info(name)
            if info is None or not info.can_export:
                continue
            path = out_path(folder, name)
            exported = run_child("--child", "export", str(folder / "source"), name, str(path))
            if "error" in exported:
                print(f"{name:<14} export failed: {exported.get('stderr')}")
                continue
            line = (
                f"{name:<14} {exported['seconds']:>9.2f} {exported['cpu']:>6.2f} "
                f"{exported['documents'] / exported['seconds']:>9,.0f} {exported['peak_mb']:>8.0f} "
                f"{exported['workers_mb']:>7.0f}"
            )
            if info.can_import and not args.exports_only:
                imported = run_child(
                    "--child", "import", str(folder / f"import-{name}"), name, str(path)
                )
                if "error" in imported:
                    line += f"   import failed: {imported.get('stderr')}"
                else:
                    line += (
                        f"   {imported['seconds']:>9.2f} {imported['cpu']:>6.2f} "
                        f"{imported['documents'] / imported['seconds']:>9,.0f} "
                        f"{imported['peak_mb']:>8.0f}"
                    )
            print(line, flush=True)
    print(reference())


if __name__ == "__main__":
    main()
