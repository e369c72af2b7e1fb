"""Annotate-all and schema-change speed on 10,000 documents x 20 spans (SQLite).

Prints the time to search the whole project (a rare word, a common word, a regex), to accept
the hits of the common word as one edit and undo it, and to preview and apply a label rename
and its undo. Usage::

    .venv/bin/python benchmarks/annotate_all.py [--documents N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from synthetic import make_project

from annotator.core.occurrences import MatchMode, Query
from annotator.core.schema_changes import RenameLabel
from annotator.services import schema_editing
from annotator.services.annotate_all import Scope, accept, search
from annotator.services.project import Project


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
