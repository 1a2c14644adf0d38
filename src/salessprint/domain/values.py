"""Frozen values that cross layers: what services return to the TUI and CLI.

Field names are the JSON keys of the command line's `--format json`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


class TeamView(Value):
    id: int
    name: str
    currency: str
    timezone: str
    week_start: int
    sprint_weeks: int
    rotting_days: int
    wip_todo: int | None
    wip_doing: int | None
    stages: list[StageView]


class StageView(Value):
    id: int
    name: str
    position: int
    probability: int
    kind: str


class MemberView(Value):
    id: int
    login: str
    name: str
    role: str
    sales_role: str | None
    territory: str | None
    started_on: date | None
    active: bool


class TargetView(Value):
    id: int
    login: str
    metric: str
    period: str
    amount: Decimal
    effective_from: date


class DealView(Value):
    id: int
    title: str
    account: str
    value: Decimal
    stage: str
    stage_kind: str
    probability: int
    expected_close: date | None
    owner: str
    owner_name: str
    collaborators: list[str] = []
    next_step: str | None
    points: int | None
    started_on: date
    stage_entered_at: datetime
    closed_on: date | None
    lost_reason: str | None
    backlog_rank: float
    version: int
    forecast_category: str = ""
    """pipeline, best_case, commit, omitted, or closed (won): the owner's, else the stage's."""
    forecast_category_set: bool = False
    """True when the owner set the category (False: it follows the stage)."""
    close_pushes: int = 0
    """How many times the expected close was moved later (undone moves aside)."""
    pushed_flag: bool = False
    """Pushed three times or more."""
    also: list[str] = []
    """What else the write that returned this changed, in words for the user
    ("Its card in sprint 13 is now done."); each such row is in the change log."""


class TaskView(Value):
    id: int
    title: str
    kind: str
    status: str
    assignee: str
    assignee_name: str
    points: int | None
    due_on: date | None
    deal_id: int | None
    deal_title: str | None = None
    backlog_rank: float
    done_at: datetime | None
    version: int


class SprintView(Value):
    id: int
    number: int
    goal: str | None
    starts_on: date
    ends_on: date
    state: str
    version: int


class SprintItemView(Value):
    """A card: a task or deal in a sprint, with what a board shows."""

    id: int
    sprint_number: int
    item_type: str  # "task" | "deal"
    item_id: int
    """The task's or deal's id (kept when it is deleted after the sprint closed)."""
    title: str
    owner: str
    owner_name: str
    points: int
    status: str
    added_after_start: bool
    removed: bool
    outcome: str | None
    """At the close: done, done_outside, carried_over, dropped or removed; None before."""
    value: Decimal | None
    account: str | None
    kind: str | None
    version: int
    deleted: bool = False
    """Its task or deal was deleted after the sprint closed."""


class ActivityView(Value):
    id: int
    login: str
    kind: str
    occurred_at: datetime
    deal_id: int | None
    outcome: str | None
    note: str | None


TeamView.model_rebuild()
