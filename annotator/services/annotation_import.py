"""Importing annotated documents from another tool's format into a project.

Labels the schema does not have are an error listing them all (nothing is imported), or, with
``add_labels``, are added to the schema first. A document whose text is already in the project
gets the imported annotations added to it; other documents are created. Each bad record is
reported with file and line and the rest goes on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from operator import attrgetter, lt
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import PermissionDeniedError, SchemaError, UserError
from annotator.core.fragments import as_fragments, normalised
from annotator.core.gc_pause import gc_paused
from annotator.core.ids import DocumentId
from annotator.core.interchange import AnnotatedDraft, SpanRecord
from annotator.core.plain_draft import PlainDraft, as_plain
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
from annotator.core.team import Identity, Permission
from annotator.core.text import plural, plural_word
from annotator.formats.base import ImportOptions
from annotator.formats.read_ahead import read_ahead
from annotator.formats.registry import importer as find_importer
from annotator.services.project_files import write_project_config
from annotator.services.shared_schema import publication
from annotator.services.token_texts import TokenTextMatcher
from annotator.storage.schema_record import Publication

if TYPE_CHECKING:
    from annotator.services.project import Project

BATCH = 500
SOONER = 128
"""Documents stored at once when the reading worker has nothing ready (so that the main
process works while it waits, and has little left when the worker ends), else BATCH."""
Item = AnnotatedDraft | PlainDraft | Failure
_LABEL = attrgetter("label")
"""A SpanRecord's label (``map`` runs it in C)."""
_ATTRIBUTES = attrgetter("attributes")
_ANNOTATOR = attrgetter("annotator")


class ImportCancelledError(UserError):
    code = "ANN196"


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
    notes: list[str] = field(default_factory=list)
    """What the user should know about how documents were matched."""

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        text = (
            f"{plural(len(self.created), 'document')} created, {len(self.updated):,} updated, "
            f"{plural(self.spans, 'span')} and {plural(self.relations, 'relation')} added"
        )
        if self.spans_already_there:
            there = self.spans_already_there
            text += f" ({plural(there, 'span')} {plural_word(there, 'was')} already there)"
        if self.labels_added:
            text += f"; labels added to the schema: {', '.join(self.labels_added)}"
        text += f"; {plural(len(self.failures), 'record')} failed"
        text += "".join(f"; {note}" for note in self.notes)
        return text + (" (cancelled)" if self.cancelled else "")


Locate = Callable[[str, str, str], str]
"""``(origin, kind, name) -> place``: where in an item's file a ``label``, ``relation`` type or
``attribute`` (``LABEL.name``) is first used (``file:line``); importers may offer one."""


def _as_is(origin: str, _kind: str, _name: str) -> str:
    return origin


@dataclass(frozen=True, slots=True)
class SchemaGaps:
    labels: Counter[str]
    relation_types: dict[str, tuple[set[str], set[str]]]
    attributes: dict[tuple[str, str], AttributeValue]
    first: dict[tuple[str, str], str] = field(default_factory=dict)
    """``(kind, name)`` -> the origin of the first item that uses it."""

    @property
    def empty(self) -> bool:
        return not (self.labels or self.relation_types or self.attributes)

    def describe(self, locate: Locate = _as_is) -> str:
        """What is missing, each with where it is first used."""

        def at(kind: str, name: str) -> str:
            origin = self.first.get((kind, name))
            return f"first at {locate(origin, kind, name)}" if origin else ""

        parts = []
        if self.labels:
            labels = (
                f"{name} ({', '.join(filter(None, (plural(count, 'span'), at('label', name))))})"
                for name, count in self.labels.items()
            )
            parts.append("labels " + ", ".join(labels))
        if self.relation_types:
            types = (
                f"{name} ({at('relation', name)})" if at("relation", name) else name
                for name in sorted(self.relation_types)
            )
            parts.append("relation types " + ", ".join(types))
        if self.attributes:
            names = (f"{label}.{name}" for label, name in self.attributes)
            attributes = (
                f"{name} ({at('attribute', name)})" if at("attribute", name) else name
                for name in names
            )
            parts.append("attributes " + ", ".join(attributes))
        return "; ".join(parts)


