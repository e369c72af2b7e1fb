"""Changing the label schema of a project that already has annotations.

``preview(change)`` says what the change would do to existing annotations; ``apply(change)``
migrates them and rewrites ``project.toml`` as one step: the database rewrite runs in one
transaction (which also publishes the new schema as the team's schema of record once the
project is a team or already has one), the file is replaced (atomically) just before that
transaction commits, and put back if the commit fails. Every applied change returns the
:class:`SchemaStep` that undoes it (schema and annotations back); applying that step returns the
one that redoes it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace

from annotator.core.changes import ChangeSet
from annotator.core.errors import ProjectError
from annotator.core.project import PROJECT_FILE
from annotator.core.schema import LabelSchema
from annotator.core.schema_changes import (
    Impact,
    Migration,
    SchemaChange,
    changed_schema,
    describe_change,
    inverse_changes,
    migrate_annotations,
    scope_of,
)
from annotator.core.team import Permission
from annotator.services.atomic import atomic_write_text
from annotator.services.project import Project
from annotator.services.schema_file import render_schema
from annotator.services.shared_schema import publication
from annotator.storage.rewrite import AnnotationSlice


@dataclass(frozen=True, slots=True)
class SchemaStep:
    """A schema to put in place together with an annotation rewrite (what undo and redo do)."""

    schema: LabelSchema
    changes: ChangeSet
    description: str
    file_text: str = ""
    """project.toml as it was: written back as is when the file is still as the step left it."""
    left_text: str = ""


@dataclass(frozen=True, slots=True)
class SchemaEdit:
    """What an applied schema change did, and the step that undoes it."""

    description: str
    before: LabelSchema
    after: LabelSchema
    changes: ChangeSet
    """The annotations rewritten (as written: real ids and versions)."""
    inverse: SchemaStep
    impact: Impact = field(default_factory=Impact)


def check_may_change_schema(project: Project) -> None:
    """The one place that decides who may change the schema: only managers, once the project
    is a team (everyone may while it has no roles)."""
    project.require(Permission.EDIT_SCHEMA)


def preview(project: Project, change: SchemaChange) -> Impact:
    """What ``change`` would do to the existing annotations (nothing is written)."""
    project.reload_config()
    after = changed_schema(project.schema, change)
    scope = scope_of(change)
    if scope.is_empty:
        return Impact()
    found = project.database.annotation_slice(scope.labels, scope.relation_types)
    return _migrate(change, after, found).impact


def apply(project: Project, change: SchemaChange) -> SchemaEdit:
    """Change the schema, migrate the annotations and rewrite project.toml, all or nothing."""
    check_may_change_schema(project)
    project.reload_config(force=True)  # another process may have changed it meanwhile
    before = project.schema
    after = changed_schema(before, change)
    scope = scope_of(change)
    impacts: list[Impact] = []

    def compute(found: AnnotationSlice) -> ChangeSet:
        migration = _migrate(change, after, found)
        impacts.append(migration.impact)
        return migration.changes

    written, old_text, new_text = _commit(
        project, after, scope.labels, scope.relation_types, compute
    )
    description = describe_change(change)
    inverse = SchemaStep(before, inverse_changes(written), description, old_text, new_text)
    return SchemaEdit(
        description, before, after, written, inverse, impacts[-1] if impacts else Impact()
    )


def apply_step(project: Project, step: SchemaStep) -> SchemaEdit:
    """Undo (or redo) a schema change: put ``step.schema`` back and rewrite its annotations."""
    check_may_change_schema(project)
    before = project.schema
    written, old_text, new_text = _commit(
        project, step.schema, (), (), lambda _found: step.changes, step
    )
    inverse = SchemaStep(before, inverse_changes(written), step.description, old_text, new_text)
    return SchemaEdit(step.description, before, step.schema, written, inverse)


def _migrate(change: SchemaChange, after: LabelSchema, found: AnnotationSlice) -> Migration:
    return migrate_annotations(change, after, found.spans, found.relations, found.end_labels)


def _commit(
    project: Project,
    schema: LabelSchema,
    labels: Collection[str],
    relation_types: Collection[str],
    compute: Callable[[AnnotationSlice], ChangeSet],
    step: SchemaStep | None = None,
) -> tuple[ChangeSet, str, str]:
    """Rewrite annotations and project.toml together; returns what was written to the database
    and the file's text before and after."""
    path = project.folder / PROJECT_FILE
    try:
        old_text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ProjectError(f"{path}: cannot read ({error.strerror})", code="ANN126") from None
    if step is not None and step.file_text and step.left_text == old_text:
        new_text = step.file_text
    else:
        new_text = render_schema(old_text, schema, where=str(path))
    file_written = False
    publish = publication(project, schema)

    def write_file(_changes: ChangeSet) -> None:
        nonlocal file_written
        atomic_write_text(path, new_text)
        file_written = True

    try:
        written = project.database.rewrite_annotations(
            labels,
            relation_types,
            compute,
            project.now(),
            write_file,
            project.annotator,
            publish,
        )
    except BaseException:
        if file_written:  # the commit failed after the file was replaced: put it back
            atomic_write_text(path, old_text)
        raise
    project.config = replace(project.config, schema=schema)
    if publish is not None:
        project.schema_revision = publish.revision
    return written, old_text, new_text
