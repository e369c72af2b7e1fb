"""Synthetic news projects for benchmarks: ~3,000-character articles with word-aligned spans."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.document import DocumentDraft
from annotator.services.project import Project
from annotator.storage.bulk import DraftWithSpans, SpanDraft

WORDS = (
    "the ministry said rebels shelled the town on Monday and at least seven civilians were "
    "killed while officials reported clashes near the border province a spokesman denied the "
    "claims police detained dozens of protesters after the attack on a convoy"
).split()
LABELS = ("ACTOR", "LOCATION", "CLAIM", "CASUALTY_FIGURE")


def make_project(folder: Path, documents: int) -> None:
    """A project of ``documents`` articles of ~3,000 characters with 20 word-aligned spans."""
    rng = random.Random(11)
    project = Project.create(folder)
    items = []
    for i in range(documents):
        words = [rng.choice(WORDS) for _ in range(520)]
        sentences = [" ".join(words[j : j + 13]).capitalize() + "." for j in range(0, 520, 13)]
        text = " ".join(sentences)[:3000] + f" Report {i}."
        starts = [0] + [k + 1 for k, ch in enumerate(text) if ch == " "]
        chosen = sorted(rng.sample(range(len(starts) - 3), 20))
        spans = []
        for index in chosen:
            start = starts[index]
            end = starts[index + 1 + rng.randint(0, 1)] - 1
            spans.append(SpanDraft(rng.choice(LABELS), start, end, {}, "bench"))
        items.append(DraftWithSpans(DocumentDraft(text, title=f"Report {i}"), f"b{i}", spans))
    project.database.bulk_add(items, datetime.now(UTC))
    project.close()
