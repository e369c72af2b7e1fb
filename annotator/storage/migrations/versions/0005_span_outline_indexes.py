"""Indexes that let the window open a document from the index alone: (document, start, end,
label) covers the outline of every span (the rowid is the id), and a partial index finds the
few discontinuous spans, whose pieces are read from the table. The extent index replaces
(document_id, start_offset), its prefix, so imports maintain as many full indexes as before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PIECED_SQLITE = "fragments IS NOT NULL AND fragments <> 'null'"
PIECED_POSTGRESQL = "fragments IS NOT NULL AND fragments <> 'null'::jsonb"


def upgrade() -> None:
    with op.batch_alter_table("spans") as batch:
        batch.drop_index("ix_spans_document_start")
        batch.create_index(
            "ix_spans_document_extent",
            ["document_id", "start_offset", "end_offset", "label"],
            unique=False,
        )
        batch.create_index(
            "ix_spans_document_pieced",
            ["document_id"],
            unique=False,
            sqlite_where=sa.text(PIECED_SQLITE),
            postgresql_where=sa.text(PIECED_POSTGRESQL),
        )


def downgrade() -> None:
    with op.batch_alter_table("spans") as batch:
        batch.drop_index("ix_spans_document_pieced")
        batch.drop_index("ix_spans_document_extent")
        batch.create_index("ix_spans_document_start", ["document_id", "start_offset"], unique=False)
