"""Reports of batch operations: what was imported, skipped as a duplicate, or failed and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.ids import DocumentId


@dataclass(frozen=True, slots=True)
class Failure:
    """One input that could not be used, with where it is and why."""

    file: str
    line: int | None
    reason: str
    code: str = "ANN130"

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def __str__(self) -> str:
        return f"{self.where}: {self.reason} [{self.code}]"


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input left out on purpose: a duplicate of a document already in the project."""

    origin: str
    reason: str
    duplicate_of: DocumentId | None = None


@dataclass(slots=True)
class ImportReport:
    imported: list[DocumentId] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        text = (
            f"{len(self.imported)} imported, {len(self.skipped)} skipped as duplicates, "
            f"{len(self.failures)} failed"
        )
        return text + (" (cancelled)" if self.cancelled else "")
