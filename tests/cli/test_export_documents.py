"""``annotator export --documents 1,3-4``: an export limited to a selection of documents."""

from __future__ import annotations

import io
import json
from pathlib import Path

from annotator.app import parse_arguments
from annotator.cli import main as cli
from annotator.core.document import DocumentDraft, DocumentStatus
from annotator.core.edits import AddSpan
from annotator.core.ids import DocumentId
from annotator.services.exporting import ExportSelection
from annotator.services.project import Project
from annotator.services.project_files import init_project


def export(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.run(parse_arguments(["export", *argv]), None, out)
    return code, out.getvalue()


def test_export_only_the_documents_named(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    init_project(folder, name="Selection")
    with Project.open(folder) as project:
        drafts = [(DocumentDraft(f"Report number {n} from the front."), f"d{n}") for n in range(5)]
        project.database.add_documents(drafts, project.now())
    target = tmp_path / "some.jsonl"
    code, printed = export(str(folder), "--out", str(target), "--documents", "1,3-4")
    assert code == 0
    assert "wrote 3 documents" in printed
    texts = [json.loads(line)["text"] for line in target.read_text("utf-8").splitlines()]
    assert texts == [f"Report number {n} from the front." for n in (0, 2, 3)]

    bad = export(str(folder), "--out", str(tmp_path / "x.jsonl"), "--documents", "2-1")
    assert bad[0] == cli.EXIT_USER_ERROR
    assert not (tmp_path / "x.jsonl").exists()


def test_only_annotator_with_a_name_nobody_has_is_an_error_not_an_empty_export(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "proj"
    init_project(folder, name="Layers")
    with Project.open(folder, annotator="ana") as ana:
        ana.database.add_documents([(DocumentDraft("Rebels shelled Aleppo."), "d1")], ana.now())
        ana.apply(AddSpan(DocumentId(1), "ACTOR", 0, 6))
    target = tmp_path / "x.jsonl"
    code, _printed = export(str(folder), "--out", str(target), "--only-annotator", "anna")
    assert code == cli.EXIT_USER_ERROR  # a typo: like --layer anna, ANN301 lists the layers
    assert not target.exists()
    code, printed = export(str(folder), "--out", str(target), "--only-annotator", "ana")
    assert code == 0
    assert "1 span" in printed


def test_the_progress_bar_counts_the_documents_the_export_writes(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    init_project(folder, name="Progress")
    with Project.open(folder) as project:
        drafts = [(DocumentDraft(f"Report number {n} from the front."), f"d{n}") for n in range(5)]
        project.database.add_documents(drafts, project.now())
        project.set_status(DocumentId(2), DocumentStatus.DONE)
        project.set_status(DocumentId(5), DocumentStatus.DONE)
        ids = [DocumentId(1), DocumentId(2), DocumentId(3)]
        assert cli.export_total(project, ExportSelection()) == 5
        assert cli.export_total(project, ExportSelection(done_only=True)) == 2
        assert cli.export_total(project, ExportSelection(document_ids=ids)) == 3
        both = ExportSelection(done_only=True, document_ids=ids)
        assert cli.export_total(project, both) == 1
