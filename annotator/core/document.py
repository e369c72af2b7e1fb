"""Documents: immutable article text with its metadata and annotation status."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from annotator.core.ids import DocumentId

JsonValue = Any
"""A value that survives ``json.dumps``/``json.loads`` unchanged."""


class DocumentStatus(StrEnum):
    """Where a document stands in the annotation workflow."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"new": "New", "in_progress": "In progress", "done": "Done"}[self.value]


def content_hash(text: str) -> str:
    """The identity of a text for exact de-duplication: SHA-256 of its NFC UTF-8 form."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class RawSource:
    """The original input an article was made from, kept for provenance."""

    name: str
    """Where it came from: a path, ``archive.zip!inner/path.html`` or ``dump.jsonl:17``."""
    content: bytes
    media_type: str = "text/plain"


@dataclass(frozen=True, slots=True)
class DocumentDraft:
    """An article ready to be stored: cleaned text plus what is known about it."""

    text: str
    title: str = ""
    source: str = ""
    """The outlet or site, e.g. ``Reuters`` or ``example.org``."""
    url: str = ""
    published: date | None = None
    metadata: Mapping[str, JsonValue] = field(default_factory=dict)
    external_id: str = ""
    """The id the input gave the article (a JSONL ``id`` field), if any."""
    raw: RawSource | None = None
    content_hash: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "content_hash", content_hash(self.text))


@dataclass(frozen=True, slots=True)
class Document:
    """A stored document. Its text never changes once imported, so offsets stay valid."""

    id: DocumentId
    text: str
    content_hash: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: date | None = None
    metadata: Mapping[str, JsonValue] = field(default_factory=dict)
    external_id: str = ""
    status: DocumentStatus = DocumentStatus.NEW
    version: int = 1
    created_at: datetime | None = None
    comment: str = ""

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        first_line = self.text.strip().split("\n", 1)[0]
        return first_line[:80] + ("…" if len(first_line) > 80 else "")


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One row of the document list: what a list view shows, without the text."""

    id: DocumentId
    title: str
    source: str
    published: date | None
    status: DocumentStatus
    span_count: int
    length: int


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """Which documents a list shows: by status and by a case-insensitive title search."""

    status: DocumentStatus | None = None
    title_contains: str = ""
    assigned_to: str = ""
    """Only documents assigned to this annotator (their queue)."""
