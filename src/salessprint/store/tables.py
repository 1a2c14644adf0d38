"""The tables the command line's hot writes touch, as SQLAlchemy Core `Table`s.

`salessprint log call` is a whole process for one insert: importing the ORM
and building the mappers of `store/models.py` cost more than the rest of the
command together. These tables are the same tables as the models' (same
names, columns, types, Python-side defaults), declared on a metadata of their
own that never builds a mapper; `tests/store/test_tables.py` compares every
column with the model's, so the two cannot drift. Only the columns the hot
path reads are declared for the tables it does not write (members, teams,
stages, sprints, deal collaborators). The rows `task move` and `deal move`
update or insert (tasks, deals, sprint cards, stage events) have every
column in the models' order: the change log keeps whole rows. Nothing
creates or migrates from this metadata: the migrations do.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, Float, Integer, MetaData, String, Table, Text

from salessprint.domain.clock import now
from salessprint.domain.enums import ActivityKind, ItemOutcome, Role, SprintState, StageKind, TaskKind, TaskStatus
from salessprint.domain.forecast_categories import ForecastCategory
from salessprint.store.types import Money, StrEnumType, UTCDateTime

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
    Column("account_id", Integer, nullable=False),
    Column("title", String(300), nullable=False),
    Column("value", Money(), nullable=False),
    Column("stage_id", Integer, nullable=False),
    Column("probability", Integer, nullable=True),
    Column("expected_close", Date, nullable=True),
    Column("owner_id", Integer, nullable=False),
    Column("next_step", String(300), nullable=True),
    Column("product", String(120), nullable=True),
    Column("started_on", Date, nullable=False),
    Column("stage_entered_at", UTCDateTime(), nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("lost_reason", String(300), nullable=True),
    Column("backlog_rank", Float, nullable=False, default=0.0),
    Column("points", Integer, nullable=True),
    Column("source", String(20), nullable=False, default="salessprint"),
    Column("external_id", String(64), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False, default=now),
    Column("forecast_category", StrEnumType(ForecastCategory, 10), nullable=True),
    Column("version", Integer, nullable=False),
)

deal_collaborators = Table(
    "deal_collaborators",
    metadata,
    Column("deal_id", Integer, primary_key=True),
    Column("member_id", Integer, primary_key=True),
)

deal_events = Table(
    "deal_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("deal_id", Integer, nullable=False),
    Column("member_id", Integer, nullable=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("old", String(60), nullable=True),
    Column("new", String(60), nullable=True),
)

stages = Table(
    "stages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("team_id", Integer, nullable=False),
    Column("name", String(60), nullable=False),
    Column("position", Integer, nullable=False),
    Column("probability", Integer, nullable=False),
    Column("kind", StrEnumType(StageKind, 10), nullable=False),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("team_id", Integer, nullable=False),
    Column("title", String(300), nullable=False),
    Column("kind", StrEnumType(TaskKind, 12), nullable=False),
    Column("deal_id", Integer, nullable=True),
    Column("assignee_id", Integer, nullable=False),
    Column("points", Integer, nullable=True),
    Column("status", StrEnumType(TaskStatus, 8), nullable=False, default=TaskStatus.TODO),
    Column("due_on", Date, nullable=True),
    Column("backlog_rank", Float, nullable=False, default=0.0),
    Column("done_at", UTCDateTime(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False, default=now),
    Column("version", Integer, nullable=False),
)

sprints = Table(
    "sprints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("team_id", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    Column("state", StrEnumType(SprintState, 8), nullable=False, default=SprintState.PLANNED),
)


def _card_type(context: Any) -> str:
    """A card's type from its key, on every insert (ORM or not)."""
    return "task" if context.get_current_parameters().get("task_id") is not None else "deal"


def _card_ref(context: Any) -> int | None:
    """A card's item id from its key, on every insert."""
    params = context.get_current_parameters()
    ref: int | None = params.get("task_id") or params.get("deal_id")
    return ref


sprint_items = Table(
    "sprint_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sprint_id", Integer, nullable=False),
    Column("task_id", Integer, nullable=True),
    Column("deal_id", Integer, nullable=True),
    Column("item_type", String(4), nullable=False, default=_card_type),
    Column("item_ref", Integer, nullable=False, default=_card_ref),
    Column("title", String(300), nullable=True),
    Column("member_id", Integer, nullable=False),
    Column("points", Integer, nullable=False, default=0),
    Column("status", StrEnumType(TaskStatus, 8), nullable=False, default=TaskStatus.TODO),
    Column("added_after_start", Boolean, nullable=False, default=False),
    Column("added_at", UTCDateTime(), nullable=False, default=now),
    Column("done_on", Date, nullable=True),
    Column("done_at", UTCDateTime(), nullable=True),
    Column("removed_at", UTCDateTime(), nullable=True),
    Column("outcome", StrEnumType(ItemOutcome, 14), nullable=True),
    Column("version", Integer, nullable=False),
)
