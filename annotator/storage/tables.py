"""The database schema as SQLAlchemy Core tables (Alembic migrations build exactly this)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps. SQLite keeps ISO 8601 text, parsed with the C-fast
    ``datetime.fromisoformat`` (SQLAlchemy's own SQLite DateTime parses with a regex)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.isoformat() if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        return to_utc(value)


def to_utc(value: Any) -> datetime | None:
    """A stored timestamp (ISO text on SQLite, a datetime on PostgreSQL) as an aware UTC
    datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    result: datetime = value if value.tzinfo else value.replace(tzinfo=UTC)
    return result if result.tzinfo is UTC else result.astimezone(UTC)


PIECED_SQLITE = "fragments IS NOT NULL AND fragments <> 'null'"
PIECED_POSTGRESQL = "fragments IS NOT NULL AND fragments <> 'null'::jsonb"
"""A discontinuous span (a contiguous one's fragments are NULL or JSON null): the condition of
the partial index ``ix_spans_document_pieced``; queries must repeat it to use the index."""

Json = JSON().with_variant(JSONB(), "postgresql")
Id = BigInteger().with_variant(Integer(), "sqlite")
"""64-bit ids on PostgreSQL; INTEGER on SQLite so that the primary key is the rowid."""

meta = Table(
    "annotator_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

annotators = Table(
    "annotators",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("role", String(20), nullable=False, server_default="annotator"),
    Column("is_curation", Boolean(), nullable=False, server_default=false()),
)
"""People who annotate, with their project role (manager, curator, annotator), and the one
pseudo-annotator that holds the curated layer (``is_curation``)."""

documents = Table(
    "documents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("external_id", String(500), nullable=False, default=""),
    Column("title", Text, nullable=False, default=""),
    Column("source", String(500), nullable=False, default=""),
    Column("url", Text, nullable=False, default=""),
    Column("published", Date, nullable=True),
    Column("text", Text, nullable=False),
    Column("length", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("metadata", Json, nullable=False),
    Column("origin", Text, nullable=False, default=""),
    Column("status", String(20), nullable=False, default="new"),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("comment", Text, nullable=True),
    Index("ix_documents_content_hash", "content_hash"),
    Index("ix_documents_status_id", "status", "id"),
    Index("ix_documents_origin", "origin"),
)

document_sources = Table(
    "document_sources",
    metadata,
    Column(
        "document_id",
        Id,
        ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("name", Text, nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("content", LargeBinary, nullable=False),
)

document_signatures = Table(
    "document_signatures",
    metadata,
    Column(
        "document_id",
        Id,
        ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("signature", LargeBinary, nullable=False),
)
"""MinHash signatures for near-duplicate detection at import (see annotator.ingest.minhash)."""

spans = Table(
    "spans",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", Id, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("label", String(200), nullable=False),
    Column("start_offset", Integer, nullable=False),
    Column("end_offset", Integer, nullable=False),
    Column("attributes", Json, nullable=False),
    Column("annotator_id", Id, ForeignKey("annotators.id"), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    # [[start, end], ...] for a discontinuous span (start/end are then the hull); NULL otherwise.
    Column("fragments", Json, nullable=True),
    Column("comment", Text, nullable=True),
    # covers what opening a document in the window reads (storage/span_outline.py)
    Index("ix_spans_document_extent", "document_id", "start_offset", "end_offset", "label"),
    Index(
        "ix_spans_document_pieced",
        "document_id",
        sqlite_where=text(PIECED_SQLITE),
        postgresql_where=text(PIECED_POSTGRESQL),
    ),
)

relations = Table(
    "relations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", Id, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(200), nullable=False),
    Column("source_id", Id, ForeignKey("spans.id", ondelete="CASCADE"), nullable=False),
    Column("target_id", Id, ForeignKey("spans.id", ondelete="CASCADE"), nullable=False),
    Column("annotator_id", Id, ForeignKey("annotators.id"), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("comment", Text, nullable=True),
    UniqueConstraint("type", "source_id", "target_id"),
    Index("ix_relations_document", "document_id"),
    Index("ix_relations_source", "source_id"),
    Index("ix_relations_target", "target_id"),
)

assignments = Table(
    "assignments",
    metadata,
    Column("document_id", Id, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("annotator_id", Id, ForeignKey("annotators.id", ondelete="CASCADE"), nullable=False),
    Column("state", String(20), nullable=False, server_default="assigned"),
    Column("assigned_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("document_id", "annotator_id"),
    Index("ix_assignments_annotator_id", "annotator_id"),
)
"""Which annotator works on which document, and how far they are (assigned, in_progress, done)."""

edit_log = Table(
    "edit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", Id, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("annotator_id", Id, nullable=True),
    Column("at", UtcDateTime(), nullable=False),
)
"""One row per committed annotation change; other clients poll ``id > last_seen`` to redraw."""
