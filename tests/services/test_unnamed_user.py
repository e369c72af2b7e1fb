"""A refusal that comes from not being named says how to name oneself."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import PermissionDeniedError
from annotator.core.team import Permission
from annotator.services.project import Project
from annotator.services.project_files import init_project


def test_an_unnamed_user_of_a_team_project_is_told_to_use_annotator(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    init_project(folder, name="Team")
    with Project.open(folder, annotator="ana"), Project.open(folder, annotator="bob"):
        pass  # ana (manager) and bob: a team
    with Project.open(folder, annotator="") as nobody, pytest.raises(PermissionDeniedError) as e:
        nobody.require(Permission.ADD_DOCUMENTS)
    assert e.value.message == (
        "an unnamed annotator (annotator) may not add documents; only a manager may "
        "(name yourself with --annotator NAME)"
    )
    with Project.open(folder, annotator="bob") as bob, pytest.raises(PermissionDeniedError) as e:
        bob.require(Permission.ADD_DOCUMENTS)
    assert e.value.message == "bob (annotator) may not add documents; only a manager may"
