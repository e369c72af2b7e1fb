"""Curation and annotator packages: units of a long document, package export and merge.

Prints the time to group 3 annotators' spans of a 100,000-character document into curation units
and plan an auto-merge, and the time to export one annotator's layer of N documents (20 spans
each) to a package and merge it into an empty project, then again (every document unchanged).
Usage::

    .venv/bin/python benchmarks/curation.py [--documents N]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from annotator.core.annotation import Span
from annotator.core.curation import CuratedLayer, compute_units, plan_auto_merge
from annotator.core.document import DocumentDraft
from annotator.core.ids import DocumentId, SpanId
from annotator.services.packages import export_package, merge_packages
from annotator.services.project import Project
from annotator.services.project_files import init_project
from annotator.storage.bulk import DraftWithSpans, SpanDraft

WORDS = "rebels shelled the market in Brennick on Monday officials said seven people died".split()


def units(rng: random.Random) -> None:
    spans: list[Span] = []
    for start in range(0, 100_000, 60):
        for who in ("ana", "bob", "cy"):
            shift = rng.choice([0, 0, 0, 0, 2])
            label = rng.choice(["ACTOR", "LOCATION"]) if shift else "ACTOR"
            span_id = SpanId(len(spans) + 1)
            spans.append(Span(span_id, DocumentId(1), label, start + shift, start + 20, {}, who))
    started = time.perf_counter()
    curation = compute_units(spans)
    grouped = time.perf_counter() - started
    started = time.perf_counter()
    plan_auto_merge(curation, CuratedLayer(DocumentId(1)))
    planned = time.perf_counter() - started
    print(
        f"units: {len(spans):,} spans of 3 annotators -> {len(curation.units):,} units "
        f"({len(curation.disagreements):,} disagreements) in {grouped * 1000:.0f} ms; "
        f"auto-merge plan in {planned * 1000:.0f} ms"
    )


def packages(rng: random.Random, documents: int, folder: Path) -> None:
    init_project(folder / "main")
    init_project(folder / "laptop")
    with Project.open(folder / "main") as main:
        items = [
            DraftWithSpans(
                DocumentDraft(text=" ".join(rng.choice(WORDS) for _ in range(400)) + f" {n}"),
                f"bench:{n}",
                [SpanDraft("ACTOR", k * 100, k * 100 + 10, {}, "ana") for k in range(20)],
            )
            for n in range(documents)
        ]
        main.database.bulk_add(items, main.now())
        started = time.perf_counter()
        out = export_package(main, "ana", None, folder / "ana.zip")
        took = time.perf_counter() - started
        size = out.path.stat().st_size / 1e6
        print(
            f"export: {out.documents:,} documents, {out.spans:,} spans in {took:.2f} s "
            f"({out.documents / took:,.0f} documents/s), {size:.1f} MB"
        )
    with Project.open(folder / "laptop") as laptop:
        for what in ("merge into an empty project", "merge again"):
            started = time.perf_counter()
            report = merge_packages(laptop, [out.path])
            took = time.perf_counter() - started
            print(f"{what}: {report.summary()} in {took:.2f} s ({documents / took:,.0f}/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(1)
    units(rng)
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as folder:
        packages(rng, args.documents, Path(folder))


if __name__ == "__main__":
    main()
