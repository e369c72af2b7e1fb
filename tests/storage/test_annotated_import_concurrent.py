"""Annotation imports store new documents and relations right (another writer on PostgreSQL,
repeated spans)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from annotator.core.document import DocumentDraft
from annotator.core.errors import DatabaseError
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.storage.database import ProjectDatabase
from annotator.storage.engine import make_engine, resolve_url
from annotator.storage.team import log_changes

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
TEXT = "Rebels shelled Aleppo."


def test_spans_go_to_the_document_this_import_created(postgres_url: str, tmp_path: Path) -> None:
    # Another team member adds the same text between this import's lookup of known texts and
    # its insert (READ COMMITTED sees their commit): the spans must still go to the document
    # this import inserted, not to theirs, and that document must not be left empty.
    mine = ProjectDatabase.open(postgres_url, tmp_path)
    theirs = ProjectDatabase.open(postgres_url, tmp_path)
    theirs_ids: list[int] = []

    def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # right after this import looked up which texts the project already has
        if statement.startswith("SELECT content_hash, min(id) FROM documents") and not theirs_ids:
            theirs_ids.extend(theirs.add_documents([(DocumentDraft(TEXT), "theirs")], T0))

    event.listen(mine._engine, "after_cursor_execute", after)
    try:
        item = AnnotatedDraft(DocumentDraft(TEXT), "mine.jsonl:1", (SpanRecord("a", "X", 0, 6),))
        with mine.annotation_writer(T0, "ana") as store:
            (stored,) = store([item])
    finally:
        event.remove(mine._engine, "after_cursor_execute", after)
    assert theirs_ids
    assert stored.created
    assert stored.document_id != theirs_ids[0]
    engine = make_engine(resolve_url(postgres_url, tmp_path))
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT document_id, count(*) FROM spans GROUP BY document_id")
        ).all()
        counts = {int(row[0]): int(row[1]) for row in rows}
    engine.dispose()
    mine.close()
    theirs.close()
    assert counts == {stored.document_id: 1}


def test_a_relation_to_a_repeated_span_goes_to_the_first(database_url: str, tmp_path: Path) -> None:
    # A span repeated in the same batch is stored once; a relation naming the repeat must go
    # to the stored one, as it does when the first copy came in an earlier batch (it was lost)
    database = ProjectDatabase.open(database_url, tmp_path)
    spans = (
        SpanRecord("a", "ACTOR", 0, 6),
        SpanRecord("b", "ACTOR", 0, 6),
        SpanRecord("c", "PLACE", 15, 21),
    )
    item = AnnotatedDraft(
        DocumentDraft(TEXT), "in.jsonl:1", spans, (RelationRecord("at", "b", "c"),)
    )
    with database.annotation_writer(T0, "ana") as store:
        (stored,) = store([item])
    found = database.annotated(stored.document_id)
    database.close()
    assert found is not None
    assert (stored.spans_added, stored.spans_skipped, stored.relations_added) == (2, 1, 1)
    ids = {span.label: span.id for span in found.spans}
    assert [(r.type, r.source, r.target) for r in found.relations] == [
        ("at", ids["ACTOR"], ids["PLACE"])
    ]


def test_an_import_logs_its_changes_after_what_others_committed_meanwhile(
    postgres_url: str, tmp_path: Path
) -> None:
    # Other machines poll the edit log looking back 200 ids for late commits (ChangeFeed). An
    # import that took its log ids batch by batch, minutes before its commit, fell behind the
    # ids of edits committed meanwhile: its changes were never seen elsewhere.
    mine = ProjectDatabase.open(postgres_url, tmp_path)
    (before,) = mine.add_documents([(DocumentDraft("Another text."), "other")], T0)
    engine = make_engine(resolve_url(postgres_url, tmp_path))
    items = [
        AnnotatedDraft(DocumentDraft(f"{TEXT} {i}"), f"in:{i}", (SpanRecord("a", "X", 0, 6),))
        for i in range(3)
    ]
    with mine.annotation_writer(T0, "ana") as store:
        store(items)
        with engine.begin() as connection:  # another member's edit, committed meanwhile
            (theirs,) = log_changes(connection, [before], None, T0)
    engine.dispose()
    mine_ids = [change.log_id for change in mine.changes_after(theirs) if change.own]
    mine.close()
    assert len(mine_ids) == 3


def test_a_batch_whose_document_insert_fails_stores_nothing(
    database_url: str, tmp_path: Path
) -> None:
    """The documents go in with ``INSERT OR FAIL`` on SQLite (no statement journal): the rows
    before a failing one stay in the statement, and the import's rollback takes them out."""
    database = ProjectDatabase.open(database_url, tmp_path)
    items = [
        AnnotatedDraft(DocumentDraft(f"{TEXT} {i}"), f"in:{i}", (SpanRecord("a", "X", 0, 6),))
        for i in range(300)
    ]
    object.__setattr__(items[200].draft, "title", None)  # NOT NULL: row 201 of 300 fails
    try:
        with pytest.raises(DatabaseError), database.annotation_writer(T0, "ana") as store:
            store(items)
        assert database.count_documents() == 0
        kept = [replace(item, draft=DocumentDraft(item.draft.text)) for item in items]
        with database.annotation_writer(T0, "ana") as store:
            stored = store(kept)
        assert [s.created for s in stored] == [True] * 300
        assert database.count_documents() == 300
    finally:
        database.close()
