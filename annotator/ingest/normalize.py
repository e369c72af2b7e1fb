"""Character-level normalisation applied to every imported text: line ends, NFC, controls, NBSP."""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from annotator.ingest.options import NbspPolicy

_LINE_BREAKS = {
    0x0B: "\n",  # vertical tab
    0x0C: "\n",  # form feed
    0x1C: "\n",
    0x1D: "\n",
    0x1E: "\n",
    0x85: "\n",  # NEL
    0x2028: "\n",  # line separator
    0x2029: "\n",  # paragraph separator
}
_CONTROLS = {
    cp: None
    for cp in [*range(0x20), 0x7F, *range(0x80, 0xA0)]
    if cp not in (0x09, 0x0A) and cp not in _LINE_BREAKS
}
_TABLE: dict[int, str | None] = {**_CONTROLS, **_LINE_BREAKS, 0xFEFF: None}
_TABLE_NBSP_SPACE: dict[int, str | None] = {**_TABLE, 0xA0: " "}
_SURROGATE = re.compile("[\ud800-\udfff]")
_NEEDS_TRANSLATE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]")


_PRINTABLE_ASCII = bytes([*range(0x20, 0x7F), 0x09, 0x0A])
_NUMPY_FROM = 1024
_SPACE = np.uint8(0x20)


def _clean_ascii(text: str) -> bool:
    """An ASCII text with no control characters besides LF and tab (the common case, fast).

    A short text: deleting the allowed bytes leaves nothing (a third of the instructions of
    ``isprintable``). A long one (an article body): its bytes under 0x20, picked out in numpy,
    must all be LF or tab, and there is no DEL (``translate`` and ``count`` go byte by byte)."""
    if not text.isascii():
        return False
    data = text.encode("ascii")
    if len(data) < _NUMPY_FROM:
        return not data.translate(None, _PRINTABLE_ASCII)
    array = np.frombuffer(data, dtype=np.uint8)
    controls = array[array < _SPACE].tobytes()  # a few line breaks and tabs, usually
    return not controls.translate(None, b"\n\t") and b"\x7f" not in data


def normalize_text(text: str, *, nbsp: NbspPolicy = "keep") -> str:
    """CRLF/CR to LF, other line separators to LF, control characters and BOMs removed,
    lone surrogates replaced by U+FFFD, NFC; tabs and LF kept. Leading and trailing
    whitespace is left alone (callers strip).

    NBSP decision: U+00A0 is kept by default. It is a real character (``10\u00a0km``, French
    punctuation), it is one code point so offsets stay exact, and the viewer renders it as a space.
    Only where it sits inside a run of whitespace that the scraped-text cleaner collapses does it
    disappear with the run. ``nbsp="space"`` turns every NBSP into U+0020 instead.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _clean_ascii(text):
        return text
    if nbsp == "space":
        text = text.translate(_TABLE_NBSP_SPACE)
    elif _NEEDS_TRANSLATE.search(text):
        text = text.translate(_TABLE)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _SURROGATE.sub("\ufffd", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text
