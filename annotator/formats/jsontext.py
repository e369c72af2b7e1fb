"""Fast JSON for the JSON-family formats: orjson, with the standard library as the fallback.

orjson encodes and decodes several times faster than ``json``. Where it would differ, ``json``
does the work, so that a value never depends on which library handled it: text with integers
beyond 64 bits (orjson would read them as floats), NaN, Infinity or lone surrogates is decoded
by ``json``, values orjson cannot encode (huge integers) are encoded by ``json``, and invalid
JSON raises ``json``'s error with its message. One difference is kept: NaN and Infinity are
written as ``null`` (``json`` writes ``NaN``, which is not JSON; only document metadata can hold
one). Output is compact (no space after ``,`` and ``:``), UTF-8 (never ``\\u`` escapes), and
aware datetimes are written as ``isoformat()`` writes them.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import orjson

JSONDecodeError = json.JSONDecodeError
_DIGITS = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))
"""Every digit to ``0``, every other byte to a space: a byte-level scan for long numbers."""
_LONG_RUN = b"0" * 19
"""orjson reads an integer beyond 64 bits as a float; text with such a digit run (or a long
digit run in a string, a harmless false alarm) goes to ``json``, which keeps the integer."""


def loads(text: str) -> Any:
    """Decode one JSON value; invalid JSON raises :class:`json.JSONDecodeError` (its message)."""
    data = text.encode("utf-8", "surrogatepass")
    if _LONG_RUN not in data.translate(_DIGITS):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


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
