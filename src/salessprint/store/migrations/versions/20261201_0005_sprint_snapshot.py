"""A closed sprint is a snapshot: its cards outlive later edits of their items.

- `sprint_items.done_at`: the moment the card's item was done, so a card
  already done when it joined the sprint reads as "completed outside this
  sprint" (Jira), kept out of completed points and velocity;
- `sprint_items.item_type`, `item_ref` and `title`: what the card was
  ("task"/"deal", its id, its title), so a closed sprint still names a card
  whose task or deal was deleted since. Type and id are NOT NULL (the model
  fills them from the key on every insert); the title is written when the
  card is added, when the sprint closes and before its item is deleted;
- the card's task and deal keys become ON DELETE SET NULL (they were
  CASCADE): deleting a task or deal no longer deletes the cards of closed
  sprints, which keep their points, done day and outcome. The services
  delete the cards of open sprints themselves (a deleted task leaves the
  board, as before). The check becomes "not both a task and a deal".

Existing rows are filled in: item type and title from their task or deal,
`item_ref` from the key, `done_at` from the task's done time where the card
is done.

On SQLite the table is rebuilt (batch mode); the two partial unique indexes
of 0004 are dropped around the rebuild and made again, because reflection
does not carry their WHERE clause.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 13:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import salessprint.store.types

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_REMOVED = sa.text("removed_at IS NULL")
CARD_KEYS = {"uq_sprint_items_open_task": "task_id", "uq_sprint_items_open_deal": "deal_id"}
OLD_CHECK = "(task_id IS NULL) <> (deal_id IS NULL)"
NEW_CHECK = "NOT (task_id IS NOT NULL AND deal_id IS NOT NULL)"


def _rebuild_keys(ondelete: str, check_name: str, check: str, drop_check: str, snapshot_required: bool) -> None:
    for name in CARD_KEYS:
        op.drop_index(name, table_name="sprint_items")
    with op.batch_alter_table("sprint_items", recreate="auto") as batch:
        batch.drop_constraint(op.f(drop_check), type_="check")
        batch.create_check_constraint(op.f(check_name), check)
        for key, target in (("task_id", "tasks"), ("deal_id", "deals")):
            name = f"fk_sprint_items_{key}_{target}"
            batch.drop_constraint(op.f(name), type_="foreignkey")
            batch.create_foreign_key(op.f(name), target, [key], ["id"], ondelete=ondelete)
        if snapshot_required:
            batch.alter_column("item_type", existing_type=sa.String(length=4), nullable=False)
            batch.alter_column("item_ref", existing_type=sa.Integer(), nullable=False)
    for name, key in CARD_KEYS.items():
        op.create_index(
            name,
            "sprint_items",
            ["sprint_id", key],
            unique=True,
            postgresql_where=NOT_REMOVED,
            sqlite_where=NOT_REMOVED,
        )


def upgrade() -> None:
    with op.batch_alter_table("sprint_items") as batch:
        batch.add_column(sa.Column("done_at", salessprint.store.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("item_type", sa.String(length=4), nullable=True))
        batch.add_column(sa.Column("item_ref", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("title", sa.String(length=300), nullable=True))
    op.execute(
        "UPDATE sprint_items SET item_type = 'task', item_ref = task_id, "
        "title = (SELECT tasks.title FROM tasks WHERE tasks.id = sprint_items.task_id), "
        "done_at = CASE WHEN done_on IS NOT NULL "
        "THEN (SELECT tasks.done_at FROM tasks WHERE tasks.id = sprint_items.task_id) END "
        "WHERE task_id IS NOT NULL"
    )
    op.execute(
        "UPDATE sprint_items SET item_type = 'deal', item_ref = deal_id, "
        "title = (SELECT deals.title FROM deals WHERE deals.id = sprint_items.deal_id) "
        "WHERE deal_id IS NOT NULL"
    )
    _rebuild_keys("SET NULL", "ck_sprint_items_one_item", NEW_CHECK, "ck_sprint_items_task_xor_deal", True)


def downgrade() -> None:
    # Cards whose item was deleted since cannot point at it again.
    op.execute("DELETE FROM sprint_items WHERE task_id IS NULL AND deal_id IS NULL")
    _rebuild_keys("CASCADE", "ck_sprint_items_task_xor_deal", OLD_CHECK, "ck_sprint_items_one_item", False)
    with op.batch_alter_table("sprint_items") as batch:
        batch.drop_column("title")
        batch.drop_column("item_ref")
        batch.drop_column("item_type")
        batch.drop_column("done_at")
