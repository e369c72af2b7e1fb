"""The project definition read from ``project.toml``: name, schema, database and seed files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from annotator.core.errors import ProjectError
from annotator.core.schema import LabelSchema, schema_from_mapping

PROJECT_FILE = "project.toml"
GUIDELINES_FILE = "guidelines.md"
DEFAULT_DATABASE_URL = "sqlite:///annotations.sqlite"


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    name: str
    schema: LabelSchema
    description: str = ""
    database_url: str = DEFAULT_DATABASE_URL
    """As written in project.toml; relative SQLite paths are relative to the project folder."""
    seed: tuple[str, ...] = ()
    """Files or folders (relative to the project) imported when the database is first created."""


def project_config_from_mapping(
    data: Mapping[str, Any], *, where: str = PROJECT_FILE
) -> ProjectConfig:
    """Validate the parsed TOML of a project file; errors name the offending key."""
    allowed = {"project", "database", "labels", "relations"}
    for key in data:
        if key not in allowed:
            raise ProjectError(
                f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})",
                code="ANN121",
            )
    project = data.get("project", {})
    if not isinstance(project, Mapping):
        raise ProjectError(f"{where}: [project] must be a table", code="ANN121")
    name = project.get("name", "")
    description = project.get("description", "")
    seed = project.get("seed", [])
    for key, value in (("name", name), ("description", description)):
        if not isinstance(value, str):
            raise ProjectError(f"{where}: project.{key}: expected a string", code="ANN121")
    if not isinstance(seed, list) or not all(isinstance(s, str) for s in seed):
        raise ProjectError(f"{where}: project.seed: expected an array of paths", code="ANN121")
    unknown = set(project) - {"name", "description", "seed"}
    if unknown:
        raise ProjectError(f"{where}: project.{sorted(unknown)[0]}: unknown key", code="ANN121")
    database = data.get("database", {})
    if not isinstance(database, Mapping):
        raise ProjectError(f"{where}: [database] must be a table", code="ANN121")
    url = database.get("url", DEFAULT_DATABASE_URL)
    if not isinstance(url, str) or not url:
        raise ProjectError(f"{where}: database.url: expected a database URL", code="ANN121")
    if set(database) - {"url"}:
        raise ProjectError(
            f"{where}: database.{sorted(set(database) - {'url'})[0]}: unknown key", code="ANN121"
        )
    if has_password(url):
        raise ProjectError(
            f"{where}: database.url: contains a password; give it with --db or "
            "ANNOTATOR_DATABASE_URL instead, never in project.toml",
            code="ANN122",
        )
    schema = schema_from_mapping(data, where=where)
    return ProjectConfig(name, schema, description, url, tuple(seed))


def has_password(url: str) -> bool:
    """Whether a database URL carries a password (``scheme://user:secret@host``)."""
    _, sep, rest = url.partition("://")
    if not sep:
        return False
    userinfo, at, _ = rest.partition("@")
    return bool(at) and ":" in userinfo and bool(userinfo.split(":", 1)[1])
