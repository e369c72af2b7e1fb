"""Team commands: members and roles, assignment, an annotator's queue, team settings."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from annotator.core.document import DocumentStatus
from annotator.core.errors import UserError
from annotator.core.ids import DocumentId
from annotator.core.team import Role
from annotator.core.text import plural, plural_word
from annotator.services import team
from annotator.services.project import Project

Handler = Callable[[argparse.Namespace, str | None, TextIO], int]


def add_team_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    roles = [r.value for r in Role]
    members = commands.add_parser(
        "members", help="list the team, add members, change roles (managers)"
    )
    members.add_argument("dir", type=Path, help="the project folder")
    members.add_argument("--add", metavar="NAME", help="add a member")
    members.add_argument("--role", choices=roles, default="annotator", help="role for --add")
    members.add_argument("--set-role", nargs=2, metavar=("NAME", "ROLE"), help="change a role")
    members.add_argument("--json", action="store_true", help="print JSON")
    _as(members)

    assign = commands.add_parser("assign", help="assign documents to annotators (managers)")
    assign.add_argument("dir", type=Path, help="the project folder")
    assign.add_argument("--to", required=True, metavar="NAMES", help="annotators, comma-separated")
    assign.add_argument(
        "--per-document",
        type=int,
        metavar="N",
        help="give each document N of them, fewest documents first (default: all of them)",
    )
    assign.add_argument(
        "--status",
        choices=[s.value for s in DocumentStatus],
        help="only documents with this status",
    )
    assign.add_argument(
        "--documents", metavar="IDS", help="document ids: 1,4,7-12 (default: every document)"
    )
    assign.add_argument(
        "--remove", action="store_true", help="take the documents away from --to instead"
    )
    _as(assign)

    queue = commands.add_parser("queue", help="the documents assigned to an annotator")
    queue.add_argument("dir", type=Path, help="the project folder")
    queue.add_argument("--json", action="store_true", help="print JSON")
    _as(queue)

    settings = commands.add_parser("settings", help="team settings: blind annotation")
    settings.add_argument("dir", type=Path, help="the project folder")
    settings.add_argument(
        "--blind", choices=["on", "off"], help="annotators see only their own work (managers)"
    )
    _as(settings)


def _as(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--annotator", dest="who", metavar="NAME", help="who you are (same as the global option)"
    )


def team_handlers() -> dict[str, Handler]:
    return {"members": _members, "assign": _assign, "queue": _queue, "settings": _settings}


def _open(args: argparse.Namespace, database_url: str | None) -> Project:
    return Project.open(
        args.dir, database_url=database_url, annotator=args.who or args.annotator or ""
    )


def _members(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    with _open(args, database_url) as project:
        if args.add:
            member = team.add_member(project, args.add, Role.parse(args.role))
            print(f"added {member.name} as {member.role.value}", file=out)
        if args.set_role:
            name, role = args.set_role
            member = team.set_role(project, name, Role.parse(role))
            print(f"{member.name} is now {member.role.value}", file=out)
        found = team.members(project)
    if args.json:
        rows = [{"name": m.name, "role": m.role.value, "assigned": m.assigned} for m in found]
        print(json.dumps(rows, indent=2), file=out)
    elif not (args.add or args.set_role):
        if not found:
            print("(no members yet: open the project with --annotator NAME)", file=out)
        for m in found:
            print(f"{m.name:<24} {m.role.value:<10} {m.assigned:>6} assigned", file=out)
    return 0


def _assign(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    names = [name.strip() for name in args.to.split(",") if name.strip()]
    with _open(args, database_url) as project:
        if args.documents:
            ids = parse_ids(args.documents)
        else:
            status = DocumentStatus(args.status) if args.status else None
            ids = team.documents_with_status(project, status)
        if args.remove:
            removed = sum(team.unassign(project, ids, name) for name in names)
            print(f"removed {plural(removed, 'assignment')}", file=out)
            return 0
        added = team.assign(project, ids, names, args.per_document)
        load = {m.name: m.assigned for m in team.members(project)}
    print(f"{plural(added, 'new assignment')} over {plural(len(ids), 'document')}", file=out)
    for name in names:
        count = load.get(name, 0)
        print(f"  {name:<24} {count:>6} {plural_word(count, 'document')}", file=out)
    return 0


def _queue(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    with _open(args, database_url) as project:
        if not project.annotator:
            raise UserError("whose queue? give --annotator NAME", code="ANN218")
        items = team.queue(project)
        name = project.annotator
    if args.json:
        rows = [{"id": int(i.document_id), "title": i.title, "state": i.state.value} for i in items]
        print(json.dumps({"annotator": name, "documents": rows}, indent=2), file=out)
        return 0
    if not items:
        print(f"nothing is assigned to {name}", file=out)
    for item in items:
        print(f"{item.document_id:>8}  {item.state.label:<12} {item.title}", file=out)
    return 0


def _settings(args: argparse.Namespace, database_url: str | None, out: TextIO) -> int:
    with _open(args, database_url) as project:
        if args.blind is not None:
            team.set_blind(project, args.blind == "on")
        blind = project.blind
    print(f"blind annotation: {'on' if blind else 'off'}", file=out)
    return 0


def parse_ids(text: str) -> list[DocumentId]:
    """``1,4,7-9`` -> [1, 4, 7, 8, 9]."""
    ids: list[DocumentId] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if "-" in part:
                low, high = (int(x) for x in part.split("-", 1))
                ids.extend(DocumentId(i) for i in range(low, high + 1))
            else:
                ids.append(DocumentId(int(part)))
        except ValueError:
            raise UserError(f"not a document id or range: {part!r}", code="ANN219") from None
    return list(dict.fromkeys(ids))
