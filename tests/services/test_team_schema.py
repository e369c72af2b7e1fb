"""Only managers change the schema once a project is a team; the check is in the services."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import PermissionDeniedError
from annotator.core.schema_changes import RenameLabel
from annotator.services.project import Project
from annotator.services.project_files import init_project
from annotator.services.schema_editing import apply


def test_an_annotator_may_not_change_the_schema_but_the_manager_may(
    tmp_path: Path, database_url: str
) -> None:
    folder = tmp_path / "proj"
    init_project(folder, name="Team")
    with (
        Project.open(folder, database_url=database_url, annotator="ana") as ana,
        Project.open(folder, database_url=database_url, annotator="bob") as bob,
    ):
        with pytest.raises(PermissionDeniedError, match="may not change the schema") as caught:
            apply(bob, RenameLabel("ACTOR", "PERSON"))
        assert caught.value.code == "ANN202"
        assert "ACTOR" in {label.name for label in bob.schema.labels}
        apply(ana, RenameLabel("ACTOR", "PERSON"))
        assert "PERSON" in {label.name for label in ana.schema.labels}
