"""Changes to a project's label schema, and how existing annotations migrate with them.

A change is a value; :func:`changed_schema` gives the schema after it and
:func:`migrate_annotations` the spans and relations to rewrite (a :class:`ChangeSet` whose
mirror image, :func:`inverse_changes`, undoes it). Nothing is dropped silently: every span
removed, merged or relabelled and every attribute value dropped is counted in the
:class:`Impact` shown before the change is applied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from annotator.core.annotation import NEW_RELATION, Relation, Span
from annotator.core.changes import ChangeSet
from annotator.core.errors import SchemaError, UserError
from annotator.core.ids import SpanId
from annotator.core.schema import (
    _COLOR,
    _NAME,
    RESERVED_HOTKEYS,
    AttributeDefinition,
    AttributeValue,
    Label,
    LabelSchema,
    RelationType,
    validate_schema,
)


class SchemaChangeError(UserError):
    """A schema change that cannot be made (unknown label, name or hotkey taken...)."""

    code = "ANN270"


@dataclass(frozen=True, slots=True)
class AddLabel:
    label: Label


@dataclass(frozen=True, slots=True)
class RenameLabel:
    name: str
    new_name: str


@dataclass(frozen=True, slots=True)
class RecolourLabel:
    name: str
    color: str


@dataclass(frozen=True, slots=True)
class SetHotkey:
    name: str
    hotkey: str
    """One printable character, or ``""`` for none."""


@dataclass(frozen=True, slots=True)
class SetDescription:
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class MergeLabels:
    """Every ``name`` span becomes a ``into`` span, then the label ``name`` is removed."""

    name: str
    into: str


@dataclass(frozen=True, slots=True)
class DeleteLabel:
    name: str
    relabel_to: str | None = None
    """``None``: the label's spans (and their relations) are removed; else they get this label."""


@dataclass(frozen=True, slots=True)
class SetAttributes:
    """Replace a label's attribute definitions; values move to renamed attributes, and values
    the new definitions do not accept are dropped (and counted)."""

    label: str
    attributes: tuple[AttributeDefinition, ...]
    renamed: Mapping[str, str] = field(default_factory=dict)
    """Old attribute name -> new name."""


@dataclass(frozen=True, slots=True)
class SetRelationType:
    """Add (``name`` None), change or rename (both set), or delete (``relation`` None) a
    relation type; relations the new type no longer allows are removed (and counted)."""

    name: str | None
    relation: RelationType | None


SchemaChange = (
    AddLabel
    | RenameLabel
    | RecolourLabel
    | SetHotkey
    | SetDescription
    | MergeLabels
    | DeleteLabel
    | SetAttributes
    | SetRelationType
)


def describe_change(change: SchemaChange) -> str:
    """A short name for the Edit menu, e.g. ``Rename label ACTOR to AGENT``."""
    match change:
        case AddLabel(label=label):
            return f"Add label {label.name}"
        case RenameLabel(name=name, new_name=new_name):
            return f"Rename label {name} to {new_name}"
        case RecolourLabel(name=name):
            return f"Recolour label {name}"
        case SetHotkey(name=name, hotkey=hotkey):
            return f"Set hotkey of {name} to {hotkey}" if hotkey else f"Remove hotkey of {name}"
        case SetDescription(name=name):
            return f"Describe label {name}"
        case MergeLabels(name=name, into=into):
            return f"Merge label {name} into {into}"
        case DeleteLabel(name=name, relabel_to=target):
            return f"Delete label {name}" + (f" (spans become {target})" if target else "")
        case SetAttributes(label=label):
            return f"Change attributes of {label}"
        case SetRelationType(name=None, relation=relation) if relation is not None:
            return f"Add relation type {relation.name}"
        case SetRelationType(name=name, relation=None):
            return f"Delete relation type {name}"
        case SetRelationType(name=name):
            return f"Change relation type {name}"


# -- the schema after a change ----------------------------------------------------------------


