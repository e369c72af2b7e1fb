"""Units of work (a whole file or one record) and turning them into items, in any process."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from annotator.core.document import DocumentDraft
from annotator.ingest.files import FileKind, file_to_draft
from annotator.ingest.items import (
    FailureCode,
    IngestedDocument,
    IngestFailure,
    IngestItem,
    RefusedError,
    failure,
)
from annotator.ingest.jsonvalue import loads_record
from annotator.ingest.minhash import signatures
from annotator.ingest.options import IngestOptions
from annotator.ingest.records import record_to_draft
from annotator.ingest.sources import read_file


@dataclass(frozen=True, slots=True)
class FileUnit:
    """A whole article file; ``path`` on disk (read by the worker) or its ``data``."""

    origin: str
    kind: FileKind
    path: str | None = None
    data: bytes | None = None


class RecordUnit(NamedTuple):
    """One JSONL line, JSON array element or CSV row with its raw bytes (a named tuple: one is
    made per record in the main process and again in a worker, three times faster than a
    frozen dataclass; packed for a worker as the plain tuple)."""

    origin: str
    file: str
    line: int | None
    raw: bytes
    encoding: str
    media_type: str
    fields: dict[str, Any] | None = None
    """Already parsed (CSV); None means ``raw`` is JSON to decode."""


Unit = FileUnit | RecordUnit


def _file_draft(unit: FileUnit, options: IngestOptions) -> DocumentDraft:
    if unit.data is not None:
        data = unit.data
    elif unit.path is not None:
        data = read_file(Path(unit.path), options.max_file_bytes)
    else:
        raise RefusedError("nothing to read", FailureCode.UNREADABLE)
    return file_to_draft(data, unit.kind, options, name=unit.origin)


def _record_draft(unit: RecordUnit, options: IngestOptions) -> DocumentDraft:
    fields = unit.fields
    if fields is None:
        try:
            value = loads_record(unit.raw, unit.encoding)
        except json.JSONDecodeError as exc:
            raise RefusedError(
                f"invalid JSON: {exc.msg} (column {exc.colno})", FailureCode.MALFORMED
            ) from exc
        if not isinstance(value, dict):
            raise RefusedError(
                f"expected a JSON object, found {type(value).__name__}", FailureCode.MALFORMED
            )
        fields = value
    return record_to_draft(
        fields, options, name=unit.origin, raw=unit.raw, media_type=unit.media_type
    )


def _drafted(unit: Unit, options: IngestOptions) -> DocumentDraft | IngestFailure:
    """The draft made from ``unit``, or the failure that explains why there is none."""
    file = unit.origin if isinstance(unit, FileUnit) else unit.file
    line = None if isinstance(unit, FileUnit) else unit.line
    try:
        if isinstance(unit, FileUnit):
            return _file_draft(unit, options)
        return _record_draft(unit, options)
    except RefusedError as refused:
        return failure(unit.origin, file, refused, line)
    except OSError as exc:
        return IngestFailure(
            unit.origin, file, line, f"cannot read: {exc.strerror or exc}", FailureCode.UNREADABLE
        )
    except (RecursionError, MemoryError, ValueError, TypeError, AttributeError) as exc:
        # A parser (lxml, trafilatura, json) gave up on this input: report it, go on.
        return IngestFailure(
            unit.origin,
            file,
            line,
            f"could not process: {type(exc).__name__}: {exc}",
            FailureCode.EXTRACTION,
        )


def process_unit(unit: Unit, options: IngestOptions) -> IngestItem:
    """The document made from ``unit``, or the failure that explains why there is none."""
    return process_units([unit], options)[0]


def process_units(units: Sequence[Unit], options: IngestOptions) -> list[IngestItem]:
    """``process_unit`` over a batch (what a worker process runs).

    Readers in the main process only split inputs into units; decoding, parsing, extraction,
    cleaning and signatures happen here, so a process pool can run them. The signatures of a
    batch are computed together (one vectorised pass costs less than one per document).
    """
    made = [_drafted(unit, options) for unit in units]
    drafts = [draft for draft in made if isinstance(draft, DocumentDraft)]
    if options.signatures:
        marks = iter(signatures([draft.text for draft in drafts]))
    else:
        marks = iter([b""] * len(drafts))
    items: list[IngestItem] = []
    for unit, draft in zip(units, made, strict=True):
        if isinstance(draft, IngestFailure):
            items.append(draft)
        elif isinstance(unit, FileUnit):
            items.append(IngestedDocument(unit.origin, unit.origin, None, draft, next(marks)))
        else:
            items.append(IngestedDocument(unit.origin, unit.file, unit.line, draft, next(marks)))
    return items
