"""insert_rows stores exactly what Core's executemany stores, on SQLite and PostgreSQL, and an
imported batch keeps every field."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from annotator.core.document import DocumentDraft, DocumentStatus
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.storage.database import ProjectDatabase
from annotator.storage.engine import WRITE, make_engine, resolve_url
from annotator.storage.fast_insert import insert_columns, insert_returning, insert_rows
from annotator.storage.tables import annotators, document_signatures, relations, spans

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _span_rows(document_id: int, annotator_id: int) -> list[dict[str, Any]]:
    later = (T0 + timedelta(seconds=3)).astimezone(timezone(timedelta(hours=-5)))
    return [
        {
            "document_id": document_id,
            "label": label,
            "start_offset": start,
            "end_offset": end,
            "attributes": attributes,
            "annotator_id": who,
            "created_at": T0,
            "updated_at": updated,
            "version": 1,
            "fragments": fragments,
            "comment": comment,
        }
        for label, start, end, attributes, who, updated, fragments, comment in [
            ("ACTOR", 0, 6, {}, annotator_id, T0, None, None),
            ("EVENT", 0, 20, {"n": 3, "ok": True, "s": "é"}, None, later, [[0, 6], [9, 20]], "c"),
            ("PLACE", 9, 20, {}, annotator_id, later, None, ""),
        ]
    ]


def _two_documents(database_url: str, tmp_path: Path) -> tuple[int, int]:
    database = ProjectDatabase.open(database_url, tmp_path)
    first, second = database.add_documents(
        [(DocumentDraft("Rebels shelled Aleppo."), "a"), (DocumentDraft("Other text."), "b")], T0
    )
    database.close()
    return first, second


def _add_annotator(connection: Connection) -> int:
    connection.execute(annotators.insert().values(name="ann", created_at=T0))
    found: int = connection.execute(select(annotators.c.id)).scalar_one()
    return found


def test_rows_are_stored_as_core_stores_them(database_url: str, tmp_path: Path) -> None:
    first, second = _two_documents(database_url, tmp_path)
    engine = make_engine(resolve_url(database_url, tmp_path))
    try:
        with engine.connect() as plain:
            connection = plain.execution_options(**WRITE)
            with connection.begin():
                annotator_id = _add_annotator(connection)
                connection.execute(spans.insert(), _span_rows(first, annotator_id))
                insert_rows(connection, spans, _span_rows(second, annotator_id))
                ids = connection.execute(select(spans.c.id).order_by(spans.c.id)).scalars().all()
                link = {"type": "near", "annotator_id": None, "created_at": T0}
                link |= {"updated_at": T0, "version": 1, "comment": None}
                connection.execute(
                    relations.insert(),
                    [{**link, "document_id": first, "source_id": ids[0], "target_id": ids[1]}],
                )
                insert_rows(
                    connection,
                    relations,
                    [{**link, "document_id": second, "source_id": ids[3], "target_id": ids[4]}],
                )
            with connection.begin():
                stored = connection.execute(select(spans).order_by(spans.c.id)).all()
                links = connection.execute(select(relations).order_by(relations.c.id)).all()
    finally:
        engine.dispose()
    by_core, by_driver = stored[:3], stored[3:]
    assert len(by_driver) == 3
    for core_row, driver_row in zip(by_core, by_driver, strict=True):
        assert core_row._asdict() | {"id": 0, "document_id": 0} == driver_row._asdict() | {
            "id": 0,
            "document_id": 0,
        }
    assert by_driver[1].updated_at == T0 + timedelta(seconds=3)
    assert by_driver[1].fragments == [[0, 6], [9, 20]]
    strip = {"id": 0, "document_id": 0, "source_id": 0, "target_id": 0}
    assert links[0]._asdict() | strip == links[1]._asdict() | strip


def test_binary_values_are_stored_as_core_stores_them(database_url: str, tmp_path: Path) -> None:
    """Bytes go to SQLite without Core's bind processor: the same BLOB (type and value)."""
    first, second = _two_documents(database_url, tmp_path)
    mark = b"MH\x01\x80\x00\xff" + bytes(range(256))
    engine = make_engine(resolve_url(database_url, tmp_path))
    try:
        with engine.connect() as plain:
            connection = plain.execution_options(**WRITE)
            with connection.begin():
                connection.execute(
                    document_signatures.insert(), [{"document_id": first, "signature": mark}]
                )
                insert_rows(
                    connection, document_signatures, [{"document_id": second, "signature": mark}]
                )
            with connection.begin():
                column = document_signatures.c.signature
                kind = (
                    func.typeof(column)
                    if connection.dialect.name == "sqlite"
                    else func.length(column)
                )
                stored = connection.execute(
                    select(column, kind).order_by(document_signatures.c.document_id)
                ).all()
    finally:
        engine.dispose()
    assert stored[0] == stored[1]
    assert stored[0][0] == mark
    assert stored[0][1] in ("blob", len(mark))


