"""Importing annotated documents from another tool's format into a project.

Labels the schema does not have are an error listing them all (nothing is imported), or, with
``add_labels``, are added to the schema first. A document whose text is already in the project
gets the imported annotations added to it; other documents are created. Each bad record is
reported with file and line and the rest goes on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import SchemaError, UserError
from annotator.core.ids import DocumentId
from annotator.core.interchange import AnnotatedDraft, SpanRecord
from annotator.core.reports import Failure
from annotator.core.schema import (
    AttributeDefinition,
    AttributeType,
    AttributeValue,
    Label,
    LabelSchema,
    RelationType,
    next_palette_colour,
)
from annotator.formats.base import ImportOptions
from annotator.formats.registry import importer as find_importer
from annotator.services.project_files import write_project_config

if TYPE_CHECKING:
    from annotator.services.project import Project

BATCH = 100


@dataclass(slots=True)
class AnnotationImportReport:
    created: list[DocumentId] = field(default_factory=list)
    updated: list[DocumentId] = field(default_factory=list)
    spans: int = 0
    spans_already_there: int = 0
    relations: int = 0
    failures: list[Failure] = field(default_factory=list)
    labels_added: list[str] = field(default_factory=list)
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        text = (
            f"{len(self.created)} documents created, {len(self.updated)} updated, "
            f"{self.spans} spans and {self.relations} relations added"
        )
        if self.spans_already_there:
            text += f" ({self.spans_already_there} spans were already there)"
        if self.labels_added:
            text += f"; labels added to the schema: {', '.join(self.labels_added)}"
        text += f"; {len(self.failures)} records failed"
        return text + (" (cancelled)" if self.cancelled else "")


@dataclass(frozen=True, slots=True)
class SchemaGaps:
    labels: Counter[str]
    relation_types: dict[str, tuple[set[str], set[str]]]
    attributes: dict[tuple[str, str], AttributeValue]

    @property
    def empty(self) -> bool:
        return not (self.labels or self.relation_types or self.attributes)

    def describe(self) -> str:
        parts = []
        if self.labels:
            parts.append(
                "labels " + ", ".join(f"{name} ({count})" for name, count in self.labels.items())
            )
        if self.relation_types:
            parts.append("relation types " + ", ".join(sorted(self.relation_types)))
        if self.attributes:
            parts.append(
                "attributes " + ", ".join(f"{label}.{name}" for label, name in self.attributes)
            )
        return "; ".join(parts)


def find_schema_gaps(
    project: Project, format_name: str, path: Path, options: ImportOptions
) -> SchemaGaps:
    """Read the input once and list what it uses that the schema lacks."""
    schema = project.schema
    labels: Counter[str] = Counter()
    relation_types: dict[str, tuple[set[str], set[str]]] = {}
    attributes: dict[tuple[str, str], AttributeValue] = {}
    for item in find_importer(format_name).read(path, schema, options):
        if isinstance(item, Failure):
            continue
        label_of = {span.key: span.label for span in item.spans}
        for span in item.spans:
            label = schema.label(span.label)
            if label is None:
                labels[span.label] += 1
            for name, value in span.attributes.items():
                if label is None or label.attribute(name) is None:
                    attributes.setdefault((span.label, name), value)
        for relation in item.relations:
            allowed = schema.relation_type(relation.type)
            source = label_of.get(relation.source, "")
            target = label_of.get(relation.target, "")
            if allowed is None or not allowed.allows(source, target):
                ends = relation_types.setdefault(relation.type, (set(), set()))
                ends[0].add(source)
                ends[1].add(target)
    return SchemaGaps(labels, relation_types, attributes)


def extend_schema(schema: LabelSchema, gaps: SchemaGaps) -> LabelSchema:
    """The schema with the missing labels, attributes and relation ends added."""
    labels = list(schema.labels)
    used = [label.color for label in labels]
    for name in gaps.labels:
        colour = next_palette_colour(used)
        used.append(colour)
        labels.append(Label(name, colour))
    for (label_name, attribute), example in gaps.attributes.items():
        index = next(i for i, label in enumerate(labels) if label.name == label_name)
        kind = (
            AttributeType.FLAG
            if isinstance(example, bool)
            else AttributeType.INTEGER
            if isinstance(example, int)
            else AttributeType.TEXT
        )
        labels[index] = replace(
            labels[index],
            attributes=(*labels[index].attributes, AttributeDefinition(attribute, kind)),
        )
    relation_types = {rt.name: rt for rt in schema.relation_types}
    for name, (sources, targets) in gaps.relation_types.items():
        current = relation_types.get(name)
        relation_types[name] = RelationType(
            name,
            frozenset(sources | (current.source_labels if current else set())) - {""},
            frozenset(targets | (current.target_labels if current else set())) - {""},
            current.description if current else "",
        )
    return LabelSchema(tuple(labels), tuple(relation_types.values()))


def import_annotations(
    project: Project,
    format_name: str,
    path: Path,
    options: ImportOptions = ImportOptions(),
    *,
    add_labels: bool = False,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AnnotationImportReport:
    if not path.exists():
        raise UserError(f"{path}: no such file or folder", code="ANN134")
    report = AnnotationImportReport()
    gaps = find_schema_gaps(project, format_name, path, options)
    if not gaps.empty:
        if not add_labels:
            raise UserError(
                f"{path} uses what the project's schema does not have: {gaps.describe()}. "
                "Add them to project.toml, or import with --add-labels to add them.",
                code="ANN195",
            )
        schema = extend_schema(project.schema, gaps)
        try:
            config = replace(project.config, schema=schema)
            write_project_config(project.folder, config)
        except SchemaError as error:
            raise UserError(f"cannot add the labels: {error.message}", code=error.code) from None
        project.config = config
        report.labels_added = list(gaps.labels)
    pending: list[AnnotatedDraft] = []
    done = 0

    def flush() -> None:
        if not pending:
            return
        for stored in project.database.store_annotated(pending, project.now()):
            (report.created if stored.created else report.updated).append(stored.document_id)
            report.spans += stored.spans_added
            report.spans_already_there += stored.spans_skipped
            report.relations += stored.relations_added
        pending.clear()

    for item in _checked(find_importer(format_name).read(path, project.schema, options), project):
        if cancelled is not None and cancelled():
            report.cancelled = True
            break
        if isinstance(item, Failure):
            report.failures.append(item)
            continue
        pending.append(item)
        done += 1
        if progress is not None:
            progress(done)
        if len(pending) >= BATCH:
            flush()
    flush()
    return report


def _checked(
    items: Iterator[AnnotatedDraft | Failure], project: Project
) -> Iterator[AnnotatedDraft | Failure]:
    """Drop (and report) spans outside their text or with values the schema refuses."""
    schema = project.schema
    for item in items:
        if isinstance(item, Failure):
            yield item
            continue
        text_length = len(item.draft.text)
        kept: list[SpanRecord] = []
        for span in item.spans:
            if not 0 <= span.start < span.end <= text_length:
                yield Failure(
                    item.origin,
                    None,
                    f"span {span.key} {span.start}-{span.end} is empty or outside the text "
                    f"(0-{text_length}); left out",
                    "ANN132",
                )
                continue
            try:
                attributes = schema.check_attributes(span.label, span.attributes)
            except SchemaError as error:
                yield Failure(
                    item.origin,
                    None,
                    f"span {span.key}: {error.message}; attributes left out",
                    error.code,
                )
                attributes = {}
            kept.append(replace(span, attributes=attributes))
        yield replace(item, spans=tuple(kept))
