"""Fast JSON for the JSON-family formats: msgspec and orjson, with the standard library as the
fallback.

msgspec decodes and orjson encodes several times faster than ``json``. Where they would differ,
``json`` does the work, so that a value never depends on which library handled it: text with
NaN, Infinity, 1e400 or lone surrogates (which msgspec refuses) is decoded by ``json``, values
orjson cannot encode (huge integers) are encoded by ``json``, and invalid JSON raises ``json``'s
error with its message. msgspec rather than orjson decodes because it reads integers beyond 64
bits exactly (orjson reads them as floats, so each line had to be scanned for long digit runs
first, which cost two thirds of orjson's parse). One difference is kept: NaN and Infinity are
written as ``null`` (``json`` writes ``NaN``, which is not JSON; only document metadata can hold
one). Output is compact (no space after ``,`` and ``:``), UTF-8 (never ``\\u`` escapes), and
aware datetimes are written as ``isoformat()`` writes them.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import msgspec
import orjson

from annotator.core.reports import Failure

JSONDecodeError = json.JSONDecodeError
_decode = msgspec.json.Decoder().decode
_DIGITS = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))
"""Every digit to ``0``, every other byte to a space: a byte-level scan for long numbers."""
_LONG_RUN = b"0" * 19
"""orjson reads an integer beyond 64 bits as a float; text with such a digit run (or a long
digit run in a string, a harmless false alarm) goes to ``json``, which keeps the integer."""


def loads(text: str | bytes) -> Any:
    """Decode one JSON value from text or UTF-8 bytes; invalid JSON raises
    :class:`json.JSONDecodeError` (its message), bytes that are not UTF-8
    :class:`UnicodeDecodeError`."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    try:
        return _decode(data)
    except msgspec.DecodeError:
        pass
    except RecursionError:
        # msgspec nests as deep as Python's recursion limit allows; orjson reads 1,024 levels
        if _LONG_RUN not in data.translate(_DIGITS):
            with contextlib.suppress(orjson.JSONDecodeError):
                return orjson.loads(data)
    return json.loads(text if isinstance(text, str) else text.decode("utf-8"))


def syntax_error(message: str, line: int | None, column: int) -> str:
    """A failure reason for invalid JSON that says where: ``json``'s messages end in "at" when
    they expect the place after them ("Invalid control character at")."""
    where = f"line {line}, column {column}" if line is not None else f"column {column}"
    return f"not valid JSON ({message.removesuffix(' at')} at {where})"


def json_lines(path: Path) -> Iterator[tuple[int, bytes] | Failure]:
    """The non-blank lines of a file as bytes, numbered from 1 as a text-mode reading would
    number them (``\r\n``, ``\r`` and ``\n`` each end a line), for :func:`loads`. Reading in
    binary skips decoding every line only for the decoder to encode it again. A file that cannot be
    opened is one Failure."""
    try:
        handle = path.open("rb")
    except OSError as error:
        yield Failure(str(path), None, f"cannot read ({error.strerror})", "ANN133")
        return
    number = 0
    with handle:
        for line in lines_of(handle):
            if b"\r" in line:
                ending = 2 if line.endswith(b"\r\n") else 1 if line.endswith((b"\r", b"\n")) else 0
                for part in _UNIVERSAL.split(line[: len(line) - ending]):
                    number += 1
                    if not _blank(part):
                        yield number, part
                continue
            number += 1
            if not _blank(line):
                yield number, line


def lines_of(handle: BinaryIO, block_size: int = 1 << 20) -> Iterator[bytes]:
    """The lines ``for line in handle`` gives (each with its ``\\n``), found with ``bytes.find``
    in blocks of ``block_size`` bytes: the buffered reader's line search goes byte by byte (~3
    instructions a byte: 20k for a Label Studio task of 20 spans)."""
    pieces: list[bytes] = []  # the start of a line that goes on in the next block
    while block := handle.read(block_size):
        start = 0
        end = block.find(b"\n")
        if end >= 0 and pieces:
            pieces.append(block[: end + 1])
            yield b"".join(pieces)
            pieces.clear()
            start = end + 1
            end = block.find(b"\n", start)
        while end >= 0:
            yield block[start : end + 1]
            start = end + 1
            end = block.find(b"\n", start)
        if start < len(block):
            pieces.append(block[start:])
    if pieces:
        yield b"".join(pieces)


_UNIVERSAL = re.compile(b"\r\n|\r|\n")


def _blank(line: bytes) -> bool:
    """Whether ``str.strip`` would leave nothing of the line (as a text-mode reader tests)."""
    stripped = line.strip()
    if not stripped:
        return True
    if stripped[0] in _JSON_START:
        return False  # the usual line: it starts like a JSON value
    try:
        return not stripped.decode("utf-8").strip()
    except UnicodeDecodeError:
        return False


_JSON_START = frozenset(b'{["-0123456789tfnNI"')


def dumps_bytes(value: Any, *, newline: bool = False) -> bytes:
    """Encode as UTF-8 JSON (plus ``\\n`` when ``newline``), as ``json.dumps(value,
    ensure_ascii=False, separators=(",", ":"))`` would."""
    try:
        return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE if newline else 0)
    except TypeError:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_default)
        return (text + "\n" if newline else text).encode("utf-8")


def dumps(value: Any) -> str:
    """Encode as a JSON string (see :func:`dumps_bytes`)."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_default)


def _default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
