"""New documents reach the change feed, and a text committed by another importer meanwhile is
not stored twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.document import DocumentDraft
from annotator.core.interchange import AnnotatedDraft
from annotator.storage.article_insert import insert_articles
from annotator.storage.database import ProjectDatabase
from annotator.storage.document_claims import ClaimedBatch, lock_documents
from annotator.storage.engine import WRITE, make_engine, resolve_url

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
TEXT = "Rebels shelled Aleppo on Monday."


def test_new_documents_are_in_the_edit_log_with_their_importer(
    database_url: str, tmp_path: Path
) -> None:
    importer = ProjectDatabase.open(database_url, tmp_path)
    other = ProjectDatabase.open(database_url, tmp_path)
    start = other.last_change()
    drafts = [(DocumentDraft(f"{TEXT} ({i})"), f"a:{i}") for i in range(3)]
    claimed = importer.claim_documents(drafts, T0, None, "ana")
    seen = other.changes_after(start)
    assert [c.document_id for c in seen] == claimed.ids
    assert {c.annotator for c in seen} == {"ana"}
    assert not any(c.own for c in seen)  # another process: not its own
    assert all(c.own for c in importer.changes_after(start))
    importer.close()
    other.close()


def test_a_text_committed_meanwhile_is_reported_not_stored(
    database_url: str, tmp_path: Path
) -> None:
    mine = ProjectDatabase.open(database_url, tmp_path)
    theirs = ProjectDatabase.open(database_url, tmp_path)
    [their_id] = theirs.add_documents([(DocumentDraft(TEXT), "theirs")], T0)
    drafts = [(DocumentDraft(TEXT), "mine:1"), (DocumentDraft("Another text."), "mine:2")]
    claimed = mine.claim_documents(drafts, T0, [b"s1", b"s2"])
    assert claimed.taken == [("mine:1", their_id)]
    assert len(claimed.ids) == 1
    assert mine.document(claimed.ids[0]).text == "Another text."  # type: ignore[union-attr]
    assert mine.fingerprints()[-1][2] == b"s2"  # signatures follow the drafts kept
    kept = mine.claim_documents(drafts[:1], T0, keep_duplicates=True)
    assert kept.taken == []
    assert len(kept.ids) == 1
    mine.close()
    theirs.close()


def test_the_check_waits_for_an_adder_that_has_not_committed(
    database_url: str, tmp_path: Path
) -> None:
    # Another importer holds the lock and has inserted the text but not committed: this
    # batch's check must wait for its commit and then see the text, not insert it again.
    mine = ProjectDatabase.open(database_url, tmp_path)
    engine = make_engine(resolve_url(database_url, tmp_path))
    result: list[ClaimedBatch] = []
    with engine.connect() as plain:
        connection = plain.execution_options(**WRITE)
        with connection.begin():
            lock_documents(connection)
            [their_id] = insert_articles(connection, [(DocumentDraft(TEXT), "theirs")], T0)
            worker = threading.Thread(
                target=lambda: result.append(
                    mine.claim_documents([(DocumentDraft(TEXT), "mine")], T0)
                )
            )
            worker.start()
            worker.join(0.5)
            assert worker.is_alive()  # blocked behind the uncommitted batch
        worker.join(10)
    assert not worker.is_alive()
    assert result[0].taken == [("mine", their_id)]
    assert result[0].ids == []
    engine.dispose()
    mine.close()


def test_an_annotation_import_logs_the_documents_it_creates_without_spans(
    database_url: str, tmp_path: Path
) -> None:
    importer = ProjectDatabase.open(database_url, tmp_path)
    other = ProjectDatabase.open(database_url, tmp_path)
    start = other.last_change()
    with importer.annotation_writer(T0, "ana") as write:
        (stored,) = write([AnnotatedDraft(DocumentDraft(TEXT), "a.jsonl:1", ())])
    assert stored.created
    assert [c.document_id for c in other.changes_after(start)] == [stored.document_id]
    importer.close()
    other.close()


def test_an_edit_committed_after_a_later_import_batch_still_reaches_the_feed(
    postgres_url: str, tmp_path: Path
) -> None:
    # An edit takes its log id, then an import batch logs 200 new documents and commits first:
    # the feed must still find the edit once it commits, 200 ids behind the newest.
    from annotator.services import team
    from annotator.services.project import Project
    from annotator.services.project_files import init_project

    folder = tmp_path / "proj"
    init_project(folder, name="Team")
    watcher = Project.open(folder, database_url=postgres_url, annotator="cy")
    importer = ProjectDatabase.open(postgres_url, tmp_path)
    [edited] = importer.add_documents([(DocumentDraft(TEXT), "x")], T0)
    feed = team.ChangeFeed(watcher)
    engine = make_engine(resolve_url(postgres_url, tmp_path))
    with engine.connect() as editor:
        with editor.begin():
            editor.exec_driver_sql(
                "INSERT INTO edit_log (document_id, annotator_id, at) VALUES (%s, NULL, %s)",
                (edited, T0),
            )
            drafts = [(DocumentDraft(f"Article number {i}."), f"n:{i}") for i in range(200)]
            new_ids = importer.claim_documents(drafts, T0, None, "ana").ids
            assert {c.document_id for c in feed.poll()} == set(new_ids)
        assert [c.document_id for c in feed.poll()] == [edited]
    engine.dispose()
    importer.close()
    watcher.close()


def test_a_package_merge_waits_for_an_adder_and_finds_its_document(
    database_url: str, tmp_path: Path
) -> None:
    mine = ProjectDatabase.open(database_url, tmp_path)
    engine = make_engine(resolve_url(database_url, tmp_path))
    found: list[int | None] = []

    def merge() -> None:
        with mine.layer_writer(T0) as writer:
            found.append(writer.document_by_hash(DocumentDraft(TEXT).content_hash))

    with engine.connect() as plain:
        connection = plain.execution_options(**WRITE)
        with connection.begin():
            lock_documents(connection)
            [their_id] = insert_articles(connection, [(DocumentDraft(TEXT), "theirs")], T0)
            worker = threading.Thread(target=merge)
            worker.start()
            worker.join(0.5)
            assert worker.is_alive()
        worker.join(10)
    assert found == [their_id]
    engine.dispose()
    mine.close()
