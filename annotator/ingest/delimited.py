"""CSV and TSV files to record units: header row, delimiter sniffing, multi-line fields."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from annotator.ingest.encoding import decode_fragment
from annotator.ingest.items import FailureCode, IngestFailure, RefusedError
from annotator.ingest.jsonl import media_type
from annotator.ingest.lines import open_lines
from annotator.ingest.options import IngestOptions
from annotator.ingest.sources import READ_ERRORS, Entry, read_failure
from annotator.ingest.units import RecordUnit

_DELIMITERS = (",", ";", "\t", "|")


@dataclass(slots=True)
class _Feed:
    """Lines handed to ``csv.reader``, remembering which ones the current record used."""

    lines: Iterator[tuple[int, bytes | None]]
    encoding: str
    limit: int
    record: list[str] = field(default_factory=list)
    record_size: int = 0
    first_line: int = 0
    last_line: int = 0
    problems: list[tuple[int, RefusedError]] = field(default_factory=list)

    def __iter__(self) -> Iterator[str]:
        for number, raw in self.lines:
            self.last_line = number
            if not self.record:
                self.first_line = number
            if raw is None:
                self.problems.append((number, _too_long(self.limit)))
                continue
            try:
                text = decode_fragment(raw, self.encoding) + "\n"
            except RefusedError as refused:
                self.problems.append((number, refused))
                continue
            self.record.append(text)
            self.record_size += len(raw)
            if self.record_size > self.limit:
                raise RefusedError(
                    f"refused: a record from line {self.first_line} on is longer than "
                    f"{self.limit:,} bytes (a quote never closed?); the rest was not read",
                    FailureCode.TOO_LARGE,
                    line=self.first_line,
                )
            yield text

    def take(self) -> tuple[int, str]:
        """The first line and text of the record just read; starts the next record."""
        taken = (self.first_line, "".join(self.record))
        self.record, self.record_size = [], 0
        return taken


def _too_long(limit: int) -> RefusedError:
    return RefusedError(f"refused: the line is longer than {limit:,} bytes", FailureCode.TOO_LARGE)


def sniff_delimiter(header: str) -> str:
    """The most frequent of ``, ; TAB |`` in the header line (a comma when none appears)."""
    counts = {delimiter: header.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _header(row: list[str]) -> list[str]:
    names: list[str] = []
    for position, raw_name in enumerate(row, start=1):
        name = raw_name.strip().lstrip("\ufeff") or f"column_{position}"
        while name in names:
            name += "_"
        names.append(name)
    return names


def delimited_units(
    entry: Entry,
    kind: Literal["csv", "tsv"],
    options: IngestOptions,
    skip: Callable[[str], bool],
) -> Iterator[RecordUnit | IngestFailure]:
    """A unit per data row, with origin ``file:line`` (the line the record starts on).

    CSV uses standard quoting (fields may hold quotes, delimiters and line breaks). TSV follows the
    IANA convention: no quoting, so a text starting with ``"`` is read as it is. The first row is
    the header. A row with the wrong number of fields fails on its own; a quoted field that never
    closes and grows past the record limit stops the file. A unit's raw bytes are the header line
    plus the record's lines, as UTF-8.
    """
    csv.field_size_limit(max(csv.field_size_limit(), options.max_record_bytes))
    try:
        with entry.opener() as stream:
            lines = open_lines(stream, options.max_record_bytes)
            feed = _Feed(lines.lines, lines.encoding, options.max_record_bytes)
            yield from _rows(entry, kind, feed, skip)
    except READ_ERRORS as exc:
        yield read_failure(entry.name, exc)


def _rows(
    entry: Entry, kind: Literal["csv", "tsv"], feed: _Feed, skip: Callable[[str], bool]
) -> Iterator[RecordUnit | IngestFailure]:
    source = iter(feed)
    first = next(source, None)
    if first is None:
        return
    if kind == "tsv":
        reader = csv.reader(_chain(first, source), delimiter="\t", quoting=csv.QUOTE_NONE)
        base = "text/tab-separated-values"
    else:
        reader = csv.reader(_chain(first, source), delimiter=sniff_delimiter(first))
        base = "text/csv"
    kind_type = media_type(base, "utf-8")
    header: list[str] | None = None
    header_text = ""
    while True:
        error: csv.Error | None = None
        try:
            row: list[str] | None = next(reader)
        except StopIteration:
            row = None
        except csv.Error as exc:
            row, error = None, exc
        for number, refused in feed.problems:
            yield IngestFailure(
                f"{entry.name}:{number}", entry.name, number, refused.reason, refused.code
            )
        feed.problems.clear()
        if error is not None:
            line, _ = feed.take()
            yield IngestFailure(
                f"{entry.name}:{line}",
                entry.name,
                line,
                f"malformed CSV: {error}",
                FailureCode.MALFORMED,
            )
            continue
        if row is None:
            break
        line, text = feed.take()
        if header is None:
            header, header_text = _header(row), text
            continue
        if not any(cell.strip() for cell in row):
            continue
        origin = f"{entry.name}:{line}"
        if len(row) != len(header):
            yield IngestFailure(
                origin,
                entry.name,
                line,
                f"malformed row: expected {len(header)} fields, found {len(row)}",
                FailureCode.MALFORMED,
            )
        elif not skip(origin):
            raw = (header_text + text).encode("utf-8")
            fields = dict(zip(header, row, strict=True))
            yield RecordUnit(origin, entry.name, line, raw, "utf-8", kind_type, fields)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest
