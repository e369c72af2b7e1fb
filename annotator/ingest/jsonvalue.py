"""One JSON record from its raw bytes: orjson where it decodes as ``json`` would, else ``json``."""

from __future__ import annotations

import json
from typing import Any

import orjson

from annotator.ingest.encoding import decode_fragment

_SCALARS = frozenset({str, int, bool, type(None)})


def _has_float(value: Any) -> bool:
    """Whether a decoded value holds a float anywhere (iteratively: nesting can be deep)."""
    if type(value) is dict and _SCALARS.issuperset(map(type, value.values())):
        return False  # a flat record, the usual case
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)  # orjson makes exactly these types, never subclasses
        if kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is float:
            return True
    return False


def loads_record(raw: bytes, encoding: str) -> Any:
    """Decode a JSON line or element of a file in ``encoding``.

    orjson decodes valid UTF-8 several times faster than ``json``. It refuses what ``json``
    accepts or reports differently (NaN, lone surrogates, a BOM, invalid UTF-8, bad syntax):
    then ``json`` decodes the text as before and raises its own ``JSONDecodeError``. orjson reads
    an integer beyond 64 bits as a float, so a value holding any float is decoded by ``json``
    again (floats are rare in article records). Raises ``RefusedError`` when the bytes cannot
    be decoded at all.
    """
    if encoding == "utf-8":
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
        else:
            if not _has_float(value):
                return value
    return json.loads(decode_fragment(raw, encoding))
