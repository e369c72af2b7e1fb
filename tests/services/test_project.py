"""The services on a real project folder: open, seed, import, status, stats, export, errors."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.edits import AddRelation, AddSpan, SetAttribute
from annotator.core.errors import ProjectError, UserError
from annotator.formats.native_jsonl import read_jsonl
from annotator.services.exporting import ExportSelection, export_project
from annotator.services.importing import ImportProgress, import_paths
from annotator.services.project import Project
from annotator.services.project_files import init_project, read_project_config
from annotator.services.resources import sample_project_dir

TEXT = (
    "Rebels shelled Aleppo on 3 May 2016.\nThe ministry 🏛 said 12 civilians died in Aleppo’s east."
)


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Project:
    folder = tmp_path / "proj"
    init_project(folder, name="Test")
    opened = Project.open(folder, database_url=database_url)
    yield opened
    opened.close()


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_sample_project_imports_its_seed_articles_on_first_open(tmp_path: Path) -> None:
    folder = tmp_path / "sample"
    shutil.copytree(sample_project_dir(), folder)
    with Project.open(folder) as project:
        assert project.database.created
        assert project.count_documents() >= 6
        summaries = project.page(limit=100)
        assert all(s.title and s.source and s.published for s in summaries)
        assert project.schema.label_names == ("ACTOR", "LOCATION", "CLAIM", "CASUALTY_FIGURE")
        assert "ATTRIBUTED_TO" in (project.guidelines() or "")
    with Project.open(folder) as project:  # the second open imports nothing again
        assert not project.database.created
        assert project.count_documents() == len(summaries)
    assert (folder / "annotations.sqlite").exists()


def test_import_reports_duplicates_and_failures_and_continues(
    project: Project, tmp_path: Path
) -> None:
    data = tmp_path / "in"
    write(data / "a.txt", "First headline\n\nBody of the first article.\r\nSecond line here.")
    write(data / "nested" / "b.txt", TEXT)
    write(data / "copy.txt", TEXT)  # same text as b.txt
    write(data / "empty.txt", "  \n")
    write(data / "latin1.txt", "Caf\xe9 au lait was served at the ministry.".encode("latin-1"))
    write(data / "blob.txt", b"\x00\x01\x02binary\x00" * 50)
    write(
        data / "dump.jsonl",
        '{"id": "x1", "text": "JSONL article with enough words.", "title": "J",'
        ' "published": "2026-05-01", "lang": "en"}\n{broken\n\n{"title": "no text"}\n',
    )
    seen: list[ImportProgress] = []
    report = import_paths(project, [data], progress=seen.append)
    assert len(report.imported) == 4
    assert [Path(s.origin).name for s in report.skipped] == ["b.txt"]
    assert "same text as" in report.skipped[0].reason
    failures = {(Path(f.file).name, f.line, f.code) for f in report.failures}
    assert failures == {
        ("empty.txt", None, "ANN137"),
        ("blob.txt", None, "ANN132"),
        ("dump.jsonl", 2, "ANN133"),
        ("dump.jsonl", 4, "ANN137"),
    }
    assert seen[-1].done == 9
    documents = [project.document(i) for i in report.imported]
    first = next(d for d in documents if d.title == "First headline")
    assert "\r" not in first.text
    assert "First headline" not in first.text  # the headline is metadata, not body
    assert any(d.text.startswith("Café au lait") for d in documents)  # legacy encoding detected
    jsonl = next(d for d in documents if d.external_id == "x1")
    assert jsonl.metadata.get("lang") == "en"
    assert str(jsonl.published) == "2026-05-01"
    again = import_paths(project, [data])  # a re-run skips what it already imported
    assert again.imported == []
    assert len(again.skipped) == 5
    assert all(s.duplicate_of in report.imported for s in again.skipped)


def test_near_duplicate_wire_copies_are_skipped_unless_kept(
    project: Project, tmp_path: Path
) -> None:
    story = (
        "Heavy shelling hit the market town of Brennick on Tuesday, killing at least seven "
        "people and wounding more than twenty, the provincial health directorate said. "
        "Witnesses said several shells landed within minutes of each other near the fruit "
        "stalls. The regional army command blamed an armed group in the hills east of the "
        "town, which denied any role and accused the army of staging the attack."
    )
    copy = story.replace("Tuesday", "Tuesday morning").replace("said.", "said in a statement.")
    write(tmp_path / "wire.txt", story)
    write(tmp_path / "copy.txt", copy)
    report = import_paths(project, [tmp_path / "wire.txt", tmp_path / "copy.txt"])
    assert len(report.imported) == 1
    assert report.skipped[0].reason.startswith("near-duplicate of")
    kept = import_paths(project, [tmp_path / "copy.txt"], keep_duplicates=True)
    assert len(kept.imported) == 1


def test_import_can_be_cancelled_and_resumed(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    words = "ministry rebels shelled town civilians killed officials border police convoy".split()
    for i in range(30):
        body = " ".join(words[(i * 7 + k * 3) % len(words)] + str(i * 31 + k) for k in range(40))
        write(folder / f"{i:02}.txt", f"Article number {i}\n\n{body}.")
    calls = 0

    def cancel_after_ten() -> bool:
        nonlocal calls
        calls += 1
        return calls > 10

    first = import_paths(project, [folder], cancelled=cancel_after_ten)
    assert first.cancelled
    assert len(first.imported) == 10
    rest = import_paths(project, [folder])
    assert len(rest.imported) == 20
    assert project.count_documents() == 30


def test_annotate_status_stats_and_lossless_export(project: Project, tmp_path: Path) -> None:
    source = write(tmp_path / "a.txt", TEXT)
    [doc_id] = import_paths(project, [source]).imported
    claim = project.apply(AddSpan(doc_id, "CLAIM", 57, 91, {}, "ana")).changes.spans_added[0]
    actor = project.apply(AddSpan(doc_id, "ACTOR", 37, 49, {}, "ben")).changes.spans_added[0]
    project.apply(SetAttribute(actor.id, "kind", "official"))
    project.apply(AddRelation(doc_id, "ATTRIBUTED_TO", claim.id, actor.id, "ana"))
    document = project.set_status(doc_id, DocumentStatus.DONE)
    assert document.status is DocumentStatus.DONE
    stats = project.statistics()
    assert stats.to_json()["spans_by_label"] == {"ACTOR": 1, "CLAIM": 1}
    assert stats.done == 1
    out = tmp_path / "export.jsonl"
    report = export_project(project, "jsonl", out, ExportSelection(done_only=True))
    assert (report.documents, report.spans, report.relations) == (1, 2, 1)
    with out.open(encoding="utf-8") as handle:
        [item] = list(read_jsonl(handle, name=str(out)))
    assert not isinstance(item, Exception)
    original = project.annotated(doc_id)
    assert item.document.text == TEXT
    assert [s.content() for s in item.spans] == [s.content() for s in original.spans]
    assert [r.content() for r in item.relations] == [r.content() for r in original.relations]
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["spans"][1]["text"] == "12 civilians died in Aleppo’s east"
    only_ben = export_project(project, "jsonl", out, ExportSelection(annotator="ben"))
    assert (only_ben.spans, only_ben.relations) == (1, 0)


def test_a_cancelled_export_leaves_no_file(project: Project, tmp_path: Path) -> None:
    for i in range(3):
        write(tmp_path / f"{i}.txt", f"Text {i}")
    import_paths(project, sorted(tmp_path.glob("*.txt")))
    out = tmp_path / "out.jsonl"
    with pytest.raises(UserError, match="cancelled"):
        export_project(project, "jsonl", out, cancelled=lambda: True)
    assert not out.exists()
    assert not list(tmp_path.glob(".out.jsonl.*"))
    with pytest.raises(UserError, match="no exporter named 'brat2'"):
        export_project(project, "brat2", out)
    with pytest.raises(UserError, match="does not exist"):
        export_project(project, "jsonl", tmp_path / "missing" / "x.jsonl")


def test_an_export_cancelled_after_its_last_document_was_read_leaves_no_file(
    project: Project, tmp_path: Path
) -> None:
    """Worker processes may still lay out the last batches when every document has been read
    (the progress bar full): a cancel then still leaves nothing behind."""
    for i in range(3):
        write(tmp_path / f"{i}.txt", f"Text {i}")
    import_paths(project, sorted(tmp_path.glob("*.txt")))
    out = tmp_path / "out.conll"
    asked: list[None] = []

    def cancelled_after_the_reading() -> bool:
        asked.append(None)
        return len(asked) > 3  # once per document read, then never again before

    with pytest.raises(UserError, match="cancelled"):
        export_project(project, "conll", out, cancelled=cancelled_after_the_reading)
    assert not out.exists()
    assert not list(tmp_path.glob(".out.conll.*"))


def test_bad_project_folders_get_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project folder"):
        Project.open(tmp_path / "nowhere")
    with pytest.raises(ProjectError, match=r"not a project folder .*annotator init"):
        Project.open(tmp_path)
    broken = tmp_path / "broken"
    write(broken / "project.toml", '[project]\nname = "x\n')
    with pytest.raises(ProjectError, match=r"invalid TOML: .*line 2"):
        Project.open(broken)
    write(broken / "project.toml", b"\xff\xfe[project]")
    with pytest.raises(ProjectError, match="not UTF-8"):
        Project.open(broken)
    write(broken / "project.toml", '[[labels]]\nname = "A"\ncolor = "red"\n')
    with pytest.raises(UserError, match=r"labels\[0\]\.color: bad colour 'red'"):
        Project.open(broken)
    assert not (broken / "annotations.sqlite").exists()
    init_project(tmp_path / "p")
    with pytest.raises(ProjectError, match="already a project"):
        init_project(tmp_path / "p")
    with pytest.raises(ProjectError, match="unknown schema template 'nope'"):
        init_project(tmp_path / "q", schema_name="nope")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file; permissions cannot fail")
def test_unreadable_files_and_folders_are_reported(project: Project, tmp_path: Path) -> None:
    locked = write(tmp_path / "locked" / "a.txt", "text")
    locked.chmod(0)
    report = import_paths(project, [locked])
    assert report.failures[0].reason == "permission denied"
    locked.chmod(0o644)
    locked.parent.chmod(0)
    try:
        report = import_paths(project, [locked.parent])
        assert "permission denied" in report.failures[0].reason
    finally:
        locked.parent.chmod(0o755)


def test_init_writes_a_valid_project_with_starter_guidelines(tmp_path: Path) -> None:
    config = init_project(tmp_path / "new", name="My corpus")
    again = read_project_config(tmp_path / "new")
    assert again == config
    guidelines = (tmp_path / "new" / "guidelines.md").read_text(encoding="utf-8")
    assert "## CASUALTY_FIGURE (key `f`)" in guidelines
    assert "password" in (tmp_path / "new" / "project.toml").read_text(encoding="utf-8")


def test_document_filters_run_in_sql(project: Project, tmp_path: Path) -> None:
    for name in ("Alpha report", "Beta report", "Gamma note"):
        write(tmp_path / f"{name}.txt", f"{name}\n\nbody of {name}")
    import_paths(project, sorted(tmp_path.glob("*.txt")))
    ids = project.document_ids(DocumentFilter(title_contains="report"))
    assert [project.document(i).title for i in ids] == ["Alpha report", "Beta report"]
    project.set_status(ids[0], DocumentStatus.DONE)
    assert project.count_documents(DocumentFilter(status=DocumentStatus.DONE)) == 1
