"""Which reader a file needs: by extension, else by sniffing its first bytes."""

from __future__ import annotations

from typing import Literal

from annotator.ingest.encoding import bom_encoding
from annotator.ingest.items import FailureCode, RefusedError
from annotator.ingest.options import FormatName

Kind = Literal["text", "html", "jsonl", "json", "csv", "tsv", "zip"]

EXTENSIONS: dict[str, Kind] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonlines": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".zip": "zip",
}
UNSUPPORTED = frozenset(
    {
        ".pdf",
        ".doc",
        ".docx",
        ".odt",
        ".rtf",
        ".xls",
        ".xlsx",
        ".ods",
        ".ppt",
        ".pptx",
        ".epub",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".7z",
        ".rar",
        ".tar",
        ".xml",
    }
)
"""Extensions refused outright (office documents, other archives, bare XML)."""
SNIFF_BYTES = 4096
_HTML_MARKERS = ("<html", "<!doctype html", "<head", "<body", "<article", "<p>", "<div")


def _unsupported(what: str) -> RefusedError:
    return RefusedError(
        f"unsupported file type ({what}): import text, HTML, JSONL, JSON, CSV, TSV or zip",
        FailureCode.BINARY,
    )


def kind_from_name(name: str) -> Kind | None:
    """The kind an extension names, if any; raises ``RefusedError`` for unsupported ones."""
    dot = name.rfind(".")
    if dot <= 0:
        return None
    extension = name[dot:].lower()
    if extension in UNSUPPORTED:
        raise _unsupported(extension)
    return EXTENSIONS.get(extension)


def sniff(head: bytes) -> Kind:
    """The kind of a file from its first bytes; plain text when nothing else fits (binary data
    is refused later, when it is decoded). Raises ``RefusedError`` for XML that is not HTML."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    codec = bom_encoding(head) or "utf-8"
    start = head.decode(codec, errors="replace").lstrip("\ufeff \t\r\n").lower()
    if start.startswith("{"):
        return "jsonl"
    if start.startswith("["):
        return "json"
    if any(marker in start[:2048] for marker in _HTML_MARKERS):
        return "html"
    if start.startswith(("<?xml", "<!doctype")):
        raise _unsupported("XML")
    return "text"


def detect_kind(name: str, head: bytes | None, override: FormatName = "auto") -> Kind | None:
    """The reader for ``name``; None when the first bytes are needed (pass them as ``head``).

    A format override applies to every file except archives.
    """
    if name.lower().endswith(".zip") or (head is not None and head.startswith(b"PK\x03\x04")):
        return "zip"
    if override != "auto":
        return override
    by_name = kind_from_name(name)
    if by_name is not None:
        return by_name
    return sniff(head) if head is not None else None
