"""The tables `task move` and `deal move` touch, as SQLAlchemy Core `Table`s.

Like `store/tables.py` (a metadata never mapped, of its own here as it holds
the whole `deals` table where that one has two columns; compared column by
column with the models by `tests/store/test_tables.py`), in a module of its
own so that `log call` does not build them. The rows a move updates or
inserts (tasks, deals, sprint cards, stage events) have every column in the
models' order: the change log keeps whole rows. Only the columns a move
reads are declared for the others (stages, sprints, deal collaborators).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Date, Float, Integer, MetaData, String, Table

from salessprint.domain.clock import now
from salessprint.domain.enums import ItemOutcome, SprintState, StageKind, TaskKind, TaskStatus
from salessprint.store.types import Money, StrEnumType, UTCDateTime

metadata = MetaData()

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
    # Plain text here: its enum's module (domain/forecast_categories.py, with
    # dateutil) cost `log call` more than the rest of this file; `deal move`
    # only copies the value into the change log, where it is text anyway.
    Column("forecast_category", String(10), nullable=True),
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
