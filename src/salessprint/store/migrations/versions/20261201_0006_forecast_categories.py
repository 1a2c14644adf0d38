"""Sales forecast categories and the commit calls forecast accuracy reads.

- `deals.forecast_category`: the category the deal's owner set (pipeline,
  best_case, commit, omitted); NULL, as every existing deal gets, follows
  the deal's stage (domain/forecast_categories.py `default_category`).
- `forecast_snapshots`: each rep's commit call for a month as it stood at a
  sprint close or at the month's end, one row per rep and occasion
  (`occasion_key`, e.g. "sprint 12" or "month 2026-11").

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 13:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import salessprint.store.types

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("forecast_category", sa.String(length=10), nullable=True))
    op.create_table(
        "forecast_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("occasion", sa.String(length=12), nullable=False),
        sa.Column("occasion_key", sa.String(length=40), nullable=False),
        sa.Column("sprint_number", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("as_of", salessprint.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_won", salessprint.store.types.Money(precision=14, scale=2), nullable=False),
        sa.Column("commit_value", salessprint.store.types.Money(precision=14, scale=2), nullable=False),
        sa.Column("best_case_value", salessprint.store.types.Money(precision=14, scale=2), nullable=False),
        sa.Column("recorded_at", salessprint.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_forecast_snapshots_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_forecast_snapshots_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_snapshots")),
        sa.UniqueConstraint("member_id", "occasion_key", name=op.f("uq_forecast_snapshots_member_id")),
    )
    with op.batch_alter_table("forecast_snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_forecast_snapshots_team_period", ["team_id", "period_start"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("forecast_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_forecast_snapshots_team_period")
    op.drop_table("forecast_snapshots")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_column("forecast_category")
