"""Label Studio's labelling config: the control names a task's results use, the per-region
controls for attributes, and the config XML written beside an export."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from annotator.core.schema import AttributeDefinition, AttributeType, LabelSchema

FORMAT_NAME = "label-studio"
CONFIG_SUFFIX = "-config.xml"
"""The labelling config is written beside the tasks: ``tasks.json`` -> ``tasks-config.xml``."""
LABELS_NAME = "label"
TEXT_NAME = "text"
SOURCE_OPTION = "label_studio_source"
"""``ImportOptions.extra`` key: ``annotations``, ``predictions``, ``both`` or ``auto`` (default:
the annotations, or the predictions of a task that has no annotation)."""
TEXT_KEY_OPTION = "text_key"
"""``ImportOptions.extra`` key: the task data field holding the text (default ``text``)."""
DEFAULT_RELATION = "related"
"""The type given to an imported relation that has no label."""
_RESULT_TYPES = {
    AttributeType.CHOICE: "choices",
    AttributeType.FLAG: "choices",
    AttributeType.INTEGER: "number",
    AttributeType.TEXT: "textarea",
}
_CONTROL_TAGS = {"choices": "Choices", "number": "Number", "textarea": "TextArea"}


# -- the labelling config -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttributeControl:
    """One per-region control of the config: an attribute shared by one or more labels."""

    name: str
    attribute: AttributeDefinition
    labels: tuple[str, ...]

    @property
    def result_type(self) -> str:
        return _RESULT_TYPES[self.attribute.type]


def attribute_controls(schema: LabelSchema) -> list[AttributeControl]:
    """The per-region controls for the schema's attributes.

    Labels that define an attribute the same way (name, type, choices) share one control named
    after the attribute; when the same name is defined differently by different labels, each
    definition gets ``<attribute>_<first label>``. Names that would clash with the config's own
    (``label``, ``text``) get an ``attr_`` prefix.
    """
    groups: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
    definitions: dict[tuple[str, str, tuple[str, ...]], AttributeDefinition] = {}
    for label in schema.labels:
        for attribute in label.attributes:
            key = (attribute.name, attribute.type.value, attribute.choices)
            groups.setdefault(key, []).append(label.name)
            definitions.setdefault(key, attribute)
    per_name: dict[str, int] = {}
    for name, _, _ in groups:
        per_name[name] = per_name.get(name, 0) + 1
    controls = []
    taken = {LABELS_NAME, TEXT_NAME}
    for key, labels in groups.items():
        name = key[0] if per_name[key[0]] == 1 else f"{key[0]}_{labels[0]}"
        while name in taken:
            name = f"attr_{name}"
        taken.add(name)
        controls.append(AttributeControl(name, definitions[key], tuple(labels)))
    return controls


def labeling_config(schema: LabelSchema) -> str:
    """The labelling config XML for the schema: ``<Labels name="label">`` with a colour per
    label, ``<Text name="text" value="$text">``, ``<Relations>`` with the relation types, and
    per-region controls for the attributes, shown when a region with one of their labels is
    selected (choice -> ``<Choices>``, flag -> ``<Choices choice="multiple">`` with one option
    named after the attribute, integer -> ``<Number>``, text -> ``<TextArea>``)."""
    lines = ["<View>", f'  <Labels name="{LABELS_NAME}" toName="{TEXT_NAME}">']
    for label in schema.labels:
        lines.append(
            f"    <Label value={quoteattr(label.name)} background={quoteattr(label.color)}/>"
        )
    lines.append("  </Labels>")
    lines.append(f'  <Text name="{TEXT_NAME}" value="$text"/>')
    if schema.relation_types:
        lines.append("  <Relations>")
        for relation_type in schema.relation_types:
            lines.append(f"    <Relation value={quoteattr(relation_type.name)}/>")
        lines.append("  </Relations>")
    for control in attribute_controls(schema):
        when = quoteattr(",".join(control.labels))
        lines.append(f'  <View visibleWhen="region-selected" whenLabelValue={when}>')
        title = control.attribute.description or control.attribute.name
        lines.append(f"    <Header value={quoteattr(title)}/>")
        common = f'name={quoteattr(control.name)} toName="{TEXT_NAME}" perRegion="true"'
        kind = control.attribute.type
        if kind is AttributeType.CHOICE:
            lines.append(f'    <Choices {common} choice="single">')
            for choice in control.attribute.choices:
                lines.append(f"      <Choice value={quoteattr(choice)}/>")
            lines.append("    </Choices>")
        elif kind is AttributeType.FLAG:
            lines.append(f'    <Choices {common} choice="multiple">')
            lines.append(f"      <Choice value={quoteattr(control.attribute.name)}/>")
            lines.append("    </Choices>")
        elif kind is AttributeType.INTEGER:
            lines.append(f"    <Number {common}/>")
        else:
            lines.append(f'    <TextArea {common} editable="true" maxSubmissions="1"/>')
        lines.append("  </View>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"
