"""The bulk insert path stores fragments and comments like the edit path does."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from annotator.core.document import DocumentDraft
from annotator.storage.bulk import DraftWithSpans, SpanDraft
from annotator.storage.database import ProjectDatabase

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_bulk_spans_keep_fragments_and_comments(database_url: str, tmp_path: Path) -> None:
    db = ProjectDatabase.open(database_url, tmp_path)
    try:
        spans = [
            SpanDraft("CLAIM", 0, 20, fragments=((0, 5), (12, 20)), comment="two parts"),
            SpanDraft("ACTOR", 6, 11),
        ]
        [doc] = db.bulk_add([DraftWithSpans(DocumentDraft("a" * 30), "bulk", spans)], T0)
        stored = db.spans(doc)
        assert [(s.label, s.pieces, s.comment) for s in stored] == [
            ("CLAIM", ((0, 5), (12, 20)), "two parts"),
            ("ACTOR", ((6, 11),), ""),
        ]
    finally:
        db.close()
