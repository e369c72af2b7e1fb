"""The outline read never visits the spans table for a contiguous span on SQLite: both of its
queries are answered from the indexes of migration 0005 (checked with SQLite's own plan)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from annotator.core.document import DocumentDraft
from annotator.core.ids import DocumentId
from annotator.storage.bulk import DraftWithSpans, SpanDraft
from annotator.storage.database import ProjectDatabase
from annotator.storage.engine import make_engine, resolve_url
from annotator.storage.span_outline import read_outline

TEXT = "Rebels shelled Aleppo on Monday, officials in Damascus said."


def test_outline_queries_use_the_covering_and_the_partial_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'annotations.sqlite'}"
    database = ProjectDatabase.open(url, tmp_path)
    database.bulk_add(
        [
            DraftWithSpans(
                DocumentDraft(TEXT),
                "t:1",
                (
                    SpanDraft("ACTOR", 0, 6),
                    SpanDraft("CLAIM", 0, 21, fragments=((0, 6), (15, 21))),
                ),
            )
        ],
        datetime(2026, 3, 1, tzinfo=UTC),
    )
    database.close()
    engine = make_engine(resolve_url(url, tmp_path))
    statements: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    with engine.connect() as connection:
        outline = read_outline(connection, DocumentId(1), None)
        selects = [(sql, p) for sql, p in statements if sql.startswith("SELECT")]
        plans = [
            " ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", p))
            for sql, p in selects
        ]
    engine.dispose()
    assert outline.labels == {1: "ACTOR", 2: "CLAIM"}
    assert outline.pieces == {2: ((0, 6), (15, 21))}
    assert plans == [
        "SEARCH spans USING COVERING INDEX ix_spans_document_extent (document_id=?)",
        "SEARCH spans USING INDEX ix_spans_document_pieced (document_id=?)",
    ]


def test_the_unnamed_layer_outline_holds_the_spans_without_annotator(
    database_url: str, tmp_path: Path
) -> None:
    # blind annotation under an empty name sees the spans with no annotator (only_layer(.., ""));
    # annotator_id = (SELECT id ... name = '') is never true, so the outline was empty
    database = ProjectDatabase.open(database_url, tmp_path)
    (document_id,) = database.bulk_add(
        [
            DraftWithSpans(
                DocumentDraft(TEXT),
                "t:1",
                (
                    SpanDraft("ACTOR", 0, 6),
                    SpanDraft("PLACE", 15, 21, annotator="ana"),
                    SpanDraft("CLAIM", 0, 21, fragments=((0, 6), (15, 21))),
                ),
            )
        ],
        datetime(2026, 3, 1, tzinfo=UTC),
    )
    annotated = database.annotated(document_id)
    found = database.outlined(document_id, "")
    database.close()
    assert annotated is not None
    assert found is not None
    unnamed = {int(span.id): span.label for span in annotated.spans if span.annotator == ""}
    assert found[1].labels == unnamed
    assert set(found[1].pieces) == {i for i, label in unnamed.items() if label == "CLAIM"}
