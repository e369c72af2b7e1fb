"""The project database on SQLite and PostgreSQL: edits, locking, paging, pragmas, migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from annotator.core.annotation import Relation, Span
from annotator.core.document import DocumentDraft, DocumentFilter, DocumentStatus, RawSource
from annotator.core.edits import (
    AddRelation,
    AddSpan,
    Batch,
    Edit,
    EditApplier,
    RelabelSpan,
    RemoveRelation,
    RetypeRelation,
    SetAttribute,
    SetDocumentComment,
    SetRelationComment,
)
from annotator.core.errors import DatabaseError, DatabaseVersionError, StaleDataError, UserError
from annotator.core.ids import DocumentId
from annotator.core.memory_store import MemoryStore
from annotator.storage import migrate
from annotator.storage.database import ProjectDatabase
from annotator.storage.engine import SQLITE_PAGE_SIZE, make_engine, resolve_url

from ..core.edit_strategies import SCHEMA, edit_for

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
TEXT = (
    "Rebels shelled Aleppo on 3 May 2016.\nThe ministry 🏛 said 12 civilians died in Aleppo’s east."
)


@pytest.fixture
def db(database_url: str, tmp_path: Path) -> Iterator[ProjectDatabase]:
    database = ProjectDatabase.open(database_url, tmp_path)
    yield database
    database.close()


def add_docs(db: ProjectDatabase, count: int, prefix: str = "doc") -> list[DocumentId]:
    drafts = [
        (DocumentDraft(f"{prefix} {i} text of the article.", title=f"{prefix} title {i}"), f"o{i}")
        for i in range(count)
    ]
    return db.add_documents(drafts, T0)


def test_documents_round_trip_with_provenance(db: ProjectDatabase) -> None:
    draft = DocumentDraft(
        TEXT,
        title="Aleppo",
        source="Meridian Wire",
        url="https://example.org/a",
        published=datetime(2016, 5, 3).date(),
        metadata={"author": "A. Writer", "tags": ["x", "y"]},
        external_id="ext-1",
        raw=RawSource("dump.jsonl:1", b'{"text": "..."}', "application/json"),
    )
    [doc_id] = db.add_documents([(draft, "dump.jsonl:1")], T0)
    doc = db.document(doc_id)
    assert doc is not None
    assert doc.text == TEXT
    assert (doc.title, doc.source, doc.url, doc.external_id) == (
        "Aleppo",
        "Meridian Wire",
        "https://example.org/a",
        "ext-1",
    )
    assert doc.published == draft.published
    assert doc.metadata == {"author": "A. Writer", "tags": ["x", "y"]}
    assert doc.content_hash == draft.content_hash
    assert doc.status is DocumentStatus.NEW
    assert doc.created_at == T0
    assert db.existing_hashes([draft.content_hash, "0" * 64]) == {draft.content_hash}
    assert db.existing_origins(["dump.jsonl:1", "other"]) == {"dump.jsonl:1"}


def test_edits_commit_and_return_changes_and_inverse(db: ProjectDatabase) -> None:
    [doc_id] = db.add_documents([(DocumentDraft(TEXT), "x")], T0)
    claim = db.apply(AddSpan(doc_id, "CLAIM", 57, 91, {"certainty": "reported"}, "ana"), SCHEMA, T0)
    actor = db.apply(AddSpan(doc_id, "ACTOR", 37, 49, {}, "ben"), SCHEMA, T0)
    claim_span = claim.changes.spans_added[0]
    actor_span = actor.changes.spans_added[0]
    assert claim.changes.documents_started == (doc_id,)
    assert actor.changes.documents_started == ()
    relation = db.apply(
        AddRelation(doc_id, "ATTRIBUTED_TO", claim_span.id, actor_span.id, "ana"), SCHEMA, T0
    )
    loaded = db.annotated(doc_id)
    assert loaded is not None
    assert [s.label for s in loaded.spans] == ["ACTOR", "CLAIM"]  # by start offset
    assert TEXT[loaded.spans[1].start : loaded.spans[1].end] == "12 civilians died in Aleppo’s east"
    assert loaded.spans[1].annotator == "ana"
    assert loaded.spans[0].annotator == "ben"
    assert loaded.relations == relation.changes.relations_added
    assert loaded.document.status is DocumentStatus.IN_PROGRESS
    removed = db.apply(actor.inverse, SCHEMA, T0)  # undo the ACTOR: its relation goes too
    assert removed.changes.relations_removed == relation.changes.relations_added
    db.apply(removed.inverse, SCHEMA, T0)
    again = db.annotated(doc_id)
    assert again is not None
    assert [s.content() for s in again.spans] == [s.content() for s in loaded.spans]
    assert [r.content() for r in again.relations] == [r.content() for r in loaded.relations]


def test_optimistic_locking_refuses_a_stale_update(
    database_url: str, tmp_path: Path, db: ProjectDatabase
) -> None:
    [doc_id] = db.add_documents([(DocumentDraft(TEXT), "x")], T0)
    span = db.apply(AddSpan(doc_id, "ACTOR", 0, 6), SCHEMA, T0).changes.spans_added[0]
    other = ProjectDatabase.open(database_url, tmp_path)  # a second annotator's connection
    try:
        other.apply(SetAttribute(span.id, "kind", "state", expected_version=1), SCHEMA, T0)
        with pytest.raises(StaleDataError, match="changed by someone else"):
            db.apply(RelabelSpan(span.id, "LOCATION", expected_version=1), SCHEMA, T0)
    finally:
        other.close()
    [current] = db.spans(doc_id)
    assert (current.label, current.version, dict(current.attributes)) == (
        "ACTOR",
        2,
        {"kind": "state"},
    )
    document = db.document(doc_id)
    assert document is not None
    db.set_status(doc_id, DocumentStatus.DONE, document.version, T0)
    with pytest.raises(StaleDataError):
        db.set_status(doc_id, DocumentStatus.NEW, document.version, T0)


def test_a_failed_batch_changes_nothing(db: ProjectDatabase) -> None:
    [doc_id] = db.add_documents([(DocumentDraft(TEXT), "x")], T0)
    bad = Batch((AddSpan(doc_id, "ACTOR", 0, 6), AddSpan(doc_id, "ACTOR", 5, 500)))
    with pytest.raises(UserError, match="outside the text"):
        db.apply(bad, SCHEMA, T0)
    assert db.spans(doc_id) == []
    document = db.document(doc_id)
    assert document is not None
    assert document.status is DocumentStatus.NEW


def test_paging_filtering_and_long_in_lists(db: ProjectDatabase) -> None:
    ids = add_docs(db, 1203)
    more = add_docs(db, 3, prefix="special")
    assert db.count_documents() == 1206
    summaries = db.summaries(ids[::-1])
    assert [s.id for s in summaries] == ids[::-1]  # 1203 ids: chunked IN lists keep order
    first = db.page(DocumentFilter(), None, 100)
    second = db.page(DocumentFilter(), first[-1].id, 100)
    assert [s.id for s in first + second] == ids[:200]
    assert db.document_ids(DocumentFilter(title_contains="SPECIAL")) == more
    assert db.document_ids(DocumentFilter(title_contains="%")) == []
    db.set_status(more[0], DocumentStatus.DONE, None, T0)
    assert db.document_ids(DocumentFilter(status=DocumentStatus.DONE)) == [more[0]]
    assert db.statistics().documents_by_status == {"new": 1205, "done": 1}
    db.apply(AddSpan(ids[5], "LOCATION", 0, 3, {}, "ana"), SCHEMA, T0)
    assert db.summaries([ids[5]])[0].span_count == 1
    stats = db.statistics()
    assert stats.spans_by_label == {"LOCATION": 1}
    assert stats.spans_by_annotator == {"ana": 1}
    streamed = list(db.iter_annotated(DocumentFilter(), batch=100))
    assert len(streamed) == 1206
    assert streamed[5].spans[0].label == "LOCATION"


def _translated(edit: Edit, ids: dict[int, int], rel_ids: dict[int, int]) -> Edit:
    """The same edit with the database's ids replaced by the memory store's."""
    match edit:
        case AddRelation():
            return replace(edit, source=ids[edit.source], target=ids[edit.target])
        case RemoveRelation() | RetypeRelation() | SetRelationComment():
            return replace(edit, relation_id=rel_ids[edit.relation_id])
        case AddSpan() | SetDocumentComment():
            return edit
        case Batch():
            return replace(edit, edits=tuple(_translated(e, ids, rel_ids) for e in edit.edits))
        case _:
            return replace(edit, span_id=ids[edit.span_id])


def _content(spans: list[Span], relations: list[Relation]) -> tuple[object, object]:
    by_id = {s.id: (s.label, s.start, s.end) for s in spans}
    return (
        sorted(
            (s.label, s.pieces, sorted(s.attributes.items()), s.annotator, s.comment) for s in spans
        ),
        sorted((r.type, by_id[r.source], by_id[r.target], r.comment) for r in relations),
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_database_applies_edits_and_inverses_exactly_like_the_memory_store(
    db: ProjectDatabase, data: st.DataObject
) -> None:
    [doc_id] = db.add_documents([(DocumentDraft(TEXT), f"x{data.draw(st.uuids())}")], T0)
    memory = MemoryStore({doc_id: len(TEXT)})
    ids: dict[int, int] = {}
    rel_ids: dict[int, int] = {}

    def both(db_edit: Edit, memory_edit: Edit, now: datetime) -> tuple[Edit, Edit] | None:
        try:
            applied = db.apply(db_edit, SCHEMA, now)
        except UserError:
            with pytest.raises(UserError):
                EditApplier(memory, SCHEMA, now).apply(memory_edit)
            return None
        mirrored = EditApplier(memory, SCHEMA, now).apply(memory_edit)
        for a, b in zip(applied.changes.spans_added, mirrored.changes.spans_added, strict=True):
            ids[a.id] = b.id
        for c, d in zip(
            applied.changes.relations_added, mirrored.changes.relations_added, strict=True
        ):
            rel_ids[c.id] = d.id
        annotated = db.annotated(doc_id)
        assert annotated is not None
        assert _content(list(annotated.spans), list(annotated.relations)) == _content(
            list(memory.spans.values()), list(memory.relations.values())
        )
        assert annotated.document.comment == memory.document_comment(doc_id)
        return applied.inverse, mirrored.inverse

    for step in range(data.draw(st.integers(1, 12))):
        now = T0 + timedelta(seconds=step)
        annotated = db.annotated(doc_id)
        assert annotated is not None
        edit = data.draw(
            edit_for(
                doc_id,
                len(TEXT),
                [s.id for s in annotated.spans],
                [r.id for r in annotated.relations],
                {s.id: s.label for s in annotated.spans},
                {s.id: s.pieces for s in annotated.spans},
            )
        )
        inverses = both(edit, _translated(edit, ids, rel_ids), now)
        if inverses is None:
            continue
        redo = both(*inverses, now)  # undo
        assert redo is not None
        assert both(*redo, now) is not None  # redo


def test_sqlite_connections_get_the_pragmas(tmp_path: Path) -> None:
    engine = make_engine(resolve_url("sqlite:///a.sqlite", tmp_path))
    with engine.connect() as connection:
        values = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
        }
    engine.dispose()
    assert values == {
        "foreign_keys": 1,
        "journal_mode": "wal",
        "synchronous": 1,
        "busy_timeout": 10000,
    }
    assert (tmp_path / "a.sqlite").exists()  # relative to the project folder


def test_a_new_sqlite_file_gets_16_kb_pages(tmp_path: Path) -> None:
    database = ProjectDatabase.open(f"sqlite:///{tmp_path / 'new.sqlite'}", tmp_path)
    database.close()
    with sqlite3.connect(tmp_path / "new.sqlite") as connection:
        assert connection.execute("PRAGMA page_size").fetchone() == (SQLITE_PAGE_SIZE,)
    assert SQLITE_PAGE_SIZE == 16_384


def test_an_existing_4_kb_file_keeps_its_pages_and_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as connection:  # a file made before 16 KB pages, in WAL mode
        connection.execute("PRAGMA page_size=4096")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE made_before (x)")
    database = ProjectDatabase.open(f"sqlite:///{path}", tmp_path)
    try:
        [added] = database.add_documents([(DocumentDraft("An old project's text."), "a")], T0)
        assert database.document(added) is not None
    finally:
        database.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA page_size").fetchone() == (4096,)
        assert connection.execute("SELECT count(*) FROM documents").fetchone() == (1,)


def test_database_from_the_first_migration_is_upgraded_on_open(
    database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(resolve_url(database_url, tmp_path))
    migrate.upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO documents (external_id, title, source, url, text, length,"
                " content_hash, metadata, origin, status, version, created_at, updated_at)"
                " VALUES ('', 'Old', '', '', 'old text', 8, 'h', '{}', '', 'new', 1, :t, :t)"
            ),
            {"t": T0},
        )
    engine.dispose()
    db = ProjectDatabase.open(database_url, tmp_path)
    try:
        assert not db.created
        assert db.count_documents() == 1
        assert migrate.current_revision(make_engine(db.url)) == migrate.head_revision()
    finally:
        db.close()


def test_a_newer_database_is_refused_with_the_version_needed(
    database_url: str, tmp_path: Path
) -> None:
    db = ProjectDatabase.open(database_url, tmp_path)
    db.close()
    engine = make_engine(resolve_url(database_url, tmp_path))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
        connection.execute(
            text("UPDATE annotator_meta SET value = '7.3.0' WHERE key = 'app_version'")
        )
    engine.dispose()
    with pytest.raises(
        DatabaseVersionError, match=r"written by annotator 7\.3\.0.*Upgrade annotator"
    ):
        ProjectDatabase.open(database_url, tmp_path)


def test_bad_database_urls_get_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="not a database URL"):
        ProjectDatabase.open("nonsense", tmp_path)
    with pytest.raises(DatabaseError, match="in-memory SQLite"):
        ProjectDatabase.open("sqlite://", tmp_path)
    with pytest.raises(DatabaseError, match="unsupported database 'mysql'"):
        ProjectDatabase.open("mysql://u@h/db", tmp_path)
    with pytest.raises(DatabaseError, match="does not exist"):
        ProjectDatabase.open("sqlite:///missing/folder/a.sqlite", tmp_path)
    with pytest.raises(DatabaseError, match="cannot open the database"):
        ProjectDatabase.open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", tmp_path)
