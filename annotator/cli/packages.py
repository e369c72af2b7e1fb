"""``annotator package export|merge``: annotator packages for work without the server."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from annotator.cli.acting import add_who_option, who
from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.errors import UserError
from annotator.core.ids import DocumentId
from annotator.core.text import plural
from annotator.services.packages import export_package, merge_packages
from annotator.services.project import Project

EXIT_OK = 0
EXIT_CONFLICTS = 1


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    package = commands.add_parser(
        "package",
        help="annotator packages: one annotator's work on some documents, for working offline",
    )
    actions = package.add_subparsers(dest="package_command", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write one annotator's layer to a package file")
    export.add_argument("dir", type=Path, help="the project folder")
    export.add_argument(
        "--annotator",
        dest="package_annotator",
        metavar="NAME",
        default="",
        help="whose annotations go into the package (default: the global --annotator)",
    )
    export.add_argument("--out", type=Path, required=True, help="the package file to write")
    chosen = export.add_mutually_exclusive_group()
    chosen.add_argument(
        "--documents", metavar="IDS", help="document ids, e.g. 1,2,7-12 (default: all)"
    )
    chosen.add_argument(
        "--status", choices=[s.value for s in DocumentStatus], help="only documents in this state"
    )
    merge = actions.add_parser(
        "merge",
        help="merge packages into a project; exits 1 when there were conflicts or errors",
    )
    merge.add_argument("dir", type=Path, help="the project folder")
    merge.add_argument("files", type=Path, nargs="+", help="package files")
    add_who_option(merge)  # in a team, merging takes a manager


def parse_ids(text: str) -> list[DocumentId]:
    """``1,2,7-12`` as a list of ids."""
    ids: list[DocumentId] = []
    try:
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            low, dash, high = part.partition("-")
            first, last = int(low), int(high) if dash else int(low)
            if last < first:
                raise ValueError(part)
            ids.extend(DocumentId(i) for i in range(first, last + 1))
    except ValueError:
        raise UserError(
            f"--documents {text!r}: expected ids like 1,2,7-12", code="ANN239"
        ) from None
    return ids


def run_package(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    acting = who(args)
    with Project.open(args.dir, database_url=database_url, annotator=acting) as project:
        if args.package_command == "export":
            ids = parse_ids(args.documents) if args.documents else None
            where = DocumentFilter(status=DocumentStatus(args.status) if args.status else None)
            whose = args.package_annotator or args.annotator
            if not acting and whose and project.blinded():
                # blind: only bob sees bob's layer, so `--annotator bob` alone acts as bob
                # (not earlier: a name joins the project, the first one as its manager)
                project.set_annotator(whose)
            done = export_package(project, whose, ids, args.out, where)
            print(
                f"wrote {done.annotator}'s {plural(done.spans, 'span')} and "
                f"{plural(done.relations, 'relation')} on "
                f"{plural(done.documents, 'document')} to {done.path}",
                file=out,
            )
            return EXIT_OK
        report = merge_packages(project, args.files)
    for line in report.lines():
        print(line, file=sys.stderr)
    print(report.summary(), file=out)
    return EXIT_OK if report.ok else EXIT_CONFLICTS
