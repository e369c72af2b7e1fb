"""Importing articles into a project: ingest, skip duplicates, store in batches, report.

Reading and cleaning is ``annotator.ingest``; this module decides what is a duplicate of what
(the project's documents are pre-loaded by content hash and MinHash signature) and commits every
:data:`BATCH` documents, so that a cancel or a crash keeps every finished article. Running the
same import again continues where it stopped: what is already in the project is skipped as a
duplicate of its document, decided by content, not by file name, so a file changed since is
imported again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.document import DocumentDraft
from annotator.core.ids import DocumentId
from annotator.core.reports import Failure, ImportReport, Skipped
from annotator.core.team import Permission
from annotator.ingest import (
    Deduplicator,
    Duplicate,
    IngestFailure,
    IngestOptions,
    iter_record_batches,
)
from annotator.services.import_races import taken_as_skipped
from annotator.services.import_writer import BackgroundWriter

if TYPE_CHECKING:
    from annotator.services.project import Project

BATCH = 200
"""Documents per transaction."""

__all__ = ["BATCH", "ImportProgress", "IngestOptions", "import_paths"]


@dataclass(frozen=True, slots=True)
class ImportProgress:
    done: int
    imported: int
    skipped: int
    failed: int
    elapsed: float
    current: str

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0


def import_paths(
    project: Project,
    paths: Sequence[Path],
    *,
    options: IngestOptions | None = None,
    keep_duplicates: bool | None = None,
    workers: int = 1,
    progress: Callable[[ImportProgress], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import files, folders and zip archives of articles into ``project``."""
    project.require(Permission.ADD_DOCUMENTS)  # in a team, adding documents is for managers
    options = options or IngestOptions()
    keep = options.keep_duplicates if keep_duplicates is None else keep_duplicates
    report = ImportReport()
    seen: Deduplicator[DocumentId | str] = Deduplicator(options.near_duplicate_threshold)
    for document_id, digest, signature in () if keep else project.database.fingerprints():
        seen.add(document_id, digest, signature)  # nothing is checked when duplicates are kept
    pending: list[tuple[DocumentDraft, str]] = []
    signatures: list[bytes] = []
    queued = 0
    started = time.monotonic()

    def store(batch: tuple[list[tuple[DocumentDraft, str]], list[bytes]]) -> list[DocumentId]:
        claimed = project.database.claim_documents(
            batch[0], project.now(), batch[1], project.annotator, keep_duplicates=keep
        )
        report.skipped.extend(taken_as_skipped(claimed.taken))  # committed by others meanwhile
        return claimed.ids

    writer = BackgroundWriter(store, stored=report.imported)

    def flush() -> None:
        nonlocal pending, signatures, queued
        if pending:
            writer.submit((pending, signatures))
            queued += len(pending)
            pending, signatures = [], []

    batches = iter_record_batches(paths, options, workers=workers)
    done = 0
    try:
        for batch in batches:
            documents = [item for item in batch if not isinstance(item, IngestFailure)]
            duplicates = (
                [None] * len(documents)
                if keep
                else seen.screen(
                    [(item.origin, item.draft.content_hash, item.signature) for item in documents]
                )
            )
            verdicts = iter(duplicates)
            for item in batch:
                if cancelled is not None and cancelled():
                    report.cancelled = True
                    return report  # what was kept so far is stored by ``finally``
                done += 1
                if isinstance(item, IngestFailure):
                    report.failures.append(Failure(item.file, item.line, item.reason, item.code))
                else:
                    duplicate = next(verdicts)
                    if duplicate is None:
                        pending.append((item.draft, item.origin))
                        signatures.append(item.signature)
                        if len(pending) >= BATCH:
                            flush()
                    else:
                        report.skipped.append(_skipped(item.origin, duplicate))
                if progress is not None:
                    progress(
                        ImportProgress(
                            done,
                            queued + len(pending),
                            len(report.skipped),
                            len(report.failures),
                            time.monotonic() - started,
                            item.origin,
                        )
                    )
    finally:
        batches.close()  # stops the worker processes at once on cancel or error
        try:
            flush()
        finally:
            writer.close()  # every submitted batch is stored (or its error raised) on return
    return report


def _skipped(origin: str, duplicate: Duplicate[DocumentId | str]) -> Skipped:
    of = f"document {duplicate.of}" if isinstance(duplicate.of, int) else str(duplicate.of)
    reason = (
        f"same text as {of}"
        if duplicate.kind == "exact"
        else f"near-duplicate of {of} (similarity {duplicate.similarity:.2f})"
    )
    return Skipped(origin, reason, duplicate.of if isinstance(duplicate.of, int) else None)