def changed_schema(schema: LabelSchema, change: SchemaChange) -> LabelSchema:
    """The schema after ``change``; raises :class:`SchemaChangeError` if it cannot be made."""
    labels = list(schema.labels)
    relations = list(schema.relation_types)
    match change:
        case AddLabel(label=label):
            _check_new_name(schema, label.name)
            _check_colour(label.color)
            _check_hotkey(schema, label.hotkey, None)
            labels.append(replace(label, color=label.color.upper()))
        case RenameLabel(name=name, new_name=new_name):
            index = _index(schema, name)
            _check_new_name(schema, new_name)
            labels[index] = replace(labels[index], name=new_name)
            relations = _rename_in_relations(relations, name, new_name)
        case RecolourLabel(name=name, color=color):
            index = _index(schema, name)
            _check_colour(color)
            labels[index] = replace(labels[index], color=color.upper())
        case SetHotkey(name=name, hotkey=hotkey):
            index = _index(schema, name)
            _check_hotkey(schema, hotkey, name)
            labels[index] = replace(labels[index], hotkey=hotkey)
        case SetDescription(name=name, description=description):
            index = _index(schema, name)
            labels[index] = replace(labels[index], description=description)
        case MergeLabels(name=name, into=into) | DeleteLabel(name=name, relabel_to=str(into)):
            index = _index(schema, name)
            _index(schema, into)
            if into == name:
                raise SchemaChangeError(f"cannot merge {name} into itself", code="ANN272")
            del labels[index]
            relations = _rename_in_relations(relations, name, into)
        case DeleteLabel(name=name):
            del labels[_index(schema, name)]
            relations = _drop_from_relations(relations, name)
        case SetAttributes(label=label_name, attributes=attributes, renamed=renamed):
            index = _index(schema, label_name)
            old_names = {a.name for a in labels[index].attributes}
            new_names = {a.name for a in attributes}
            for old, new in renamed.items():
                if old not in old_names or new not in new_names:
                    raise SchemaChangeError(
                        f"cannot rename attribute {old!r} of {label_name} to {new!r}",
                        code="ANN273",
                    )
            for attribute in attributes:
                if not _NAME.match(attribute.name):
                    raise SchemaChangeError(
                        f"attribute name {attribute.name!r} must start with a letter and "
                        "contain only letters, digits, '_' or '-'",
                        code="ANN273",
                    )
            labels[index] = replace(labels[index], attributes=tuple(attributes))
        case SetRelationType(name=name, relation=relation):
            relations = _set_relation(relations, name, relation)
    new_schema = LabelSchema(tuple(labels), tuple(relations))
    try:
        validate_schema(new_schema, where="schema")
    except SchemaError as error:
        raise SchemaChangeError(error.message, code="ANN271") from None
    return new_schema


def _index(schema: LabelSchema, name: str) -> int:
    for index, label in enumerate(schema.labels):
        if label.name == name:
            return index
    raise SchemaChangeError(f"no label named {name!r}", code="ANN274")


def _check_new_name(schema: LabelSchema, name: str) -> None:
    if not _NAME.match(name):
        raise SchemaChangeError(
            f"{name!r}: a label name must start with a letter and contain only letters, "
            "digits, '_' or '-' (other tools' formats forbid spaces)",
            code="ANN275",
        )
    if schema.label(name) is not None:
        raise SchemaChangeError(f"there is already a label named {name}", code="ANN275")


def _check_colour(color: str) -> None:
    if not _COLOR.match(color):
        raise SchemaChangeError(f"bad colour {color!r} (expected #rrggbb)", code="ANN276")


def _check_hotkey(schema: LabelSchema, hotkey: str, owner: str | None) -> None:
    if not hotkey:
        return
    if len(hotkey) != 1 or not hotkey.isprintable() or hotkey.isspace():
        raise SchemaChangeError(
            f"hotkey {hotkey!r} must be a single printable character", code="ANN277"
        )
    if hotkey in RESERVED_HOTKEYS:
        raise SchemaChangeError(
            f"hotkey {hotkey!r} is reserved by the workspace (R links spans)", code="ANN277"
        )
    taken = schema.label_for_hotkey(hotkey)
    if taken is not None and taken.name != owner:
        raise SchemaChangeError(f"hotkey {hotkey!r} is already used by {taken.name}", code="ANN277")


def _rename_in_relations(
    relations: Sequence[RelationType], name: str, new_name: str
) -> list[RelationType]:
    def renamed(labels: frozenset[str]) -> frozenset[str]:
        return frozenset(new_name if label == name else label for label in labels)

    return [
        replace(r, source_labels=renamed(r.source_labels), target_labels=renamed(r.target_labels))
        for r in relations
    ]


def _drop_from_relations(relations: Sequence[RelationType], name: str) -> list[RelationType]:
    """Remove a label from every relation type; a type left without sources or targets goes."""
    kept = []
    for relation in relations:
        after = replace(
            relation,
            source_labels=relation.source_labels - {name},
            target_labels=relation.target_labels - {name},
        )
        if after.source_labels and after.target_labels:
            kept.append(after)
    return kept


