"""The label schema: parsing project.toml tables, errors that name the key, the TOML round trip."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from annotator.core.errors import ProjectError, SchemaError
from annotator.core.project import project_config_from_mapping
from annotator.core.schema import AttributeType, schema_from_mapping, schema_to_mapping

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "resources" / "schemas" / "news-events.toml"


def template() -> dict[str, Any]:
    return tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))


def test_news_events_template_has_the_default_schema() -> None:
    schema = schema_from_mapping(template())
    assert schema.label_names == ("ACTOR", "LOCATION", "CLAIM", "CASUALTY_FIGURE")
    actor = schema.label("ACTOR")
    assert actor is not None
    kind = actor.attribute("kind")
    assert kind is not None
    assert kind.type is AttributeType.CHOICE
    assert "non-state armed group" in kind.choices
    figure = schema.label("CASUALTY_FIGURE")
    assert figure is not None
    assert [a.name for a in figure.attributes] == ["count", "count_max", "qualifier", "outcome"]
    assert schema.relation_types_for("CLAIM", "ACTOR")[0].name == "ATTRIBUTED_TO"
    assert {rt.name for rt in schema.relation_types_for("ACTOR", "LOCATION")} == {"LOCATED_IN"}
    assert schema.relation_types_for("ACTOR", "CLAIM") == ()
    assert schema.label_for_hotkey("c") == schema.label("CLAIM")


def test_round_trip_through_mapping() -> None:
    schema = schema_from_mapping(template())
    assert schema_from_mapping(schema_to_mapping(schema)) == schema


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["labels"][0]["attributes"][0].update(type="date"),
            "labels[0].attributes[0].type: unknown type 'date'",
        ),
        (lambda d: d["labels"][1].update(hotkey="a"), "labels[1].hotkey: duplicate hotkey 'a'"),
        (lambda d: d["labels"][0].update(color="blue"), "labels[0].color: bad colour 'blue'"),
        (lambda d: d["labels"][0].update(color="#12345"), "labels[0].color: bad colour"),
        (
            lambda d: d["relations"][0].update(target=["PERSON"]),
            "relations[0].target: relation 'ATTRIBUTED_TO' names unknown label 'PERSON'",
        ),
        (lambda d: d["labels"][2].update(name="ACTOR"), "labels[2].name: duplicate label 'ACTOR'"),
        (lambda d: d["labels"][0].pop("name"), "labels[0].name: missing"),
        (lambda d: d["labels"][0].update(name="two words"), "labels[0].name: 'two words'"),
        (lambda d: d["labels"][0].update(colour="#000000"), "labels[0].colour: unknown key"),
        (lambda d: d["labels"][0].update(hotkey="ab"), "labels[0].hotkey: 'ab' must be a single"),
        (
            lambda d: d["labels"][0]["attributes"][0].update(choices=[]),
            "labels[0].attributes[0].choices: a choice attribute needs choices",
        ),
        (
            lambda d: d["labels"][3]["attributes"][0].update(choices=["x"]),
            "labels[3].attributes[0].choices: only choice attributes",
        ),
        (
            lambda d: d["relations"][0].update(source=[]),
            "relations[0].source: expected a label name",
        ),
    ],
)
def test_errors_name_the_key_and_the_problem(mutate: Any, expected: str) -> None:
    data = template()
    mutate(data)
    with pytest.raises(SchemaError) as caught:
        schema_from_mapping(data, where="p/project.toml")
    assert f"p/project.toml: {expected}" in str(caught.value)
    assert caught.value.code.startswith("ANN11")


def test_attribute_values_are_checked() -> None:
    schema = schema_from_mapping(template())
    assert schema.check_attributes("CASUALTY_FIGURE", {"count": 7, "qualifier": "at least"}) == {
        "count": 7,
        "qualifier": "at least",
    }
    with pytest.raises(SchemaError, match="'count' expects a integer value"):
        schema.check_attributes("CASUALTY_FIGURE", {"count": "seven"})
    with pytest.raises(SchemaError, match="expects a integer"):
        schema.check_attributes("CASUALTY_FIGURE", {"count": True})
    with pytest.raises(SchemaError, match="one of exact, at least"):
        schema.check_attributes("CASUALTY_FIGURE", {"qualifier": "roughly"})
    with pytest.raises(SchemaError, match="has no attribute 'kind'"):
        schema.check_attributes("LOCATION", {"kind": "state"})


def test_project_config_defaults_and_password_refused() -> None:
    data = template()
    config = project_config_from_mapping({"project": {"name": "X"}, **data})
    assert config.database_url == "sqlite:///annotations.sqlite"
    with pytest.raises(ProjectError, match="contains a password"):
        project_config_from_mapping(
            {"database": {"url": "postgresql://bob:secret@db/annot"}, **data}
        )
    ok = project_config_from_mapping({"database": {"url": "postgresql://bob@db/annot"}, **data})
    assert ok.database_url == "postgresql://bob@db/annot"
    with pytest.raises(ProjectError, match="unknown key 'labelz'"):
        project_config_from_mapping({"labelz": []})