class _GapFinder:
    """Collects, item by item, what the input uses that the schema lacks."""

    def __init__(self, schema: LabelSchema) -> None:
        self.schema = schema
        self._known = frozenset(schema.label_names)
        self.labels: Counter[str] = Counter()
        self.relation_types: dict[str, tuple[set[str], set[str]]] = {}
        self.attributes: dict[tuple[str, str], AttributeValue] = {}
        self.first: dict[tuple[str, str], str] = {}

    def check(self, item: AnnotatedDraft | PlainDraft) -> bool:
        """Record the gaps of one item; True when it has none."""
        if type(item) is PlainDraft:
            if self._known.issuperset(item.labels):
                return True
            unknown = [label for label in item.labels if label not in self._known]
            self.labels.update(unknown)
            for name in unknown:
                self.first.setdefault(("label", name), item.origin)
            return not unknown
        spans = item.spans
        if (
            not item.relations
            and self._known.issuperset(map(_LABEL, spans))
            and not any(map(_ATTRIBUTES, spans))
        ):
            return True  # the usual item: known labels, no attributes, no relations
        schema = self.schema
        clean = True
        label_of = {}
        for span in item.spans:
            label_of[span.key] = span.label
            label = schema.label(span.label)
            if label is None:
                self.labels[span.label] += 1
                self.first.setdefault(("label", span.label), item.origin)
                clean = False
            for name, value in span.attributes.items():
                if label is None or label.attribute(name) is None:
                    self.attributes.setdefault((span.label, name), value)
                    self.first.setdefault(("attribute", f"{span.label}.{name}"), item.origin)
                    clean = False
        for relation in item.relations:
            allowed = schema.relation_type(relation.type)
            source = label_of.get(relation.source, "")
            target = label_of.get(relation.target, "")
            if allowed is None or not allowed.allows(source, target):
                ends = self.relation_types.setdefault(relation.type, (set(), set()))
                ends[0].add(source)
                ends[1].add(target)
                self.first.setdefault(("relation", relation.type), item.origin)
                clean = False
        return clean

    def gaps(self) -> SchemaGaps:
        return SchemaGaps(self.labels, self.relation_types, self.attributes, self.first)

    @property
    def empty(self) -> bool:
        """No gap found so far (``gaps().empty`` without building them)."""
        return not (self.labels or self.relation_types or self.attributes)


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
    """Import in one pass and one transaction: a schema gap (without ``add_labels``) or a
    cancel rolls everything back, so an import lands whole or not at all. Annotations the file
    does not attribute are the project annotator's; in a team, a layer (or, with
    ``add_labels``, a schema) the annotator's role may not change refuses the whole import."""
    if not path.exists():
        raise UserError(f"{path}: no such file or folder", code="ANN134")
    if not options.annotator and project.annotator:
        options = replace(options, annotator=project.annotator)
    with gc_paused():
        return _import(project, format_name, path, options, add_labels, progress, cancelled)


