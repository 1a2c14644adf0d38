"""Shared lookups and prebuilt statements: which sprint is current, what an
open deal is, the targets in force on a day, the reports' statements, and
the one place where a planner hint for SQLite is written.

Statements every call of a report runs are built once, with bind
parameters: building and keying a statement cost more than SQLite takes to
answer most of them (issue 7). TEAM, IDS: the team and the members asked for.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    ColumnExpressionArgument,
    Select,
    SQLColumnExpression,
    and_,
    bindparam,
    case,
    extract,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from salessprint.domain.enums import ItemOutcome, Metric, Period, Role, SprintState, StageKind
from salessprint.domain.metrics import TargetChange
from salessprint.store.models import Activity, Deal, Member, Sprint, SprintItem, Stage, Target

T = TypeVar("T")
TEAM: BindParameter[int] = bindparam("team_id")
IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)


# --- the planner hint ---------------------------------------------------------


class _NotIndexed(FunctionElement[T]):
    """A column the SQLite planner must not pick an index for (see sqlite_hint)."""

    name = "not_indexed"
    inherit_cache = True

    def __init__(self, column: ColumnExpressionArgument[T]) -> None:
        super().__init__(column)
        (element,) = self.clauses.clauses
        self.type = element.type


@compiles(_NotIndexed)
def _plain(element: _NotIndexed[object], compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_NotIndexed, "sqlite")
def _plus_zero(element: _NotIndexed[object], compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.clauses, **kw)} + 0"


def sqlite_hint(column: ColumnExpressionArgument[T]) -> ColumnElement[T]:
    """`column + 0` on SQLite, `column` elsewhere.

    SQLite keeps no table statistics, so it takes `team_id = ?` for selective
    and walks all the team's rows through that index where a read by another
    key (a deal's id from events, a task's assignee) is far cheaper; `+ 0`
    makes the column unindexable for that comparison. PostgreSQL plans from
    statistics and keeps the plain column."""
    return _NotIndexed(column)


# --- which sprint -------------------------------------------------------------


def _first_sprint(session: Session, team_id: int, states: list[SprintState]) -> Sprint | None:
    """The team's lowest-numbered sprint in the first of `states` that has one (one statement)."""
    preference = case({state: i for i, state in enumerate(states)}, value=Sprint.state)
    return session.scalar(
        select(Sprint)
        .where(Sprint.team_id == team_id, Sprint.state.in_(states))
        .order_by(preference, Sprint.number)
        .limit(1)
    )


def current_sprint(session: Session, team_id: int) -> Sprint | None:
    """The current sprint: the active one, else the planned one, else None.

    What the header, the board and the sprint list call "current"."""
    return _first_sprint(session, team_id, [SprintState.ACTIVE, SprintState.PLANNED])


def sprint_to_plan(session: Session, team_id: int) -> Sprint | None:
    """The sprint work is pulled into: the planned one, else the active one, else None."""
    return _first_sprint(session, team_id, [SprintState.PLANNED, SprintState.ACTIVE])


def sprint_under_review(session: Session, team_id: int) -> Sprint | None:
    """The sprint the reports and the review look at: the active one, else the
    last closed one (highest number), else None. A planned sprint has nothing to report."""
    return session.scalar(
        select(Sprint)
        .where(Sprint.team_id == team_id, Sprint.state.in_([SprintState.ACTIVE, SprintState.CLOSED]))
        .order_by(case((Sprint.state == SprintState.ACTIVE, 0), else_=1), Sprint.number.desc())
        .limit(1)
    )


# --- open deals -----------------------------------------------------------------


def open_deals(team_id: int | ColumnElement[int]) -> ColumnElement[bool]:
    """The team's open deals. An open deal has no close date (the services and
    importers keep it so; migration 0003 fixed older rows), so `closed_on IS
    NULL` reads the ~9 % open deals from ix_deals_team_closed instead of every deal."""
    return and_(Deal.team_id == team_id, Deal.closed_on.is_(None))


def open_deals_in_open_stage(team_id: int | ColumnElement[int]) -> ColumnElement[bool]:
    """open_deals joined to their stage, with the stage's kind kept as the definition."""
    return and_(open_deals(team_id), Stage.kind == StageKind.OPEN)


