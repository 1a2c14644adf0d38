"""A trigram index on every deal title, for the backlog's task filter (PostgreSQL, issue 16).

A task matches the backlog filter by its own title, its assignee, or its
deal's title or account (services/backlog.py). Written as one OR over the
task joined to its deal and account, the filter has no index to serve it:
pg_trgm cannot serve an OR across a join, so every open task was walked
and joined (about 3 s at 100,000 deals for three letters or more). Asked
per column instead (the tasks whose title matches, whose assignee matches,
whose deal matches by title or account; each found through its own index,
then the union), it needs the deals whose title matches *whatever their
state*: a task may hang on a closed deal, which the partial index of
migration 0011 (`ix_deals_open_title_trgm`, open deals only) does not hold.

- `ix_deals_title_trgm`: pg_trgm GIN on `lower(title)` of every deal. The
  partial index of open deals stays: the deal side of the filter reads it
  (a tenth of the size).
- The accounts' name index of 0011 (`ix_accounts_name_trgm`) already holds
  every account.
- Nothing on SQLite: its FTS5 trigram table (0011) already holds every deal.

Where 0011 left the trigram indexes out (no pg_trgm in the database), this
one does too, with the same warning: the filter gives the same results,
only slower.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 21:30:00

"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_deals_title_trgm"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        return
    if not bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar():
        warnings.warn(
            "The database has no pg_trgm extension: the backlog filter works without its trigram "
            "indexes, only slower. A superuser can run 'CREATE EXTENSION pg_trgm' in this database.",
            stacklevel=1,
        )
        return
    op.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON deals USING gin (lower(title) gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
