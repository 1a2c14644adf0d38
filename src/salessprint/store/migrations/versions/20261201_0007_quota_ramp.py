"""A quota ramp for new reps: per team, with a per-rep override; the team's
forecast history window.

- `teams.quota_ramp`: the team's ramp steps in percent of full quota, as a
  manager types them ("25,50,75,100"); NULL: no ramp.
- `teams.quota_ramp_months`: how many months each step lasts (NULL: 3, a
  quarter of tenure).
- `members.quota_ramp`, `members.quota_ramp_months`: a rep's own ramp
  ("off" for full quota from the start date); NULL: the team's.
- `teams.forecast_history`, `teams.forecast_min_history`: the closed sprints
  a velocity forecast averages and how many it needs before it is known
  (NULL: 3 and 3); sprint planning and `report velocity` read them.

The steps count from `members.started_on` (domain.metrics.Ramp). Nothing
existing changes: every column starts NULL, so no rep has a ramp until a
manager sets one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:05:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("teams", "members"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("quota_ramp", sa.String(length=200), nullable=True))
            batch.add_column(sa.Column("quota_ramp_months", sa.Integer(), nullable=True))
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("forecast_history", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("forecast_min_history", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("forecast_min_history")
        batch.drop_column("forecast_history")
    for table in ("members", "teams"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("quota_ramp_months")
            batch.drop_column("quota_ramp")
