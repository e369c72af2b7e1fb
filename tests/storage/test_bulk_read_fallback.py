"""An SQLite without JSON functions: the reader finds out by trying, and reads a row per span."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from annotator.core.document import DocumentDraft
from annotator.storage import bulk_read
from annotator.storage.annotators import AnnotatorCache
from annotator.storage.database import ProjectDatabase
from annotator.storage.engine import make_engine, resolve_url

from .test_bulk_read import T0, TEXT, _store


def _no_json(action: int, name: str | None, function: str | None, *_: Any) -> int:
    """An authorizer that refuses the JSON functions, as a build without them would fail."""
    refused = action == sqlite3.SQLITE_FUNCTION and (function or name or "").startswith("json")
    return sqlite3.SQLITE_DENY if refused else sqlite3.SQLITE_OK


def test_without_json_functions_the_reader_falls_back_to_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    database = ProjectDatabase.open(url, tmp_path)
    try:
        ids = database.add_documents(
            [(DocumentDraft(f"{TEXT} {i}"), f"z{i}") for i in range(3)], T0
        )
    finally:
        database.close()
    _store(url, tmp_path, ids[:2])
    engine = make_engine(resolve_url(url, tmp_path))
    try:
        with engine.connect() as usual, engine.connect() as limited:
            limited.connection.driver_connection.set_authorizer(_no_json)
            names = AnnotatorCache()
            for times in (True, False):
                with usual.begin(), limited.begin():
                    arrays = bulk_read.AnnotationReader(
                        usual, lambda i: names.name_of(usual, i), times=times
                    )
                    rows = bulk_read.AnnotationReader(
                        limited, lambda i: names.name_of(limited, i), times=times
                    )
                    assert arrays._span_arrays is not None
                    assert rows._span_arrays is None  # the probe failed, the transaction goes on
                    read = rows.spans(ids)
                    assert read == arrays.spans(ids)
                    assert rows.relations(ids) == arrays.relations(ids)
                    assert read[ids[2]] == []
                    assert sum(map(len, read.values())) > 4
    finally:
        engine.dispose()
