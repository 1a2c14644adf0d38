"""The data model of DESIGN.md as typed SQLAlchemy 2 tables.

Every editable row carries `version` (optimistic concurrency: SQLAlchemy adds
`WHERE version = ?` to each UPDATE). Enumerations are stored as their string
values (StrEnumType: VARCHAR columns read back as the enums) so that both
backends and exports read the same words.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from salessprint.domain.clock import now
from salessprint.domain.enums import (
    ActivityKind,
    ItemOutcome,
    Metric,
    Period,
    RetroColumn,
    Role,
    SalesRole,
    SprintState,
    StageKind,
    TaskKind,
    TaskStatus,
)
from salessprint.domain.forecast_categories import ForecastCategory
from salessprint.store.codec import JSONRow
from salessprint.store.move_tables import _card_ref, _card_type  # one copy of the card key defaults
from salessprint.store.types import Money, StrEnumType, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """Mixin: a version counter checked on every UPDATE."""

    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # The mixin has no table of its own: `cls` is the mapped subclass here.
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Team(Versioned, Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    week_start: Mapped[int] = mapped_column(Integer, default=0)
    sprint_weeks: Mapped[int] = mapped_column(Integer, default=1)
    rotting_days: Mapped[int] = mapped_column(Integer, default=21)
    wip_todo: Mapped[int | None] = mapped_column(Integer, nullable=True)
    wip_doing: Mapped[int | None] = mapped_column(Integer, nullable=True, default=6)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    """A demo team may be wiped and rebuilt by `salessprint demo`."""
    quota_ramp: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """New reps' ramp, percents of full quota per step ("25,50,75,100"); None: no ramp (migration 0007)."""
    quota_ramp_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Months per ramp step; None: 3."""
    forecast_history: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Closed sprints a velocity forecast averages; None: 3 (migration 0007)."""
    forecast_min_history: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Closed sprints a forecast needs before it is known; None: 3."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    stages: Mapped[list[Stage]] = relationship(back_populates="team", order_by="Stage.position")


class Stage(Base):
    __tablename__ = "stages"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer)
    probability: Mapped[int] = mapped_column(Integer)
    kind: Mapped[StageKind] = mapped_column(StrEnumType(StageKind, 10))

    team: Mapped[Team] = relationship(back_populates="stages")


