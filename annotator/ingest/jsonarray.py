"""JSON files streamed element by element: a top-level array, or values one after another."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from annotator.ingest.encoding import SAMPLE_BYTES, detect_encoding
from annotator.ingest.items import FailureCode, IngestFailure, RefusedError
from annotator.ingest.lines import CHUNK_BYTES
from annotator.ingest.options import IngestOptions
from annotator.ingest.sources import READ_ERRORS, Entry, read_failure
from annotator.ingest.units import RecordUnit

_WHITESPACE = " \t\r\n\ufeff"


@dataclass(slots=True)
class _Text:
    """Decoded text of a stream with a read position and the line number at that position."""

    stream: IO[bytes]
    decoder: codecs.IncrementalDecoder
    pending: bytes
    buffer: str = ""
    position: int = 0
    line: int = 1
    eof: bool = False
    chunks: list[str] = field(default_factory=list)

    def more(self, at_least: int = 1) -> bool:
        """Append at least ``at_least`` characters' worth of input; False at the end."""
        if self.eof:
            return False
        self.buffer = self.buffer[self.position :]
        self.position = 0
        added = 0
        while added < at_least:
            data = self.pending or self.stream.read(CHUNK_BYTES)
            self.pending = b""
            text = self.decoder.decode(data, final=not data)
            self.buffer += text
            added += max(len(text), 1)
            if not data:
                self.eof = True
                break
        return True

    def skip_whitespace(self) -> str:
        """The next character after whitespace, or "" at the end."""
        while True:
            while self.position < len(self.buffer) and self.buffer[self.position] in _WHITESPACE:
                if self.buffer[self.position] == "\n":
                    self.line += 1
                self.position += 1
            if self.position < len(self.buffer):
                return self.buffer[self.position]
            if not self.more():
                return ""

    def advance(self, end: int) -> None:
        self.line += self.buffer.count("\n", self.position, end)
        self.position = end


def _element(text: _Text, decoder: json.JSONDecoder, limit: int) -> str:
    """The source of the next JSON value; raises ``RefusedError`` for bad or oversized JSON."""
    line = text.line
    while True:
        try:
            _, end = decoder.raw_decode(text.buffer, text.position)
        except json.JSONDecodeError as exc:
            if len(text.buffer) - text.position > limit:
                raise RefusedError(
                    f"refused: a JSON element is longer than {limit:,} bytes; "
                    "the rest of the file was not read",
                    FailureCode.TOO_LARGE,
                    line=line,
                ) from exc
            if text.more(len(text.buffer) - text.position):
                continue
            raise RefusedError(
                f"invalid JSON: {exc.msg}; the rest of the file was not read",
                FailureCode.MALFORMED,
                line=text.line + text.buffer.count("\n", text.position, exc.pos),
            ) from exc
        if end == len(text.buffer) and text.more():
            continue  # a number or literal may go on in the next chunk
        source = text.buffer[text.position : end]
        text.advance(end)
        return source


def _values(text: _Text, limit: int) -> Iterator[tuple[int, str]]:
    """``(line, source)`` of every element of the array (or of every top-level value)."""
    decoder = json.JSONDecoder()
    first = text.skip_whitespace()
    in_array = first == "["
    if in_array:
        text.advance(text.position + 1)
    count = 0
    while True:
        char = text.skip_whitespace()
        if in_array and char == "]":
            text.advance(text.position + 1)
            if text.skip_whitespace():
                raise RefusedError(
                    "invalid JSON: text after the closing ']'",
                    FailureCode.MALFORMED,
                    line=text.line,
                )
            return
        if not char:
            if in_array:
                raise RefusedError(
                    "invalid JSON: the array is not closed", FailureCode.MALFORMED, line=text.line
                )
            return
        if in_array and count:
            if char != ",":
                raise RefusedError(
                    "invalid JSON: expected ',' between elements",
                    FailureCode.MALFORMED,
                    line=text.line,
                )
            text.advance(text.position + 1)
            text.skip_whitespace()
        line = text.line
        yield line, _element(text, decoder, limit)
        count += 1


def json_units(
    entry: Entry, options: IngestOptions, skip: Callable[[str], bool]
) -> Iterator[RecordUnit | IngestFailure]:
    """A unit per element, with origin ``file[index]``.

    A small incremental reader over ``json.JSONDecoder.raw_decode``: text is decoded in chunks and
    each element is parsed once it is complete, so memory holds one element (up to the record limit)
    plus a chunk, never the file. A syntax error stops the file there (JSON cannot be resynchronised
    reliably); the elements before it are kept. Origins are ``file[index]`` (0-based element index)
    and failures name the line the element starts on.
    """
    try:
        with entry.opener() as stream:
            head = stream.read(SAMPLE_BYTES)
            codec = detect_encoding(head, complete=len(head) < SAMPLE_BYTES)
            text = _Text(stream, codecs.getincrementaldecoder(codec)(), head)
            for index, (line, source) in enumerate(_values(text, options.max_record_bytes)):
                origin = f"{entry.name}[{index}]"
                if not skip(origin):
                    raw = source.encode("utf-8")
                    yield RecordUnit(origin, entry.name, line, raw, "utf-8", "application/json")
    except READ_ERRORS as exc:
        yield read_failure(entry.name, exc)