def won_stage() -> ColumnElement[bool]:
    """The join of a deal to its stage, for won deals only."""
    return and_(Stage.id == Deal.stage_id, Stage.kind == StageKind.WON)


# --- targets --------------------------------------------------------------------


@lru_cache(maxsize=2)
def _targets_statement(one_metric: bool) -> Select[int, Metric, Period, Decimal]:
    """Targets in force for members `:ids` on `:on` (of metric `:metric`)."""
    conditions = [Target.member_id.in_(IDS), Target.effective_from <= bindparam("on")]
    if one_metric:
        conditions.append(Target.metric == bindparam("metric"))
    latest = (
        select(Target.member_id, Target.metric, Target.period, func.max(Target.effective_from).label("eff"))
        .where(*conditions)
        .group_by(Target.member_id, Target.metric, Target.period)
        .subquery()
    )
    return select(Target.member_id, Target.metric, Target.period, Target.amount).join(
        latest,
        and_(
            Target.member_id == latest.c.member_id,
            Target.metric == latest.c.metric,
            Target.period == latest.c.period,
            Target.effective_from == latest.c.eff,
        ),
    )


def targets_in_force(
    session: Session, member_ids: list[int], on: date, metric: Metric | None = None
) -> dict[int, dict[tuple[Metric, Period], Decimal]]:
    """The newest target per member, metric and period effective on `on`
    (only `metric`'s when given: quota reports need revenue targets alone),
    as {member id: {(metric, period): amount}}."""
    rows = session.connection().execute(
        _targets_statement(metric is not None), {"ids": member_ids, "on": on, "metric": metric}
    )
    out: dict[int, dict[tuple[Metric, Period], Decimal]] = {}
    for member_id, metric_, period, amount in rows:
        out.setdefault(member_id, {})[(metric_, period)] = amount
    return out


@lru_cache(maxsize=2)
def _target_history_statement(one_metric: bool) -> Select[int, Metric, Period, date, Decimal]:
    """Targets of members `:ids` that start on or before `:until` (of metric `:metric`), oldest first."""
    conditions = [Target.member_id.in_(IDS), Target.effective_from <= bindparam("until")]
    if one_metric:
        conditions.append(Target.metric == bindparam("metric"))
    return (
        select(Target.member_id, Target.metric, Target.period, Target.effective_from, Target.amount)
        .where(*conditions)
        .order_by(Target.member_id, Target.effective_from)
    )


def target_histories(
    session: Session, member_ids: list[int], until: date, metric: Metric | None = None
) -> dict[int, dict[Metric, list[TargetChange]]]:
    """Every target of the members (of `metric` only, when given) that starts
    on or before `until`, with its effective date, oldest first, as {member
    id: {metric: changes}} (one statement): what a figure over a range that
    spans a change of target needs (domain.metrics.quota_in_force)."""
    if not member_ids:
        return {}
    out: dict[int, dict[Metric, list[TargetChange]]] = {}
    rows = session.connection().execute(
        _target_history_statement(metric is not None), {"ids": member_ids, "until": until, "metric": metric}
    )
    for member_id, metric_, period, effective_from, amount in rows:
        change = TargetChange(Period(period), effective_from, amount)
        out.setdefault(member_id, {}).setdefault(Metric(metric_), []).append(change)
    return out


def target_history(session: Session, member_ids: list[int], until: date) -> dict[int, list[TargetChange]]:
    """The members' revenue targets (their quotas) as `target_histories` reads them."""
    return {
        member_id: mine[Metric.REVENUE]
        for member_id, mine in target_histories(session, member_ids, until, Metric.REVENUE).items()
    }


# --- members --------------------------------------------------------------------

REPS = (
    select(Member.id, Member.login, Member.name, Member.started_on)
    .where(Member.team_id == TEAM, Member.active.is_(True), Member.role == Role.REP)
    .order_by(Member.login)
)
"""The columns reports read of a rep (rows answer `.id`, `.login`, ... like
the ORM object, without loading 50 of them)."""

