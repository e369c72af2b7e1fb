"""Reading a JSON array written one item per line (as Label Studio and our exports write it).

:class:`~annotator.formats.spacy_jsonl.JsonStream` reads any JSON text, decoding it and then
encoding each item again for orjson. A file laid out as ``[``, one ``{...},`` a line, ``]`` is
read here as bytes, a line at a time, straight into the decoder. The first line that does not
fit that layout (a pretty-printed item, two on a line, a missing comma) is handed, with the rest
of the file, to a JsonStream that goes on from there: both give the same values, lines and
errors.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

from annotator.core.reports import Failure
from annotator.formats import jsontext
from annotator.formats.spacy_jsonl import JsonStream

_BOM = b"\xef\xbb\xbf"
_SPACE = b" \t\r\n"


def array_values(
    path: Path, first: Callable[[bytes], object | None] | None = None
) -> Iterator[tuple[int, object] | Failure]:
    """``(line, value)`` for each value of ``path`` as ``JsonStream(...).records(path)`` yields
    them (an array's items one by one); a file that cannot be opened is one Failure. Bytes that
    are not UTF-8 raise UnicodeDecodeError, as the text reader does.

    ``first``, when given, is tried on each one-line item before the usual decoder: what it
    returns (not ``None``) is yielded in the object's place. It must return ``None`` for a
    line that is not a JSON object by itself, so that the layout is read as before."""
    try:
        handle = path.open("rb")
    except OSError as error:
        yield Failure(str(path), None, f"cannot read ({error.strerror})", "ANN133")
        return
    with handle:
        state = "start"  # then "item" (an item is due), "after" (a "," or "]"), "end"
        number = 0
        ended = True  # the last line read ended with a newline
        read = 0
        consumed = 0  # bytes of the file up to the end of this line
        seekable = handle.seekable()
        for raw in jsontext.lines_of(handle) if seekable else handle:
            number += 1
            consumed += len(raw)
            ended = raw.endswith(b"\n")
            if number == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            line = raw.strip(_SPACE)
            if b"\r" in raw and raw.count(b"\r") > raw.endswith(b"\r\n"):
                pass  # a lone CR ends a line for the text reader: the stream counts lines
            elif not line:
                continue
            elif state == "start" and line == b"[":
                state = "item"
                continue
            elif line == b"]" and (state == "after" or (state == "item" and not read)):
                state = "end"
                continue
            elif state == "item" and line[:1] == b"{":
                comma = line[-1:] == b","
                body = line[:-1].rstrip(_SPACE) if comma else line
                value = None
                if body[-1:] == b"}":
                    value = first(body) if first is not None else None
                    if value is None:
                        value = _item(body)
                if value is not None:
                    read += 1
                    yield number, value
                    state = "item" if comma else "after"
                    continue
            # anything else: the stream reads on from this line
            if seekable:
                handle.seek(consumed)  # lines_of read ahead of the line
            rest = io.TextIOWrapper(handle, encoding="utf-8")
            inside = state if state in ("item", "after") else ""
            text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read as text
            stream = JsonStream(rest, text, first_line=number, inside=inside)
            yield from stream.records(path)
            return
        if state in ("item", "after"):  # the array is not closed: the stream says so
            last = number + 1 if ended else number
            yield from JsonStream(io.StringIO(), first_line=last, inside=state).records(path)


def _item(line: bytes) -> dict[str, object] | None:
    """The object the line holds by itself, or None."""
    try:
        value = jsontext.loads(line)
    except jsontext.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
