"""What an import yields: a document draft with its origin, or a failure with a code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from annotator.core.document import DocumentDraft
from annotator.core.errors import InputFileError


class FailureCode(StrEnum):
    """Stable codes of the reasons an input is refused (all ``InputFileError`` codes)."""

    UNREADABLE = "ANN130"
    """Missing, unreadable or vanished file."""
    TOO_LARGE = "ANN131"
    """Over ``max_file_bytes`` or ``max_record_bytes``."""
    BINARY = "ANN132"
    """Binary data or text in no encoding that can be detected."""
    MALFORMED = "ANN133"
    """A broken JSON line, CSV record, JSON array or archive."""
    HOSTILE = "ANN134"
    """Markup that declares entities (entity expansion, external entities)."""
    UNSAFE_ENTRY = "ANN135"
    """An archive entry with an absolute or ``..`` path, a link, or encryption."""
    ARCHIVE_LIMIT = "ANN136"
    """An archive over the expansion ratio, total size, entry count or nesting limits."""
    NO_TEXT = "ANN137"
    """No text field, or nothing left after extraction and cleaning."""
    EXTRACTION = "ANN139"
    """A parser failed unexpectedly on this input."""


class RefusedError(InputFileError):
    """Raised inside ingest when one input is refused; turned into an ``IngestFailure``."""

    def __init__(self, reason: str, code: FailureCode, *, line: int | None = None) -> None:
        super().__init__(reason, code=code.value)
        self.reason = reason
        self.line = line


@dataclass(frozen=True, slots=True)
class IngestedDocument:
    """An article ready to store, with where it came from."""

    origin: str
    """Stable key of this record: ``/abs/a.html``, ``/abs/d.jsonl:17``, ``/abs/a.json[3]``,
    ``/abs/x.zip!inner/d.csv:4``. The same input always gives the same origins."""
    file: str
    """The file it came from: a path or ``archive.zip!entry``."""
    line: int | None
    """1-based line of the record (JSONL, CSV, JSON arrays); None for whole files."""
    draft: DocumentDraft
    signature: bytes = b""
    """MinHash signature of ``draft.text`` (see ``annotator.ingest.minhash``); empty if off."""


@dataclass(frozen=True, slots=True)
class IngestFailure:
    """An input that could not be imported; the batch goes on without it."""

    origin: str
    file: str
    line: int | None
    reason: str
    code: str

    @property
    def location(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    @property
    def message(self) -> str:
        """``file:line: reason`` (what a report prints, before the code)."""
        return f"{self.location}: {self.reason}"

    def error(self) -> InputFileError:
        """The failure as the error type the rest of the program reports."""
        return InputFileError(self.message, code=self.code)

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"


IngestItem = IngestedDocument | IngestFailure


def failure(
    origin: str, file: str, refused: RefusedError, line: int | None = None
) -> IngestFailure:
    """Turn a refusal raised for one input into the failure item reported for it."""
    return IngestFailure(
        origin=origin,
        file=file,
        line=refused.line if refused.line is not None else line,
        reason=refused.reason,
        code=refused.code,
    )
