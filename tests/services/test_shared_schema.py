"""The team's schema lives in the database: two machines, each with its own project folder on one
database (SQLite file and PostgreSQL), see each other's schema changes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.document import DocumentDraft
from annotator.core.edits import AddSpan
from annotator.core.errors import StaleDataError
from annotator.core.ids import DocumentId
from annotator.core.schema_changes import RenameLabel
from annotator.core.team import Role
from annotator.services import schema_editing, team
from annotator.services.project import Project
from annotator.services.project_files import init_project, read_project_config

TEXT = "Rebels shelled Aleppo on Monday."


def names(project_or_folder: Project | Path) -> set[str]:
    if isinstance(project_or_folder, Project):
        schema = project_or_folder.schema
    else:
        schema = read_project_config(project_or_folder).schema
    return {label.name for label in schema.labels}


@pytest.fixture
def machines(tmp_path: Path, database_url: str) -> Iterator[tuple[Project, Project]]:
    """ana (manager) on machine A and bob (annotator) on machine B: one folder each."""
    folders = [tmp_path / "a" / "proj", tmp_path / "b" / "proj"]
    for folder in folders:
        init_project(folder, name="Team")
    ana = Project.open(folders[0], database_url=database_url, annotator="ana")
    team.add_member(ana, "bob", Role.ANNOTATOR)
    bob = Project.open(folders[1], database_url=database_url, annotator="bob")
    ana.database.add_documents([(DocumentDraft(TEXT, title="Doc"), "d1")], ana.now())
    yield ana, bob
    ana.close()
    bob.close()


def test_a_rename_on_one_machine_reaches_the_other_and_its_folder(
    machines: tuple[Project, Project],
) -> None:
    ana, bob = machines
    assert bob.schema_revision is None  # nothing published before the first change
    bob.apply(AddSpan(DocumentId(1), "LOCATION", 15, 21))
    schema_editing.apply(ana, RenameLabel("LOCATION", "PLACE"))
    assert ana.schema_revision == 1
    assert bob.reload_config()  # the window's poll
    assert "PLACE" in names(bob)
    assert "LOCATION" not in names(bob)
    assert names(bob.folder) == names(bob)  # machine B's project.toml says the same
    assert not bob.reload_config()  # only once
    assert [span.label for span in bob.spans(DocumentId(1))] == ["PLACE"]


def test_undo_of_a_schema_change_reaches_the_other_machine(
    machines: tuple[Project, Project],
) -> None:
    ana, bob = machines
    edit = schema_editing.apply(ana, RenameLabel("LOCATION", "PLACE"))
    assert bob.reload_config()
    schema_editing.apply_step(ana, edit.inverse)
    assert ana.schema_revision == 2
    assert bob.reload_config()
    assert "LOCATION" in names(bob)
    assert "PLACE" not in names(bob)
    assert "LOCATION" in names(bob.folder)


def test_a_machine_opening_later_takes_the_databases_schema(
    machines: tuple[Project, Project], tmp_path: Path, database_url: str
) -> None:
    ana, _bob = machines
    schema_editing.apply(ana, RenameLabel("ACTOR", "PERSON"))
    folder = tmp_path / "c" / "proj"
    init_project(folder, name="Team")
    with Project.open(folder, database_url=database_url, annotator="cid") as cid:
        assert "PERSON" in names(cid)
        assert "ACTOR" not in names(cid)
        assert cid.schema_revision == 1
    assert names(folder) == names(ana)


def test_a_change_made_on_a_stale_schema_is_refused(machines: tuple[Project, Project]) -> None:
    ana, bob = machines
    team.set_role(ana, "bob", Role.MANAGER)
    edit = schema_editing.apply(ana, RenameLabel("ACTOR", "PERSON"))
    schema_editing.apply(bob, RenameLabel("CLAIM", "STATEMENT"))  # reads the newest first
    assert {"PERSON", "STATEMENT"} <= names(bob)
    with pytest.raises(StaleDataError) as refused:
        schema_editing.apply_step(ana, edit.inverse)  # ana has not seen bob's change
    assert refused.value.code == "ANN315"
    assert "PERSON" in names(ana.folder)  # the file is left as it was
    assert ana.reload_config()
    assert {"PERSON", "STATEMENT"} <= names(ana)


def test_a_single_user_project_publishes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "solo"
    init_project(folder, name="Solo")
    with Project.open(folder, annotator="ana") as solo:
        schema_editing.apply(solo, RenameLabel("LOCATION", "PLACE"))
        assert solo.schema_revision is None
        assert solo.database.schema_record() is None
        assert "PLACE" in names(folder)
        assert not solo.reload_config()


def test_labels_an_import_adds_reach_the_other_machine(
    machines: tuple[Project, Project], tmp_path: Path
) -> None:
    from annotator.services.annotation_import import import_annotations

    ana, bob = machines
    schema_editing.apply(ana, RenameLabel("LOCATION", "PLACE"))  # a schema of record exists
    assert bob.reload_config()
    source = tmp_path / "weapons.jsonl"
    record = {
        "text": TEXT,
        "spans": [{"label": "WEAPON", "start": 7, "end": 14, "annotator": "ana"}],
    }
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    report = import_annotations(ana, "jsonl", source, add_labels=True)
    assert report.labels_added == ["WEAPON"]
    assert ana.schema_revision == 2
    assert bob.reload_config()
    assert {"WEAPON", "PLACE"} <= names(bob)
    assert "WEAPON" in names(bob.folder)
