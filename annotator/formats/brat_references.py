"""brat lines that refer to other annotations (E, A, M, N, # and *), applied once the spans are
known."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from annotator.core.reports import Failure
from annotator.core.schema import AttributeType, AttributeValue, LabelSchema
from annotator.formats.brat_common import UNSAFE_VALUE, Pieces
from annotator.formats.brat_parse import Link, Parsed

_TEXT_ATTRIBUTE_NOTE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*): (.*)$", re.DOTALL)


def resolve_later(
    parsed: Parsed, spans: dict[str, Pieces], schema: LabelSchema, name: str
) -> Iterator[Failure]:
    for number, kind, fields in parsed.later:
        try:
            problem = _apply_later(parsed, spans, schema, kind, fields, number)
        except (ValueError, IndexError) as error:
            problem = f"malformed line: {error}"
        if problem:
            yield Failure(name, number, problem, "ANN135")


def _apply_later(
    parsed: Parsed,
    spans: dict[str, Pieces],
    schema: LabelSchema,
    kind: str,
    fields: list[str],
    number: int,
) -> str:
    """Apply an E, A, M, N, # or * line; return what was wrong with it, or ''."""
    if kind == "E":
        return _event(parsed, spans, fields, number)
    if kind == "*":
        body = fields[1].split("\t", 1)[0].split()
        members = [parsed.triggers.get(m, m) for m in body[1:]]
        missing = [m for m in members if m not in spans]
        if missing:
            return f"{body[0]} names {', '.join(missing)}, not in this file or left out"
        for n, (a, b) in enumerate(pairwise(members)):
            parsed.links[f"*{number}.{n}"] = Link(body[0], a, b, number)
        parsed.equivalences += 1
        return ""
    head, _, tail = fields[1].partition("\t")
    parts = head.split()
    target = parsed.triggers.get(parts[1], parts[1])
    if kind in ("A", "M"):
        return _attribute(parsed, spans, schema, parts[0], target, parts[2:])
    if kind == "N":
        return _normalisation(parsed, spans, parts, target, tail)
    return _note(parsed, spans, schema, target, tail)


def _event(parsed: Parsed, spans: dict[str, Pieces], fields: list[str], number: int) -> str:
    key, arguments = fields[0], fields[1:]
    trigger = parsed.triggers[key]
    if trigger not in spans:
        return f"event {key}: trigger {trigger} is not in this file or was left out"
    problems = []
    parsed.events += 1
    for n, argument in enumerate(arguments):
        role, _, ref = argument.partition(":")
        target = parsed.triggers.get(ref, ref)
        if not role or target not in spans:
            problems.append(f"argument {argument!r} names nothing in this file")
            continue
        parsed.links[f"{key}.{n}"] = Link(role, trigger, target, number)
    return f"event {key}: {'; '.join(problems)}" if problems else ""


def _attribute(
    parsed: Parsed,
    spans: dict[str, Pieces],
    schema: LabelSchema,
    name: str,
    target: str,
    values: list[str],
) -> str:
    value = values[0] if values else None
    if target in parsed.links:
        parsed.links[target].notes.append(name if value is None else f"{name}: {value}")
        return ""
    entity = parsed.entities.get(target)
    if entity is None or target not in spans:
        return f"attribute {name} names {target}, not in this file or left out"
    entity.attributes[name] = typed_value(schema, entity.label, name, value)
    return ""


def typed_value(schema: LabelSchema, label: str, name: str, value: str | None) -> AttributeValue:
    """A brat attribute value as the schema types it (brat values are all words)."""
    found = schema.label(label)
    definition = found.attribute(name) if found is not None else None
    if value is None:
        return True
    if definition is None:
        return value
    if definition.type is AttributeType.FLAG:
        lowered = value.lower()
        return lowered in ("true", "yes", "1") or lowered not in ("false", "no", "0")
    if definition.type is AttributeType.INTEGER:
        try:
            return int(value)
        except ValueError:
            return value
    if definition.type is AttributeType.CHOICE and value not in definition.choices:
        return next((c for c in definition.choices if UNSAFE_VALUE.sub("_", c) == value), value)
    return value


def _normalisation(
    parsed: Parsed,
    spans: dict[str, Pieces],
    parts: list[str],
    target: str,
    tail: str,
) -> str:
    entity = parsed.entities.get(target)
    if entity is None or target not in spans or len(parts) < 3:
        return f"normalisation names {target}, not in this file or left out"
    entity.attributes[parts[0]] = parts[2]
    if tail:
        entity.notes.append(f"{parts[0]} {parts[2]}: {tail}")
    return ""


def _note(
    parsed: Parsed,
    spans: dict[str, Pieces],
    schema: LabelSchema,
    target: str,
    note: str,
) -> str:
    if target in parsed.links:
        parsed.links[target].notes.append(note)
        return ""
    entity = parsed.entities.get(target)
    if entity is None or target not in spans:
        return f"note names {target}, not in this file or left out"
    match = _TEXT_ATTRIBUTE_NOTE.match(note)
    if match is not None:
        label = schema.label(entity.label)
        definition = label.attribute(match.group(1)) if label is not None else None
        if definition is not None and definition.type is AttributeType.TEXT:
            entity.attributes[match.group(1)] = match.group(2)
            return ""
    entity.notes.append(note)
    return ""
