"""``annotator agreement DIR``: inter-annotator agreement as tables or JSON."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from annotator.cli.acting import who
from annotator.cli.progress import ProgressLine
from annotator.core.agreement import MEASURES, AgreementReport, GroupAgreement, Scores
from annotator.core.text import plural
from annotator.services.agreement import AgreementRequest, measure
from annotator.services.project import Project

OVERALL = "(all labels)"


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "agreement",
        help="inter-annotator agreement: F1, Cohen's kappa, Krippendorff's alpha and u-alpha",
        description="Agreement between annotators on the documents two or more of them "
        "annotated: span F1 (exact and overlapping matches), Cohen's kappa per pair over "
        "tokens, Krippendorff's alpha (nominal) over tokens and unitizing alpha over "
        "characters, per label and overall. The curated layer is left out.",
    )
    parser.add_argument("dir", type=Path, help="the project folder")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--annotators",
        nargs="+",
        metavar="NAME",
        help="compare only these annotators (comma- or space-separated; default: all)",
    )
    parser.add_argument(
        "--labels",
        nargs="+",
        metavar="LABEL",
        help="only these labels (comma- or space-separated; default: all used)",
    )
    parser.add_argument(
        "--per-document", action="store_true", help="also a row (JSON: an entry) per document"
    )
    return parser


def _names(values: Sequence[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    return tuple(name.strip() for value in values for name in value.split(",") if name.strip())


def run_agreement(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    request = AgreementRequest(
        annotators=_names(args.annotators),
        labels=_names(args.labels),
        per_document=args.per_document,
    )
    with Project.open(args.dir, database_url=database_url, annotator=who(args)) as project:
        line = ProgressLine("reading documents")
        try:
            report = measure(project, request, progress=line.update)
        finally:
            line.close()
        name = project.name
    if args.json:
        data = {"project": name} | report.to_json(per_document=args.per_document)
        print(json.dumps(data, indent=2), file=out)
    else:
        print_report(name, report, out, per_document=args.per_document)
    return 0


def number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def print_report(name: str, report: AgreementReport, out: TextIO, per_document: bool) -> None:
    project = report.project
    print(
        f"{name}: agreement of {', '.join(report.annotators)} on "
        f"{plural(project.documents, 'document')} annotated by two or more of them",
        file=out,
    )
    if report.empty:
        print("  (no document was annotated by two of them)", file=out)
        return
    print(
        f"u-alpha covers the {plural(project.unitizing_documents, 'document')} "
        "all of them annotated",
        file=out,
    )
    _label_table(project, out)
    _pairs(project, out)
    for column in (m for m in MEASURES if m.pairwise):
        print(f"\npairwise {column.title}:", file=out)
        width = max(8, *(len(a) + 2 for a in report.annotators))
        print(" " * width + "".join(f"{a:>{width}}" for a in report.annotators), file=out)
        for first in report.annotators:
            cells = []
            for second in report.annotators:
                pair = project.pair(first, second) if first != second else None
                cells.append(number(column.value(pair.overall)) if pair else "·")
            print(f"{first:<{width}}" + "".join(f"{c:>{width}}" for c in cells), file=out)
    if per_document:
        print("\nper document:", file=out)
        print(
            f"{'id':>7}  {'title':<40} {'F1 exact':>9} {'F1 overl.':>9} {'kappa':>7} "
            f"{'alpha':>7} {'u-alpha':>7}  annotators",
            file=out,
        )
        for row in report.documents:
            s = row.agreement.overall
            title = row.title if len(row.title) <= 40 else row.title[:39] + "…"
            print(
                f"{int(row.document_id):>7}  {title:<40} {number(s.exact.f1):>9} "
                f"{number(s.overlap.f1):>9} {number(s.kappa):>7} {number(s.alpha):>7} "
                f"{number(s.u_alpha):>7}  {', '.join(row.agreement.annotators)}",
                file=out,
            )


def _label_table(group: GroupAgreement, out: TextIO) -> None:
    width = max(14, *(len(label) + 2 for label in group.labels))
    print(
        f"\n{'label':<{width}} {'F1 exact':>9} {'F1 overl.':>9} {'kappa':>7} {'alpha':>7} "
        f"{'u-alpha':>7}",
        file=out,
    )
    rows: list[tuple[str, Scores]] = [*group.labels.items(), (OVERALL, group.overall)]
    for label, s in rows:
        print(
            f"{label:<{width}} {number(s.exact.f1):>9} {number(s.overlap.f1):>9} "
            f"{number(s.kappa):>7} {number(s.alpha):>7} {number(s.u_alpha):>7}",
            file=out,
        )


def _pairs(group: GroupAgreement, out: TextIO) -> None:
    print("\npairs (precision and recall take the first annotator as reference):", file=out)
    for pair in group.pairs:
        s = pair.overall
        print(
            f"  {pair.first} / {pair.second}: {plural(pair.documents, 'document')}, "
            f"F1 exact {number(s.exact.f1)} (P {number(s.exact.precision)}, "
            f"R {number(s.exact.recall)}), F1 overlap {number(s.overlap.f1)}, "
            f"kappa {number(s.kappa)}",
            file=out,
        )
