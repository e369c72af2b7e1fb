"""Where the files the program ships live: schema templates, icons, style sheets."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from annotator.core.errors import ProjectError


def resources_dir() -> Path:
    """``resources/`` of a checkout, or the copy installed inside the package."""
    checkout = Path(__file__).resolve().parents[2] / "resources"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("annotator"))) / "_resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def schema_templates() -> dict[str, Path]:
    """Built-in schema templates by name (``news-events`` first)."""
    folder = resource("schemas")
    found = {path.stem: path for path in sorted(folder.glob("*.toml"))}
    if "news-events" in found:
        found = {"news-events": found.pop("news-events"), **found}
    return found


def schema_template(name: str) -> Path:
    templates = schema_templates()
    if name not in templates:
        known = ", ".join(templates) or "none"
        raise ProjectError(f"unknown schema template {name!r} (known: {known})", code="ANN123")
    return templates[name]


def sample_project_dir() -> Path:
    """The bundled sample project ``projects/news-events`` of a checkout."""
    return Path(__file__).resolve().parents[2] / "projects" / "news-events"