ACTIVE_MEMBERS = select(Member).where(Member.team_id == TEAM, Member.active.is_(True)).order_by(Member.login)
ACTIVE_LOGINS = select(Member.login).where(Member.team_id == TEAM, Member.active.is_(True))
ACTIVE_IDS_AND_LOGINS = select(Member.id, Member.login).where(Member.team_id == TEAM, Member.active.is_(True))


# --- sprints and their items ----------------------------------------------------


def completed_item() -> ColumnElement[bool]:
    """An item of a closed sprint completed in it (done at the close, not
    before it joined): it counts towards velocity. Decided once, at the close
    (`domain/velocity.outcome_at_close`), so later edits never rewrite it."""
    return SprintItem.outcome == ItemOutcome.DONE


def _outcome(outcome: ItemOutcome) -> ColumnElement[bool]:
    return SprintItem.outcome == outcome


CLOSED_SPRINTS = (
    select(Sprint)
    .where(Sprint.team_id == TEAM, Sprint.state == SprintState.CLOSED)
    .order_by(Sprint.number.desc())
    .limit(bindparam("last"))
)
"""The newest `:last` closed sprints, newest first."""

RECENT_CLOSED_SPRINT_IDS = (
    select(Sprint.id)
    .where(Sprint.team_id == TEAM, Sprint.state == SprintState.CLOSED)
    .order_by(Sprint.number.desc())
    .limit(3)
)

POINTS_PER_LOGIN = (
    select(Member.login, func.sum(SprintItem.points))
    .join(SprintItem, SprintItem.member_id == Member.id)
    .join(Sprint, Sprint.id == SprintItem.sprint_id)
    .where(Sprint.id.in_(IDS), completed_item())
    .group_by(Member.login)
)
"""Completed points per member login over the sprints `:ids`."""


VelocityRow = tuple[int, date, date, str | None, int, int, int, int, int, int, int]
"""A sprint's number, dates and goal, then its committed, completed, added,
removed, carried-over, dropped and completed-outside points."""


def _velocity_statements() -> tuple[Select[*VelocityRow], Select[int, str, int]]:
    """Per sprint, and per member and sprint."""
    done = completed_item()
    pts = SprintItem.points
    # The newest `:last` closed sprints first, then their items: aggregating
    # every sprint of five years to keep twelve scanned all sprint items.
    newest = (
        select(Sprint.id)
        .where(Sprint.team_id == TEAM, Sprint.state == SprintState.CLOSED)
        .order_by(Sprint.number.desc())
        .limit(bindparam("last"))
    )
    per_sprint = (
        select(
            Sprint.number,
            Sprint.starts_on,
            Sprint.ends_on,
            Sprint.goal,
            func.coalesce(func.sum(case((SprintItem.added_after_start.is_(False), pts), else_=0)), 0),
            func.coalesce(func.sum(case((done, pts), else_=0)), 0),
            func.coalesce(func.sum(case((SprintItem.added_after_start.is_(True), pts), else_=0)), 0),
            func.coalesce(func.sum(case((SprintItem.removed_at.is_not(None), pts), else_=0)), 0),
            func.coalesce(func.sum(case((_outcome(ItemOutcome.CARRIED_OVER), pts), else_=0)), 0),
            func.coalesce(func.sum(case((_outcome(ItemOutcome.DROPPED), pts), else_=0)), 0),
            func.coalesce(func.sum(case((_outcome(ItemOutcome.DONE_OUTSIDE), pts), else_=0)), 0),
        )
        .outerjoin(SprintItem, SprintItem.sprint_id == Sprint.id)
        .where(Sprint.id.in_(newest))
        .group_by(Sprint.id, Sprint.number, Sprint.starts_on, Sprint.ends_on, Sprint.goal)
        .order_by(Sprint.number.desc())
        .limit(bindparam("last"))
    )
    per_member = (
        select(Sprint.number, Member.login, func.sum(SprintItem.points))
        .join(SprintItem, SprintItem.sprint_id == Sprint.id)
        .join(Member, Member.id == SprintItem.member_id)
        .where(Sprint.team_id == TEAM, Sprint.number.in_(bindparam("numbers", expanding=True)), done)
        .group_by(Sprint.number, Member.login)
    )
    return per_sprint, per_member


