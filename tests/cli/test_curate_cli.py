"""``annotator curate`` as a user runs it: the per-document table and --auto-merge."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.annotation import CURATION_ANNOTATOR
from annotator.core.edits import AddSpan
from annotator.services.project import Project

from .test_cli import run


def test_curate_lists_progress_and_auto_merges(tmp_path: Path) -> None:
    assert run("init", "proj", cwd=tmp_path).returncode == 0
    (tmp_path / "a.txt").write_text("Rebels shelled Aleppo on Monday, officials said.", "utf-8")
    assert run("import", "proj", "a.txt", cwd=tmp_path).returncode == 0
    with Project.open(tmp_path / "proj") as project:
        (document,) = project.document_ids()
        for who in ("ana", "bob"):
            project.apply(AddSpan(document, "ACTOR", 0, 6, {}, who))
        project.apply(AddSpan(document, "LOCATION", 15, 21, {}, "ana"))

    listed = run("curate", "proj", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    (row,) = json.loads(listed.stdout)
    assert row["annotators"] == ["ana", "bob"]
    assert (row["agreed"], row["disagreements"], row["curated_spans"]) == (1, 1, 0)

    merged = run("curate", "proj", "--auto-merge", cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    assert "auto-merge: 1 agreed span or relation copied" in merged.stdout
    assert "ana,bob" in merged.stdout
    again = run("curate", "proj", "--auto-merge", cwd=tmp_path)
    assert "auto-merge: 0 agreed spans and relations copied" in again.stdout
    with Project.open(tmp_path / "proj") as project:
        curated = [s for s in project.spans(document) if s.annotator == CURATION_ANNOTATOR]
    assert [(s.label, s.start, s.end) for s in curated] == [("ACTOR", 0, 6)]


def test_export_takes_the_curated_layer_only_where_a_document_has_one(tmp_path: Path) -> None:
    assert run("init", "proj", cwd=tmp_path).returncode == 0
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(f"Rebels shelled Aleppo ({name}).", "utf-8")
        assert run("import", "proj", f"{name}.txt", cwd=tmp_path).returncode == 0
    with Project.open(tmp_path / "proj") as project:
        first, second = project.document_ids()
        for who in ("ana", "bob"):
            project.apply(AddSpan(first, "ACTOR", 0, 6, {}, who))
            project.apply(AddSpan(second, "ACTOR", 0, 6, {}, who))
        project.apply(AddSpan(second, "ACTOR", 0, 6, {}, CURATION_ANNOTATOR))

    exported = run("export", "proj", "--out", "out.jsonl", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert "wrote 2 documents, 3 spans, 0 relations" in exported.stdout
    assert "1 span of ana's layer not exported (not in the chosen layer)" in exported.stdout
    assert "1 span of bob's layer not exported" in exported.stdout
    assert "cannot carry" not in exported.stdout
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [len(record["spans"]) for record in records] == [2, 1]
