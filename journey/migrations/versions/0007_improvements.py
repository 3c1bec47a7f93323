"""improvements: the manager's board of suggested and planned improvements

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import journey.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "improvements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_key", sa.String(length=100), nullable=True),
        sa.Column("impact", sa.Float(), nullable=False),
        sa.Column("effort", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "evidence",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", journey.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", journey.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["staff_users.id"],
            name=op.f("fk_improvements_owner_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvements")),
        sa.UniqueConstraint("source", "source_key", name=op.f("uq_improvements_source")),
    )
    with op.batch_alter_table("improvements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_improvements_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("improvements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_improvements_status"))
    op.drop_table("improvements")
