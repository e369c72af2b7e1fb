"""Exporting a project's documents and annotations through the format registry.

Two steps, so that the user sees the cost before paying it: :func:`preview_losses` says what the
format cannot carry from this selection, :func:`export_project` writes (atomically) and returns
the same report for what was written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.annotation import AnnotatedDocument
from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.errors import UserError
from annotator.core.gc_pause import gc_paused
from annotator.core.ids import DocumentId
from annotator.formats.base import (
    ExportOptions,
    Layout,
    Loss,
    LossReport,
    generic_losses,
    watch_shape_losses,
)
from annotator.formats.registry import exporter as find_exporter
from annotator.formats.registry import format_info
from annotator.services.layers import keep_layer, resolve_layer
from annotator.services.sinks import AtomicSink

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
    layer: str = ""
    """Whose annotations: an annotator's name, ``curated``, ``all``; empty: for each document
    its curated layer when it has one, else all (see :mod:`annotator.services.layers`)."""


@dataclass(frozen=True, slots=True)
class ExportReport:
    path: Path
    format: str
    documents: int
    spans: int
    """Spans written: those selected less those the format left out (``Loss.DROPPED``)."""
    relations: int
    """Relations written: those selected less those the format could not carry."""
    losses: LossReport = field(default_factory=LossReport)
    files: tuple[Path, ...] = ()


def _reads_times(format_name: str) -> bool:
    """Whether the format's exporter needs spans' and relations' times (see
    :attr:`FormatInfo.reads_times`)."""
    info = format_info(format_name)
    return info is None or info.reads_times


def export_layout(format_name: str) -> Layout:
    return find_exporter(format_name).layout


def preview_losses(
    project: Project,
    format_name: str,
    selection: ExportSelection = ExportSelection(),
    options: ExportOptions = ExportOptions(),
    *,
    cancelled: Callable[[], bool] | None = None,
) -> LossReport:
    """What this format, with these options, cannot carry from the selected documents
    (:class:`ExportCancelledError` when ``cancelled()`` turns true: a preview no longer
    wanted)."""
    exporter = find_exporter(format_name)
    check = getattr(exporter, "losses", None)
    shape = LossReport()
    selected: Iterable[AnnotatedDocument] = selected_documents(
        project, selection, shape, times=_reads_times(format_name)
    )
    if cancelled is not None:
        selected = _until_cancelled(selected, cancelled)
    items = watch_shape_losses(selected, exporter.capabilities, shape)
    with gc_paused():
        if check is not None:
            report: LossReport = check(items, project.schema, options)
        else:
            report = generic_losses(items, exporter.capabilities)
    report.merge(shape)
    return report


def _until_cancelled(
    items: Iterable[AnnotatedDocument], cancelled: Callable[[], bool]
) -> Iterator[AnnotatedDocument]:
    for item in items:
        if cancelled():
            raise ExportCancelledError("loss preview cancelled")
        yield item


def losses_reported_by_export(format_name: str) -> bool:
    """Whether the export's own report says exactly what :func:`preview_losses` would (the
    format computes its losses while writing): a caller that only prints them, such as the
    command line, can then skip the preview's separate pass over every document."""
    return getattr(find_exporter(format_name), "losses", None) is not None


def export_project(
    project: Project,
    format_name: str,
    out: Path,
    selection: ExportSelection = ExportSelection(),
    options: ExportOptions = ExportOptions(),
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportReport:
    """Write the selection to ``out``; nothing is left behind if this fails or is cancelled."""
    exporter = find_exporter(format_name)
    check_output = getattr(exporter, "check_output", None)
    if check_output is not None:
        check_output(out)  # a path the format cannot write to is refused before anything is
    counts = {"documents": 0, "spans": 0, "relations": 0}
    shape = LossReport()

    def stop_if_cancelled() -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelledError(f"export to {out} cancelled; nothing was written")

    def items() -> Iterator[AnnotatedDocument]:
        for item in selected_documents(project, selection, shape, times=_reads_times(format_name)):
            stop_if_cancelled()
            counts["documents"] += 1
            counts["spans"] += len(item.spans)
            counts["relations"] += len(item.relations)
            if progress is not None:
                progress(counts["documents"])
            yield item

    sink = AtomicSink(out, exporter.layout)
    try:
        with gc_paused():  # millions of short-lived, acyclic values (see core/gc_pause.py)
            watched = watch_shape_losses(items(), exporter.capabilities, shape)
            losses = exporter.write(watched, project.schema, sink, options)
        losses.merge(shape)
        stop_if_cancelled()  # worker processes may lay out the last batches after the reading
        sink.commit()
    except BaseException:
        sink.abort()
        raise
    return ExportReport(
        out,
        format_name,
        counts["documents"],
        max(0, counts["spans"] - losses.counts[Loss.DROPPED]),
        max(0, counts["relations"] - losses.counts[Loss.RELATIONS]),
        losses,
        tuple(sink.written),
    )


def selected_documents(
    project: Project,
    selection: ExportSelection,
    left_out: LossReport | None = None,
    *,
    times: bool = True,
) -> Iterator[AnnotatedDocument]:
    """The selected documents with the chosen layer's annotations; what the layer choice
    leaves out is counted in ``left_out``. ``times=False``: without the spans' and relations'
    times and versions (see :meth:`Project.iter_annotated`)."""
    where = DocumentFilter(status=DocumentStatus.DONE if selection.done_only else None)
    wanted = set(selection.document_ids) if selection.document_ids is not None else None
    layer = selection.annotator or resolve_layer(project, selection.layer)
    for item in project.iter_annotated(where, times=times):
        if wanted is not None and item.document.id not in wanted:
            continue
        yield keep_layer(item, layer, left_out)
