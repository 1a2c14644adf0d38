"""Time off: the days a member is away and the team's holidays.

- `time_off`: one row per working day away; `member_id` NULL is a team
  holiday (everyone away). A day, not a range: "unique per team, member
  and day" is then one index, a range typed as `--to` is stored as its
  working days, removing one day of a holiday week needs no splitting,
  and a sprint's available days are a COUNT(DISTINCT day).
- unique per (team, member, day); NULLs never collide in a unique
  constraint, so the team holidays have their own partial unique index
  `uq_time_off_team_holiday` on (team_id, day) WHERE member_id IS NULL
  (an expression index would do both, but SQLite's reflection cannot read it).
- Row-level security on PostgreSQL, as migration 0009's: the team reads
  its rows; a rep writes their own days; a manager or admin everyone's and
  the team holidays.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 16:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from salessprint.store.types import UTCDateTime

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0009: uncorrelated sub-selects, asked once per statement.
P = "(SELECT ss_privileged())"
MANAGER = "(SELECT ss_role()) IN ('manager', 'admin')"
ME = "(SELECT ss_member_id())"
TEAM = "team_id = (SELECT ss_team_id())"


def _policies() -> dict[str, str]:
    """The read rule and the one write rule (insert, update and delete alike)."""
    return {
        "read": TEAM,
        "write": f"{TEAM} AND ({MANAGER} OR (member_id IS NOT NULL AND member_id = {ME}))",
    }


def upgrade() -> None:
    op.create_table(
        "time_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_time_off_team_id_teams"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_time_off_member_id_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_off")),
        sa.UniqueConstraint("team_id", "member_id", "day", name=op.f("uq_time_off_team_id")),
    )
    op.create_index("ix_time_off_team_day", "time_off", ["team_id", "day"], unique=False)
    op.create_index(op.f("ix_time_off_member_id"), "time_off", ["member_id"], unique=False)
    holiday = sa.text("member_id IS NULL")
    op.create_index(
        "uq_time_off_team_holiday",
        "time_off",
        ["team_id", "day"],
        unique=True,
        sqlite_where=holiday,
        postgresql_where=holiday,
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    rules = _policies()
    for statement in (
        "ALTER TABLE time_off ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE time_off FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY ss_read ON time_off FOR SELECT USING ({P} OR ({rules['read']}))",
        f"CREATE POLICY ss_insert ON time_off FOR INSERT WITH CHECK ({P} OR ({rules['write']}))",
        f"CREATE POLICY ss_update ON time_off FOR UPDATE USING ({P} OR ({rules['write']}))"
        f" WITH CHECK ({P} OR ({rules['write']}))",
        f"CREATE POLICY ss_delete ON time_off FOR DELETE USING ({P} OR ({rules['write']}))",
    ):
        bind.exec_driver_sql(statement)


def downgrade() -> None:
    op.drop_index("uq_time_off_team_holiday", table_name="time_off")
    op.drop_index(op.f("ix_time_off_member_id"), table_name="time_off")
    op.drop_index("ix_time_off_team_day", table_name="time_off")
    op.drop_table("time_off")  # its policies go with it
