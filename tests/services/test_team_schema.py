"""Role checks that other services hook in: only managers change the schema, only curators and
managers curate (once the project is a team)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import PermissionDeniedError
from annotator.core.schema_changes import RenameLabel
from annotator.core.team import Role
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


def test_only_curators_and_managers_curate(tmp_path: Path, database_url: str) -> None:
    from annotator.core.document import DocumentDraft
    from annotator.services.curation import auto_merge
    from annotator.services.team import set_role

    folder = tmp_path / "proj"
    init_project(folder, name="Team")
    with (
        Project.open(folder, database_url=database_url, annotator="ana") as ana,
        Project.open(folder, database_url=database_url, annotator="bob") as bob,
        Project.open(folder, database_url=database_url, annotator="cy") as cy,
    ):
        [document] = ana.database.add_documents(
            [(DocumentDraft("Rebels said so."), "d")], ana.now()
        )
        with pytest.raises(PermissionDeniedError, match="may not edit the curated layer") as no:
            auto_merge(bob, document)
        assert str(no.value).endswith("only a manager or curator may [ANN202]")
        set_role(ana, "cy", Role.CURATOR)
        auto_merge(cy, document)  # nothing to merge, but allowed
