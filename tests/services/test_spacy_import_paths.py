"""A spaCy export folder imported through the service stores the same rows whichever way it is
read: in this process through the general reader (as before session 8), in this process
through the plain fast path, and in a reading worker that hands every other shard to a second."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from annotator.formats import read_ahead as read_ahead_module
from annotator.formats import spacy_pair, spacy_read
from annotator.services.annotation_import import import_annotations
from annotator.services.exporting import export_project
from annotator.services.formats import ExportOptions
from annotator.services.project import Project

pytest.importorskip("spacy")

LINES = [
    {
        "text": "Rebels shelled Aleppo. Officials said 12 died.",
        "title": "A",
        "status": "done",
        "metadata": {"n": 1},
        "spans": [
            {"id": 1, "label": "ACTOR", "start": 0, "end": 6, "attributes": {"kind": "official"}},
            {"id": 2, "label": "LOCATION", "start": 15, "end": 21},
            {"id": 3, "label": "CLAIM", "start": 23, "end": 46, "annotator": "ana"},
        ],
        "relations": [{"type": "ATTRIBUTED_TO", "source": 3, "target": 1}],
    },
    *(
        {
            "text": (text := f"Police detained {n} people in Homs."),
            "spans": [
                {"label": "ACTOR", "start": 0, "end": 6},
                {"label": "LOCATION", "start": text.index("Homs"), "end": len(text) - 1},
            ],
        }
        for n in range(2, 8)
    ),
    {"text": "No spans here.", "spans": []},
    {"text": "Twice the same span.", "spans": [{"label": "CLAIM", "start": 0, "end": 5}] * 2},
]


def _rows(folder: Path) -> dict[str, list[str]]:
    """Every table's rows, without the times they were written."""
    database = next(folder.rglob("*.sqlite"))
    rows = {}
    with sqlite3.connect(database) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for (table,) in list(tables):
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            kept = [c for c in columns if c != "at" and not c.endswith("_at")]
            query = f"SELECT {', '.join(kept)} FROM {table}"
            rows[table] = sorted(map(repr, connection.execute(query)))
    return rows


def _imported(folder: Path, export: Path) -> dict[str, list[str]]:
    with Project.create(folder) as project:
        report = import_annotations(project, "spacy", export, add_labels=True)
        assert len(report.created) == len(LINES)
        assert not report.failures
    return _rows(folder)


def test_the_same_rows_by_every_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in LINES), encoding="utf-8")
    export = tmp_path / "export"
    with Project.create(tmp_path / "source") as project:
        import_annotations(project, "jsonl", source, add_labels=True)
        options = ExportOptions(extra={"shard_documents": "3"})
        export_project(project, "spacy", export, options=options)
    assert len(list(export.glob("*.spacy"))) == 3

    fast = _imported(tmp_path / "fast", export)  # a small folder: read in this process
    assert sum(map(len, fast.values())) > 3 * len(LINES)
    with monkeypatch.context() as patch:  # the general reader, and as_plain in the service
        patch.setattr(spacy_read, "plain_from_user_data", lambda *_args: None)
        assert _imported(tmp_path / "general", export) == fast
    with monkeypatch.context() as patch:  # a reading worker, and a second for every other shard
        ahead = partial(read_ahead_module.read_ahead, minimum=0, when_busy=True)
        second = tmp_path / "second-worker"

        def ahead_noted(*args: Any, **kwargs: Any) -> Iterator[Any]:
            # read_in_two passes when_busy itself: forced here, or a busy machine reads in one
            reader = ahead(*args, **{**kwargs, "when_busy": True})
            if isinstance(reader, read_ahead_module.ReadingWorker):  # in the first worker
                second.write_text("started", encoding="utf-8")
            return reader

        patch.setattr("annotator.services.annotation_import.read_ahead", ahead)
        patch.setattr(spacy_pair, "read_ahead", ahead_noted)
        assert _imported(tmp_path / "workers", export) == fast
        assert second.read_text(encoding="utf-8") == "started"
