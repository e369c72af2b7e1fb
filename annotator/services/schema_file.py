"""Writing a changed schema into ``project.toml`` while keeping the rest of the file as it was.

tomlkit keeps comments and layout: ``[project]``, ``[database]`` and every label or relation
table the change leaves alone are written back byte for byte; changed and new tables are
written in tomlkit's plain style.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from annotator.core.errors import ProjectError
from annotator.core.project import project_config_from_mapping
from annotator.core.schema import LabelSchema, schema_to_mapping

_TABLE_SPACING = re.compile(r"(?<=\S)\n+(?=\[)")
"""The line breaks before a table header: tomlkit adds one when tables are replaced."""


def render_schema(text: str, schema: LabelSchema, *, where: str = "project.toml") -> str:
    """``text`` (a project file) with its ``[[labels]]`` and ``[[relations]]`` replaced by
    ``schema``; checked by reading the result back."""
    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as error:
        raise ProjectError(f"{where}: invalid TOML: {error}", code="ANN128") from None
    wanted = schema_to_mapping(schema)
    for key in ("labels", "relations"):
        old = document.get(key)
        old_tables = list(old) if isinstance(old, AoT) else []
        tables = _tables(wanted[key], old_tables)
        if key in document:
            if tables:
                document[key] = AoT(tables)
            else:
                del document[key]
        elif tables:
            document.append(key, AoT(tables))
    result = _TABLE_SPACING.sub("\n\n", tomlkit.dumps(document))
    written = project_config_from_mapping(tomllib.loads(result), where=where).schema
    if written != schema:
        raise ProjectError(f"{where}: the changed schema could not be written back", code="ANN279")
    return result


def _tables(wanted: list[dict[str, Any]], old_tables: list[Any]) -> list[Table]:
    """A table per wanted entry: the old one when it says the same (keeping its comments), the
    old one of that name (or, renamed, at that position) with only the changed keys rewritten,
    else a new one."""
    old = [t for t in old_tables if isinstance(t, Table)]
    wanted_names = {entry["name"] for entry in wanted}
    by_name = {t.get("name"): t for t in old}
    result: list[Table] = []
    for index, entry in enumerate(wanted):
        same = [t for t in old if _normalised(t.unwrap()) == _normalised(entry)]
        if same:
            result.append(same[0])
            continue
        table = by_name.get(entry["name"])
        if table is None and index < len(old) and old[index].get("name") not in wanted_names:
            table = old[index]
        result.append(_updated(table, entry) if table is not None else _new_table(entry))
    return result


def _updated(table: Table, entry: Mapping[str, Any]) -> Table:
    for name in list(table.keys()):
        if name not in entry:
            del table[name]
    for name, value in entry.items():
        current = table.get(name)
        if current is not None and _normalised({name: _plain(current)}) == _normalised(
            {name: value}
        ):
            continue
        if name == "attributes":
            table[name] = _attribute_tables(value)
        else:
            table[name] = value
    return table


def _plain(value: Any) -> Any:
    return value.unwrap() if hasattr(value, "unwrap") else value


def _new_table(entry: Mapping[str, Any]) -> Table:
    table = tomlkit.table()
    for name, value in entry.items():
        table.append(name, _attribute_tables(value) if name == "attributes" else value)
    return table


def _attribute_tables(attributes: list[dict[str, Any]]) -> AoT:
    tables = tomlkit.aot()
    for attribute in attributes:
        item = tomlkit.table()
        item.update(attribute)
        tables.append(item)
    return tables


def _normalised(entry: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(entry)
    if isinstance(result.get("color"), str):
        result["color"] = result["color"].upper()
    for end in ("source", "target"):
        if isinstance(result.get(end), str):
            result[end] = [result[end]]
        if isinstance(result.get(end), list):
            result[end] = sorted(result[end])
    return result
