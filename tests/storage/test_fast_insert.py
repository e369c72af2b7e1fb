"""insert_rows stores exactly what Core's executemany stores, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from annotator.core.document import DocumentDraft
from annotator.storage.database import ProjectDatabase
from annotator.storage.engine import WRITE, make_engine, resolve_url
from annotator.storage.fast_insert import insert_rows
from annotator.storage.tables import annotators, relations, spans

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


def test_rows_are_stored_as_core_stores_them(database_url: str, tmp_path: Path) -> None:
    database = ProjectDatabase.open(database_url, tmp_path)
    first, second = database.add_documents(
        [(DocumentDraft("Rebels shelled Aleppo."), "a"), (DocumentDraft("Other text."), "b")], T0
    )
    database.close()
    engine = make_engine(resolve_url(database_url, tmp_path))
    try:
        with engine.connect() as plain:
            connection = plain.execution_options(**WRITE)
            with connection.begin():
                connection.execute(annotators.insert().values(name="ann", created_at=T0))
                annotator_id = connection.execute(select(annotators.c.id)).scalar_one()
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