class Member(Versioned, Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(StrEnumType(Role, 10))
    sales_role: Mapped[SalesRole | None] = mapped_column(StrEnumType(SalesRole, 10), nullable=True)
    territory: Mapped[str | None] = mapped_column(String(80), nullable=True)
    started_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    quota_ramp: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """This rep's own ramp ("off": full quota from the start); None: the team's (migration 0007)."""
    quota_ramp_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Months per step of this rep's own ramp; None: the team's, else 3."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class Target(Base):
    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("member_id", "metric", "period", "effective_from"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    metric: Mapped[Metric] = mapped_column(StrEnumType(Metric, 20))
    period: Mapped[Period] = mapped_column(StrEnumType(Period, 10))
    amount: Mapped[Decimal] = mapped_column(Money())
    effective_from: Mapped[date] = mapped_column(Date)


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    territory: Mapped[str | None] = mapped_column(String(80), nullable=True)
    sector: Mapped[str | None] = mapped_column(String(80), nullable=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class Deal(Versioned, Base):
    __tablename__ = "deals"
    __table_args__ = (
        CheckConstraint("value >= 0", name="value_not_negative"),
        Index("ix_deals_team_rank", "team_id", "backlog_rank", "id"),
        Index("ix_deals_owner_stage", "owner_id", "stage_id"),
        Index("ix_deals_team_closed", "team_id", "closed_on"),
        # The partial index ix_deals_open_rank (open deals in backlog order,
        # migration 0003) is declared only in its migration: a `*_where`
        # argument here makes SQLAlchemy load its PostgreSQL dialect on every
        # start, ~70 ms of CPU before the board shows on SQLite.
        UniqueConstraint("team_id", "source", "external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    value: Mapped[Decimal] = mapped_column(Money())
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), index=True)
    probability: Mapped[int | None] = mapped_column(Integer, nullable=True)
    expected_close: Mapped[date | None] = mapped_column(Date, nullable=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    next_step: Mapped[str | None] = mapped_column(String(300), nullable=True)
    product: Mapped[str | None] = mapped_column(String(120), nullable=True)
    started_on: Mapped[date] = mapped_column(Date)
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    lost_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    backlog_rank: Mapped[float] = mapped_column(Float, default=0.0)
    points: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(20), default="salessprint")
    external_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    forecast_category: Mapped[ForecastCategory | None] = mapped_column(StrEnumType(ForecastCategory, 10), nullable=True)
    """The owner's forecast category for the deal; None follows the stage's (migration 0006)."""

    account: Mapped[Account] = relationship(lazy="joined", innerjoin=True)
    stage: Mapped[Stage] = relationship(lazy="joined", innerjoin=True)
    owner: Mapped[Member] = relationship(lazy="joined", innerjoin=True)


class DealCollaborator(Base):
    __tablename__ = "deal_collaborators"

    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True)


class DealEvent(Base):
    """A deal's history of stage and close-date changes, for reports."""

    __tablename__ = "deal_events"
    __table_args__ = (Index("ix_deal_events_deal_at", "deal_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "stage" | "expected_close"
    old: Mapped[str | None] = mapped_column(String(60), nullable=True)
    new: Mapped[str | None] = mapped_column(String(60), nullable=True)


class Task(Versioned, Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_team_rank", "team_id", "backlog_rank", "id"),
        Index("ix_tasks_assignee_status", "assignee_id", "status"),
        # ix_tasks_open_rank (open tasks in backlog order, partial): only in
        # migration 0002, for the reason given at Deal.
        CheckConstraint("points IS NULL OR points >= 0", name="points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[TaskKind] = mapped_column(StrEnumType(TaskKind, 12))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"), nullable=True, index=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    points: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[TaskStatus] = mapped_column(StrEnumType(TaskStatus, 8), default=TaskStatus.TODO)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    backlog_rank: Mapped[float] = mapped_column(Float, default=0.0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    assignee: Mapped[Member] = relationship(lazy="joined", innerjoin=True)


class Sprint(Versioned, Base):
    __tablename__ = "sprints"
    __table_args__ = (UniqueConstraint("team_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    goal: Mapped[str | None] = mapped_column(String(300), nullable=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    state: Mapped[SprintState] = mapped_column(StrEnumType(SprintState, 8), default=SprintState.PLANNED)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SprintItem(Versioned, Base):
    """A task or deal in a sprint. For a task card the task's status is the
    card's column; a deal card keeps its own `status`. A card of a closed
    sprint is its snapshot: deleting its task or deal leaves it (keys NULL)
    with its type, title, points, done day and outcome (migration 0005)."""

    __tablename__ = "sprint_items"
    __table_args__ = (
        CheckConstraint("NOT (task_id IS NOT NULL AND deal_id IS NOT NULL)", name="one_item"),
        Index("ix_sprint_items_sprint_member", "sprint_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"), nullable=True, index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"), nullable=True, index=True)
    item_type: Mapped[str] = mapped_column(String(4), default=_card_type)
    """'task' or 'deal': what the card was, also once its item is deleted."""
    item_ref: Mapped[int] = mapped_column(Integer, default=_card_ref)
    """The task's or deal's id, also once it is deleted."""
    title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    """The item's title when added, and again when the sprint closed."""
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    points: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[TaskStatus] = mapped_column(StrEnumType(TaskStatus, 8), default=TaskStatus.TODO)
    added_after_start: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    """The team's day the item was done."""
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    """The moment it was done: before it joined the sprint means completed outside it."""
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    outcome: Mapped[ItemOutcome | None] = mapped_column(StrEnumType(ItemOutcome, 14), nullable=True)


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_member_at", "member_id", "occurred_at"),
        Index("ix_activities_team_at", "team_id", "occurred_at"),
        Index("ix_activities_deal_at", "deal_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[ActivityKind] = mapped_column(StrEnumType(ActivityKind, 10))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"), nullable=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(300), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class RetroEntry(Versioned, Base):
    __tablename__ = "retro_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    column: Mapped[RetroColumn] = mapped_column(StrEnumType(RetroColumn, 12))
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class RetroVote(Base):
    """One row per vote: votes are inserts, so simultaneous votes all count."""

    __tablename__ = "retro_votes"

    entry_id: Mapped[int] = mapped_column(ForeignKey("retro_entries.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True, index=True
    )
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), nullable=True, index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class ForecastSnapshot(Base):
    """A rep's commit call for a period as it stood at a sprint close or a
    month end (migration 0006): what forecast accuracy compares with what was won."""

    __tablename__ = "forecast_snapshots"
    __table_args__ = (
        UniqueConstraint("member_id", "occasion_key"),
        Index("ix_forecast_snapshots_team_period", "team_id", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    occasion: Mapped[str] = mapped_column(String(12))
    """sprint_close or month_end."""
    occasion_key: Mapped[str] = mapped_column(String(40))
    """"sprint 12" or "month 2026-11": one figure per rep per occasion."""
    sprint_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    period: Mapped[str] = mapped_column(String(10))
    """The month called, e.g. 2026-11."""
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())
    """The moment the figures stand for (the close, or the end of the month's last day)."""
    closed_won: Mapped[Decimal] = mapped_column(Money())
    commit_value: Mapped[Decimal] = mapped_column(Money())
    """Closed won + commit in the period at `as_of`."""
    best_case_value: Mapped[Decimal] = mapped_column(Money())
    """Closed won + commit + best case at `as_of`."""
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class Change(Base):
    """The audit log: who changed which entity when, before and after."""

    __tablename__ = "changes"
    __table_args__ = (
        Index("ix_changes_entity", "entity", "entity_id"),
        Index("ix_changes_team_id", "team_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # create | update | delete
    before: Mapped[JSONRow | None] = mapped_column(JSON, nullable=True)
    after: Mapped[JSONRow | None] = mapped_column(JSON, nullable=True)
    undone: Mapped[bool] = mapped_column(Boolean, default=False)
    cause_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    """The change this one followed from (a won deal's card marked done, the
    notes archived with their deal): undo reverts the change with all that
    followed from it, and lists only changes without a cause (migration 0008)."""


class DealArchive(Base):
    """A deleted deal and every row that referred to it, kept until it is
    restored (undo, `deal restore`) or purged by an admin (migration 0008).

    `rows` holds, as the backup writes cells (store/codec.column_to_json),
    the deal row, the rows that went with it (table -> rows: notes,
    collaborators, stage history, sprint cards) and the rows that only
    pointed at it (table -> ids: tasks, activities), which kept their other
    data and lost the link."""

    __tablename__ = "deal_archive"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    deal_id: Mapped[int] = mapped_column(Integer, index=True)
    """The deal's number when it was deleted (restored under it when free)."""
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    archived_by: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    archived_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rows: Mapped[JSONRow] = mapped_column(JSON)


class TimeOff(Base):
    """A working day a member is away, or (member_id NULL) a team holiday:
    everyone away (migration 0010). One row per day, not a range: a day is
    unique per team and member, a range of days off is simply its working
    days, and planning counts them with one COUNT(DISTINCT day)."""

    __tablename__ = "time_off"
    __table_args__ = (
        UniqueConstraint("team_id", "member_id", "day"),
        Index("ix_time_off_team_day", "team_id", "day"),
        # uq_time_off_team_holiday (team, day) WHERE member_id IS NULL: NULLs
        # never collide in the constraint above, so a team holiday has its
        # own partial unique index, declared only in the migration (see Deal).
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), nullable=True, index=True
    )
    """The member away; None: a team holiday."""
    day: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