def _set_relation(
    relations: list[RelationType],
    name: str | None,
    relation: RelationType | None,
) -> list[RelationType]:
    names = [r.name for r in relations]
    if relation is not None:
        if not _NAME.match(relation.name):
            raise SchemaChangeError(
                f"{relation.name!r}: a relation type name must start with a letter and contain "
                "only letters, digits, '_' or '-'",
                code="ANN275",
            )
        if not relation.source_labels or not relation.target_labels:
            raise SchemaChangeError(
                f"relation type {relation.name} needs at least one source and one target label",
                code="ANN278",
            )
        if relation.name != name and relation.name in names:
            raise SchemaChangeError(
                f"there is already a relation type named {relation.name}", code="ANN275"
            )
    if name is None:
        if relation is None:
            return relations
        return [*relations, relation]
    if name not in names:
        raise SchemaChangeError(f"no relation type named {name!r}", code="ANN274")
    index = names.index(name)
    if relation is None:
        del relations[index]
    else:
        relations[index] = relation
    return relations


# -- what happens to the annotations ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChangeScope:
    """Which annotations a change can touch: spans with these labels, relations of these
    types (and every relation of a span in scope)."""

    labels: frozenset[str] = frozenset()
    relation_types: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.labels and not self.relation_types


def scope_of(change: SchemaChange) -> ChangeScope:
    match change:
        case RenameLabel(name=name):
            return ChangeScope(frozenset({name}))
        case MergeLabels(name=name, into=into) | DeleteLabel(name=name, relabel_to=str(into)):
            return ChangeScope(frozenset({name, into}))
        case DeleteLabel(name=name):
            return ChangeScope(frozenset({name}))
        case SetAttributes(label=label):
            return ChangeScope(frozenset({label}))
        case SetRelationType(name=str(name)):
            return ChangeScope(relation_types=frozenset({name}))
    return ChangeScope()


@dataclass(frozen=True, slots=True)
class Impact:
    """What a change does to existing annotations, counted before it is applied."""

    spans_relabelled: int = 0
    spans_merged: int = 0
    """Spans that became duplicates of a span already there (same label, same text): removed,
    their relations moved to that span."""
    spans_removed: int = 0
    relations_retyped: int = 0
    relations_moved: int = 0
    relations_removed: int = 0
    attribute_values_changed: int = 0
    """Attribute values moved to a renamed attribute."""
    attribute_values_dropped: int = 0
    documents: int = 0

    @property
    def touches_annotations(self) -> bool:
        return any(
            (
                self.spans_relabelled,
                self.spans_merged,
                self.spans_removed,
                self.relations_retyped,
                self.relations_moved,
                self.relations_removed,
                self.attribute_values_changed,
                self.attribute_values_dropped,
            )
        )

    def lines(self) -> list[str]:
        """One sentence per kind of consequence, for the confirmation dialog."""
        parts = [
            (self.spans_relabelled, "span relabelled", "spans relabelled"),
            (
                self.spans_merged,
                "span merged into an identical one (removed, its relations kept)",
                "spans merged into identical ones (removed, their relations kept)",
            ),
            (self.spans_removed, "span removed", "spans removed"),
            (self.relations_retyped, "relation retyped", "relations retyped"),
            (self.relations_moved, "relation moved to the merged span", "relations moved"),
            (self.relations_removed, "relation removed", "relations removed"),
            (self.attribute_values_changed, "attribute value renamed", "attribute values renamed"),
            (self.attribute_values_dropped, "attribute value dropped", "attribute values dropped"),
        ]
        lines = [f"{n:,} {one if n == 1 else many}" for n, one, many in parts if n]
        return lines or ["No existing annotation changes."]


@dataclass(frozen=True, slots=True)
class Migration:
    changes: ChangeSet
    impact: Impact