def _import(
    project: Project,
    format_name: str,
    path: Path,
    options: ImportOptions,
    add_labels: bool,
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> AnnotationImportReport:
    identity = project.refresh_identity()
    importer, schema = find_importer(format_name), project.schema
    options = replace(options, plain=True)
    # the checks that need only the file and the schema run on the reading side
    reader = read_ahead(
        path, lambda: _as_plain(_checked(importer.read(path, schema, options), schema))
    )
    try:
        locate = getattr(importer, "locate", _as_is)
        matcher = _matcher(project) if getattr(importer, "rebuilds_text", False) else None
        report = _store(
            project, path, identity, reader, add_labels, progress, cancelled, locate, matcher
        )
        if matcher is not None:
            report.notes.extend(_matching_notes(format_name, matcher, len(report.created)))
        return report
    finally:
        close = getattr(reader, "close", None)
        if close is not None:
            close()


def _store(
    project: Project,
    path: Path,
    identity: Identity,
    reader: Iterator[Item],
    add_labels: bool,
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
    locate: Locate = _as_is,
    matcher: TokenTextMatcher | None = None,
) -> AnnotationImportReport:
    report = AnnotationImportReport()
    finder = _GapFinder(project.schema)
    pending: list[AnnotatedDraft | PlainDraft] = []
    added: list[Publication | None] = [None]  # the extended schema, for a team's record
    with project.database.annotation_writer(
        project.now(), project.annotator, lambda: added[0]
    ) as store:

        def flush() -> None:
            for item, stored in zip(pending, store(pending) if pending else (), strict=True):
                if stored.created:
                    _check_new_document(identity, item)
                (report.created if stored.created else report.updated).append(stored.document_id)
                report.spans += stored.spans_added
                report.spans_already_there += stored.spans_skipped
                report.relations += stored.relations_added
            pending.clear()

        would_wait: Callable[[], bool] = getattr(reader, "would_wait", lambda: False)
        may_edit: set[str] = set()  # layers _check_layers let through
        for done, item in enumerate(reader, start=1):
            if cancelled is not None and cancelled():
                raise ImportCancelledError(f"import of {path} cancelled; nothing was imported")
            if isinstance(item, Failure):
                report.failures.append(item)
                continue
            if matcher is not None:
                item = matcher.match(item)
            if type(item) is not PlainDraft or item.annotator not in may_edit:
                _check_layers(identity, item)
                if type(item) is PlainDraft and item.labels:
                    may_edit.add(item.annotator)  # one check per layer, not per document
            if not finder.check(item) and not add_labels:
                continue  # keep reading to list every gap, store nothing more
            if add_labels or finder.empty:
                pending.append(item)
            if progress is not None:
                progress(done)
            if len(pending) >= BATCH or (len(pending) >= SOONER and would_wait()):
                flush()
        gaps = finder.gaps()
        if not gaps.empty and not add_labels:
            raise UserError(
                f"{path} uses what the project's schema does not have: "
                f"{gaps.describe(locate)}. "
                "Nothing was imported: add them to project.toml, or import with --add-labels.",
                code="ANN195",
            )
        flush()
        if not gaps.empty:
            if not identity.allows(Permission.EDIT_SCHEMA):
                raise PermissionDeniedError(
                    f"{identity.name or 'an unnamed annotator'} ({identity.role.value}) may not "
                    f"{Permission.EDIT_SCHEMA.value} (the import adds {gaps.describe()}); "
                    "ask a manager",
                    code="ANN202",
                )
            config = replace(project.config, schema=extend_schema(project.schema, gaps))
            added[0] = publication(project, config.schema)
    if not gaps.empty:
        write_project_config(project.folder, config)
        project.config = config
        if added[0] is not None:
            project.schema_revision = added[0].revision
        report.labels_added = list(gaps.labels)
    return report


def _matcher(project: Project) -> TokenTextMatcher:
    """A matcher of rebuilt texts to the project's, its index built before the import writes."""
    database = project.database

    def text_of(document_id: DocumentId) -> str | None:
        document = database.document(document_id)
        return document.text if document is not None else None

    matcher = TokenTextMatcher(database.iter_texts, text_of)
    matcher.prepare()
    return matcher


def _matching_notes(format_name: str, matcher: TokenTextMatcher, created: int) -> list[str]:
    """Why documents of a format that keeps tokens, not text, were matched or created."""
    notes = []
    if matcher.matched:
        notes.append(
            f"{plural(matcher.matched, 'document')} matched to the project's by text, ignoring "
            f"whitespace ({format_name} keeps tokens, not the text)"
        )
    if created:
        notes.append(
            f"{plural(created, 'document')} created: {format_name} keeps tokens, not the text, "
            "and no document of the project has that text, even ignoring whitespace"
        )
    return notes


def _check_new_document(identity: Identity, item: AnnotatedDraft | PlainDraft) -> None:
    """Refuse a text the project lacks when ``identity`` may not add documents (the whole
    import is rolled back: it lands whole or not at all)."""
    if not identity.allows(Permission.ADD_DOCUMENTS):
        me = identity.name or "an unnamed annotator"
        raise PermissionDeniedError(
            f"{item.origin}: this text is not in the project, and {me} ({identity.role.value}) "
            f"may not {Permission.ADD_DOCUMENTS.value}; only a manager may; nothing was imported",
            code="ANN202",
        )


def _check_layers(identity: Identity, item: AnnotatedDraft | PlainDraft) -> None:
    """Refuse an item with annotations in a layer ``identity`` may not change."""
    if type(item) is PlainDraft:
        owners = {item.annotator} if item.labels else set()
    else:
        owners = set(map(_ANNOTATOR, item.spans))
    if item.relations:
        owners.update(r.annotator for r in item.relations)
    for owner in sorted(owners):
        if not identity.may_edit_layer(owner):
            me = identity.name or "an unnamed annotator"
            raise PermissionDeniedError(
                f"{item.origin}: {me} ({identity.role.value}) cannot import into "
                f"{owner or 'unattributed'}'s annotations; nothing was imported",
                code="ANN201",
            )


def _checked(items: Iterator[Item], schema: LabelSchema) -> Iterator[Item]:
    """Drop (and report) spans outside their text, and attribute values the schema refuses."""
    for item in items:
        if isinstance(item, Failure):
            yield item
            continue
        text_length = len(item.draft.text)
        if type(item) is PlainDraft:
            if not item.starts or (
                min(item.starts) >= 0
                and max(item.ends) <= text_length
                and all(map(lt, item.starts, item.ends))
            ):
                yield item
                continue
            item = item.annotated()
        assert isinstance(item, AnnotatedDraft)
        for _, _, start, end, attributes, _, _, fragments in item.spans:
            if not 0 <= start < end <= text_length or fragments or attributes:
                break
        else:
            yield item  # the usual item: every span inside the text, one piece, no attributes
            continue
        kept: list[SpanRecord] = []
        changed = False
        for span in item.spans:
            if not 0 <= span.start < span.end <= text_length:
                changed = True
                yield Failure(
                    item.origin,
                    None,
                    f"span {span.key} {span.start}-{span.end} is empty or outside the text "
                    f"(0-{text_length}); left out",
                    "ANN132",
                )
                continue
            if span.fragments:
                pieces = normalised(span.fragments)
                if not pieces or not 0 <= pieces[0][0] < pieces[-1][1] <= text_length:
                    changed = True
                    yield Failure(
                        item.origin,
                        None,
                        f"span {span.key}: fragments {list(span.fragments)} are empty or "
                        f"outside the text (0-{text_length}); left out",
                        "ANN256",
                    )
                    continue
                if pieces != span.fragments or (pieces[0][0], pieces[-1][1]) != (
                    span.start,
                    span.end,
                ):
                    changed = True
                    span = span._replace(
                        start=pieces[0][0],
                        end=pieces[-1][1],
                        fragments=as_fragments(pieces),
                    )
            label = schema.label(span.label)
            if span.attributes and label is not None:
                refused = _refused_attributes(label, span.attributes)
                if refused:
                    changed = True
                    reasons = "; ".join(refused.values())
                    yield Failure(
                        item.origin, None, f"span {span.key}: {reasons}; left out", "ANN111"
                    )
                    span = span._replace(
                        attributes={k: v for k, v in span.attributes.items() if k not in refused},
                    )
            kept.append(span)
        yield replace(item, spans=tuple(kept)) if changed else item


def _as_plain(items: Iterator[Item]) -> Iterator[Item]:
    """Each AnnotatedDraft that can be a PlainDraft as one (the cheaper to send and store)."""
    for item in items:
        if type(item) is AnnotatedDraft:
            yield as_plain(item) or item
        else:
            yield item


def _refused_attributes(label: Label, attributes: Mapping[str, AttributeValue]) -> dict[str, str]:
    """Attributes whose value their definition refuses, with why."""
    problems = {}
    for name, value in attributes.items():
        definition = label.attribute(name)
        if definition is None:
            continue  # an unknown attribute is a schema gap, handled by _GapFinder
        try:
            definition.check(value)
        except SchemaError as error:
            problems[name] = error.message
    return problems
