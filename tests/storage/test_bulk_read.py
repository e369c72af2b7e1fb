"""The driver-level span and relation readers give exactly the values the Core path gives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from annotator.core.annotation import NEW_RELATION, NEW_SPAN, Relation, Span
from annotator.core.document import DocumentDraft, DocumentFilter
from annotator.core.ids import DocumentId, SpanId
from annotator.storage import bulk_read
from annotator.storage.annotation_store import SqlAnnotationStore
from annotator.storage.annotators import AnnotatorCache
from annotator.storage.database import ProjectDatabase
from annotator.storage.engine import WRITE, make_engine, resolve_url

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
TEXT = "Rebels shelled Aleppo on 3 May 2016. The ministry 🏛 said 12 civilians died there."


@pytest.fixture
def db(database_url: str, tmp_path: Path) -> Iterator[ProjectDatabase]:
    database = ProjectDatabase.open(database_url, tmp_path)
    yield database
    database.close()


def _store(
    database_url: str, tmp_path: Path, document_ids: list[DocumentId]
) -> tuple[dict[SpanId, Span], dict[int, Relation]]:
    """Spans of every kind the reader must handle, written through the Core path, and what
    that path reads back for each (the reference)."""
    engine = make_engine(resolve_url(database_url, tmp_path))
    spans: dict[SpanId, Span] = {}
    relations: dict[int, Relation] = {}
    cache = AnnotatorCache()
    plus_two = timezone(timedelta(hours=2))
    try:
        with engine.connect() as plain:
            connection = plain.execution_options(**WRITE)
            with connection.begin():
                store = SqlAnnotationStore(connection, cache)
                for n, document_id in enumerate(document_ids):
                    made = [
                        # same extent twice (order by id), an earlier start inserted later
                        Span(NEW_SPAN, document_id, "ACTOR", 15, 21, {}, "ann", T0, T0),
                        Span(NEW_SPAN, document_id, "PLACE", 15, 21, {}, "", T0, T0),
                        Span(
                            NEW_SPAN,
                            document_id,
                            "EVENT",
                            0,
                            21,
                            {"certainty": "asserted", "count": 3, "flag": True},
                            "other",
                            T0 + timedelta(seconds=n),
                            (T0 + timedelta(seconds=5)).astimezone(plus_two),
                            comment="check the source",
                        ),
                        Span(
                            NEW_SPAN,
                            document_id,
                            "EVENT",
                            0,
                            35,
                            {},
                            "ann",
                            T0,
                            T0,
                            fragments=((0, 6), (15, 35)),
                        ),
                        Span(NEW_SPAN, document_id, "ACTOR", 0, 6, {}, "ann", T0, T0),
                    ]
                    stored = [store.insert_span(span) for span in made]
                    link = store.insert_relation(
                        Relation(
                            NEW_RELATION,
                            document_id,
                            "located_in",
                            stored[0].id,
                            stored[1].id,
                            "ann",
                            T0,
                            T0,
                            comment="why",
                        )
                    )
                    store.insert_relation(
                        Relation(
                            NEW_RELATION,
                            document_id,
                            "near",
                            stored[4].id,
                            stored[3].id,
                            "",
                            T0,
                            T0,
                        )
                    )
                    for span in stored:
                        found = store.get_span(span.id)
                        assert found is not None
                        spans[span.id] = found
                    for relation in [*store.relations_of_span(stored[4].id), link]:
                        relations[relation.id] = relation
    finally:
        engine.dispose()
    return spans, relations


def _order(span: Span) -> tuple[int, int, int]:
    return (span.start, span.end, span.id)


def test_spans_and_relations_read_in_bulk_equal_the_core_rows(
    db: ProjectDatabase, database_url: str, tmp_path: Path
) -> None:
    dated = DocumentDraft(
        TEXT, title="t", published=date(2016, 5, 3), metadata={"tags": ["x"], "n": 1}
    )
    drafts = [(dated, "o"), *((DocumentDraft(f"{TEXT} {i}"), f"o{i}") for i in range(2))]
    ids = db.add_documents(drafts, T0)
    spans, relations = _store(database_url, tmp_path, ids)

    for document_id in ids:
        annotated = db.annotated(document_id)
        assert annotated is not None
        expected = sorted((s for s in spans.values() if s.document_id == document_id), key=_order)
        assert list(annotated.spans) == expected
        assert [s.content() for s in annotated.spans] == [s.content() for s in expected]
        assert [s.version for s in annotated.spans] == [s.version for s in expected]
        assert db.spans(document_id) == expected
        expected_links = sorted(
            (r for r in relations.values() if r.document_id == document_id), key=lambda r: r.id
        )
        assert list(annotated.relations) == expected_links
        for span in annotated.spans:
            assert type(span) is Span
            assert span.created_at is not None
            assert span.created_at.tzinfo is UTC
            assert span.updated_at is not None
            assert span.updated_at.tzinfo is UTC
        for relation in annotated.relations:
            assert type(relation) is Relation
            assert relation.created_at is not None
            assert relation.created_at.tzinfo is UTC

    by_document = {item.document.id: item for item in db.iter_annotated(DocumentFilter(), batch=2)}
    assert list(by_document) == ids
    for document_id, item in by_document.items():
        single = db.annotated(document_id)
        assert single is not None
        assert item == single

    shown = next(s for s in spans.values() if s.comment)
    assert shown.attributes == {"certainty": "asserted", "count": 3, "flag": True}
    assert shown.updated_at == T0 + timedelta(seconds=5)
    assert any(s.fragments == ((0, 6), (15, 35)) for s in spans.values())
    assert any(s.annotator == "" for s in spans.values())


def test_a_document_without_annotations_reads_empty(db: ProjectDatabase) -> None:
    [document_id] = db.add_documents([(DocumentDraft(TEXT), "o")], T0)
    annotated = db.annotated(document_id)
    assert annotated is not None
    assert (annotated.spans, annotated.relations) == ((), ())
    assert db.spans(document_id) == []


def test_the_json_arrays_read_what_the_rows_read_in_any_session_time_zone(
    db: ProjectDatabase, database_url: str, tmp_path: Path
) -> None:
    ids = db.add_documents([(DocumentDraft(f"{TEXT} {i}"), f"z{i}") for i in range(3)], T0)
    _store(database_url, tmp_path, ids[:2])
    engine = make_engine(resolve_url(database_url, tmp_path))
    odd = 'Q"\\\t\x01é🏛'  # quotes, backslash, control characters, non-BMP: JSON escapes them
    try:
        with engine.connect() as plain:
            connection = plain.execution_options(**WRITE)
            with connection.begin():
                store = SqlAnnotationStore(connection, AnnotatorCache())
                store.insert_span(Span(NEW_SPAN, ids[0], odd, 1, 2, {"k": odd}, odd, T0, T0))
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SET TIME ZONE 'Asia/Kolkata'")
            names = AnnotatorCache()

            def reader(times: bool) -> bulk_read.AnnotationReader:
                return bulk_read.AnnotationReader(
                    connection, lambda i: names.name_of(connection, i), times=times
                )

            for times in (True, False):
                arrays = reader(times)
                assert arrays._span_arrays is not None
                got = (arrays.spans(ids), arrays.relations(ids))
                rows = reader(times)
                rows._span_arrays = None  # the fallback: a row per span
                assert got == (rows.spans(ids), rows.relations(ids))
                assert got[0][ids[2]] == []
                assert any(s.label == odd and s.attributes == {"k": odd} for s in got[0][ids[0]])
                if times:
                    stamps = [s.updated_at for spans in got[0].values() for s in spans]
                    assert all(t is not None and t.tzinfo is UTC for t in stamps)
                    assert T0 + timedelta(seconds=5) in stamps
                else:
                    spans = [s for found in got[0].values() for s in found]
                    assert {(s.created_at, s.updated_at, s.version) for s in spans} == {
                        (None, None, 1)
                    }
    finally:
        engine.dispose()
