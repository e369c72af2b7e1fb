"""Raw articles in, canonical text and metadata out."""

from annotator.ingest.clean import CleanedText, clean_scraped_text
from annotator.ingest.dates import parse_date
from annotator.ingest.dedup import Deduplicator, Duplicate, NearDuplicateIndex
from annotator.ingest.items import (
    FailureCode,
    IngestedDocument,
    IngestFailure,
    IngestItem,
)
from annotator.ingest.minhash import signature, similarity
from annotator.ingest.normalize import normalize_text
from annotator.ingest.options import IngestOptions
from annotator.ingest.pipeline import iter_record_batches, iter_records

__all__ = [
    "CleanedText",
    "Deduplicator",
    "Duplicate",
    "FailureCode",
    "IngestFailure",
    "IngestItem",
    "IngestOptions",
    "IngestedDocument",
    "NearDuplicateIndex",
    "clean_scraped_text",
    "iter_record_batches",
    "iter_records",
    "normalize_text",
    "parse_date",
    "signature",
    "similarity",
]
