"""Trigram search indexes for the backlog's text filter (issue 16).

The filter matches a substring anywhere in a title or a name (`LIKE
'%text%'`), which no B-tree index serves: at 100,000 open deals each
keystroke read every open deal. Trigram indexes find the rows holding a
substring of three characters or more:

- **SQLite**: FTS5 tables with the `trigram` tokenizer (SQLite 3.34+,
  case-insensitive) over deal titles, task titles and account names
  (`store/search.py` names them). They are external-content tables: they
  keep only the index, the text stays in the table, and triggers on the
  table keep the index in step with every insert, update and delete. The
  filter still checks each candidate with the LIKE it always used, so the
  index only narrows; the results are the same.
- **PostgreSQL**: `pg_trgm` GIN indexes on `lower(title)` / `lower(name)`
  (open deals and open tasks only, as partial indexes), which serve the
  LIKE as it is written. Indexes, not side tables, so row-level security
  (0009) governs every row the filter reads. `pg_trgm` is a trusted
  extension (PostgreSQL 13+): the database's owner may create it. Where it
  cannot be created (not installed on the server, or a login without the
  right), the migration warns and leaves the indexes out: the filter gives
  the same results, only slower. To add them later, a superuser runs
  `CREATE EXTENSION pg_trgm` in the database and the owner runs
  `alembic downgrade 0009` then `salessprint db upgrade`.

Also `ix_sprint_items_sprint_card` (sprint_id, id): a board lane reads a
window of its sprint's cards in card order (services/board.py) and stops
when it is full, instead of sorting the whole sprint (10,000 cards).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 15:40:00

"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (search table, table, text column): kept in step with store/search.py SEARCHED.
SEARCHED = (
    ("deals_search", "deals", "title"),
    ("tasks_search", "tasks", "title"),
    ("accounts_search", "accounts", "name"),
)

# (index, table, column, partial predicate): the rows the backlog filters.
PG_INDEXES = (
    ("ix_deals_open_title_trgm", "deals", "title", "closed_on IS NULL"),
    ("ix_tasks_open_title_trgm", "tasks", "title", "status <> 'done'"),
    ("ix_accounts_name_trgm", "accounts", "name", None),
)


def _sqlite_lines(search: str, table: str, column: str) -> list[str]:
    add = f"INSERT INTO {search}(rowid, {column}) VALUES (new.id, new.{column});"
    drop = f"INSERT INTO {search}({search}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
    return [
        f"CREATE VIRTUAL TABLE {search} USING fts5({column}, content='{table}', content_rowid='id', "
        "tokenize='trigram')",
        f"CREATE TRIGGER {search}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {search}_delete AFTER DELETE ON {table} BEGIN {drop} END",
        f"CREATE TRIGGER {search}_update AFTER UPDATE OF {column} ON {table} BEGIN {drop} {add} END",
        # Rows already in the table (an upgrade of a store with data).
        f"INSERT INTO {search}({search}) VALUES ('rebuild')",
    ]


def _pg_trgm_ready() -> bool:
    """Whether pg_trgm is (or could now be) installed in this database."""
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar():
        return True
    if not bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar():
        warnings.warn(
            "The PostgreSQL server has no pg_trgm extension: the backlog filter works without its "
            "trigram indexes, only slower. Install the server's contrib package to add them.",
            stacklevel=1,
        )
        return False
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        warnings.warn(
            "This login may not create the pg_trgm extension: the backlog filter works without its "
            "trigram indexes, only slower. A superuser can run 'CREATE EXTENSION pg_trgm' in this database.",
            stacklevel=1,
        )
        return False
    return True


def upgrade() -> None:
    op.create_index("ix_sprint_items_sprint_card", "sprint_items", ["sprint_id", "id"])
    if op.get_bind().dialect.name == "sqlite":
        for search, table, column in SEARCHED:
            for line in _sqlite_lines(search, table, column):
                op.execute(line)
        return
    if not _pg_trgm_ready():
        return
    for name, table, column, where in PG_INDEXES:
        partial = f" WHERE {where}" if where else ""
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (lower({column}) gin_trgm_ops){partial}")


def downgrade() -> None:
    op.drop_index("ix_sprint_items_sprint_card", table_name="sprint_items")
    if op.get_bind().dialect.name == "sqlite":
        for search, _table, _column in SEARCHED:
            for suffix in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {search}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {search}")
        return
    for name, *_rest in PG_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