def test_imported_documents_keep_every_field(database_url: str, tmp_path: Path) -> None:
    draft = DocumentDraft(
        "Rebels shelled Aleppo on Monday.",
        title="Aleppo",
        source="Wire",
        url="https://example.org/a",
        published=date(2016, 5, 3),
        metadata={"tags": ["x"], "n": 1, "nested": {"é": None}},
        external_id="e1",
    )
    plain = DocumentDraft("Another text.")
    items = [
        AnnotatedDraft(
            draft,
            "f:1",
            (SpanRecord("T1", "ACTOR", 0, 6, {"kind": "rebel"}, "ann"),),
            status=DocumentStatus.DONE,
        ),
        AnnotatedDraft(
            plain,
            "f:2",
            (SpanRecord("a", "ACTOR", 0, 7), SpanRecord("b", "PLACE", 8, 12)),
            (RelationRecord("near", "a", "b"),),
        ),
        AnnotatedDraft(draft, "f:3", (SpanRecord("T9", "PLACE", 15, 21),)),  # same text again
    ]
    database = ProjectDatabase.open(database_url, tmp_path)
    try:
        with database.annotation_writer(T0) as store:
            stored = store(items)
        assert [(s.created, s.spans_added, s.relations_added) for s in stored] == [
            (True, 1, 0),
            (True, 2, 1),
            (False, 1, 0),
        ]
        assert stored[0].document_id == stored[2].document_id != stored[1].document_id
        first = database.annotated(stored[0].document_id)
        second = database.annotated(stored[1].document_id)
    finally:
        database.close()
    assert first is not None
    assert second is not None
    document = first.document
    assert (document.text, document.title, document.source, document.url) == (
        draft.text,
        "Aleppo",
        "Wire",
        "https://example.org/a",
    )
    assert (document.published, document.metadata, document.external_id) == (
        date(2016, 5, 3),
        {"tags": ["x"], "n": 1, "nested": {"é": None}},
        "e1",
    )
    assert (document.status, document.created_at, document.content_hash) == (
        DocumentStatus.DONE,
        T0,
        draft.content_hash,
    )
    assert [(s.label, s.start, s.end, dict(s.attributes)) for s in first.spans] == [
        ("ACTOR", 0, 6, {"kind": "rebel"}),
        ("PLACE", 15, 21, {}),
    ]
    assert second.document.status is DocumentStatus.NEW
    assert [r.type for r in second.relations] == ["near"]


def test_values_shared_by_every_row_are_stored_as_bound_ones(
    database_url: str, tmp_path: Path
) -> None:
    """On SQLite a column with one value in every row is written as a literal: quotes, NUL,
    numbers that equal True, NULL and JSON must come back exactly as Core stores them."""
    database = ProjectDatabase.open(database_url, tmp_path)
    [document] = database.add_documents([(DocumentDraft("O'Brien said so."), "a")], T0)
    database.close()
    shared = {
        "document_id": document,
        "label": "O'Brien's \"label\"",
        "start_offset": 0,
        "end_offset": 7,
        "attributes": {"n": float("nan"), "q": "it's"},
        "annotator_id": None,
        "created_at": T0,
        "updated_at": T0,
        "version": 1,
        "fragments": None,
        "comment": "a\x00b",
    }
    rows = [dict(shared), dict(shared)]
    engine = make_engine(resolve_url(database_url, tmp_path))
    try:
        with engine.connect() as plain:
            connection = plain.execution_options(**WRITE)
            with connection.begin():
                if connection.dialect.name == "postgresql":  # JSONB has no NaN, text no NUL
                    for row in rows:
                        row["attributes"] = {"q": "it's"}
                        row["comment"] = "a'b"
                connection.execute(spans.insert(), rows[:1])
                insert_rows(connection, spans, rows)
            with connection.begin():
                stored = connection.execute(select(spans).order_by(spans.c.id)).all()
    finally:
        engine.dispose()
    strip = {"id": 0}
    expected = repr(stored[0]._asdict() | strip)  # repr: NaN != NaN
    assert [repr(row._asdict() | strip) for row in stored[1:]] == [expected, expected]


