"""``annotator package export DIR --annotator NAME`` without a global name: who it acts as."""

from __future__ import annotations

import io
from pathlib import Path

from annotator.app import parse_arguments
from annotator.cli import main as cli
from annotator.core.document import DocumentDraft
from annotator.core.edits import AddSpan
from annotator.core.ids import DocumentId
from annotator.core.team import Role
from annotator.services import team
from annotator.services.project import Project
from annotator.services.project_files import init_project


def package_export(folder: Path, whose: str, out: Path) -> tuple[int, str]:
    printed = io.StringIO()
    argv = ["package", "export", str(folder), "--annotator", whose, "--out", str(out)]
    return cli.run(parse_arguments(argv), None, printed), printed.getvalue()


def test_a_solo_project_gains_no_member_from_a_package_export(tmp_path: Path) -> None:
    # outside blind annotation the command needs no identity: it must not make "ana" the
    # project's manager (the first named opener) as a side effect
    folder = tmp_path / "solo"
    init_project(folder, name="Solo")
    with Project.open(folder) as project:
        project.database.add_documents(
            [(DocumentDraft("Rebels shelled Aleppo."), "d1")], project.now()
        )
        project.apply(AddSpan(DocumentId(1), "ACTOR", 0, 6, annotator="ana"))
    code, printed = package_export(folder, "ana", tmp_path / "ana.zip")
    assert code == 0
    assert "wrote ana's 1 span" in printed
    with Project.open(folder) as project:
        assert [(m.name, m.role) for m in team.members(project)] == [("ana", Role.ANNOTATOR)]


def test_in_a_blind_project_it_acts_as_the_packages_annotator(tmp_path: Path) -> None:
    folder = tmp_path / "blind"
    init_project(folder, name="Blind")
    with (
        Project.open(folder, annotator="ana") as ana,
        Project.open(folder, annotator="bob") as bob,
    ):
        ana.database.add_documents([(DocumentDraft("Rebels shelled Aleppo."), "d1")], ana.now())
        bob.apply(AddSpan(DocumentId(1), "LOCATION", 15, 21))
        team.set_blind(ana, True)
    code, printed = package_export(folder, "bob", tmp_path / "bob.zip")
    assert code == 0
    assert "wrote bob's 1 span" in printed
