"""The registry of annotation formats: names, what each can do, and its exporter and importer.

Format modules are imported only when used, so that heavy readers (spaCy, dkpro-cassis) cost
nothing until someone exports to them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from annotator.core.errors import UserError
from annotator.core.offsets import Unit
from annotator.formats.base import Exporter, Importer, Layout


@dataclass(frozen=True, slots=True)
class FormatInfo:
    name: str
    title: str
    module: str
    """Module under ``annotator.formats`` that defines ``EXPORTER`` and/or ``IMPORTER``."""
    extensions: tuple[str, ...]
    can_import: bool
    can_export: bool
    layout: Layout
    description: str
    default_unit: Unit = Unit.CODE_POINT


FORMATS: tuple[FormatInfo, ...] = (
    FormatInfo(
        name="jsonl",
        title="annotator JSONL (lossless)",
        module="native_jsonl",
        extensions=(".jsonl",),
        can_import=True,
        can_export=True,
        layout=Layout.FILE,
        description="One document per line with text, metadata, spans, relations, attributes "
        "and annotators; code-point offsets.",
    ),
)


def format_info(name: str) -> FormatInfo | None:
    for info in FORMATS:
        if info.name == name:
            return info
    return None


def _module(name: str, want: str) -> object:
    info = format_info(name)
    known = ", ".join(
        f.name for f in FORMATS if (f.can_export if want == "EXPORTER" else f.can_import)
    )
    direction = "exporter" if want == "EXPORTER" else "importer"
    if info is None or not (info.can_export if want == "EXPORTER" else info.can_import):
        raise UserError(f"no {direction} named {name!r} (known: {known})", code="ANN193")
    module = importlib.import_module(f"annotator.formats.{info.module}")
    return getattr(module, want)


def exporter(name: str) -> Exporter:
    found: Exporter = _module(name, "EXPORTER")  # type: ignore[assignment]
    return found


def importer(name: str) -> Importer:
    found: Importer = _module(name, "IMPORTER")  # type: ignore[assignment]
    return found
