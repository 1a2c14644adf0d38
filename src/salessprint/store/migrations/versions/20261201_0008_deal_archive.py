"""Deleting a deal archives it, and a write's side effects are linked to it.

- `deal_archive`: a deleted deal with every row that referred to it (its
  notes, collaborators, stage history and sprint cards as rows; the tasks
  and activities that pointed at it as ids), as JSON, until undo or
  `deal restore` puts it all back or an admin purges it;
- `changes.cause_id`: the change a logged change followed from (a won
  deal's card marked done, the notes archived with their deal), so that
  undo reverts a change with everything that followed from it. A plain
  integer, not a foreign key: adding one on SQLite would rebuild the table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from salessprint.store.types import UTCDateTime

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deal_archive",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("archived_by", sa.Integer(), nullable=True),
        sa.Column("archived_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_deal_archive_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["members.id"], name=op.f("fk_deal_archive_owner_id_members")),
        sa.ForeignKeyConstraint(["archived_by"], ["members.id"], name=op.f("fk_deal_archive_archived_by_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_archive")),
    )
    with op.batch_alter_table("deal_archive", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_archive_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_archive_deal_id"), ["deal_id"], unique=False)
    op.add_column("changes", sa.Column("cause_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_changes_cause_id"), "changes", ["cause_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_changes_cause_id"), table_name="changes")
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_column("cause_id")
    with op.batch_alter_table("deal_archive", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_archive_deal_id"))
        batch_op.drop_index(batch_op.f("ix_deal_archive_team_id"))
    op.drop_table("deal_archive")
