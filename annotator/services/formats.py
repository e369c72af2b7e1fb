"""What the program can read and write, for the command line and the dialogs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotator.formats.base import ExportOptions, ImportOptions, LossReport, OverlapPolicy
from annotator.formats.layer_choice import LAYERED_FORMATS, SPAN_LAYER_OPTION
from annotator.formats.registry import FORMATS, FormatInfo, format_info

__all__ = [
    "LAYERED_FORMATS",
    "SPAN_LAYER_OPTION",
    "ExportOptions",
    "FormatDescription",
    "FormatInfo",
    "ImportOptions",
    "LossReport",
    "OverlapPolicy",
    "available_formats",
    "format_info",
]


@dataclass(frozen=True, slots=True)
class FormatDescription:
    name: str
    title: str
    extensions: tuple[str, ...]
    can_import: bool
    can_export: bool
    description: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "extensions": list(self.extensions),
            "import": self.can_import,
            "export": self.can_export,
            "description": self.description,
        }


def available_formats() -> list[FormatDescription]:
    return [
        FormatDescription(f.name, f.title, f.extensions, f.can_import, f.can_export, f.description)
        for f in FORMATS
    ]
