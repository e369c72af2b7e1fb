"""brat's annotation.conf and visual.conf, written from the schema and what an export held."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.schema import AttributeType, LabelSchema
from annotator.formats.brat_common import UNSAFE_VALUE

_OVERLAP = "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"


@dataclass(slots=True)
class Declared:
    """What annotation.conf must declare beyond the schema: labels, ends, attribute values."""

    labels: dict[str, None] = field(default_factory=dict)
    relations: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)
    flags: dict[str, set[str]] = field(default_factory=dict)
    valued: dict[str, tuple[set[str], dict[str, None]]] = field(default_factory=dict)

    def merge(self, other: Declared) -> None:
        """Add what ``other`` declares, as if its documents had come after these."""
        self.labels.update(other.labels)
        for name, (sources, targets) in other.relations.items():
            ends = self.relations.setdefault(name, (set(), set()))
            ends[0].update(sources)
            ends[1].update(targets)
        for name, labels in other.flags.items():
            self.flags.setdefault(name, set()).update(labels)
        for name, (labels, values) in other.valued.items():
            mine = self.valued.setdefault(name, (set(), {}))
            mine[0].update(labels)
            mine[1].update(values)

    def flag(self, name: str, label: str) -> None:
        self.flags.setdefault(name, set()).add(label)

    def value(self, name: str, label: str, value: str) -> None:
        labels, values = self.valued.setdefault(name, (set(), {}))
        labels.add(label)
        values[value] = None


def annotation_conf(schema: LabelSchema, declared: Declared) -> str:
    labels = dict.fromkeys([*schema.label_names, *declared.labels])
    lines = ["# Written by annotator from the project schema.", "[entities]", *labels, ""]
    lines += ["[relations]", _OVERLAP]
    relations: dict[str, tuple[set[str], set[str]]] = {
        rt.name: (set(rt.source_labels), set(rt.target_labels)) for rt in schema.relation_types
    }
    for name, (sources, targets) in declared.relations.items():
        ends = relations.setdefault(name, (set(), set()))
        ends[0].update(sources)
        ends[1].update(targets)
    for name, (sources, targets) in relations.items():
        lines.append(f"{name}\tArg1:{_alternatives(sources)}, Arg2:{_alternatives(targets)}")
    lines += ["", "[events]", "", "[attributes]"]
    lines.extend(_attribute_declarations(schema, declared))
    return "\n".join(lines) + "\n"


def _alternatives(labels: set[str]) -> str:
    return "|".join(sorted(labels)) or "<ENTITY>"


def _attribute_declarations(schema: LabelSchema, declared: Declared) -> list[str]:
    flags: dict[str, set[str]] = {}
    valued: dict[str, tuple[set[str], dict[str, None]]] = {}
    for label in schema.labels:
        for definition in label.attributes:
            if definition.type is AttributeType.FLAG:
                flags.setdefault(definition.name, set()).add(label.name)
            elif definition.type is AttributeType.CHOICE:
                labels, values = valued.setdefault(definition.name, (set(), {}))
                labels.add(label.name)
                values.update((UNSAFE_VALUE.sub("_", c) or "_", None) for c in definition.choices)
    for name, labels in declared.flags.items():
        flags.setdefault(name, set()).update(labels)
    for name, (labels, values) in declared.valued.items():
        mine = valued.setdefault(name, (set(), {}))
        mine[0].update(labels)
        mine[1].update(values)
    lines = [f"{name}\tArg:{_alternatives(labels)}" for name, labels in flags.items()]
    lines += [
        f"{name}\tArg:{_alternatives(labels)}, Value:{'|'.join(values)}"
        for name, (labels, values) in valued.items()
        if values and name not in flags
    ]
    return lines


def visual_conf(schema: LabelSchema, declared: Declared) -> str:
    lines = ["# Written by annotator from the project schema.", "[labels]"]
    lines += [f"{name} | {name}" for name in dict.fromkeys([*schema.label_names, *declared.labels])]
    lines += [
        "",
        "[drawing]",
        "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
        "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5",
    ]
    for label in schema.labels:
        lines.append(f"{label.name}\tbgColor:{label.color}, fgColor:{_readable_on(label.color)}")
    return "\n".join(lines) + "\n"


def _readable_on(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "white"
