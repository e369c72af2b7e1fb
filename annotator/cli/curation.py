"""``annotator curate``: how far curation is, per document, and auto-merging agreed annotations."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from annotator.cli.acting import add_who_option, who
from annotator.cli.packages import parse_ids
from annotator.core.text import plural
from annotator.services import curation
from annotator.services.project import Project

EXIT_OK = 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    curate = commands.add_parser(
        "curate",
        help="curation per document: agreed, disputed, settled; --auto-merge copies what all "
        "annotators agree on into the curated layer",
    )
    curate.add_argument("dir", type=Path, help="the project folder")
    curate.add_argument("--documents", metavar="IDS", help="document ids, e.g. 1,2,7-12")
    curate.add_argument(
        "--auto-merge", action="store_true", help="copy agreed spans and relations first"
    )
    curate.add_argument("--json", action="store_true", help="print JSON")
    add_who_option(curate)


def run_curate(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    summaries = []
    merged = 0
    with Project.open(args.dir, database_url=database_url, annotator=who(args)) as project:
        ids = parse_ids(args.documents) if args.documents else project.document_ids()
        for document_id in ids:
            if args.auto_merge:
                changes = curation.auto_merge(project, document_id)
                merged += len(changes.spans_added) + len(changes.relations_added)
            summaries.append(curation.summary(project, document_id))
    if args.json:
        print(json.dumps([s.to_json() for s in summaries], indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    print(
        f"{'id':>6} {'annotators':<24} {'agreed':>6} {'disputed':>8} {'settled':>7}  title",
        file=out,
    )
    for row in summaries:
        names = ",".join(a or "(unnamed)" for a in row.annotators) or "-"
        print(
            f"{row.document_id:>6} {names[:24]:<24} {row.agreed:>6} {row.disagreements:>8} "
            f"{row.settled:>7}  {row.title[:60]}",
            file=out,
        )
    if args.auto_merge:
        copied = plural(merged, "agreed span or relation", "agreed spans and relations")
        print(f"auto-merge: {copied} copied", file=out)
    return EXIT_OK
