"""Texts another importer committed while this import ran, reported as the duplicates they are."""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.ids import DocumentId
from annotator.core.reports import Skipped


def taken_as_skipped(taken: Iterable[tuple[str, DocumentId]]) -> list[Skipped]:
    """One skipped entry per dropped draft, worded as the importer words its own duplicates."""
    return [Skipped(origin, f"same text as document {of}", of) for origin, of in taken]
