"""Annotate-all and schema-change speed on 10,000 documents x 20 spans (SQLite).

Prints the time to search the whole project (a rare word, a common word, a regex), to accept
the hits of the common word as one edit and undo it, and to preview and apply a label rename
and its undo. Usage::

    .venv/bin/python benchmarks/annotate_all.py [--documents N]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.document import DocumentDraft
from annotator.core.occurrences import MatchMode, Query
from annotator.core.schema_changes import RenameLabel
from annotator.services import schema_editing
from annotator.services.annotate_all import Scope, accept, search
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


def timed(what: str, action):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = action()
    print(f"{what:<52} {time.perf_counter() - started:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bench"
        timed(f"create {args.documents:,} documents", lambda: make_project(folder, args.documents))
        with Project.open(folder) as project:
            for query in (
                Query("Report 42", MatchMode.EXACT),
                Query("convoy", MatchMode.WHOLE_WORD),
                Query(r"\bseven\b \w+", MatchMode.REGEX),
            ):
                result = timed(
                    f"search {query.mode.value} {query.text!r}",
                    lambda q=query: search(project, q, "ACTOR", scope=Scope.PROJECT),
                )
                print(f"{'':<4}{len(result.hits):,} hits in {result.documents_searched:,} docs")
            hits = search(
                project, Query("convoy", MatchMode.WHOLE_WORD), "ACTOR", scope=Scope.PROJECT
            ).hits
            applied = timed(
                f"accept {len(hits):,} hits (one edit)",
                lambda: accept(project, hits, "ACTOR"),
            )
            timed("undo that edit", lambda: project.apply(applied.inverse))
            change = RenameLabel("LOCATION", "PLACE")
            impact = timed(
                "preview rename LOCATION -> PLACE", lambda: schema_editing.preview(project, change)
            )
            print(f"{'':<4}{impact.spans_relabelled:,} spans relabelled")
            edit = timed("apply the rename", lambda: schema_editing.apply(project, change))
            timed("undo the rename", lambda: schema_editing.apply_step(project, edit.inverse))


if __name__ == "__main__":
    main()
