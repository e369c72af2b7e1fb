"""Agreement speed: 1,000 documents x 3 annotators (~20 spans each) in a temporary project.
Prints numbers; run with ``PYTHONPATH=. .venv/bin/python benchmarks/agreement.py [DB-URL]``."""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.agreement import measure_agreement
from annotator.core.document import DocumentDraft
from annotator.services.agreement import AgreementRequest, measure
from annotator.services.project import Project
from annotator.services.project_files import init_project
from annotator.storage.bulk import DraftWithSpans, SpanDraft

DOCUMENTS = 1_000
ANNOTATORS = ("ann", "bob", "cat")
SPANS = 20
LABELS = ("ACTOR", "LOCATION", "CLAIM", "CASUALTY_FIGURE")
WORDS = (
    "the ministry said rebels shelled town on Monday at least seven civilians were killed "
    "officials reported clashes near border province spokesman denied claims police detained "
    "dozens protesters after attack convoy"
).split()


def article(rng: random.Random, words: int = 450) -> tuple[str, list[tuple[int, int]]]:
    """About 3,000 characters and the offsets of its words."""
    text, bounds, position = [], [], 0
    for _ in range(words):
        word = rng.choice(WORDS)
        text.append(word)
        bounds.append((position, position + len(word)))
        position += len(word) + 1
    return " ".join(text), bounds


def layers(
    rng: random.Random, bounds: list[tuple[int, int]]
) -> dict[str, list[tuple[str, int, int]]]:
    """A first annotator's spans over whole words; the others keep most, move some edges,
    relabel a few and add their own."""
    gold = []
    for first in sorted(rng.sample(range(len(bounds) - 4), SPANS)):
        gold.append((rng.choice(LABELS), first, first + rng.randint(0, 3)))
    out = {ANNOTATORS[0]: [(label, bounds[a][0], bounds[b][1]) for label, a, b in gold]}
    for name in ANNOTATORS[1:]:
        spans = []
        for label, first, last in gold:
            roll = rng.random()
            if roll < 0.1:
                continue
            if roll < 0.2:
                label = rng.choice(LABELS)
            elif roll < 0.3:
                last += 1  # one more word
            elif roll < 0.35 and last > first:
                first += 1  # one word less
            spans.append((label, bounds[first][0], bounds[last][1]))
        for _ in range(2):
            word = rng.randrange(len(bounds))
            spans.append((rng.choice(LABELS), *bounds[word]))
        out[name] = spans
    return out


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else None
    rng = random.Random(11)
    items = []
    for i in range(DOCUMENTS):
        text, bounds = article(rng)
        spans = [
            SpanDraft(label, start, end, annotator=who)
            for who, layer in layers(rng, bounds).items()
            for label, start, end in layer
        ]
        items.append(DraftWithSpans(DocumentDraft(text, title=f"Article {i}"), f"b:{i}", spans))
    with tempfile.TemporaryDirectory() as folder:
        init_project(Path(folder) / "bench")
        with Project.open(Path(folder) / "bench", database_url=url) as project:
            print(f"database: {project.database_display_url}")
            started = time.perf_counter()
            project.database.bulk_add(items, datetime.now(UTC))
            total = sum(len(item.spans) for item in items)
            print(
                f"generated {DOCUMENTS:,} documents x {len(ANNOTATORS)} annotators, "
                f"{total:,} spans, stored in {time.perf_counter() - started:.2f} s"
            )
            started, cpu = time.perf_counter(), time.process_time()
            documents = list(project.iter_annotated())
            read = time.perf_counter() - started
            print(f"read documents and spans: {read:.2f} s, CPU {time.process_time() - cpu:.2f} s")
            for per_document in (False, True):
                started, cpu = time.perf_counter(), time.process_time()
                report = measure_agreement(documents, label_order=LABELS, per_document=per_document)
                elapsed = time.perf_counter() - started
                print(
                    f"compute (per-document rows {'on' if per_document else 'off'}): "
                    f"{elapsed:.2f} s, CPU {time.process_time() - cpu:.2f} s "
                    f"({DOCUMENTS / elapsed:,.0f} documents/s)"
                )
            started, cpu = time.perf_counter(), time.process_time()
            report = measure(project, AgreementRequest())
            print(
                "full service call (read + compute + per-document rows): "
                f"{time.perf_counter() - started:.2f} s, CPU {time.process_time() - cpu:.2f} s"
                "   goal: well under a few seconds"
            )
    overall = report.project.overall
    print(
        f"result: F1 exact {overall.exact.f1:.3f}, F1 overlap {overall.overlap.f1:.3f}, "
        f"kappa {overall.kappa:.3f}, alpha {overall.alpha:.3f}, u-alpha {overall.u_alpha:.3f}"
    )


if __name__ == "__main__":
    main()
