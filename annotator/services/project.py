"""An open project: its folder, configuration, schema and database, and the use cases on them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from annotator.core.annotation import AnnotatedDocument, Span
from annotator.core.document import Document, DocumentFilter, DocumentStatus, DocumentSummary
from annotator.core.edits import AppliedEdit, Edit
from annotator.core.errors import ProjectError
from annotator.core.ids import DocumentId
from annotator.core.project import ProjectConfig
from annotator.core.schema import LabelSchema
from annotator.core.statistics import ProjectStatistics
from annotator.services.project_files import init_project, read_guidelines, read_project_config
from annotator.storage.database import ProjectDatabase

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Project:
    """The one API the window and the command line use for a project."""

    def __init__(
        self, folder: Path, config: ProjectConfig, database: ProjectDatabase, clock: Clock
    ) -> None:
        self.folder = folder
        self.config = config
        self.database = database
        self._clock = clock

    # -- opening --------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, folder: Path, *, database_url: str | None = None, clock: Clock = utc_now
    ) -> Project:
        """Open a project folder; ``database_url`` (from --db or the environment) wins over
        project.toml. A database created by this call gets the project's seed files imported."""
        folder = folder.expanduser().resolve()
        config = read_project_config(folder)
        database = ProjectDatabase.open(database_url or config.database_url, folder)
        project = cls(folder, config, database, clock)
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
    ) -> Project:
        init_project(folder, schema_name=schema_name, name=name)
        return cls.open(folder, database_url=database_url, clock=clock)

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
        return self.database.summaries(ids)

    def page(
        self,
        where: DocumentFilter = DocumentFilter(),
        after: DocumentId | None = None,
        limit: int = 100,
    ) -> list[DocumentSummary]:
        return self.database.page(where, after, limit)

    def document(self, document_id: DocumentId) -> Document:
        document = self.database.document(document_id)
        if document is None:
            raise ProjectError(f"no document with id {document_id}", code="ANN12B")
        return document

    def annotated(self, document_id: DocumentId) -> AnnotatedDocument:
        found = self.database.annotated(document_id)
        if found is None:
            raise ProjectError(f"no document with id {document_id}", code="ANN12B")
        return found

    def spans(self, document_id: DocumentId) -> list[Span]:
        return self.database.spans(document_id)

    def iter_annotated(
        self, where: DocumentFilter = DocumentFilter()
    ) -> Iterator[AnnotatedDocument]:
        return self.database.iter_annotated(where)

    def set_status(
        self, document_id: DocumentId, status: DocumentStatus, expected_version: int | None = None
    ) -> Document:
        return self.database.set_status(document_id, status, expected_version, self._clock())

    # -- annotating -----------------------------------------------------------------------------

    def apply(self, edit: Edit) -> AppliedEdit:
        """Apply an edit in one transaction; returns what changed and the edit that undoes it."""
        return self.database.apply(edit, self.schema, self._clock())

    def statistics(self) -> ProjectStatistics:
        return self.database.statistics()