VELOCITY, VELOCITY_BY_MEMBER = _velocity_statements()

SPRINT_FIGURES = (
    "committed",
    "completed",
    "added",
    "removed",
    "carried_over",
    "dropped",
    "completed_outside",
    "not_completed",
)


def done_outside_item() -> ColumnElement[bool]:
    """A card of an open sprint already done when it joined it (at the start,
    `:started_at`, or when added later): Jira's "completed outside this sprint"."""
    joined = case((SprintItem.added_after_start.is_(True), SprintItem.added_at), else_=bindparam("started_at"))
    return and_(SprintItem.done_at.is_not(None), SprintItem.done_at < joined)


@lru_cache(maxsize=2)
def sprint_figures_statement(closed: bool) -> Select[*tuple[int, ...]]:
    """Items and points of each of SPRINT_FIGURES for sprint `:sprint_id`.

    A closed sprint reads the outcomes its close wrote (its snapshot); an
    open one reads its cards as they are now, with `:started_at` (the start,
    or None before it) telling work done before it joined."""
    not_removed = SprintItem.removed_at.is_(None)
    if closed:
        done = _outcome(ItemOutcome.DONE)
        outside = _outcome(ItemOutcome.DONE_OUTSIDE)
        carried = _outcome(ItemOutcome.CARRIED_OVER)
        dropped = _outcome(ItemOutcome.DROPPED)
    else:
        is_done = and_(not_removed, SprintItem.done_on.is_not(None))
        outside = and_(is_done, done_outside_item())
        done = and_(is_done, ~done_outside_item())
        # Nothing is carried over or dropped before the close: the open work
        # is "carried_over" here as before (what carry-over would move).
        carried = and_(not_removed, SprintItem.done_on.is_(None))
        dropped = false()
    groups = {
        "committed": SprintItem.added_after_start.is_(False),
        "completed": done,
        "added": SprintItem.added_after_start.is_(True),
        "removed": SprintItem.removed_at.is_not(None),
        "carried_over": carried,
        "dropped": dropped,
        "completed_outside": outside,
        "not_completed": or_(carried, dropped),
    }
    columns: list[ColumnElement[int]] = []
    for name in SPRINT_FIGURES:
        columns += [
            func.coalesce(func.sum(case((groups[name], 1), else_=0)), 0),
            func.coalesce(func.sum(case((groups[name], SprintItem.points), else_=0)), 0),
        ]
    return select(*columns).where(SprintItem.sprint_id == bindparam("sprint_id"))


@lru_cache(maxsize=16)
def burndown_statement(days: int, closed: bool = False) -> Select[*tuple[int, ...]]:
    """Points at the start and remaining at the end of each of `days` working
    days, for the sprint `:sprint_id`; day i ends at `:end_i` (UTC) and is
    dated `:day_i`. Built once per sprint length: putting ~30 expressions
    together cost more than running the query (issue 7).

    The start leaves out work already done when the sprint started (its
    outcome for a closed sprint; `:started_at` for an open one): it was
    never work of this sprint, and a done item is in no day's remaining."""
    outside = _outcome(ItemOutcome.DONE_OUTSIDE) if closed else done_outside_item()
    committed = and_(SprintItem.added_after_start.is_(False), ~outside)
    columns = [func.coalesce(func.sum(case((committed, SprintItem.points), else_=0)), 0)]
    for i in range(days):
        end_of_day: BindParameter[datetime] = bindparam(f"end_{i}")
        day: BindParameter[date] = bindparam(f"day_{i}")
        in_scope = and_(
            or_(SprintItem.added_after_start.is_(False), SprintItem.added_at < end_of_day),
            or_(SprintItem.removed_at.is_(None), SprintItem.removed_at >= end_of_day),
        )
        not_done = or_(SprintItem.done_on.is_(None), SprintItem.done_on > day)
        columns.append(func.coalesce(func.sum(case((and_(in_scope, not_done), SprintItem.points), else_=0)), 0))
    return select(*columns).where(SprintItem.sprint_id == bindparam("sprint_id"))


