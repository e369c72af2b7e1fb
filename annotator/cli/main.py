"""The ``annotator`` command line: init, import, export, stats, formats."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from annotator import __version__
from annotator.cli import bulk_commands, curation, packages
from annotator.cli.acting import who
from annotator.cli.agreement import add_parser as add_agreement_parser
from annotator.cli.agreement import run_agreement
from annotator.cli.progress import ProgressLine
from annotator.cli.team import add_team_commands, team_handlers
from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.errors import AnnotatorError, UserError
from annotator.core.offsets import Unit
from annotator.core.text import plural
from annotator.services.annotation_import import import_annotations
from annotator.services.exporting import (
    ExportSelection,
    export_project,
    losses_reported_by_export,
    preview_losses,
)
from annotator.services.formats import (
    SPAN_LAYER_OPTION,
    ExportOptions,
    ImportOptions,
    LossReport,
    OverlapPolicy,
    available_formats,
    format_info,
)
from annotator.services.importing import ImportProgress, IngestOptions, import_paths
from annotator.services.project import Project
from annotator.services.project_files import init_project
from annotator.services.resources import schema_templates

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

DATABASE_ENV = "ANNOTATOR_DATABASE_URL"
SHOWN = 50
"""Skipped duplicates listed one by one before a count (a resumed import skips thousands)."""


def build_parser() -> tuple[
    argparse.ArgumentParser, argparse._SubParsersAction[argparse.ArgumentParser]
]:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Build labelled corpora from news: import articles, annotate, export.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"database URL, overriding project.toml (or set {DATABASE_ENV}); "
        "e.g. postgresql://user@host/dbname",
    )
    parser.add_argument("--annotator", metavar="NAME", default="", help="who makes the edits")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser("init", help="create a project folder")
    init.add_argument("dir", type=Path, help="the project folder (created if missing)")
    init.add_argument(
        "--schema", default="news-events", help="built-in schema template (default: news-events)"
    )
    init.add_argument("--name", default="", help="the project's name (default: folder name)")

    do_import = commands.add_parser(
        "import",
        help="import articles, or annotations from another tool with --format",
        description="Without --format: articles (text, HTML, JSONL/JSON/CSV/TSV dumps, folders, "
        "zip files). With --format NAME: annotated documents exported by another tool "
        "(see: annotator formats); a text already in the project gets the annotations added.",
    )
    do_import.add_argument("dir", type=Path, help="the project folder")
    do_import.add_argument("paths", type=Path, nargs="+", help="files and folders to import")
    do_import.add_argument(
        "--format", default="", metavar="NAME", help="import annotations in this format"
    )
    do_import.add_argument(
        "--add-labels",
        action="store_true",
        help="add labels, attributes and relation types missing from the schema",
    )
    do_import.add_argument(
        "--unit",
        choices=[u.value for u in Unit],
        help="the unit of the file's offsets (default: detected against the text)",
    )
    do_import.add_argument(
        "--span-layer",
        default="",
        metavar="TYPE",
        help="XMI, TSV3: only this layer's annotations become spans (a type name such as "
        "webanno.custom.Span, or its short name such as NamedEntity; default: every layer)",
    )
    do_import.add_argument(
        "--label-feature",
        default="",
        metavar="NAME",
        help="XMI, TSV3: the feature holding the label (default: label, else value)",
    )
    do_import.add_argument(
        "--keep-duplicates",
        action="store_true",
        help="import exact and near duplicates of documents already in the project too",
    )
    articles = do_import.add_argument_group("articles (without --format)")
    for field in ("text", "title", "url", "date", "id", "source"):
        articles.add_argument(
            f"--{field}-field",
            metavar="NAME",
            help=f"JSON/CSV field holding the {field} (default: detected; dotted for nested)",
        )
    articles.add_argument(
        "--input-type",
        choices=["auto", "text", "html", "jsonl", "json", "csv", "tsv"],
        default="auto",
        help="read every file as this type instead of detecting it",
    )
    articles.add_argument(
        "--no-clean", action="store_true", help="keep plain text as it is (no boilerplate removal)"
    )
    articles.add_argument(
        "--nbsp",
        choices=["keep", "space"],
        default="keep",
        help="non-breaking spaces: keep them (default) or turn them into spaces",
    )
    articles.add_argument(
        "--near-duplicate-threshold",
        type=float,
        default=0.7,
        metavar="J",
        help="similarity (0-1] from which two articles count as the same story (default 0.7)",
    )
    articles.add_argument(
        "--max-file-size",
        type=int,
        default=64,
        metavar="MB",
        help="refuse article files larger than this (default 64 MB)",
    )
    articles.add_argument(
        "--workers",
        type=int,
        default=2,
        metavar="N",
        help="worker processes that read, clean and sign articles of every kind "
        "(default 2; 1 keeps everything in this process)",
    )

    export = commands.add_parser("export", help="export documents and annotations")
    export.add_argument("dir", type=Path, help="the project folder")
    export.add_argument("--format", default="jsonl", help="format name (see: annotator formats)")
    export.add_argument("--out", type=Path, required=True, help="the file to write")
    export.add_argument("--done-only", action="store_true", help="only documents marked done")
    export.add_argument(
        "--documents",
        metavar="IDS",
        help="only these documents, by id: e.g. 1,2,7-12 (the ids the window and queue show)",
    )
    export.add_argument(
        "--only-annotator",
        default="",
        metavar="NAME",
        help="only this annotator's annotations (the same as --layer NAME)",
    )
    export.add_argument(
        "--layer",
        default="",
        metavar="NAME|curated|all",
        help="whose annotations: one annotator, the curated layer, or all (default: per "
        "document, its curated layer when it has one, else all)",
    )
    export.add_argument(
        "--unit",
        choices=[u.value for u in Unit],
        help="offset unit where the format lets you choose (doccano: utf16 by default)",
    )
    export.add_argument(
        "--scheme", choices=["IOB2", "BILOU"], default="IOB2", help="token formats' tag scheme"
    )
    export.add_argument(
        "--overlap",
        choices=[p.value for p in OverlapPolicy],
        default=OverlapPolicy.PRIORITY.value,
        help="what token formats do with overlapping spans: a tag column per layer, the "
        "label first in the schema wins, or drop them",
    )
    export.add_argument(
        "--as-predictions", action="store_true", help="Label Studio: write predictions"
    )

    stats = commands.add_parser("stats", help="documents by status, spans per label and annotator")
    stats.add_argument("dir", type=Path, help="the project folder")
    stats.add_argument("--json", action="store_true", help="print JSON")

    formats = commands.add_parser("formats", help="list importers and exporters")
    formats.add_argument("--json", action="store_true", help="print JSON")
    add_team_commands(commands)
    add_agreement_parser(commands)
    packages.add_parser(commands)
    bulk_commands.add_commands(commands)
    curation.add_parser(commands)
    return parser, commands


def run(args: argparse.Namespace, database_url: str | None, out: TextIO = sys.stdout) -> int:
    """Run a parsed command; user errors become one line on stderr and exit code 1."""
    handlers: dict[str, Callable[[argparse.Namespace, str | None, TextIO], int]] = {
        "init": _init,
        "import": _import,
        "export": _export,
        "stats": _stats,
        "formats": _formats,
        **team_handlers(),
        "agreement": run_agreement,
        "package": packages.run_package,
        **bulk_commands.handlers(),
        "curate": curation.run_curate,
    }
    try:
        return handlers[args.command](args, database_url, out)
    except UserError as error:
        print(f"annotator: error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except AnnotatorError as error:
        log.exception("internal error")
        print(f"annotator: internal error: {error}", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("annotator: interrupted; finished work is saved", file=sys.stderr)
        return 130


def _init(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    if args.schema not in schema_templates():
        known = ", ".join(schema_templates())
        raise UserError(f"unknown schema {args.schema!r} (known: {known})", code="ANN123")
    config = init_project(args.dir, schema_name=args.schema, name=args.name)
    with Project.open(args.dir, database_url=database_url, annotator=who(args)) as project:
        print(
            f"created project {config.name!r} in {project.folder} "
            f"({plural(len(config.schema.labels), 'label')}, "
            f"database {project.database_display_url})",
            file=out,
        )
    return EXIT_OK


def _import(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    if args.format:
        return _import_annotations(args, database_url, out)
    with Project.open(args.dir, database_url=database_url, annotator=who(args)) as project:
        line = ProgressLine("importing")

        def show(progress: ImportProgress) -> None:
            line.update(progress.done, None, f"({progress.rate:.0f}/s) {progress.current}")

        options = _ingest_options(args)
        try:
            report = import_paths(
                project, args.paths, options=options, workers=args.workers, progress=show
            )
        finally:
            line.close()
    for skipped in report.skipped[:SHOWN]:
        print(f"skipped {skipped.origin}: {skipped.reason}", file=out)
    if len(report.skipped) > SHOWN:
        print(f"... and {len(report.skipped) - SHOWN} more skipped as duplicates", file=out)
    for failure in report.failures:
        print(f"failed {failure}", file=sys.stderr)
    print(report.summary(), file=out)
    return EXIT_OK if report.ok else EXIT_USER_ERROR


def _ingest_options(args: argparse.Namespace) -> IngestOptions:
    try:
        return IngestOptions(
            text_field=args.text_field,
            title_field=args.title_field,
            url_field=args.url_field,
            date_field=args.date_field,
            id_field=args.id_field,
            source_field=args.source_field,
            format=args.input_type,
            clean=not args.no_clean,
            nbsp=args.nbsp,
            near_duplicate_threshold=args.near_duplicate_threshold,
            keep_duplicates=args.keep_duplicates,
            max_file_bytes=args.max_file_size * 1024 * 1024,
        )
    except ValueError as error:
        raise UserError(f"bad import option: {error}", code="ANN197") from None


def _import_annotations(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    options = ImportOptions(
        offset_unit=Unit(args.unit) if args.unit else None,
        annotator=args.annotator,
        label_feature=args.label_feature,
        extra={SPAN_LAYER_OPTION: args.span_layer} if args.span_layer else {},
    )
    ok = True
    with Project.open(args.dir, database_url=database_url, annotator=who(args)) as project:
        for path in args.paths:
            line = ProgressLine(f"importing {path.name}")
            try:
                report = import_annotations(
                    project,
                    args.format,
                    path,
                    options,
                    add_labels=args.add_labels,
                    progress=line.update,
                )
            finally:
                line.close()
            for failure in report.failures:
                print(f"failed {failure}", file=sys.stderr)
            print(f"{path}: {report.summary()}", file=out)
            ok = ok and report.ok
    return EXIT_OK if ok else EXIT_USER_ERROR


def _export(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    selection = ExportSelection(
        done_only=args.done_only,
        layer=args.layer or args.only_annotator,  # checked like --layer: a typo is an error
        document_ids=packages.parse_ids(args.documents) if args.documents else None,
    )
    with Project.open(args.dir, database_url=database_url, annotator=args.annotator) as project:
        info = format_info(args.format)
        unit = Unit(args.unit) if args.unit else (info.default_unit if info else Unit.CODE_POINT)
        options = ExportOptions(
            offset_unit=unit,
            overlap_policy=OverlapPolicy(args.overlap),
            scheme=args.scheme,
            as_predictions=args.as_predictions,
        )
        reported_by_export = losses_reported_by_export(args.format)
        if not reported_by_export:
            preview = preview_losses(project, args.format, selection, options)
            _print_losses(args.format, preview, out)
        line = ProgressLine("exporting")
        total = export_total(project, selection)
        try:
            report = export_project(
                project,
                args.format,
                args.out,
                selection,
                options,
                progress=lambda done: line.update(done, total),
            )
        finally:
            line.close()
        if reported_by_export:  # the same lines, without a second pass over every document
            _print_losses(args.format, report.losses, out)
    print(
        f"wrote {plural(report.documents, 'document')}, {plural(report.spans, 'span')}, "
        f"{plural(report.relations, 'relation')} "
        f"to {report.path} ({report.format})",
        file=out,
    )
    for text in report.losses.left_out():
        print(f"  {text}", file=out)
    return EXIT_OK


def export_total(project: Project, selection: ExportSelection) -> int:
    """How many documents the export's progress bar counts to."""
    where = DocumentFilter(status=DocumentStatus.DONE if selection.done_only else None)
    if selection.document_ids is None:
        return project.count_documents(where)
    return len(set(selection.document_ids) & set(project.document_ids(where)))


