"""JSON Lines files to record units, one per non-blank line, streamed."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from annotator.ingest.items import FailureCode, IngestFailure
from annotator.ingest.lines import open_lines
from annotator.ingest.options import IngestOptions
from annotator.ingest.sources import READ_ERRORS, Entry, read_failure
from annotator.ingest.units import RecordUnit


def media_type(base: str, encoding: str) -> str:
    """``base`` with a charset parameter unless the bytes are UTF-8."""
    return base if encoding == "utf-8" else f"{base}; charset={encoding}"


def jsonl_units(
    entry: Entry, options: IngestOptions, skip: Callable[[str], bool]
) -> Iterator[RecordUnit | IngestFailure]:
    """A unit per line; a line too long or undecodable becomes a failure and reading goes on."""
    try:
        with entry.opener() as stream:
            lines = open_lines(stream, options.max_record_bytes)
            kind = media_type("application/x-ndjson", lines.encoding)
            for number, raw in lines.lines:
                origin = f"{entry.name}:{number}"
                if raw is None:
                    yield IngestFailure(
                        origin,
                        entry.name,
                        number,
                        f"refused: the line is longer than {options.max_record_bytes:,} bytes",
                        FailureCode.TOO_LARGE,
                    )
                elif raw.strip() and not skip(origin):
                    yield RecordUnit(origin, entry.name, number, raw, lines.encoding, kind)
    except READ_ERRORS as exc:
        yield read_failure(entry.name, exc)
