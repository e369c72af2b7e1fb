"""Exporting a project's documents and annotations to a file, written whole or not at all."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.annotation import AnnotatedDocument
from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.errors import UserError
from annotator.core.ids import DocumentId
from annotator.formats import native_jsonl
from annotator.formats.registry import format_info
from annotator.services.atomic import atomic_text_file

if TYPE_CHECKING:
    from annotator.services.project import Project


class ExportCancelledError(UserError):
    code = "ANN192"


@dataclass(frozen=True, slots=True)
class ExportSelection:
    """Which documents and annotations go out."""

    done_only: bool = False
    annotator: str = ""
    document_ids: Sequence[DocumentId] | None = None


@dataclass(frozen=True, slots=True)
class ExportReport:
    path: Path
    format: str
    documents: int
    spans: int
    relations: int


def export_project(
    project: Project,
    format_name: str,
    out: Path,
    selection: ExportSelection = ExportSelection(),
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportReport:
    info = format_info(format_name)
    if info is None or not info.can_export:
        raise UserError(f"no exporter named {format_name!r}; see: annotator formats", code="ANN193")
    counts = {"documents": 0, "spans": 0, "relations": 0}

    def items() -> Iterator[AnnotatedDocument]:
        for item in _selected(project, selection):
            if cancelled is not None and cancelled():
                raise ExportCancelledError(f"export to {out} cancelled; nothing was written")
            counts["documents"] += 1
            counts["spans"] += len(item.spans)
            counts["relations"] += len(item.relations)
            if progress is not None:
                progress(counts["documents"])
            yield item

    with atomic_text_file(out) as handle:
        native_jsonl.write_jsonl(items(), handle)
    return ExportReport(out, format_name, counts["documents"], counts["spans"], counts["relations"])


def _selected(project: Project, selection: ExportSelection) -> Iterator[AnnotatedDocument]:
    where = DocumentFilter(status=DocumentStatus.DONE if selection.done_only else None)
    wanted = set(selection.document_ids) if selection.document_ids is not None else None
    for item in project.iter_annotated(where):
        if wanted is not None and item.document.id not in wanted:
            continue
        if selection.annotator:
            spans = tuple(s for s in item.spans if s.annotator == selection.annotator)
            kept = {s.id for s in spans}
            relations = tuple(
                r
                for r in item.relations
                if r.annotator == selection.annotator and r.source in kept and r.target in kept
            )
            item = replace(item, spans=spans, relations=relations)
        yield item