def _print_losses(format_name: str, losses: LossReport, out: TextIO) -> None:
    if losses.format_lines():
        print(f"{format_name} cannot carry everything in this project:", file=out)
        for text in losses.format_lines():
            print(f"  {text}", file=out)


def _stats(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    with Project.open(args.dir, database_url=database_url, annotator=who(args)) as project:
        stats = project.statistics()
        name = project.name
    if args.json:
        print(json.dumps({"project": name, **stats.to_json()}, indent=2), file=out)
        return EXIT_OK
    print(
        f"{name}: {plural(stats.documents, 'document')}, {plural(stats.spans, 'span')}, "
        f"{plural(stats.relations, 'relation')}",
        file=out,
    )
    for title, counts in (
        ("documents by status", stats.documents_by_status),
        ("spans by label", stats.spans_by_label),
        ("spans by annotator", stats.spans_by_annotator),
        ("relations by type", stats.relations_by_type),
    ):
        print(f"\n{title}:", file=out)
        if not counts:
            print("  (none)", file=out)
        for key, count in counts.items():
            print(f"  {key:<24} {count:>8}", file=out)
    return EXIT_OK


def _formats(args: argparse.Namespace, _database_url: str | None, out: TextIO) -> int:
    formats = available_formats()
    if args.json:
        print(json.dumps([f.to_json() for f in formats], indent=2), file=out)
        return EXIT_OK
    print(f"{'name':<12} {'import':<7} {'export':<7} description", file=out)
    for info in formats:
        print(
            f"{info.name:<12} {'yes' if info.can_import else 'no':<7} "
            f"{'yes' if info.can_export else 'no':<7} {info.title}",
            file=out,
        )
    return EXIT_OK
