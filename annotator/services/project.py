"""An open project: its folder, configuration, schema and database, and the use cases on them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from annotator.core.annotation import CURATION_ANNOTATOR, AnnotatedDocument, Span
from annotator.core.document import Document, DocumentFilter, DocumentStatus, DocumentSummary
from annotator.core.edits import AppliedEdit, Edit
from annotator.core.errors import PermissionDeniedError, ProjectError, TeamError
from annotator.core.ids import DocumentId
from annotator.core.project import PROJECT_FILE, ProjectConfig
from annotator.core.schema import LabelSchema
from annotator.core.stamping import only_layer, stamped
from annotator.core.statistics import ProjectStatistics
from annotator.core.team import DocumentChange, Identity, Permission, roles_allowed
from annotator.core.text import either
from annotator.services.project_files import init_project, read_guidelines, read_project_config
from annotator.services.shared_schema import schema_from_text, write_local_schema
from annotator.storage.database import ProjectDatabase

Clock = Callable[[], datetime]

BLIND_SETTING = "blind_annotation"
"""annotator_meta key: "on" when annotators see only their own annotations."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def _check_annotator_name(name: str) -> None:
    """Nobody works as the curated layer's pseudo-annotator: its layer is edited by curating."""
    if name == CURATION_ANNOTATOR:
        raise TeamError(
            f"{name!r} is reserved for the curated layer; choose another annotator name",
            code="ANN215",
        )


