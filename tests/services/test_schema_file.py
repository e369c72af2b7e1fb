"""project.toml rewritten after a schema change: comments and untouched tables stay as written."""

from __future__ import annotations

import tomllib

import pytest

from annotator.core.errors import ProjectError
from annotator.core.project import project_config_from_mapping
from annotator.core.schema import AttributeDefinition, AttributeType, Label
from annotator.core.schema_changes import AddLabel, DeleteLabel, RenameLabel, changed_schema
from annotator.services.resources import sample_project_dir
from annotator.services.schema_file import render_schema


@pytest.fixture
def text() -> str:
    return (sample_project_dir() / "project.toml").read_text(encoding="utf-8")


def schema_of(text: str):  # type: ignore[no-untyped-def]
    return project_config_from_mapping(tomllib.loads(text)).schema


def test_a_rename_changes_only_the_lines_that_name_the_label(text: str) -> None:
    schema = changed_schema(schema_of(text), RenameLabel("LOCATION", "PLACE"))
    result = render_schema(text, schema)
    assert schema_of(result) == schema
    removed = set(text.splitlines()) - set(result.splitlines())
    added = set(result.splitlines()) - set(text.splitlines())
    assert removed == {'name = "LOCATION"', 'target = ["LOCATION"]'}
    assert added == {'name = "PLACE"', 'target = ["PLACE"]'}
    assert "# files imported automatically" in result  # comments kept
    assert render_schema(result, schema_of(text)) == text  # and back


def test_new_and_deleted_labels(text: str) -> None:
    weapon = Label(
        "WEAPON",
        "#123456",
        "w",
        "Arms used",
        (AttributeDefinition("kind", AttributeType.CHOICE, ("gun", "shell")),),
    )
    schema = changed_schema(changed_schema(schema_of(text), AddLabel(weapon)), DeleteLabel("CLAIM"))
    result = render_schema(text, schema)
    assert schema_of(result) == schema
    assert "ATTRIBUTED_TO" not in result  # it lost its only source label
    assert "[[labels.attributes]]" in result.split('name = "WEAPON"')[1]
    assert "\n\n\n" not in result


def test_invalid_toml_is_reported() -> None:
    with pytest.raises(ProjectError) as caught:
        render_schema("[project\n", schema_of('[project]\nname="x"\n'))
    assert caught.value.code == "ANN128"
