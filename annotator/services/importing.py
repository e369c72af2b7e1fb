"""Importing articles into a project: read, skip duplicates, store in batches, report."""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.document import DocumentDraft, RawSource
from annotator.core.reports import Failure, ImportReport, Skipped

if TYPE_CHECKING:
    from annotator.services.project import Project

BATCH = 200
"""Documents per transaction: a crash or cancel keeps every finished batch."""

Item = tuple[DocumentDraft, str] | Failure


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
    keep_duplicates: bool = False,
    progress: Callable[[ImportProgress], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import files and folders; every batch is committed, so stopping loses nothing finished."""
    report = ImportReport()
    seen_hashes: set[str] = set()
    pending: list[tuple[DocumentDraft, str]] = []
    started = time.monotonic()

    def flush() -> None:
        if not pending:
            return
        hashes = [draft.content_hash for draft, _ in pending]
        known = set() if keep_duplicates else project.database.existing_hashes(hashes)
        fresh: list[tuple[DocumentDraft, str]] = []
        for draft, origin in pending:
            digest = draft.content_hash
            if not keep_duplicates and (digest in known or digest in seen_hashes):
                report.skipped.append(Skipped(origin, "same text as a document already imported"))
                continue
            seen_hashes.add(digest)
            fresh.append((draft, origin))
        if fresh:
            report.imported.extend(project.database.add_documents(fresh, project.now()))
        pending.clear()

    for done, item in enumerate(read_items(paths), start=1):
        if cancelled is not None and cancelled():
            report.cancelled = True
            break
        if isinstance(item, Failure):
            report.failures.append(item)
            current = item.where
        else:
            pending.append(item)
            current = item[1]
            if len(pending) >= BATCH:
                flush()
        if progress is not None:
            progress(
                ImportProgress(
                    done,
                    len(report.imported) + len(pending),
                    len(report.skipped),
                    len(report.failures),
                    time.monotonic() - started,
                    current,
                )
            )
    flush()
    return report


# -- reading ------------------------------------------------------------------------------------
# The plain readers below cover .txt files, folders of them and JSONL with a ``text`` field.


def read_items(paths: Sequence[Path]) -> Iterator[Item]:
    for path in paths:
        if path.is_dir():
            try:
                children = sorted(p for p in path.rglob("*") if p.is_file())
            except PermissionError as error:
                yield Failure(str(path), None, f"permission denied ({error.filename})", "ANN133")
                continue
            for child in children:
                if child.suffix.lower() in (".txt", ".jsonl"):
                    yield from _read_file(child)
        elif path.exists():
            yield from _read_file(path)
        else:
            yield Failure(str(path), None, "no such file or folder", "ANN134")


def _read_file(path: Path) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix not in (".txt", ".jsonl"):
        yield Failure(str(path), None, f"unsupported file type {suffix or '(none)'}", "ANN135")
        return
    try:
        data = path.read_bytes()
    except PermissionError:
        yield Failure(str(path), None, "permission denied", "ANN133")
        return
    except OSError as error:
        yield Failure(str(path), None, f"cannot read ({error.strerror})", "ANN133")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        yield Failure(str(path), None, f"not UTF-8 text (byte {error.start})", "ANN136")
        return
    if suffix == ".txt":
        cleaned = _normalise(text)
        if not cleaned.strip():
            yield Failure(str(path), None, "empty file", "ANN137")
            return
        raw = RawSource(str(path), data, "text/plain")
        title = cleaned.strip().split("\n", 1)[0][:300]
        yield DocumentDraft(cleaned.strip(), title=title, raw=raw), str(path)
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        yield _jsonl_record(path, number, line)


def _jsonl_record(path: Path, number: int, line: str) -> Item:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Failure(str(path), number, f"not valid JSON ({error.msg})", "ANN131")
    if not isinstance(record, dict):
        return Failure(str(path), number, "expected a JSON object", "ANN131")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return Failure(str(path), number, "no 'text' field with text in it", "ANN138")
    published = None
    if isinstance(record.get("published"), str):
        try:
            published = date.fromisoformat(record["published"][:10])
        except ValueError:
            published = None
    known = {"text", "title", "source", "url", "published", "id"}
    draft = DocumentDraft(
        _normalise(text).strip(),
        title=str(record.get("title") or ""),
        source=str(record.get("source") or ""),
        url=str(record.get("url") or ""),
        published=published,
        metadata={k: v for k, v in record.items() if k not in known},
        external_id=str(record.get("id") or ""),
        raw=RawSource(f"{path}:{number}", line.encode("utf-8"), "application/json"),
    )
    return draft, f"{path}:{number}"


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)
