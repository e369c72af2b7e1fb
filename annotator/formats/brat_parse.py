"""The lines of one .ann file parsed: T and R lines at once, the lines that refer to others kept
for later."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.reports import Failure
from annotator.core.schema import AttributeValue


@dataclass(slots=True)
class Entity:
    label: str
    pieces: list[tuple[int, int]]
    surface: str | None
    line: int
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Link:
    type: str
    source: str
    target: str
    line: int
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Parsed:
    entities: dict[str, Entity] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    triggers: dict[str, str] = field(default_factory=dict)
    """Event id -> the id of its trigger T."""
    later: list[tuple[int, str, list[str]]] = field(default_factory=list)
    """Lines that refer to other annotations (E args, A, N, #, *): (line, kind, fields)."""
    events: int = 0
    equivalences: int = 0


def parse_line(parsed: Parsed, line: str, number: int, name: str) -> Failure | None:
    key, _, rest = line.partition("\t")
    kind = key[:1]
    try:
        if key in parsed.entities or key in parsed.links or key in parsed.triggers:
            raise ValueError(f"{key} is already defined")
        if kind == "T":
            _parse_entity(parsed, key, rest, number)
        elif kind == "R":
            body = rest.split("\t", 1)[0].split()
            arguments = dict(arg.split(":", 1) for arg in body[1:])
            if len(body) != 3 or len(arguments) != 2:
                raise ValueError("expected 'TYPE Arg1:ID Arg2:ID'")
            ends = [arguments[r] for r in ("Arg1", "Arg2")] if "Arg1" in arguments else None
            source, target = ends or list(arguments.values())
            parsed.links[key] = Link(body[0], source, target, number)
        elif kind == "E":
            body = rest.split("\t", 1)[0].split()
            trigger = body[0].partition(":")[2]
            if not trigger:
                raise ValueError("expected 'TYPE:TRIGGER ROLE:ID ...'")
            parsed.triggers[key] = trigger
            parsed.later.append((number, "E", [key, *body[1:]]))
        elif kind in ("A", "M", "N", "#", "*"):
            parsed.later.append((number, kind, [key, rest]))
        else:
            raise ValueError(f"unknown annotation id {key!r}")
    except (ValueError, IndexError) as error:
        return Failure(name, number, f"malformed line {line[:60]!r}: {error}", "ANN135")
    return None


def _parse_entity(parsed: Parsed, key: str, rest: str, number: int) -> None:
    head, tab, surface = rest.partition("\t")
    label, _, extents = head.partition(" ")
    if not label or not extents:
        raise ValueError("expected 'LABEL START END[;START END]*'")
    pieces = []
    for extent in extents.split(";"):
        a, b = extent.split()
        pieces.append((int(a), int(b)))
    parsed.entities[key] = Entity(label, pieces, surface if tab else None, number)
