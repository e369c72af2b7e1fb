"""From paths to an ordered stream of work units and early failures (main process, lazy)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from annotator.ingest.archive import Budget, zip_entries
from annotator.ingest.delimited import delimited_units
from annotator.ingest.detect import SNIFF_BYTES, Kind, detect_kind
from annotator.ingest.files import FileKind
from annotator.ingest.items import FailureCode, IngestFailure
from annotator.ingest.jsonarray import json_units
from annotator.ingest.jsonl import jsonl_units
from annotator.ingest.options import IngestOptions
from annotator.ingest.sources import READ_ERRORS, Entry, read_failure, read_limited, too_large, walk
from annotator.ingest.units import FileUnit, Unit

Skip = Callable[[str], bool]


def _kind(entry: Entry, options: IngestOptions) -> Kind:
    kind = detect_kind(entry.basename, None, options.format)
    if kind is None:
        with entry.opener() as stream:
            kind = detect_kind(entry.basename, stream.read(SNIFF_BYTES), options.format)
    assert kind is not None  # detect_kind always decides once it has the first bytes
    return kind


def _file_unit(entry: Entry, kind: Kind, options: IngestOptions) -> FileUnit:
    file_kind: FileKind = "html" if kind == "html" else "text"
    if entry.size > options.max_file_bytes:
        raise too_large(options.max_file_bytes, entry.size)
    if entry.path is not None:
        return FileUnit(entry.name, file_kind, path=str(entry.path))
    with entry.opener() as stream:
        return FileUnit(entry.name, file_kind, data=read_limited(stream, options.max_file_bytes))


def entry_units(
    entry: Entry,
    options: IngestOptions,
    skip: Skip,
    *,
    depth: int = 0,
    budget: Budget | None = None,
) -> Iterator[Unit | IngestFailure]:
    """The units of one file; archives recursively, each within the same total budget."""
    try:
        kind = _kind(entry, options)
        if kind == "zip":
            yield from _archive_units(entry, options, skip, depth, budget)
        elif kind in ("text", "html"):
            if not skip(entry.name):
                yield _file_unit(entry, kind, options)
        elif kind == "jsonl":
            yield from jsonl_units(entry, options, skip)
        elif kind == "json":
            yield from json_units(entry, options, skip)
        else:
            yield from delimited_units(entry, "tsv" if kind == "tsv" else "csv", options, skip)
    except READ_ERRORS as exc:
        yield read_failure(entry.name, exc)


def _archive_units(
    entry: Entry, options: IngestOptions, skip: Skip, depth: int, budget: Budget | None
) -> Iterator[Unit | IngestFailure]:
    if depth >= options.zip_max_depth:
        yield IngestFailure(
            entry.name,
            entry.name,
            None,
            f"refused archive: nested more than {options.zip_max_depth} archives deep",
            FailureCode.ARCHIVE_LIMIT,
        )
        return
    budget = budget or Budget(options.zip_max_total_bytes)
    for item in zip_entries(entry, options, budget):
        if isinstance(item, IngestFailure):
            yield item
        else:
            yield from entry_units(item, options, skip, depth=depth + 1, budget=budget)


def iter_units(
    paths: Sequence[Path], options: IngestOptions, skip: Skip
) -> Iterator[Unit | IngestFailure]:
    """Every unit of work under ``paths``, in a stable order, with failures in their place."""
    for item in walk(paths):
        if isinstance(item, IngestFailure):
            yield item
        else:
            yield from entry_units(item, options, skip)
