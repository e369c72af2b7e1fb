"""Imports that add documents: in a team only a manager may, for articles and for the texts of
an annotation import (SQLite; roles are the same code on PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import PermissionDeniedError
from annotator.core.team import Role
from annotator.services import team
from annotator.services.annotation_import import import_annotations
from annotator.services.importing import import_paths
from annotator.services.project import Project
from annotator.services.project_files import init_project


def articles(path: Path, *texts: str) -> Path:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    return path


def test_only_a_manager_adds_documents_to_a_team_project(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    init_project(folder, name="Team")
    source = articles(tmp_path / "in.jsonl", "Rebels shelled Aleppo.", "Talks resumed in Doha.")
    with Project.open(folder, annotator="ana") as ana:
        team.add_member(ana, "bob", Role.ANNOTATOR)
        team.add_member(ana, "cy", Role.CURATOR)
    for name, role in (("bob", Role.ANNOTATOR), ("cy", Role.CURATOR)):
        with Project.open(folder, annotator=name) as member:
            with pytest.raises(PermissionDeniedError) as refused:
                import_paths(member, [source])
            assert refused.value.code == "ANN202"
            assert f"{name} ({role.value}) may not add documents; only a manager may" in str(
                refused.value
            )
            assert member.count_documents() == 0
    with Project.open(folder, annotator="ana") as ana:
        assert len(import_paths(ana, [source]).imported) == 2
        assert ana.count_documents() == 2


def test_anyone_imports_before_the_project_is_a_team(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    init_project(folder, name="Solo")
    source = articles(tmp_path / "in.jsonl", "Rebels shelled Aleppo.")
    with Project.open(folder) as anonymous:
        assert len(import_paths(anonymous, [source]).imported) == 1
    with Project.open(folder, annotator="ana") as ana:  # the manager, alone: not a team yet
        assert not ana.identity.managed
        source = articles(tmp_path / "more.jsonl", "Talks resumed in Doha.")
        assert len(import_paths(ana, [source]).imported) == 1


def test_an_annotation_import_adds_no_document_for_a_non_manager(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    init_project(folder, name="Team")
    known, new = "Rebels shelled Aleppo.", "Talks resumed in Doha."
    with Project.open(folder, annotator="ana") as ana:
        import_paths(ana, [articles(tmp_path / "in.jsonl", known)])
        team.add_member(ana, "bob", Role.ANNOTATOR)
    annotated = tmp_path / "bob.jsonl"
    spans = [{"label": "ACTOR", "start": 0, "end": 6}]
    annotated.write_text(
        "".join(json.dumps({"text": t, "spans": spans}) + "\n" for t in (known, new)),
        encoding="utf-8",
    )
    with Project.open(folder, annotator="bob") as bob:
        with pytest.raises(PermissionDeniedError) as refused:
            import_annotations(bob, "jsonl", annotated)
        assert refused.value.code == "ANN202"
        assert "bob (annotator) may not add documents; only a manager may" in str(refused.value)
        assert bob.count_documents() == 1
        (document_id,) = bob.document_ids()
        assert bob.spans(document_id) == []  # nothing of the import landed
        annotated.write_text(json.dumps({"text": known, "spans": spans}) + "\n", "utf-8")
        report = import_annotations(bob, "jsonl", annotated)  # an existing text: fine
        assert (report.created, report.spans) == ([], 1)
