"""Zip archives read safely: no unsafe paths, links or encrypted entries; bomb limits enforced."""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import PurePosixPath

from annotator.ingest.items import FailureCode, IngestFailure, RefusedError
from annotator.ingest.options import MIB, IngestOptions
from annotator.ingest.sources import Entry, is_skipped, read_limited

RATIO_FLOOR = 1 * MIB
"""Entries smaller than this are never refused for their compression ratio."""


@dataclass(slots=True)
class Budget:
    """Uncompressed bytes an outermost archive may still expand to."""

    remaining: int


def unsafe_name(name: str) -> bool:
    """An absolute path, a drive letter, or a ``..`` component."""
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or (len(normalized) > 1 and normalized[1] == ":"):
        return True
    return ".." in PurePosixPath(normalized).parts


def _fail(entry: Entry, reason: str, code: FailureCode) -> IngestFailure:
    return IngestFailure(entry.name, entry.name, None, reason, code)


def _open(entry: Entry, options: IngestOptions, budget: Budget) -> zipfile.ZipFile:
    if entry.path is not None:
        return zipfile.ZipFile(entry.path)
    limit = min(options.max_file_bytes, budget.remaining)
    with entry.opener() as stream:
        return zipfile.ZipFile(io.BytesIO(read_limited(stream, limit)))


def zip_entries(
    entry: Entry, options: IngestOptions, budget: Budget
) -> Iterator[Entry | IngestFailure]:
    """The files inside an archive, sorted by name, or failures for what is refused.

    Yields entries whose opener is valid only until the next item is requested.

    Nothing is ever extracted to disk; entries are streamed. The limits are checked on the sizes the
    archive declares before anything is decompressed, and Python's zip reader never returns more
    than the declared size of an entry (a lying header fails its CRC check), so the checks hold.
    Nested archives share the total-size budget of the outermost one.
    """
    try:
        archive = _open(entry, options, budget)
    except RefusedError as refused:
        yield _fail(entry, refused.reason, FailureCode(refused.code))
        return
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        yield _fail(entry, f"not a readable zip archive: {exc}", FailureCode.MALFORMED)
        return
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > options.zip_max_entries:
            yield _fail(
                entry,
                f"refused archive: {len(infos):,} entries, over the limit of "
                f"{options.zip_max_entries:,}",
                FailureCode.ARCHIVE_LIMIT,
            )
            return
        total = sum(info.file_size for info in infos)
        if total > budget.remaining:
            yield _fail(
                entry,
                f"refused archive: it expands to {total:,} bytes, over the limit of "
                f"{budget.remaining:,} bytes left for this import's archives",
                FailureCode.ARCHIVE_LIMIT,
            )
            return
        budget.remaining -= total
        for info in sorted(infos, key=lambda item: item.filename):
            yield from _member(entry, archive, info, options)


def _member(
    entry: Entry, archive: zipfile.ZipFile, info: zipfile.ZipInfo, options: IngestOptions
) -> Iterator[Entry | IngestFailure]:
    name = f"{entry.name}!{info.filename}"
    parts = PurePosixPath(info.filename.replace("\\", "/")).parts
    reason: str | None = None
    code = FailureCode.UNSAFE_ENTRY
    if unsafe_name(info.filename):
        reason = "refused archive entry: absolute or '..' path"
    elif any(is_skipped(part) for part in parts):
        return
    elif stat.S_ISLNK(info.external_attr >> 16):
        reason = "refused archive entry: symbolic link"
    elif info.flag_bits & 0x1:
        reason = "refused archive entry: encrypted"
    elif info.file_size > RATIO_FLOOR and info.file_size > options.zip_max_ratio * max(
        info.compress_size, 1
    ):
        ratio = info.file_size / max(info.compress_size, 1)
        reason = (
            f"refused archive entry: expands {ratio:,.0f} times ({info.file_size:,} bytes), "
            f"over the ratio limit of {options.zip_max_ratio:,.0f} (a zip bomb?)"
        )
        code = FailureCode.ARCHIVE_LIMIT
    if reason is not None:
        yield IngestFailure(name, name, None, reason, code)
        return
    yield Entry(name, info.file_size, partial(archive.open, info))
