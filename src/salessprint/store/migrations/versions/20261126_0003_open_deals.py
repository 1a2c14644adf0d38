"""Open deals have no close date, closed ones have one; an index of open deals by rank.

Reports and lists find open deals with `closed_on IS NULL` (served by an
index) rather than through their stage's kind (which reads every deal).
The services and importers keep "open stage <=> no close date"; this fixes
rows written before they did: an open deal loses its close date, a won or
lost deal without one gets the day it entered that stage.

`ix_deals_open_rank` holds only open deals, in backlog order: a page of
open deals (the backlog, `deal list --open`, a text filter over them) reads
~9 % of the deals instead of walking all of them in rank order.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 14:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("closed_on IS NULL")


def upgrade() -> None:
    op.execute(
        "UPDATE deals SET closed_on = NULL WHERE closed_on IS NOT NULL "
        "AND stage_id IN (SELECT id FROM stages WHERE kind = 'open')"
    )
    if op.get_bind().dialect.name == "sqlite":
        entered_day = "substr(stage_entered_at, 1, 10)"  # stored as naive UTC 'YYYY-MM-DD HH:MM:SS...'
    else:
        entered_day = "CAST(stage_entered_at AT TIME ZONE 'UTC' AS DATE)"
    op.execute(
        f"UPDATE deals SET closed_on = {entered_day} WHERE closed_on IS NULL "
        "AND stage_id IN (SELECT id FROM stages WHERE kind <> 'open')"
    )
    op.create_index(
        "ix_deals_open_rank",
        "deals",
        ["team_id", "backlog_rank", "id"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("ix_deals_open_rank", table_name="deals")
