"""The project folder on disk: reading and creating ``project.toml`` and ``guidelines.md``."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from annotator.core.errors import ProjectError
from annotator.core.project import (
    DEFAULT_DATABASE_URL,
    GUIDELINES_FILE,
    PROJECT_FILE,
    ProjectConfig,
    project_config_from_mapping,
)
from annotator.core.schema import LabelSchema, schema_from_mapping, schema_to_mapping
from annotator.services.atomic import atomic_write_text
from annotator.services.resources import schema_template


def read_project_config(folder: Path) -> ProjectConfig:
    """Read and validate ``folder/project.toml``; every error names the file and the problem."""
    if not folder.exists():
        raise ProjectError(f"{folder}: no such project folder", code="ANN124")
    if not folder.is_dir():
        raise ProjectError(f"{folder}: not a folder", code="ANN124")
    path = folder / PROJECT_FILE
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProjectError(
            f"{folder}: not a project folder (no {PROJECT_FILE}); "
            f"create one with: annotator init {folder}",
            code="ANN125",
        ) from None
    except PermissionError:
        raise ProjectError(f"{path}: permission denied", code="ANN126") from None
    except UnicodeDecodeError as error:
        raise ProjectError(f"{path}: not UTF-8 text (byte {error.start})", code="ANN127") from None
    except OSError as error:
        raise ProjectError(f"{path}: cannot read ({error.strerror})", code="ANN126") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        raise ProjectError(f"{path}: invalid TOML: {error}", code="ANN128") from None
    return project_config_from_mapping(data, where=str(path))


def read_guidelines(folder: Path) -> str | None:
    path = folder / GUIDELINES_FILE
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise ProjectError(f"{path}: cannot read the guidelines ({error})", code="ANN126") from None


def load_schema_template(name: str) -> LabelSchema:
    path = schema_template(name)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return schema_from_mapping(data, where=str(path))


def init_project(
    folder: Path, *, schema_name: str = "news-events", name: str = "", description: str = ""
) -> ProjectConfig:
    """Create a project folder with ``project.toml`` (and a starter ``guidelines.md``)."""
    project_file = folder / PROJECT_FILE
    if project_file.exists():
        raise ProjectError(f"{folder}: already a project ({PROJECT_FILE} exists)", code="ANN129")
    schema = load_schema_template(schema_name)
    config = ProjectConfig(
        name=name or folder.resolve().name,
        schema=schema,
        description=description,
        database_url=DEFAULT_DATABASE_URL,
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_project_config(folder, config)
        guidelines = folder / GUIDELINES_FILE
        if not guidelines.exists():
            atomic_write_text(guidelines, starter_guidelines(config))
    except PermissionError:
        raise ProjectError(f"{folder}: permission denied", code="ANN126") from None
    except OSError as error:
        raise ProjectError(f"{folder}: cannot create ({error.strerror})", code="ANN126") from None
    return config


def write_project_config(folder: Path, config: ProjectConfig) -> None:
    data: dict[str, Any] = {"project": {"name": config.name}}
    if config.description:
        data["project"]["description"] = config.description
    if config.seed:
        data["project"]["seed"] = list(config.seed)
    data["database"] = {"url": config.database_url}
    data.update(schema_to_mapping(config.schema))
    header = (
        "# annotator project. Labels, attributes and relation types are the project's schema.\n"
        "# The database URL may point at PostgreSQL for a team; never put a password here:\n"
        "# give it with --db or ANNOTATOR_DATABASE_URL.\n\n"
    )
    atomic_write_text(folder / PROJECT_FILE, header + tomli_w.dumps(data, multiline_strings=False))


def starter_guidelines(config: ProjectConfig) -> str:
    lines = [f"# Annotation guidelines: {config.name}", ""]
    lines += ["Describe here what to annotate and how. Each label of the schema:", ""]
    for label in config.schema.labels:
        key = f" (key `{label.hotkey}`)" if label.hotkey else ""
        lines.append(f"## {label.name}{key}")
        lines.append("")
        lines.append(label.description or "What this label covers, with examples.")
        for attribute in label.attributes:
            choices = f": {', '.join(attribute.choices)}" if attribute.choices else ""
            lines.append(
                f"- `{attribute.name}` ({attribute.type.value}{choices})"
                f"{': ' + attribute.description if attribute.description else ''}"
            )
        lines.append("")
    for relation in config.schema.relation_types:
        lines.append(
            f"## {' / '.join(sorted(relation.source_labels))} -{relation.name}-> "
            f"{' / '.join(sorted(relation.target_labels))}"
        )
        lines.append("")
        lines.append(relation.description or "When to draw this relation.")
        lines.append("")
    return "\n".join(lines)
