"""``annotator schema`` (change labels with their annotations) and ``annotator annotate-all``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from annotator.cli.acting import add_who_option, who
from annotator.core.errors import UserError
from annotator.core.occurrences import MatchMode, Query
from annotator.core.schema import Label, next_palette_colour
from annotator.core.schema_changes import (
    AddLabel,
    DeleteLabel,
    MergeLabels,
    RecolourLabel,
    RenameLabel,
    SchemaChange,
    SetHotkey,
    describe_change,
)
from annotator.services import schema_editing
from annotator.services.annotate_all import Scope, accept, search
from annotator.services.project import Project

Handler = Callable[[argparse.Namespace, str | None, TextIO], int]
ACTIONS = {
    "add": ("NAME", "add a label"),
    "rename": ("NAME NEW_NAME", "rename a label (in its spans and relation types too)"),
    "recolour": ("NAME #RRGGBB", "change a label's colour"),
    "hotkey": ("NAME KEY", "change a label's key ('' for none)"),
    "merge": ("NAME INTO", "give NAME's spans the label INTO, then remove NAME"),
    "delete": ("NAME", "remove a label and its spans (or --relabel-to another label)"),
}
MODES = {"whole-word": MatchMode.WHOLE_WORD, "exact": MatchMode.EXACT}
MODES |= {"ignore-case": MatchMode.IGNORE_CASE, "regex": MatchMode.REGEX}


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    schema = commands.add_parser(
        "schema",
        help="show or change the labels; existing annotations follow",
        description="Without ACTION: the labels and relation types with their counts. "
        + "; ".join(f"{name} {usage}: {text}" for name, (usage, text) in ACTIONS.items())
        + ". A change that touches annotations says what happened to them.",
    )
    schema.add_argument("dir", type=Path, help="the project folder")
    schema.add_argument("action", nargs="?", choices=sorted(ACTIONS), help="what to change")
    schema.add_argument("names", nargs="*", help="the label (and the new name, colour, key ...)")
    schema.add_argument("--relabel-to", metavar="LABEL", help="delete: relabel instead of remove")
    schema.add_argument("--dry-run", action="store_true", help="only say what the change would do")
    add_who_option(schema)

    annotate = commands.add_parser(
        "annotate-all",
        help="find a string in every document and label the hits",
        description="Lists the occurrences of QUERY (ranges already carrying a LABEL span are "
        "left out); with --apply labels them all in one edit.",
    )
    annotate.add_argument("dir", type=Path, help="the project folder")
    annotate.add_argument("query", help="the text (or regular expression) to find")
    annotate.add_argument("--label", required=True, help="the label to give the hits")
    annotate.add_argument(
        "--mode",
        choices=sorted(MODES),
        default="whole-word",
        help="whole-word (the default): the text as a whole word; exact: anywhere, inside "
        "words too; ignore-case: anywhere, any case; regex: a Python regular expression",
    )
    annotate.add_argument("--ignore-case", action="store_true", help="ignore case, with any --mode")
    annotate.add_argument("--apply", action="store_true", help="label every hit")
    add_who_option(annotate)


def handlers() -> dict[str, Handler]:
    return {"schema": _schema, "annotate-all": _annotate_all}


def _schema(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    with Project.open(args.dir, database_url=database_url, annotator=who(args)) as project:
        if args.action is None:
            _show_schema(project, out)
            return 0
        change = _change(project, args.action, args.names, args.relabel_to)
        if args.dry_run:
            impact = schema_editing.preview(project, change)
            print(f"{describe_change(change)} would change:", file=out)
        else:
            impact = schema_editing.apply(project, change).impact
            print(f"{describe_change(change)}: done.", file=out)
        for line in impact.lines():
            print(f"  {line}", file=out)
    return 0


def _change(
    project: Project, action: str, names: list[str], relabel_to: str | None
) -> SchemaChange:
    usage = ACTIONS[action][0]
    wanted = len(usage.split())
    if len(names) != wanted:
        raise UserError(f"schema {action} needs {usage}", code="ANN264")
    match action:
        case "add":
            used = [label.color for label in project.schema.labels]
            return AddLabel(Label(names[0], next_palette_colour(used)))
        case "rename":
            return RenameLabel(names[0], names[1])
        case "recolour":
            return RecolourLabel(names[0], names[1])
        case "hotkey":
            return SetHotkey(names[0], names[1])
        case "merge":
            return MergeLabels(names[0], names[1])
    return DeleteLabel(names[0], relabel_to)


def _show_schema(project: Project, out: TextIO) -> None:
    stats = project.statistics()
    for label in project.schema.labels:
        count = stats.spans_by_label.get(label.name, 0)
        key = f"key {label.hotkey}" if label.hotkey else "no key"
        print(f"{label.name:<24} {label.color}  {key:<7} {count:>8} spans", file=out)
    for relation in project.schema.relation_types:
        count = stats.relations_by_type.get(relation.name, 0)
        ends = (
            f"{'/'.join(sorted(relation.source_labels))} -> "
            f"{'/'.join(sorted(relation.target_labels))}"
        )
        print(f"{relation.name:<24} {ends}  {count:>8} relations", file=out)


def _annotate_all(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    query = Query(args.query, MODES[args.mode], args.ignore_case)
    with Project.open(args.dir, database_url=database_url, annotator=who(args)) as project:
        result = search(project, query, args.label, scope=Scope.PROJECT)
        for hit in result.hits:
            print(
                f"{hit.document_id}\t{hit.start}-{hit.end}\t…{hit.left}[{hit.text}]{hit.right}…",
                file=out,
            )
        more = " (stopped there)" if result.truncated else ""
        print(f"{result.summary()}{more}", file=out)
        if args.apply and result.hits:
            applied = accept(project, result.hits, args.label)
            added = len(applied.changes.spans_added) if applied else 0
            print(f"labelled {added} as {args.label}", file=out)
    return 0
