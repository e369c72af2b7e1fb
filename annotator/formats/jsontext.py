"""Fast JSON for the JSON-family formats: orjson, with the standard library as the fallback.

orjson encodes and decodes several times faster than ``json``. It refuses a few things ``json``
accepts (integers beyond 64 bits, NaN and Infinity, lone surrogates); those values go through
``json`` so that what is read or written never depends on which library handled it, and errors
keep the ``json`` messages the importers report. Output is compact (no space after ``,`` and
``:``), UTF-8 (never ``\\u`` escapes), and aware datetimes are written as ``isoformat()`` would.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import orjson

JSONDecodeError = json.JSONDecodeError


def loads(text: str | bytes) -> Any:
    """Decode one JSON value; invalid JSON raises :class:`json.JSONDecodeError` (its message)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
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
