"""Plain drafts through the import service: new documents, texts already there or repeated."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from annotator.services.annotation_import import import_annotations
from annotator.services.project import Project

TEXTS = ["Rebels shelled Aleppo.", "Police detained dozens.", "The ministry denied it."]


def _write(path: Path, lines: list[tuple[str, list[tuple[str, int, int]]]]) -> Path:
    records = [
        {"text": text, "spans": [{"label": lb, "start": a, "end": b} for lb, a, b in spans]}
        for text, spans in lines
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


def _spans(project: Project) -> dict[str, list[tuple[str, int, int, str]]]:
    found = {}
    for document_id in project.document_ids():
        item = project.annotated(document_id)
        found[item.document.text] = sorted(
            (s.label, s.start, s.end, s.annotator) for s in item.spans
        )
    return found


def test_plain_documents_new_repeated_and_already_there(tmp_path: Path, database_url: str) -> None:
    first = _write(
        tmp_path / "a.jsonl",
        [(TEXTS[0], [("ACTOR", 0, 6), ("LOCATION", 15, 21)]), (TEXTS[1], [("ACTOR", 0, 6)])],
    )
    second = _write(
        tmp_path / "b.jsonl",
        [
            (TEXTS[0], [("ACTOR", 0, 6), ("CLAIM", 7, 14)]),  # one new span, one already there
            (TEXTS[2], [("ACTOR", 4, 12)]),
            (TEXTS[2], [("ACTOR", 4, 12), ("CLAIM", 13, 19)]),  # the same text again in a batch
        ],
    )
    with Project.create(tmp_path / "p", database_url=database_url) as project:
        report = import_annotations(project, "jsonl", first)
        assert (len(report.created), report.spans, report.spans_already_there) == (2, 3, 0)
        report = import_annotations(project, "jsonl", second)
        assert (len(report.created), len(report.updated)) == (1, 2)
        assert (report.spans, report.spans_already_there) == (3, 2)
        me = project.annotator
        assert _spans(project) == {
            TEXTS[0]: [("ACTOR", 0, 6, me), ("CLAIM", 7, 14, me), ("LOCATION", 15, 21, me)],
            TEXTS[1]: [("ACTOR", 0, 6, me)],
            TEXTS[2]: [("ACTOR", 4, 12, me), ("CLAIM", 13, 19, me)],
        }


def test_new_ids_found_by_text_when_sqlite_picks_them_at_random(tmp_path: Path) -> None:
    """With a document at the largest id SQLite can give, new rows get random ids: the import
    must then find them by text instead of counting down from the last one."""
    path = _write(tmp_path / "a.jsonl", [(text, [("ACTOR", 0, 6)]) for text in TEXTS])
    with Project.create(tmp_path / "p") as project:
        import_annotations(project, "jsonl", _write(tmp_path / "z.jsonl", [("Last.", [])]))
        database = next((tmp_path / "p").rglob("*.sqlite"))
        with sqlite3.connect(database) as connection:
            connection.execute("UPDATE documents SET id = 9223372036854775807")
        report = import_annotations(project, "jsonl", path)
        assert len(report.created) == 3
        found = _spans(project)
        assert [found[text] for text in TEXTS] == [[("ACTOR", 0, 6, project.annotator)]] * 3