def migrate_annotations(
    change: SchemaChange,
    after: LabelSchema,
    spans: Sequence[Span],
    relations: Sequence[Relation],
    end_labels: Mapping[SpanId, str],
) -> Migration:
    """The rewrite of the annotations in scope (``spans`` with a label of :func:`scope_of`,
    ``relations`` of its types or touching those spans, ``end_labels`` the label of every span
    those relations link) that makes them fit ``after``."""
    label_map = _label_map(change)
    renamed_attributes = change.renamed if isinstance(change, SetAttributes) else {}
    relation_map = _relation_map(change)
    counts = _Counts()
    # a relabelled span merges only into an identical span its annotator already had
    survivors: dict[tuple[object, ...], Span] = {}
    for span in spans:
        if span.label not in label_map:
            survivors.setdefault(_key(span, span.label), span)
    replaced_by: dict[SpanId, SpanId | None] = {}
    spans_updated: list[tuple[Span, Span]] = []
    spans_removed: list[Span] = []
    new_labels: dict[SpanId, str] = dict(end_labels)
    for span in spans:
        new_label = label_map.get(span.label, span.label)
        if new_label is None:
            spans_removed.append(span)
            replaced_by[span.id] = None
            counts.spans_removed += 1
            continue
        if new_label != span.label:
            twin = survivors.get(_key(span, new_label))
            if twin is not None:
                spans_removed.append(span)
                replaced_by[span.id] = twin.id
                counts.spans_merged += 1
                continue
        attributes = _migrated_attributes(span, new_label, after, renamed_attributes, counts)
        new_labels[span.id] = new_label
        if new_label != span.label or attributes != dict(span.attributes):
            updated = replace(span, label=new_label, attributes=attributes)
            spans_updated.append((span, updated))
            if new_label != span.label:
                counts.spans_relabelled += 1
    relations_updated: list[tuple[Relation, Relation]] = []
    relations_removed: list[Relation] = []
    relations_added: list[Relation] = []
    existing = {(r.type, r.source, r.target) for r in relations}
    for relation in relations:
        new_type = relation_map.get(relation.type, relation.type)
        source = replaced_by.get(relation.source, relation.source)
        target = replaced_by.get(relation.target, relation.target)
        relation_type = after.relation_type(new_type) if new_type else None
        if (
            new_type is None
            or source is None
            or target is None
            or relation_type is None
            or source == target
            or not relation_type.allows(new_labels[source], new_labels[target])
        ):
            relations_removed.append(relation)
            counts.relations_removed += 1
            continue
        if (source, target) != (relation.source, relation.target):
            relations_removed.append(relation)
            if (new_type, source, target) in existing:
                counts.relations_removed += 1
                continue
            existing.add((new_type, source, target))
            relations_added.append(
                replace(relation, id=NEW_RELATION, type=new_type, source=source, target=target)
            )
            counts.relations_moved += 1
        elif new_type != relation.type:
            relations_updated.append((relation, replace(relation, type=new_type)))
            counts.relations_retyped += 1
    changes = ChangeSet(
        spans_updated=tuple(spans_updated),
        spans_removed=tuple(spans_removed),
        relations_added=tuple(relations_added),
        relations_updated=tuple(relations_updated),
        relations_removed=tuple(relations_removed),
    )
    impact = Impact(
        counts.spans_relabelled,
        counts.spans_merged,
        counts.spans_removed,
        counts.relations_retyped,
        counts.relations_moved,
        counts.relations_removed,
        counts.values_changed,
        counts.values_dropped,
        len(changes.document_ids),
    )
    return Migration(changes, impact)


def inverse_changes(changes: ChangeSet) -> ChangeSet:
    """The rewrite that puts back what ``changes`` (as written, with real ids) did."""
    return ChangeSet(
        spans_added=changes.spans_removed,
        spans_updated=tuple((after, before) for before, after in changes.spans_updated),
        spans_removed=changes.spans_added,
        relations_added=changes.relations_removed,
        relations_updated=tuple((after, before) for before, after in changes.relations_updated),
        relations_removed=changes.relations_added,
    )


@dataclass(slots=True)
class _Counts:
    spans_relabelled: int = 0
    spans_merged: int = 0
    spans_removed: int = 0
    relations_retyped: int = 0
    relations_moved: int = 0
    relations_removed: int = 0
    values_changed: int = 0
    values_dropped: int = 0


def _key(span: Span, label: str) -> tuple[object, ...]:
    return (span.document_id, span.annotator, label, span.start, span.end, span.fragments)


def _label_map(change: SchemaChange) -> dict[str, str | None]:
    match change:
        case RenameLabel(name=name, new_name=new_name):
            return {name: new_name}
        case MergeLabels(name=name, into=into):
            return {name: into}
        case DeleteLabel(name=name, relabel_to=target):
            return {name: target}
    return {}


def _relation_map(change: SchemaChange) -> dict[str, str | None]:
    match change:
        case SetRelationType(name=str(name), relation=relation):
            return {name: relation.name if relation is not None else None}
    return {}


def _migrated_attributes(
    span: Span,
    label_name: str,
    schema: LabelSchema,
    renamed: Mapping[str, str],
    counts: _Counts,
) -> dict[str, AttributeValue]:
    label = schema.label(label_name)
    result: dict[str, AttributeValue] = {}
    for name, value in span.attributes.items():
        new_name = renamed.get(name, name)
        definition = label.attribute(new_name) if label is not None else None
        if definition is None:
            counts.values_dropped += 1
            continue
        try:
            result[new_name] = definition.check(value)
        except SchemaError:
            counts.values_dropped += 1
            continue
        if new_name != name:
            counts.values_changed += 1
    return result
