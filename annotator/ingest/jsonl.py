"""JSON Lines files to record units, one per non-blank line, streamed."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from annotator.ingest.items import FailureCode, IngestFailure
from annotator.ingest.lines import open_lines
from annotator.ingest.options import IngestOptions
from annotator.ingest.sources import READ_ERRORS, Entry, read_failure
from annotator.ingest.units import RecordUnit

_new = tuple.__new__


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
            name, encoding = entry.name, lines.encoding
            kind = media_type("application/x-ndjson", encoding)
            for number, raw in lines.lines:
                if raw is None:
                    yield IngestFailure(
                        f"{name}:{number}",
                        name,
                        number,
                        f"refused: the line is longer than {options.max_record_bytes:,} bytes",
                        FailureCode.TOO_LARGE,
                    )
                elif raw and not raw.isspace():  # ``raw.strip()`` without copying the line
                    origin = f"{name}:{number}"
                    if not skip(origin):
                        # the tuple made directly: a named tuple's ``__new__`` is Python code
                        yield _new(RecordUnit, (origin, name, number, raw, encoding, kind, None))
    except READ_ERRORS as exc:
        yield read_failure(entry.name, exc)