class Project:
    """The one API the window and the command line use for a project."""

    def __init__(
        self,
        folder: Path,
        config: ProjectConfig,
        database: ProjectDatabase,
        clock: Clock,
        annotator: str = "",
    ) -> None:
        self.folder = folder
        self.config = config
        self.database = database
        self._clock = clock
        self.annotator = annotator
        """Who makes the edits: stamped on every span and relation they add."""
        self.identity = Identity(annotator)
        self.schema_revision: int | None = None
        """The revision of the database's schema of record in use (None: none published, the
        schema is project.toml's)."""
        self._config_seen = self._config_stamp()

    # -- opening --------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        folder: Path,
        *,
        database_url: str | None = None,
        clock: Clock = utc_now,
        annotator: str = "",
    ) -> Project:
        """Open a project folder as ``annotator``; ``database_url`` (from --db or the
        environment) wins over project.toml, and the database's schema of record (a team's)
        over the file's (which is then rewritten to match). A database created by this call
        gets the project's seed files imported. The first named annotator of a project without
        a manager becomes its manager."""
        folder = folder.expanduser().resolve()
        _check_annotator_name(annotator)
        config = read_project_config(folder)
        database = ProjectDatabase.open(database_url or config.database_url, folder)
        project = cls(folder, config, database, clock, annotator)
        try:
            project.identity = database.join(annotator)
            project.adopt_schema_of_record()
        except BaseException:
            database.close()
            raise
        if database.created and config.seed:
            from annotator.services.importing import import_paths

            seeds = [folder / seed for seed in config.seed]
            missing = [str(path) for path in seeds if not path.exists()]
            if missing:
                raise ProjectError(
                    f"{folder}: seed files named in project.toml are missing: "
                    + ", ".join(missing),
                    code="ANN12A",
                )
            import_paths(project, seeds)
        return project

    @classmethod
    def create(
        cls,
        folder: Path,
        *,
        schema_name: str = "news-events",
        name: str = "",
        database_url: str | None = None,
        clock: Clock = utc_now,
        annotator: str = "",
    ) -> Project:
        init_project(folder, schema_name=schema_name, name=name)
        return cls.open(folder, database_url=database_url, clock=clock, annotator=annotator)

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- what the project is --------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.config.name or self.folder.name

    @property
    def schema(self) -> LabelSchema:
        return self.config.schema

    @property
    def database_display_url(self) -> str:
        """The database URL with any password masked, for messages."""
        return self.database.display_url

    def reload_config(self, *, force: bool = False) -> bool:
        """Pick up a schema changed elsewhere: the database's schema of record when it has a
        newer revision (one query), else ``project.toml`` when it changed on disk (one ``stat``
        when it did not, unless ``force``); True when the schema is now different from the one
        this project had."""
        revision = self.database.schema_revision()
        if revision is not None:
            if revision == self.schema_revision and not force:
                return False
            return self.adopt_schema_of_record()
        stamp = self._config_stamp()
        if stamp == self._config_seen and not force:
            return False
        config = read_project_config(self.folder)
        self._config_seen = stamp
        if config.schema == self.config.schema:
            return False
        self.config = replace(self.config, schema=config.schema)
        return True

    def adopt_schema_of_record(self) -> bool:
        """Use the database's schema of record, if it has one, and write it into project.toml
        when the file says otherwise; True when the schema changed."""
        record = self.database.schema_record()
        if record is None:
            return False
        revision, text = record
        schema = schema_from_text(text)
        self.schema_revision = revision
        write_local_schema(self.folder, schema)
        self._config_seen = self._config_stamp()
        if schema == self.config.schema:
            return False
        self.config = replace(self.config, schema=schema)
        return True

    def _config_stamp(self) -> tuple[int, int, int] | None:
        try:
            found = (self.folder / PROJECT_FILE).stat()
        except OSError:
            return None
        return (found.st_ino, found.st_mtime_ns, found.st_size)

    def guidelines(self) -> str | None:
        return read_guidelines(self.folder)

    def now(self) -> datetime:
        return self._clock()

    # -- documents ------------------------------------------------------------------------------

    def document_ids(self, where: DocumentFilter = DocumentFilter()) -> list[DocumentId]:
        return self.database.document_ids(where)

    def count_documents(self, where: DocumentFilter = DocumentFilter()) -> int:
        return self.database.count_documents(where)

    def summaries(self, ids: Sequence[DocumentId]) -> list[DocumentSummary]:
        """List rows whose span counts count only what this annotator may see."""
        return self.database.summaries(ids, self._visible_layer())

    def page(
        self,
        where: DocumentFilter = DocumentFilter(),
        after: DocumentId | None = None,
        limit: int = 100,
    ) -> list[DocumentSummary]:
        return self.database.page(where, after, limit, self._visible_layer())

    def _visible_layer(self) -> str | None:
        return self.annotator if self.blinded() else None

    def document(self, document_id: DocumentId) -> Document:
        document = self.database.document(document_id)
        if document is None:
            raise ProjectError(f"no document with id {document_id}", code="ANN12B")
        return document

    def annotated(self, document_id: DocumentId) -> AnnotatedDocument:
        """A document with the annotations this annotator may see (blind annotation: their
        own only)."""
        found = self.database.annotated(document_id)
        if found is None:
            raise ProjectError(f"no document with id {document_id}", code="ANN12B")
        return only_layer(found, self.annotator) if self.blinded() else found

    def spans(self, document_id: DocumentId) -> list[Span]:
        found = self.database.spans(document_id)
        if self.blinded():
            return [span for span in found if span.annotator == self.annotator]
        return found

    def iter_annotated(
        self, where: DocumentFilter = DocumentFilter(), *, times: bool = True
    ) -> Iterator[AnnotatedDocument]:
        """``times=False``: spans and relations without their times and versions (their
        defaults), for a reader that uses none (an export to most formats): cheaper to read."""
        items = self.database.iter_annotated(where, times=times)
        if self.blinded():
            return (only_layer(item, self.annotator) for item in items)
        return items

    def set_status(
        self, document_id: DocumentId, status: DocumentStatus, expected_version: int | None = None
    ) -> Document:
        """Set a document's status; the annotator's own assignment follows (in progress,
        done)."""
        return self.database.set_status(
            document_id, status, expected_version, self._clock(), self.annotator
        )

    # -- annotating -----------------------------------------------------------------------------

    def apply(self, edit: Edit) -> AppliedEdit:
        """Apply an edit in one transaction as this project's annotator: added spans and
        relations are theirs; a role that may not touch another's layer is refused
        (:class:`PermissionDeniedError`). Returns what changed and the edit that undoes it."""
        return self.database.apply(
            stamped(edit, self.annotator), self.schema, self._clock(), self.annotator
        )

    # -- who is working -------------------------------------------------------------------------

    def set_annotator(self, name: str) -> Identity:
        """Work as someone else from now on (the window's annotator name changed)."""
        _check_annotator_name(name)
        self.identity = self.database.join(name)
        self.annotator = name
        return self.identity

    def refresh_identity(self) -> Identity:
        """Read the role again (a manager may have changed it meanwhile)."""
        self.identity = self.database.identity(self.annotator)
        return self.identity

    def require(self, permission: Permission) -> None:
        """Raise :class:`PermissionDeniedError` unless the annotator's current role allows
        ``permission`` (every service that changes the schema, roles or assignments calls this)."""
        identity = self.refresh_identity()
        if not identity.allows(permission):
            who = self.annotator or "an unnamed annotator"
            allowed = either([role.value for role in roles_allowed(permission)])
            hint = "" if self.annotator else " (name yourself with --annotator NAME)"
            raise PermissionDeniedError(
                f"{who} ({identity.role.value}) may not {permission.value}; "
                f"only a {allowed} may{hint}",
                code="ANN202",
            )

    @property
    def blind(self) -> bool:
        """Blind annotation: annotators see only their own annotations (a shared setting)."""
        return self.database.setting(BLIND_SETTING) == "on"

    def blinded(self) -> bool:
        """Whether this annotator's view is restricted to their own layer right now."""
        return not self.identity.sees_everything and self.blind

    def ping(self) -> None:
        """Raise :class:`ConnectionLostError` while the database cannot be reached."""
        self.database.ping()

    def last_change_id(self) -> int:
        """The newest edit log id: start polling :meth:`changes_since` from here."""
        return self.database.last_change()

    def changes_since(self, last_id: int, limit: int = 1000) -> tuple[int, list[DocumentChange]]:
        """Changes committed after ``last_id`` (by anyone, ``own`` marking this process's):
        the new last id, and which documents changed by whom. One indexed range query."""
        changes = self.database.changes_after(last_id, limit)
        return (changes[-1].log_id if changes else last_id), changes

    def statistics(self) -> ProjectStatistics:
        return self.database.statistics()
