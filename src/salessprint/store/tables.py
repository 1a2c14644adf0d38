"""The tables the command line's hot writes touch, as SQLAlchemy Core `Table`s.

`salessprint log call` is a whole process for one insert: importing the ORM
and building the mappers of `store/models.py` cost more than the rest of the
command together. These tables are the same tables as the models' (same
names, columns, types, Python-side defaults), declared on a metadata of their
own that never builds a mapper; `tests/store/test_tables.py` compares every
column with the model's, so the two cannot drift. Only the columns the hot
path reads are declared for the tables it does not write (members, teams,
deals). The tables of `task move` and `deal move` are in
`store/move_tables.py`, on a metadata of their own: `log call` does not pay for
building them. Nothing creates or migrates from this metadata: the
migrations do.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Integer, MetaData, String, Table, Text

from salessprint.domain.clock import now
from salessprint.domain.enums import ActivityKind, Role
from salessprint.store.types import StrEnumType, UTCDateTime

metadata = MetaData()

activities = Table(
    "activities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("team_id", Integer, nullable=False),
    Column("member_id", Integer, nullable=False),
    Column("kind", StrEnumType(ActivityKind, 10), nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("deal_id", Integer, nullable=True),
    Column("task_id", Integer, nullable=True),
    Column("outcome", String(300), nullable=True),
    Column("note", Text, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False, default=now),
)

changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("team_id", Integer, nullable=False),
    Column("actor_id", Integer, nullable=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("entity", String(20), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("action", String(10), nullable=False),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Column("undone", Boolean, nullable=False, default=False),
    Column("cause_id", Integer, nullable=True),
)

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("team_id", Integer, nullable=False),
    Column("login", String(64), nullable=False),
    Column("name", String(120), nullable=False),
    Column("role", StrEnumType(Role, 10), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
)

teams = Table(
    "teams",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("timezone", String(64), nullable=False, default="UTC"),
)

deals = Table(
    "deals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("team_id", Integer, nullable=False),
)
