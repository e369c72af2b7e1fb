"""Document viewer speed: open to the first highlighted paint, one edit including its commit.

Offscreen, 1000x800 viewer. For each size (20k characters / 500 spans, 100k / 5,000,
1M / 55,000) a real temporary project is created, the generated text imported as a .txt file
and the spans added in one ``Batch`` edit. Then:

- **open**: what the window does when the user opens a document, from the database to the
  first painted frame: read the document, the outline of its spans and its relations
  (``gui.open_document.open_view``), hand them to the viewer, the span list and the label
  palette, and paint the viewer: "open, total" is all of it (the issue's figure), the two
  rows above it split it. The span list's first paint (its visible rows, whose spans it
  reads then) comes in the same event-loop pass in the window and is timed on its own row;
  ``Project.annotated`` (every span as a full ``Span``, what the window read before) is timed
  too, for comparison;
- **paint**: a full repaint, at the top and in the middle of the document;
- **add / relabel / remove** one span on screen: ``project.apply(edit)`` (one committed
  transaction) + ``viewer.apply_changes(changes)`` + the repaint, median of several runs: the
  repaint of the touched lines through the event loop (what happens in the window), and for
  comparison a full repaint of the viewport.

Prints numbers, asserts nothing. Run: ``.venv/bin/python benchmarks/viewer.py``.

``benchmarks/viewer.py --screenshots DIR`` instead saves pictures of the viewer (light and dark)
with the first article of the sample project and overlapping spans of all four labels.
"""

from __future__ import annotations

import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from annotator.core.annotation import AnnotatedDocument
from annotator.core.edits import AddSpan, Batch, Edit, RelabelSpan, RemoveSpan
from annotator.core.ids import DocumentId, SpanId
from annotator.core.schema import AttributeValue
from annotator.gui.model_base import row_table
from annotator.gui.open_document import open_view
from annotator.gui.palette import LabelPaletteModel
from annotator.gui.span_panel import SpanListModel
from annotator.gui.viewer import DocumentViewer
from annotator.services.importing import import_paths
from annotator.services.project import Project

SIZES = ((20_000, 500), (100_000, 5_000), (1_000_000, 55_000))
LABELS = ("ACTOR", "LOCATION", "CLAIM", "CASUALTY_FIGURE")
SENTENCE = (
    "the ministry said rebels shelled the town on Monday and at least seven civilians were "
    "killed while officials reported clashes near the border province a spokesman denied the "
    "claims police detained dozens of protesters after an attack on a convoy in Brennick"
)
WORDS = SENTENCE.split(" ")
EDIT_RUNS = 30


def generate_text(rng: random.Random, length: int) -> str:
    """Paragraphs of 300-900 characters, like an article."""
    paragraphs: list[str] = []
    size = 0
    while size < length:
        words: list[str] = []
        target = rng.randint(300, 900)
        count = 0
        while count < target:
            word = rng.choice(WORDS)
            words.append(word)
            count += len(word) + 1
        paragraph = " ".join(words).capitalize() + "."
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:length].rstrip() + "."


