"""Team work and notes: annotator roles and the curated layer, document assignments, an edit
log that other clients poll, discontinuous span fragments, and comments on spans, relations and
documents.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def _timestamp(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("annotators") as batch:
        batch.add_column(
            sa.Column("role", sa.String(20), nullable=False, server_default="annotator")
        )
        batch.add_column(
            sa.Column("is_curation", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("spans") as batch:
        batch.add_column(sa.Column("fragments", JSON, nullable=True))
        batch.add_column(sa.Column("comment", sa.Text(), nullable=True))
    with op.batch_alter_table("relations") as batch:
        batch.add_column(sa.Column("comment", sa.Text(), nullable=True))
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("comment", sa.Text(), nullable=True))
    op.create_table(
        "assignments",
        sa.Column("document_id", ID, nullable=False),
        sa.Column("annotator_id", ID, nullable=False),
        sa.Column("state", sa.String(20), nullable=False, server_default="assigned"),
        _timestamp("assigned_at"),
        _timestamp("updated_at"),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_assignments_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotators.id"],
            name=op.f("fk_assignments_annotator_id_annotators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "annotator_id", name=op.f("pk_assignments")),
    )
    op.create_index("ix_assignments_annotator_id", "assignments", ["annotator_id"])
    op.create_table(
        "edit_log",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("document_id", ID, nullable=False),
        sa.Column("annotator_id", ID, nullable=True),
        _timestamp("at"),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_edit_log_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edit_log")),
    )


def downgrade() -> None:
    op.drop_table("edit_log")
    op.drop_index("ix_assignments_annotator_id", table_name="assignments")
    op.drop_table("assignments")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("comment")
    with op.batch_alter_table("relations") as batch:
        batch.drop_column("comment")
    with op.batch_alter_table("spans") as batch:
        batch.drop_column("comment")
        batch.drop_column("fragments")
    with op.batch_alter_table("annotators") as batch:
        batch.drop_column("is_curation")
        batch.drop_column("role")
