"""WebAnno TSV 3 escaping, as INCEpTION's ``Escaping`` does it (TSV 3.2 and later).

Feature values escape ``\\ [ ] | _ -> ; * TAB LF`` with a backslash (TAB and LF as ``\\t`` and
``\\n``). Sentence text on ``#Text=`` lines escapes the backslash, TAB, LF, CR, form feed and
backspace as ``\\\\ \\t \\n \\r \\f \\b``, and every other C0 control character except U+000B
(vertical tab, written as is) as a backslash followed by the character itself. Unescaping replaces
exactly those sequences, left to right; a backslash before anything else stays.
"""

from __future__ import annotations

import re

_VALUE_ESCAPES = {
    "\\": "\\\\",
    "[": "\\[",
    "]": "\\]",
    "|": "\\|",
    "_": "\\_",
    ";": "\\;",
    "\t": "\\t",
    "\n": "\\n",
    "*": "\\*",
}
_VALUE_TABLE = str.maketrans(_VALUE_ESCAPES)
_VALUE_UNESCAPES = {escaped: raw for raw, escaped in _VALUE_ESCAPES.items()} | {"\\->": "->"}
_VALUE_SEQUENCE = re.compile(r"\\(?:->|[\\\[\]|_;*tn])")

_TEXT_NAMED = {"\t": "\\t", "\n": "\\n", "\x0c": "\\f", "\r": "\\r", "\x08": "\\b", "\\": "\\\\"}
_TEXT_ESCAPES = {
    chr(code): "\\" + chr(code) for code in range(32) if not 8 <= code <= 13
} | _TEXT_NAMED
_TEXT_TABLE = str.maketrans(_TEXT_ESCAPES)
_TEXT_UNESCAPES = {escaped: raw for raw, escaped in _TEXT_ESCAPES.items()}
_TEXT_SEQUENCE = re.compile(
    "|".join(re.escape(escaped) for escaped in sorted(_TEXT_UNESCAPES, key=len, reverse=True))
)


def escape_value(value: str) -> str:
    """A feature value as a TSV cell holds it."""
    return value.translate(_VALUE_TABLE).replace("->", "\\->")


def unescape_value(value: str) -> str:
    """The feature value a TSV cell holds."""
    if "\\" not in value:
        return value
    return _VALUE_SEQUENCE.sub(lambda m: _VALUE_UNESCAPES[m[0]], value)


def escape_text(text: str) -> str:
    """One line of sentence text as a ``#Text=`` line holds it."""
    return text.translate(_TEXT_TABLE)


def unescape_text(text: str) -> str:
    """The sentence text a ``#Text=`` line holds."""
    if "\\" not in text:
        return text
    return _TEXT_SEQUENCE.sub(lambda m: _TEXT_UNESCAPES[m[0]], text)
