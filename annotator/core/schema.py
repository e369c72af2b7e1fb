"""Label schema: labels with colours, hotkeys and attributes; relation types between labels."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from annotator.core.errors import SchemaError

AttributeValue = str | int | bool
"""What an attribute holds: text or choice -> str, integer -> int, flag -> bool."""

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
# Keys the workspace uses for its own commands; a label cannot take them.
RESERVED_HOTKEYS = frozenset({"r", "R", "+", "#"})


class AttributeType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    CHOICE = "choice"
    FLAG = "flag"


@dataclass(frozen=True, slots=True)
class AttributeDefinition:
    name: str
    type: AttributeType
    choices: tuple[str, ...] = ()
    description: str = ""

    def check(self, value: AttributeValue) -> AttributeValue:
        """Return ``value`` if it fits this definition, else raise SchemaError."""
        ok: bool
        if self.type is AttributeType.FLAG:
            ok = isinstance(value, bool)
        elif self.type is AttributeType.INTEGER:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif self.type is AttributeType.CHOICE:
            ok = isinstance(value, str) and value in self.choices
        else:
            ok = isinstance(value, str)
        if not ok:
            expected = (
                f"one of {', '.join(self.choices)}"
                if self.type is AttributeType.CHOICE
                else f"a {self.type.value} value"
            )
            raise SchemaError(
                f"attribute {self.name!r} expects {expected}, got {value!r}", code="ANN111"
            )
        return value


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    color: str
    hotkey: str = ""
    description: str = ""
    attributes: tuple[AttributeDefinition, ...] = ()

    def attribute(self, name: str) -> AttributeDefinition | None:
        for definition in self.attributes:
            if definition.name == name:
                return definition
        return None


@dataclass(frozen=True, slots=True)
class RelationType:
    name: str
    source_labels: frozenset[str]
    target_labels: frozenset[str]
    description: str = ""

    def allows(self, source_label: str, target_label: str) -> bool:
        return source_label in self.source_labels and target_label in self.target_labels


@dataclass(frozen=True, slots=True)
class LabelSchema:
    labels: tuple[Label, ...] = ()
    relation_types: tuple[RelationType, ...] = ()
    _by_name: Mapping[str, Label] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {label.name: label for label in self.labels})

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    def label(self, name: str) -> Label | None:
        return self._by_name.get(name)

    def label_for_hotkey(self, key: str) -> Label | None:
        for label in self.labels:
            if label.hotkey and label.hotkey == key:
                return label
        return None

    def relation_type(self, name: str) -> RelationType | None:
        for relation_type in self.relation_types:
            if relation_type.name == name:
                return relation_type
        return None

    def relation_types_for(self, source_label: str, target_label: str) -> tuple[RelationType, ...]:
        return tuple(rt for rt in self.relation_types if rt.allows(source_label, target_label))

    def check_attributes(
        self, label_name: str, attributes: Mapping[str, AttributeValue]
    ) -> dict[str, AttributeValue]:
        label = self.label(label_name)
        if label is None:
            raise SchemaError(f"unknown label {label_name!r}", code="ANN112")
        checked: dict[str, AttributeValue] = {}
        for name, value in attributes.items():
            definition = label.attribute(name)
            if definition is None:
                raise SchemaError(f"label {label_name!r} has no attribute {name!r}", code="ANN113")
            checked[name] = definition.check(value)
        return checked

    def with_labels(self, labels: Iterable[Label]) -> LabelSchema:
        return replace(self, labels=tuple(labels))


def typed_value(schema: LabelSchema, label: str, name: str, text: str) -> AttributeValue:
    """An attribute value read as text from a file, typed as the schema declares it (a flag
    from true/yes/1, an integer when it parses); text for anything else or undeclared."""
    found = schema.label(label)
    definition = found.attribute(name) if found is not None else None
    if definition is None:
        return text
    if definition.type is AttributeType.FLAG:
        return text.strip().lower() in ("true", "yes", "1")
    if definition.type is AttributeType.INTEGER:
        try:
            return int(text)
        except ValueError:
            return text
    return text


def next_palette_colour(used: Iterable[str]) -> str:
    """The first palette colour not in ``used`` (cycling when all are taken)."""
    taken = [colour.upper() for colour in used]
    for colour in PALETTE:
        if colour not in taken:
            return colour
    return PALETTE[len(taken) % len(PALETTE)]


# -- reading and writing the TOML form ------------------------------------------------------------


def schema_from_mapping(data: Mapping[str, Any], *, where: str = "project.toml") -> LabelSchema:
    """Build and validate a schema from the ``[[labels]]``/``[[relations]]`` tables of a TOML file.

    Every problem is reported with the key that holds it, e.g. ``labels[2].hotkey``.
    """
    raw_labels = data.get("labels", [])
    if not isinstance(raw_labels, list):
        raise SchemaError(f"{where}: 'labels' must be an array of tables ([[labels]])")
    labels = tuple(_label(raw, f"labels[{i}]", where) for i, raw in enumerate(raw_labels))
    raw_relations = data.get("relations", [])
    if not isinstance(raw_relations, list):
        raise SchemaError(f"{where}: 'relations' must be an array of tables ([[relations]])")
    relations = tuple(
        _relation(raw, f"relations[{i}]", where) for i, raw in enumerate(raw_relations)
    )
    schema = LabelSchema(labels, relations)
    validate_schema(schema, where=where)
    return schema


def validate_schema(schema: LabelSchema, *, where: str = "project.toml") -> None:
    """Check the rules that span several entries: unique names and hotkeys, known labels."""
    seen_names: dict[str, int] = {}
    seen_keys: dict[str, str] = {}
    for i, label in enumerate(schema.labels):
        key = f"labels[{i}]"
        if label.name in seen_names:
            raise SchemaError(
                f"{where}: {key}.name: duplicate label {label.name!r} "
                f"(also labels[{seen_names[label.name]}])",
                code="ANN114",
            )
        seen_names[label.name] = i
        if label.hotkey:
            if label.hotkey in seen_keys:
                raise SchemaError(
                    f"{where}: {key}.hotkey: duplicate hotkey {label.hotkey!r} "
                    f"(already used by {seen_keys[label.hotkey]})",
                    code="ANN115",
                )
            seen_keys[label.hotkey] = label.name
        attribute_names: set[str] = set()
        for j, attribute in enumerate(label.attributes):
            if attribute.name in attribute_names:
                raise SchemaError(
                    f"{where}: {key}.attributes[{j}].name: duplicate attribute {attribute.name!r}",
                    code="ANN114",
                )
            attribute_names.add(attribute.name)
    relation_names: set[str] = set()
    for i, relation in enumerate(schema.relation_types):
        key = f"relations[{i}]"
        if relation.name in relation_names:
            raise SchemaError(
                f"{where}: {key}.name: duplicate relation type {relation.name!r}", code="ANN114"
            )
        relation_names.add(relation.name)
        for end in ("source", "target"):
            names = relation.source_labels if end == "source" else relation.target_labels
            for name in sorted(names):
                if name not in seen_names:
                    raise SchemaError(
                        f"{where}: {key}.{end}: relation {relation.name!r} names unknown "
                        f"label {name!r}",
                        code="ANN116",
                    )


def schema_to_mapping(schema: LabelSchema) -> dict[str, Any]:
    """The TOML-ready form of a schema (inverse of :func:`schema_from_mapping`)."""
    labels: list[dict[str, Any]] = []
    for label in schema.labels:
        entry: dict[str, Any] = {"name": label.name, "color": label.color}
        if label.hotkey:
            entry["hotkey"] = label.hotkey
        if label.description:
            entry["description"] = label.description
        if label.attributes:
            entry["attributes"] = [_attribute_to_mapping(a) for a in label.attributes]
        labels.append(entry)
    relations: list[dict[str, Any]] = []
    for relation in schema.relation_types:
        item: dict[str, Any] = {
            "name": relation.name,
            "source": sorted(relation.source_labels),
            "target": sorted(relation.target_labels),
        }
        if relation.description:
            item["description"] = relation.description
        relations.append(item)
    return {"labels": labels, "relations": relations}


def _attribute_to_mapping(attribute: AttributeDefinition) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": attribute.name, "type": attribute.type.value}
    if attribute.choices:
        entry["choices"] = list(attribute.choices)
    if attribute.description:
        entry["description"] = attribute.description
    return entry


def _table(raw: object, key: str, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise SchemaError(f"{where}: {key}: expected a table, got {type(raw).__name__}")
    return raw


def _string(table: Mapping[str, Any], name: str, key: str, where: str, *, required: bool) -> str:
    value = table.get(name)
    if value is None:
        if required:
            raise SchemaError(f"{where}: {key}.{name}: missing (required)", code="ANN117")
        return ""
    if not isinstance(value, str):
        raise SchemaError(
            f"{where}: {key}.{name}: expected a string, got {type(value).__name__}",
            code="ANN118",
        )
    return value


def _check_keys(table: Mapping[str, Any], allowed: set[str], key: str, where: str) -> None:
    for name in table:
        if name not in allowed:
            raise SchemaError(
                f"{where}: {key}.{name}: unknown key (allowed: {', '.join(sorted(allowed))})",
                code="ANN119",
            )


def _name(table: Mapping[str, Any], key: str, where: str) -> str:
    name = _string(table, "name", key, where, required=True)
    if not _NAME.match(name):
        raise SchemaError(
            f"{where}: {key}.name: {name!r} must start with a letter and contain only letters, "
            "digits, '_' or '-' (other tools' formats forbid spaces)",
            code="ANN118",
        )
    return name


def _label(raw: object, key: str, where: str) -> Label:
    table = _table(raw, key, where)
    _check_keys(table, {"name", "color", "hotkey", "description", "attributes"}, key, where)
    name = _name(table, key, where)
    color = _string(table, "color", key, where, required=True)
    if not _COLOR.match(color):
        raise SchemaError(
            f"{where}: {key}.color: bad colour {color!r} (expected #rrggbb)", code="ANN118"
        )
    hotkey = _string(table, "hotkey", key, where, required=False)
    if hotkey and (len(hotkey) != 1 or not hotkey.isprintable() or hotkey.isspace()):
        raise SchemaError(
            f"{where}: {key}.hotkey: {hotkey!r} must be a single printable character",
            code="ANN118",
        )
    if hotkey in RESERVED_HOTKEYS:
        raise SchemaError(
            f"{where}: {key}.hotkey: {hotkey!r} is reserved by the workspace", code="ANN118"
        )
    raw_attributes = table.get("attributes", [])
    if not isinstance(raw_attributes, list):
        raise SchemaError(f"{where}: {key}.attributes: expected an array of tables", code="ANN118")
    attributes = tuple(
        _attribute(item, f"{key}.attributes[{j}]", where) for j, item in enumerate(raw_attributes)
    )
    description = _string(table, "description", key, where, required=False)
    return Label(name, color.upper(), hotkey, description, attributes)


def _attribute(raw: object, key: str, where: str) -> AttributeDefinition:
    table = _table(raw, key, where)
    _check_keys(table, {"name", "type", "choices", "description"}, key, where)
    name = _name(table, key, where)
    type_name = _string(table, "type", key, where, required=True)
    try:
        attribute_type = AttributeType(type_name)
    except ValueError:
        allowed = ", ".join(t.value for t in AttributeType)
        raise SchemaError(
            f"{where}: {key}.type: unknown type {type_name!r} (one of {allowed})", code="ANN118"
        ) from None
    choices_raw = table.get("choices", [])
    if not isinstance(choices_raw, list) or not all(isinstance(c, str) for c in choices_raw):
        raise SchemaError(f"{where}: {key}.choices: expected an array of strings", code="ANN118")
    choices: Sequence[str] = choices_raw
    if attribute_type is AttributeType.CHOICE and not choices:
        raise SchemaError(
            f"{where}: {key}.choices: a choice attribute needs choices", code="ANN118"
        )
    if attribute_type is not AttributeType.CHOICE and choices:
        raise SchemaError(
            f"{where}: {key}.choices: only choice attributes have choices", code="ANN118"
        )
    if len(set(choices)) != len(choices):
        raise SchemaError(f"{where}: {key}.choices: duplicate choice", code="ANN118")
    description = _string(table, "description", key, where, required=False)
    return AttributeDefinition(name, attribute_type, tuple(choices), description)


def _relation(raw: object, key: str, where: str) -> RelationType:
    table = _table(raw, key, where)
    _check_keys(table, {"name", "source", "target", "description"}, key, where)
    name = _name(table, key, where)
    ends: list[frozenset[str]] = []
    for end in ("source", "target"):
        value = table.get(end)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise SchemaError(
                f"{where}: {key}.{end}: expected a label name or a non-empty array of them",
                code="ANN118",
            )
        ends.append(frozenset(value))
    description = _string(table, "description", key, where, required=False)
    return RelationType(name, ends[0], ends[1], description)
