"""Invariants the code checked and races broke, now kept by the database.

- one card per task or deal per sprint, among the cards not removed
  (`uq_sprint_items_open_task`, `uq_sprint_items_open_deal`);
- at most one planned and one active sprint per team
  (`uq_sprints_one_planned`, `uq_sprints_one_active`);
- one team per store (`uq_teams_one_per_store`: on PostgreSQL a unique
  index on the constant 1, so a second team row collides with the first
  whatever its name or id; on SQLite a trigger that refuses the insert in
  the same words; backup, import and demo build exactly one team).

The services expect these: a racer that loses re-runs its use case
(services/uow.py `retrying`) and gets the plain answer the code gives when
no race happened ("Deal #1 is already in sprint 13.").

Rows that races wrote before are repaired first, deterministically, so
upgrading an old store cannot fail:

- a team with several planned (or active) sprints keeps the lowest-numbered
  one; the later ones hand it their cards and retro entries and are deleted;
- of several cards of one item in one sprint, the oldest (lowest id) stays
  and the later ones are marked removed at the moment they were added;
- a store that already holds several teams keeps them all (deleting a team
  is no repair) and gets no one-team index; upgrading says so in a warning.

Like 0002 and 0003, the partial indexes are declared here only, not in the
models (a `*_where` argument there loads the PostgreSQL dialect on SQLite).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 11:45:00

"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_REMOVED = sa.text("removed_at IS NULL")
SPRINT_STATES = {"uq_sprints_one_planned": "planned", "uq_sprints_one_active": "active"}
CARD_KEYS = {"uq_sprint_items_open_task": "task_id", "uq_sprint_items_open_deal": "deal_id"}


def _merge_extra_sprints(bind: sa.Connection, state: str) -> None:
    extras = bind.execute(
        sa.text(
            "SELECT s.id, (SELECT k.id FROM sprints AS k WHERE k.team_id = s.team_id AND k.state = s.state "
            "ORDER BY k.number LIMIT 1) AS keep FROM sprints AS s WHERE s.state = :state ORDER BY s.id"
        ),
        {"state": state},
    ).all()
    for sprint_id, keep in extras:
        if sprint_id == keep:
            continue
        for table in ("sprint_items", "retro_entries"):
            bind.execute(
                sa.text(f"UPDATE {table} SET sprint_id = :keep WHERE sprint_id = :id"), {"keep": keep, "id": sprint_id}
            )
        bind.execute(sa.text("DELETE FROM sprints WHERE id = :id"), {"id": sprint_id})


def _remove_duplicate_cards(bind: sa.Connection, key: str) -> None:
    bind.execute(
        sa.text(
            f"UPDATE sprint_items SET removed_at = added_at, version = version + 1 "
            f"WHERE removed_at IS NULL AND {key} IS NOT NULL AND EXISTS ("
            f"SELECT 1 FROM sprint_items AS older WHERE older.sprint_id = sprint_items.sprint_id "
            f"AND older.{key} = sprint_items.{key} AND older.removed_at IS NULL AND older.id < sprint_items.id)"
        )
    )


def upgrade() -> None:
    bind = op.get_bind()
    for name, state in SPRINT_STATES.items():
        _merge_extra_sprints(bind, state)
        where = sa.text(f"state = '{state}'")
        op.create_index(name, "sprints", ["team_id"], unique=True, postgresql_where=where, sqlite_where=where)
    for name, key in CARD_KEYS.items():
        _remove_duplicate_cards(bind, key)
        op.create_index(
            name,
            "sprint_items",
            ["sprint_id", key],
            unique=True,
            postgresql_where=NOT_REMOVED,
            sqlite_where=NOT_REMOVED,
        )
    teams = bind.execute(sa.text("SELECT count(*) FROM teams")).scalar_one()
    if teams > 1:
        warnings.warn(
            f"This store holds {teams} teams; salessprint keeps one per store, so the rule "
            "'one team per store' is not added here. Move each team to a store of its own "
            "(salessprint export, then restore into a new --db).",
            stacklevel=1,
        )
    elif bind.dialect.name == "sqlite":
        # An index on an expression would do, but SQLAlchemy cannot reflect
        # one on SQLite (and warns); a trigger is invisible to reflection.
        op.execute(
            "CREATE TRIGGER uq_teams_one_per_store BEFORE INSERT ON teams "
            "WHEN EXISTS (SELECT 1 FROM teams) BEGIN "
            "SELECT RAISE(ABORT, 'UNIQUE constraint failed: index ''uq_teams_one_per_store'''); END"
        )
    else:
        op.execute("CREATE UNIQUE INDEX uq_teams_one_per_store ON teams ((1))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS uq_teams_one_per_store")
    else:
        op.execute("DROP INDEX IF EXISTS uq_teams_one_per_store")
    for name in CARD_KEYS:
        op.drop_index(name, table_name="sprint_items")
    for name in SPRINT_STATES:
        op.drop_index(name, table_name="sprints")