def test_insert_returning_stores_as_core_and_returns_ids_in_row_order(
    postgres_url: str, tmp_path: Path
) -> None:
    database = ProjectDatabase.open(postgres_url, tmp_path)
    (document_id,) = database.add_documents([(DocumentDraft("Rebels shelled Aleppo."), "a")], T0)
    database.close()
    engine = make_engine(resolve_url(postgres_url, tmp_path))
    try:
        with engine.begin() as connection:
            connection.execute(annotators.insert().values(name="ann", created_at=T0))
            annotator_id = connection.execute(select(annotators.c.id)).scalar_one()
            connection.execute(spans.insert(), _span_rows(document_id, annotator_id))
            rows = _span_rows(document_id, annotator_id)[::-1]
            returned = insert_returning(connection, spans, rows)
            stored = connection.execute(select(spans).order_by(spans.c.id)).all()
    finally:
        engine.dispose()
    by_id = {row.id: row for row in stored}
    assert [by_id[i].label for i in returned] == ["PLACE", "EVENT", "ACTOR"]
    by_core = {row.label: row for row in stored[:3]}
    for span_id in returned:
        driver_row = by_id[span_id]
        core_row = by_core[driver_row.label]
        assert dict(driver_row._mapping) | {"id": 0} == dict(core_row._mapping) | {"id": 0}


def test_a_driver_error_is_raised_as_core_raises_it(database_url: str, tmp_path: Path) -> None:
    ProjectDatabase.open(database_url, tmp_path).close()
    engine = make_engine(resolve_url(database_url, tmp_path))
    try:
        with engine.connect() as plain:
            connection = plain.execution_options(**WRITE)
            with pytest.raises(IntegrityError, match=r"(?i)foreign key"), connection.begin():
                insert_rows(connection, spans, _span_rows(999_999, None))  # no such document
    finally:
        engine.dispose()


def test_or_fail_stores_the_same_rows_and_a_rollback_takes_a_partial_statement_out(
    database_url: str, tmp_path: Path
) -> None:
    """``or_fail`` (SQLite's ``INSERT OR FAIL``; plain ``INSERT`` elsewhere) stores what the
    plain insert stores; a failing row keeps the rows before it only until the rollback."""
    first, second = _two_documents(database_url, tmp_path)
    engine = make_engine(resolve_url(database_url, tmp_path))
    try:
        with engine.connect() as plain:
            connection = plain.execution_options(**WRITE)
            with connection.begin():
                annotator_id = _add_annotator(connection)
                rows = _span_rows(first, annotator_id)
                names = list(rows[0])
                columns: list[Sequence[Any]] = [[row[name] for row in rows] for name in names]
                insert_columns(connection, spans, names, columns)
                again = [[*column] for column in columns]
                again[names.index("document_id")] = [second] * len(rows)
                insert_columns(connection, spans, names, again, or_fail=True)
            broken = [[*column] for column in columns]
            broken[names.index("label")] = ["ACTOR", "EVENT", None]  # the third row fails
            with pytest.raises(IntegrityError), connection.begin():
                insert_columns(connection, spans, names, broken, or_fail=True)
            with connection.begin():
                stored = connection.execute(select(spans).order_by(spans.c.id)).all()
    finally:
        engine.dispose()
    assert len(stored) == 6
    strip = {"id": 0, "document_id": 0}
    assert [row._asdict() | strip for row in stored[:3]] == [
        row._asdict() | strip for row in stored[3:]
    ]
