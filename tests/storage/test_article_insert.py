"""New articles inserted many per statement keep their order, columns, sources and signatures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.core.document import DocumentDraft, RawSource
from annotator.core.errors import DatabaseError
from annotator.storage.database import ProjectDatabase
from annotator.storage.engine import make_engine, resolve_url

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def db(database_url: str, tmp_path: Path) -> Iterator[ProjectDatabase]:
    database = ProjectDatabase.open(database_url, tmp_path)
    yield database
    database.close()


def test_a_batch_keeps_order_columns_sources_and_signatures(
    db: ProjectDatabase, database_url: str, tmp_path: Path
) -> None:
    drafts = [
        (
            DocumentDraft(
                f"Article {i}: Aleppo’s east 🏛.",
                title=f"Title {i}",
                source="Wire" if i % 2 else "",
                url=f"https://example.org/{i}",
                published=date(2016, 5, 1 + i % 28) if i % 3 else None,
                metadata={"tags": ["x", str(i)], "n": i} if i % 4 else {},
                external_id=f"ext-{i}",
                raw=RawSource(f"d.jsonl:{i}", b'{"i": %d}' % i, "application/x-ndjson")
                if i % 5 == 0
                else None,
            ),
            f"/data/d.jsonl:{i}",
        )
        for i in range(250)
    ]
    signatures = [b"" if i % 7 == 0 else bytes([i % 256]) * 516 for i in range(250)]
    ids = db.add_documents(drafts, T0, signatures)
    assert len(ids) == 250
    assert ids == sorted(ids)
    assert len(set(ids)) == 250
    for doc_id, (draft, _origin) in zip(ids, drafts, strict=True):
        stored = db.document(doc_id)
        assert stored is not None
        assert (stored.text, stored.title, stored.source, stored.url) == (
            draft.text,
            draft.title,
            draft.source,
            draft.url,
        )
        assert (stored.published, dict(stored.metadata), stored.external_id) == (
            draft.published,
            dict(draft.metadata),
            draft.external_id,
        )
        assert stored.content_hash == draft.content_hash
        assert stored.created_at == T0
    fingerprints = {doc_id: (digest, mark) for doc_id, digest, mark in db.fingerprints()}
    for doc_id, (draft, _origin), mark in zip(ids, drafts, signatures, strict=True):
        assert fingerprints[doc_id] == (draft.content_hash, mark)
    origins = [origin for _draft, origin in drafts]
    assert db.existing_origins([*origins, "other"]) == set(origins)
    engine = make_engine(resolve_url(database_url, tmp_path))
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT document_id, name, media_type, content FROM document_sources")
        ).all()
    engine.dispose()
    expected = [
        (doc_id, draft.raw.name, draft.raw.media_type, draft.raw.content)
        for doc_id, (draft, _origin) in zip(ids, drafts, strict=True)
        if draft.raw is not None
    ]
    assert sorted((r[0], r[1], r[2], bytes(r[3])) for r in rows) == expected
    assert db.add_documents([], T0, []) == []
    more = db.add_documents([(DocumentDraft("Later."), "x")], T0)
    assert more[0] > ids[-1]


def test_a_batch_with_a_failing_row_stores_none_of_it(db: ProjectDatabase) -> None:
    """The documents go in with ``INSERT OR FAIL`` (no statement journal): a row that breaks a
    constraint leaves the rows before it in the statement, and the transaction's rollback must
    take them out again, so a failed batch stores nothing and the next one stores as usual."""
    drafts = [(DocumentDraft(f"Article {i}."), f"d.jsonl:{i}") for i in range(250)]
    object.__setattr__(drafts[150][0], "title", None)  # NOT NULL: row 151 of 250 fails
    with pytest.raises(DatabaseError):
        db.add_documents(drafts, T0, [b""] * 250)
    assert db.count_documents() == 0
    assert db.fingerprints() == []
    kept = [(DocumentDraft(f"Article {i}."), f"d.jsonl:{i}") for i in range(250)]
    ids = db.add_documents(kept, T0, [b""] * 250)
    assert [db.document(i).text for i in (ids[0], ids[-1])] == ["Article 0.", "Article 249."]  # type: ignore[union-attr]
    assert db.count_documents() == 250
