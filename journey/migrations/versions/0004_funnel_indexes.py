"""funnel indexes: each account's events per stage and per type, in time order

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 13:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_journey_events_stage_account_time",
        "journey_events",
        ["stage", "account_id", "occurred_at"],
    )
    op.create_index(
        "ix_journey_events_type_account_time",
        "journey_events",
        ["type", "account_id", "occurred_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_journey_events_type_account_time", table_name="journey_events")
    op.drop_index("ix_journey_events_stage_account_time", table_name="journey_events")