def generate_spans(
    rng: random.Random, text: str, count: int, document_id: DocumentId
) -> list[AddSpan]:
    """Mostly short spans on word boundaries, some long ones enclosing others (overlaps)."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == " "]
    seen: set[tuple[str, int, int]] = set()
    edits: list[AddSpan] = []
    while len(edits) < count:
        k = rng.randrange(len(starts) - 12)
        roll = rng.random()
        words = rng.randint(1, 3) if roll < 0.8 else rng.randint(4, 12)
        start = starts[k]
        end = starts[k + words] - 1
        label = "CLAIM" if words > 3 else rng.choice(LABELS)
        if start >= end or (label, start, end) in seen:
            continue
        seen.add((label, start, end))
        edits.append(AddSpan(document_id, label, start, end, annotator="bench"))
    return edits


def millis(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def build_project(folder: Path, length: int, span_count: int) -> tuple[Project, DocumentId]:
    rng = random.Random(length)
    project = Project.create(folder / "project")
    source = folder / "article.txt"
    source.write_text(generate_text(rng, length), encoding="utf-8")
    report = import_paths(project, [source])
    document_id = report.imported[0]
    text = project.document(document_id).text
    project.apply(Batch(tuple(generate_spans(rng, text, span_count, document_id))))
    return project, document_id


def bench_size(app: QApplication, length: int, span_count: int) -> dict[str, float]:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        project, document_id = build_project(Path(tmp), length, span_count)
        setup = time.perf_counter() - started
        annotated: AnnotatedDocument = project.annotated(document_id)
        loads = [timed(lambda: project.annotated(document_id)) for _ in range(3)]
        results["(before: Project.annotated)"] = statistics.median(loads)
        schema = project.schema
        document = annotated.document

        viewer = DocumentViewer()
        viewer.resize(1000, 800)
        viewer.show()
        span_list = SpanListModel()
        span_list.set_schema(schema)
        table = row_table(span_list, "spans")
        table.resize(400, 800)
        table.show()
        palette = LabelPaletteModel()
        palette.set_schema(schema)
        app.processEvents()

        # open: from the database to the first painted frame, a few times (fresh state)
        reads: list[float] = []
        shows: list[float] = []
        totals: list[float] = []
        cpus: list[float] = []
        lists: list[float] = []
        for _ in range(5):
            viewer.clear_document()
            span_list.set_document(None, "", ())
            app.processEvents()
            gc.collect()
            cpu = time.process_time()
            start = time.perf_counter()
            opened = open_view(project, document_id)
            read = time.perf_counter()
            viewer.show_outline(
                opened.document, opened.outline, schema, opened.relations.values(), opened.span
            )
            span_list.set_outline(opened.id, opened.text, opened.outline.entries, opened.spans)
            palette.set_counts(opened.id, opened.outline.counts())
            viewer.viewport().repaint()
            done = time.perf_counter()
            cpus.append(time.process_time() - cpu)
            table.viewport().repaint()
            lists.append(time.perf_counter() - done)
            reads.append(read - start)
            shows.append(done - read)
            totals.append(done - start)
        results["open: read from the database"] = statistics.median(reads)
        results["open: show, viewer's first paint"] = statistics.median(shows)
        results["open, total"] = statistics.median(totals)
        results["open, total (CPU)"] = statistics.median(cpus)
        results["then the span list's first paint"] = statistics.median(lists)
        app.processEvents()

        results["full repaint, top"] = statistics.median(
            timed(viewer.viewport().repaint) for _ in range(10)
        )
        bar = viewer.verticalScrollBar()
        bar.setValue(bar.maximum() // 2)
        app.processEvents()
        results["full repaint, middle"] = statistics.median(
            timed(viewer.viewport().repaint) for _ in range(10)
        )

        def page_down() -> None:
            bar.setValue(bar.value() + bar.pageStep())
            viewer.viewport().repaint()

        results["scroll one page + paint"] = statistics.median(timed(page_down) for _ in range(10))
        bar.setValue(0)
        app.processEvents()

        # edits on a visible word, committed, applied to the viewer, repainted
        text = document.text
        target = text.index(" ", 200) + 1
        target_end = text.index(" ", target)
        kinds = ("add", "relabel", "remove")
        commits: dict[str, list[float]] = {kind: [] for kind in kinds}
        lines: dict[str, list[float]] = {kind: [] for kind in kinds}
        fulls: dict[str, list[float]] = {kind: [] for kind in kinds}
        viewer_only: list[float] = []

        def run(kind: str, edit: Edit, full: bool) -> SpanId:
            """Commit, hand the changes to the viewer, paint: the touched lines through the
            event loop (what the window does), or the whole viewport (``full``)."""
            start = time.perf_counter()
            applied = project.apply(edit)
            committed = time.perf_counter()
            viewer.apply_changes(applied.changes)
            if full:
                viewer.viewport().repaint()
            else:
                app.processEvents()
            done = time.perf_counter()
            commits[kind].append(committed - start)
            (fulls if full else lines)[kind].append(done - start)
            if not full:
                viewer_only.append(done - committed)
            changed = applied.changes.spans_added or tuple(
                after for _, after in applied.changes.spans_updated
            )
            return changed[0].id if changed else SpanId(0)

        for i in range(EDIT_RUNS):
            full = i % 2 == 1
            label = "LOCATION" if i % 4 < 2 else "ACTOR"
            edit = AddSpan(document_id, label, target, target_end, annotator="b")
            span_id = run("add", edit, full)
            run("relabel", RelabelSpan(span_id, "CASUALTY_FIGURE"), full)
            run("remove", RemoveSpan(span_id), full)
            app.processEvents()
        for kind in kinds:
            results[f"{kind}: commit only"] = statistics.median(commits[kind])
            results[f"{kind}: + viewer + touched lines"] = statistics.median(lines[kind])
            results[f"{kind}: + viewer + full repaint"] = statistics.median(fulls[kind])
        results["any edit: viewer + touched lines only"] = statistics.median(viewer_only)
        viewer.close()
        viewer.deleteLater()
        table.close()
        table.deleteLater()
        project.close()
        app.processEvents()
    results["(setup: create, import, add spans)"] = setup
    return results


SAMPLE = Path(__file__).resolve().parents[1] / "projects" / "news-events"
SAMPLE_SPANS: tuple[tuple[str, str, dict[str, AttributeValue]], ...] = (
    ("CASUALTY_FIGURE", "At least seven people were killed", {"count": 7, "outcome": "killed"}),
    ("CASUALTY_FIGURE", "more than 20 wounded", {"count": 20, "qualifier": "at least"}),
    ("LOCATION", "Brennick", {}),
    ("ACTOR", "the Varessa Provincial Health Directorate", {"kind": "state"}),
    ("LOCATION", "Varessa", {}),
    ("ACTOR", "Dr. Halvard Mence", {"kind": "official"}),
    (
        "CLAIM",
        "three children were among the dead and that the town’s only hospital was “working far "
        "beyond its capacity.”",
        {"certainty": "asserted"},
    ),
    ("CASUALTY_FIGURE", "three children", {"count": 3, "outcome": "killed"}),
    ("ACTOR", "three children", {"kind": "civilian"}),
    ("CLAIM", "the toll could rise", {"certainty": "speculative"}),
    ("ACTOR", "The regional army command", {"kind": "state"}),
    ("ACTOR", "the Kell Valley Defence Front", {"kind": "non-state armed group"}),
    ("LOCATION", "Kell Valley", {}),
)


def screenshots(app: QApplication, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sample"
        shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.sqlite*"))
        with Project.open(folder) as project:
            document_id = project.document_ids()[0]
            text = project.document(document_id).text
            edits = tuple(
                AddSpan(document_id, label, text.index(part), text.index(part) + len(part), attrs)
                for label, part, attrs in SAMPLE_SPANS
            )
            project.apply(Batch(edits))
            annotated = project.annotated(document_id)
            viewer = DocumentViewer()
            viewer.resize(820, 420)
            viewer.set_document(annotated.document, annotated.spans, project.schema)
            viewer.show()
            claim = next(s for s in annotated.spans if s.label == "CLAIM")
            viewer.select_span(claim.id)
            for dark in (False, True):
                viewer.set_dark(dark)
                app.processEvents()
                path = out / f"viewer-{'dark' if dark else 'light'}.png"
                viewer.grab().save(str(path))
                print(f"saved {path}")
            viewer.close()


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    if len(sys.argv) == 3 and sys.argv[1] == "--screenshots":
        screenshots(app, Path(sys.argv[2]))
        return
    print("Document viewer (offscreen, 1000x800):")
    table: dict[str, dict[str, float]] = {}
    for length, spans in SIZES:
        name = f"{length // 1000}k chars / {spans:,} spans"
        print(f"  building {name} ...", flush=True)
        table[name] = bench_size(app, length, spans)
    names = list(table)
    rows = list(next(iter(table.values())))
    width = max(len(row) for row in rows) + 2
    print()
    print(" " * width + "".join(f"{name:>28}" for name in names))
    for row in rows:
        cells = "".join(f"{millis(table[name][row]):>28}" for name in names)
        print(f"{row:<{width}}{cells}")
    print()
    goals = dict(zip(names, ("goal < 20 ms", "", "goal < 150 ms"), strict=True))
    for name in names:
        total = table[name]["open, total"]
        print(f"open {name}, database to first paint: {millis(total)}  {goals[name]}".rstrip())


if __name__ == "__main__":
    main()
