"""log_changes returns the ids of the edit log rows it wrote, also without RETURNING rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotator.core.document import DocumentDraft
from annotator.core.ids import DocumentId
from annotator.storage.article_insert import insert_articles
from annotator.storage.database import ProjectDatabase
from annotator.storage.engine import WRITE, make_engine, resolve_url
from annotator.storage.team import log_changes

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _documents(url: str, tmp_path: Path, count: int) -> list[DocumentId]:
    database = ProjectDatabase.open(url, tmp_path)  # creates the tables
    database.close()
    engine = make_engine(resolve_url(url, tmp_path))
    with engine.connect() as plain, plain.execution_options(**WRITE).begin() as transaction:
        drafts = [(DocumentDraft(f"Article {n}."), f"a:{n}") for n in range(count)]
        ids = insert_articles(transaction.connection, drafts, T0)
    engine.dispose()
    return ids


@pytest.mark.parametrize("first_id", [None, 2**63 - 4])
def test_the_returned_ids_are_the_rows_written(
    database_url: str, tmp_path: Path, first_id: int | None
) -> None:
    """Batches over one statement (333 rows), after other rows; near the largest rowid SQLite
    picks free ids at random and the rows' own ids are read back."""
    if first_id is not None and not database_url.startswith("sqlite"):
        pytest.skip("the rowid limit is SQLite's")
    documents = _documents(database_url, tmp_path, 700)
    engine = make_engine(resolve_url(database_url, tmp_path))
    with engine.connect() as plain, plain.execution_options(**WRITE).begin() as transaction:
        connection = transaction.connection
        if first_id is not None:
            connection.exec_driver_sql(
                "INSERT INTO edit_log (id, document_id, annotator_id, at) "
                f"VALUES ({first_id}, {documents[0]}, NULL, '2026-03-01 12:00:00.000000')"
            )
        assert log_changes(connection, [], None, T0) == []
        log_changes(connection, documents[:3], None, T0)
        written = log_changes(connection, reversed(documents[3:]), None, T0)
        rows = dict(connection.exec_driver_sql("SELECT id, document_id FROM edit_log").fetchall())
    engine.dispose()
    assert len(written) == len(set(written)) == 697
    assert [rows[log_id] for log_id in written] == sorted(documents[3:])
