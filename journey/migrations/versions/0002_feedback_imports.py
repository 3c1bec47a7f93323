"""feedback imports: normalised-text hash on tickets and reviews

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from journey.text import content_hash

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The text each table's hash covers (as in journey.models).
HASHED = {"tickets": ("subject", "body"), "reviews": ("body",)}


def upgrade() -> None:
    for table, columns in HASHED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
            batch_op.create_index(
                batch_op.f(f"ix_{table}_content_hash"), ["content_hash"], unique=False
            )
        _backfill(table, columns)


def _backfill(table: str, columns: tuple[str, ...]) -> None:
    """Rows stored before this revision get their hash too, so later copies find them."""
    rows = sa.table(table, sa.column("id"), sa.column("content_hash"), *map(sa.column, columns))
    conn = op.get_bind()
    found = conn.execute(sa.select(rows.c.id, *(rows.c[c] for c in columns))).all()
    updates = [
        {"row_id": row[0], "hash": content_hash(" ".join(v or "" for v in row[1:]))}
        for row in found
    ]
    if updates:
        conn.execute(
            rows.update()
            .where(rows.c.id == sa.bindparam("row_id"))
            .values(content_hash=sa.bindparam("hash")),
            updates,
        )


def downgrade() -> None:
    for table in reversed(HASHED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_content_hash"))
            batch_op.drop_column("content_hash")
