"""What an import may read and how: field mapping, format override, limits, cleaning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from annotator.core.errors import UserError

FormatName = Literal["auto", "text", "html", "jsonl", "json", "csv", "tsv"]
NbspPolicy = Literal["keep", "space"]

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """Settings for one import; every field has a safe default.

    Field names (``text_field`` ...) override the automatic detection for JSON and CSV
    records; a dotted name (``source.name``) reaches into nested JSON objects.
    """

    text_field: str | None = None
    title_field: str | None = None
    url_field: str | None = None
    date_field: str | None = None
    id_field: str | None = None
    source_field: str | None = None
    format: FormatName = "auto"
    """Read every file as this format instead of detecting it (archives stay archives)."""
    clean: bool = True
    """Clean plain text (scraped-text rules); HTML is always extracted and filtered."""
    nbsp: NbspPolicy = "keep"
    """``keep``: a lone U+00A0 stays (runs of spaces around it still collapse); ``space``."""
    max_file_bytes: int = 64 * MIB
    """Largest single article file (text, HTML) and largest archive entry read whole."""
    max_record_bytes: int = 16 * MIB
    """Largest JSONL line, CSV record or JSON array element."""
    zip_max_ratio: float = 100.0
    """Refuse an archive entry that expands more than this many times (entries over 1 MiB)."""
    zip_max_total_bytes: int = 4096 * MIB
    """Refuse an archive whose entries (nested archives included) add up to more than this."""
    zip_max_entries: int = 100_000
    zip_max_depth: int = 3
    """How deep archives inside archives are opened."""
    near_duplicate_threshold: float = 0.7
    """Estimated Jaccard similarity of word 3-shingles from which two texts are duplicates."""
    keep_duplicates: bool = False
    """Read by the import service: import duplicates instead of skipping them."""
    signatures: bool = True
    """Compute a MinHash signature for every document (for near-duplicate detection)."""
    keep_raw: bool = True
    """Attach the original input to every draft for provenance."""

    def __post_init__(self) -> None:
        if not 0.0 < self.near_duplicate_threshold <= 1.0:
            raise UserError(
                f"near-duplicate threshold must be in (0, 1], got {self.near_duplicate_threshold}"
            )
        for name in ("max_file_bytes", "max_record_bytes", "zip_max_total_bytes"):
            if getattr(self, name) <= 0:
                raise UserError(f"{name} must be positive, got {getattr(self, name)}")
        if self.zip_max_ratio < 1 or self.zip_max_entries < 1 or self.zip_max_depth < 0:
            raise UserError("archive limits must be positive")
