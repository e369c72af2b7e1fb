"""The registry of annotation formats: what can be imported and exported, and how it is named."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FormatInfo:
    name: str
    title: str
    extensions: tuple[str, ...]
    can_import: bool
    can_export: bool
    description: str


FORMATS: tuple[FormatInfo, ...] = (
    FormatInfo(
        name="jsonl",
        title="annotator JSONL (lossless)",
        extensions=(".jsonl",),
        can_import=True,
        can_export=True,
        description="One document per line with text, metadata, spans, relations, attributes "
        "and annotators; code-point offsets.",
    ),
)


def format_info(name: str) -> FormatInfo | None:
    for info in FORMATS:
        if info.name == name:
            return info
    return None