@lru_cache(maxsize=1)
def points_history_statement() -> Select[int, int, int]:
    """Completed points per member and sprint over the (closed) sprints `:ids`."""
    done = completed_item()
    return (
        select(SprintItem.member_id, Sprint.number, func.sum(case((done, SprintItem.points), else_=0)))
        .join(Sprint, Sprint.id == SprintItem.sprint_id)
        .where(Sprint.id.in_(IDS))
        .group_by(SprintItem.member_id, Sprint.number)
        .order_by(SprintItem.member_id, Sprint.number)
    )


# --- won deals and activities ---------------------------------------------------


def _won_in_range(*columns: SQLColumnExpression[Any]) -> Select[*tuple[Any, ...]]:
    return (
        select(*columns)
        .join(Stage, won_stage())
        .where(
            Deal.team_id == TEAM,
            Deal.owner_id.in_(IDS),
            Deal.closed_on >= bindparam("start"),
            Deal.closed_on <= bindparam("end"),
        )
    )


@lru_cache(maxsize=1)
def won_by_member_statement() -> Select[int, Decimal, int]:
    """Won value and count per owner `:ids`, closed in [`:start`, `:end`]."""
    return _won_in_range(Deal.owner_id, func.sum(Deal.value), func.count()).group_by(Deal.owner_id)


@lru_cache(maxsize=1)
def won_per_month_statement() -> Select[int, int, int, Decimal, int]:
    """Won value and count per owner `:ids`, year and month, closed in [`:start`, `:end`]."""
    year, month = extract("year", Deal.closed_on), extract("month", Deal.closed_on)
    return _won_in_range(Deal.owner_id, year, month, func.sum(Deal.value), func.count()).group_by(
        Deal.owner_id, year, month
    )


@lru_cache(maxsize=1)
def won_per_day_statement() -> Select[int, date, Decimal]:
    """Won value per owner `:ids` and day, closed in [`:start`, `:end`]."""
    return _won_in_range(Deal.owner_id, Deal.closed_on, func.sum(Deal.value)).group_by(Deal.owner_id, Deal.closed_on)


ACTIVITY_COUNTS = (
    select(Activity.member_id, Activity.kind, func.count())
    .where(
        Activity.team_id == TEAM,
        Activity.member_id.in_(IDS),
        Activity.occurred_at >= bindparam("lo"),
        Activity.occurred_at < bindparam("hi"),
    )
    .group_by(Activity.member_id, Activity.kind)
)
"""Activities per member `:ids` and kind in [`:lo`, `:hi`) (UTC)."""


# --- rotting deals --------------------------------------------------------------


@lru_cache(maxsize=2)
def rotting_statement(some_owners: bool, limit: int) -> Select[int, str, str, str, Decimal, datetime, int, Decimal]:
    """The oldest `limit` rotting deals (no stage change since `:limit`), each
    carrying the count and value of them all (window aggregates run before LIMIT)."""
    cond = and_(open_deals_in_open_stage(TEAM), Deal.stage_entered_at < bindparam("limit"))
    if some_owners:
        cond = and_(cond, Deal.owner_id.in_(IDS))
    owner = select(Member.login).where(Member.id == Deal.owner_id).scalar_subquery()
    return (
        select(
            Deal.id,
            Deal.title,
            owner,
            Stage.name,
            Deal.value,
            Deal.stage_entered_at,
            func.count().over(),
            func.sum(Deal.value).over(),
        )
        .join(Stage, Stage.id == Deal.stage_id)
        .where(cond)
        .order_by(Deal.stage_entered_at, Deal.id)
        .limit(limit)
    )


@lru_cache(maxsize=1)
def rotting_counts_statement() -> Select[int, int]:
    """How many rotting deals (no stage change since `:limit`) each owner `:ids` has."""
    return (
        select(Deal.owner_id, func.count())
        .join(Stage, Stage.id == Deal.stage_id)
        .where(open_deals_in_open_stage(TEAM), Deal.owner_id.in_(IDS), Deal.stage_entered_at < bindparam("limit"))
        .group_by(Deal.owner_id)
    )
