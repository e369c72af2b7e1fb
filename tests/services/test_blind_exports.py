"""Exports under blind annotation refuse what the exporter may not see instead of writing an
empty file: an unnamed user, another annotator's layer, another annotator's package."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from annotator.core.document import DocumentDraft
from annotator.core.edits import AddSpan
from annotator.core.errors import PermissionDeniedError
from annotator.core.ids import DocumentId
from annotator.services import team
from annotator.services.exporting import ExportSelection, export_project
from annotator.services.packages import export_package
from annotator.services.project import Project
from annotator.services.project_files import init_project

TEXT = "Rebels shelled Aleppo on Monday, officials in Damascus said."
DOC = DocumentId(1)


@pytest.fixture
def folder(tmp_path: Path, database_url: str) -> Path:
    """A blind team: ana (manager) and bob (annotator), one span each."""
    path = tmp_path / "proj"
    init_project(path, name="Blind")
    with (
        Project.open(path, database_url=database_url, annotator="ana") as ana,
        Project.open(path, database_url=database_url, annotator="bob") as bob,
    ):
        ana.database.add_documents([(DocumentDraft(TEXT), "d1")], ana.now())
        ana.apply(AddSpan(DOC, "ACTOR", 0, 6))
        bob.apply(AddSpan(DOC, "LOCATION", 15, 21))
        team.set_blind(ana, True)
    return path


def test_an_unnamed_user_is_told_to_name_themselves_not_given_an_empty_export(
    folder: Path, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    with Project.open(folder, database_url=database_url, annotator="") as nobody:
        for layer in ("", "all", "curated", "bob"):
            with pytest.raises(PermissionDeniedError) as refused:
                export_project(nobody, "jsonl", out, selection=ExportSelection(layer=layer))
            assert refused.value.code == "ANN381"
            assert "--annotator" in refused.value.message
    assert not out.exists()


def test_an_annotator_may_not_export_a_layer_blind_annotation_hides(
    folder: Path, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    with Project.open(folder, database_url=database_url, annotator="bob") as bob:
        for layer in ("ana", "curated"):
            with pytest.raises(PermissionDeniedError) as refused:
                export_project(bob, "jsonl", out, selection=ExportSelection(layer=layer))
            assert refused.value.code == "ANN382"
        assert not out.exists()
        own = export_project(bob, "jsonl", out, selection=ExportSelection(layer="bob"))
        assert own.spans == 1
    with Project.open(folder, database_url=database_url, annotator="ana") as ana:
        assert export_project(ana, "jsonl", out, selection=ExportSelection(layer="bob")).spans == 1


def test_a_package_of_a_hidden_layer_is_refused_not_written_empty(
    folder: Path, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "bob.zip"
    for who in ("", "cy"):
        with Project.open(folder, database_url=database_url, annotator=who) as other:
            with pytest.raises(PermissionDeniedError) as refused:
                export_package(other, "bob", None, out)
            assert refused.value.code == "ANN380"
            assert "bob's layer" in refused.value.message
    assert not out.exists()
    with Project.open(folder, database_url=database_url, annotator="ana") as ana:
        assert export_package(ana, "bob", None, out).spans == 1
    with Project.open(folder, database_url=database_url, annotator="bob") as bob:
        assert export_package(bob, "bob", None, out).spans == 1
    with zipfile.ZipFile(out) as zf:
        assert "documents.jsonl" in zf.namelist()
