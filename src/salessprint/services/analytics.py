"""The manager's reports, each a handful of SQL aggregates over the store.

Sprint report, burndown, attainment, pipeline, the Monte Carlo forecast,
coaching flags, the 1:1 agenda and the daily report. The SQL does the sums
(GROUP BY, SUM(CASE ...), NOT EXISTS); domain/metrics.py, montecarlo.py and
coaching.py turn the sums into figures. Results are plain JSON-ready dicts
whose keys are the `--format json` contract. Lists of deals are capped at
LIST_LIMIT rows (biggest first); their counts and values cover every deal.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, case, distinct, extract, func, or_, select, type_coerce
from sqlalchemy.orm import aliased

from salessprint.domain import clock
from salessprint.domain.calendar import period_range, target_for_range, utc_bounds, working_days
from salessprint.domain.coaching import (
    AgendaFacts,
    DayFacts,
    RepFigures,
    daily_report,
    flags_for,
    one_on_one_agenda,
)
from salessprint.domain.enums import (
    METRIC_FOR_ACTIVITY,
    ActivityKind,
    Metric,
    Period,
    Role,
    SprintState,
    StageKind,
)
from salessprint.domain.errors import InvalidInput
from salessprint.domain.metrics import (
    attainment as attainment_pct,
)
from salessprint.domain.metrics import (
    average,
    ideal_line,
    money,
    period_label,
    periods_in_range,
    pipeline_velocity,
    quota_for_range,
    weighted,
    win_rate,
)
from salessprint.domain.montecarlo import DEFAULT_SEED, TRIALS, quota_chance, team_points_range
from salessprint.domain.permissions import Action
from salessprint.services.lookups import member_by_login, sprint_by_number, sprint_in_state
from salessprint.services.reports import _targets_in_force, activity_in, velocity_in
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store.db import Store
from salessprint.store.models import (
    Activity,
    Deal,
    DealEvent,
    Member,
    RetroEntry,
    RetroVote,
    Sprint,
    SprintItem,
    Stage,
    Task,
)
from salessprint.store.types import Money

LIST_LIMIT = 20
HISTORY_SPRINTS = 12


# --- shared pieces ----------------------------------------------------------


def _check_range(start: date | None, end: date | None, default: tuple[date, date]) -> tuple[date, date]:
    if (start is None) != (end is None):
        raise InvalidInput("Give both --from and --to, or neither.", field="from")
    if start is None or end is None:
        return default
    if end < start:
        raise InvalidInput("--to is before --from.", field="to")
    return start, end


_REPS = (
    select(Member.id, Member.login, Member.name, Member.started_on)
    .where(Member.team_id == bindparam("team_id"), Member.active.is_(True), Member.role == Role.REP.value)
    .order_by(Member.login)
)
"""The columns reports read of a rep (rows answer `.id`, `.login`, ... like
the ORM object, without loading 50 of them)."""


def _reps(uow: UnitOfWork, login: str | None = None) -> list[Any]:
    """Active reps of the team (or the one named), by login."""
    if login:
        member = member_by_login(uow.session, uow.actor.team_id, login)
        return [member] if member.active else []
    # The dashboard and the review compose several reports over the same reps.
    if "reps" not in uow.memo:
        uow.memo["reps"] = list(uow.rows(_REPS, {"team_id": uow.actor.team_id}).all())
    return list(uow.memo["reps"])


def _won(kind: StageKind = StageKind.WON):  # type: ignore[no-untyped-def]
    return and_(Stage.id == Deal.stage_id, Stage.kind == kind.value)


def _open_deals(team_id: Any) -> Any:
    """The team's open deals (joined to their stage). An open deal has no
    close date (the services and importers keep it so; migration 0003 fixed
    older rows), so `closed_on IS NULL` reads the ~9 % open deals from
    ix_deals_team_closed instead of every deal; the stage's kind stays as
    the definition."""
    return and_(Deal.team_id == team_id, Deal.closed_on.is_(None), Stage.kind == StageKind.OPEN.value)


def _days_between(uow: UnitOfWork, later: Any, earlier: Any) -> Any:
    """Whole days from `earlier` to `later` (two DATE columns) on either backend."""
    if uow.session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier


def _deal_rows(rows: Any) -> list[dict[str, Any]]:
    return [{"id": i, "title": t, "owner": o, "value": money(v)} for i, t, o, v in rows]


def _revenue_quota(
    mine: dict[tuple[str, str], Decimal], start: date, end: date, prefer: Period | None, week_start: int
) -> Decimal | None:
    """The quota for [start, end] from a member's revenue targets: the
    preferred period's target if set, else the shortest period's, pro rata."""
    for period, key in _QUOTA_ORDER[prefer]:
        amount = mine.get(key)
        if amount is not None:
            return _quota(amount, period, start, end, week_start)
    return None


_QUOTA_ORDER = {
    prefer: [
        (p, (Metric.REVENUE.value, p.value))
        for p in ([prefer] if prefer else [])
        + [q for q in (Period.DAY, Period.WEEK, Period.MONTH, Period.QUARTER) if q is not prefer]
    ]
    for prefer in (None, *Period)
}
"""For each preferred period (or none): the revenue targets to try, in order."""


@lru_cache(maxsize=4096)
def _quota(amount: Decimal, period: Period, start: date, end: date, week_start: int) -> Decimal:
    # Reps share a few quota amounts; attainment asks for each month and
    # quarter of every rep (issue 7).
    return quota_for_range(amount, period, start, end, week_start)


# Statements every call of a report runs are built once, with bind
# parameters: building and keying a statement cost more than SQLite takes to
# answer most of them (issue 7). TEAM, IDS: the team and the members asked for.
TEAM = bindparam("team_id")
IDS = bindparam("ids", expanding=True)


@lru_cache(maxsize=1)
def _won_by_member_statement() -> Any:
    return (
        select(Deal.owner_id, func.sum(Deal.value), func.count())
        .join(Stage, _won())
        .where(
            Deal.team_id == TEAM,
            Deal.owner_id.in_(IDS),
            Deal.closed_on >= bindparam("start"),
            Deal.closed_on <= bindparam("end"),
        )
        .group_by(Deal.owner_id)
    )


def _won_by_member(uow: UnitOfWork, ids: list[int], start: date, end: date) -> dict[int, tuple[Decimal, int]]:
    rows = uow.rows(_won_by_member_statement(), {"team_id": uow.actor.team_id, "ids": ids, "start": start, "end": end})
    return {mid: (money(v), int(n)) for mid, v, n in rows}


def _sprint_for_report(uow: UnitOfWork, number: int | None) -> Sprint | None:
    team_id = uow.actor.team_id
    if number is not None:
        return sprint_by_number(uow.session, team_id, number)
    return sprint_in_state(uow.session, team_id, SprintState.ACTIVE) or uow.session.scalar(
        select(Sprint)
        .where(Sprint.team_id == team_id, Sprint.state == SprintState.CLOSED.value)
        .order_by(Sprint.number.desc())
        .limit(1)
    )


# --- attainment -------------------------------------------------------------


def attainment(
    store: Store, login: str, *, start: date | None = None, end: date | None = None, member: str | None = None
) -> dict[str, Any]:
    """Won value against quota per rep for a range (default: this month),
    plus the same per month and per quarter inside the range."""
    with unit_of_work(store, login, read_only=True) as uow:
        start, end = _check_range(start, end, period_range(Period.MONTH, clock.today()))
        return attainment_in(uow, start, end, member)


@lru_cache(maxsize=1)
def _won_per_month_statement() -> Any:
    year, month = extract("year", Deal.closed_on), extract("month", Deal.closed_on)
    return (
        select(Deal.owner_id, year, month, func.sum(Deal.value), func.count())
        .join(Stage, _won())
        .where(
            Deal.team_id == TEAM,
            Deal.owner_id.in_(IDS),
            Deal.closed_on >= bindparam("start"),
            Deal.closed_on <= bindparam("end"),
        )
        .group_by(Deal.owner_id, year, month)
    )


def attainment_in(uow: UnitOfWork, start: date, end: date, member: str | None = None) -> dict[str, Any]:
    team = uow.team()
    reps = _reps(uow, member)
    ids = [m.id for m in reps]
    won = _won_by_member(uow, ids, start, end) if ids else {}
    targets = _targets_in_force(uow.session, ids, end, Metric.REVENUE.value) if ids else {}
    monthly: dict[tuple[int, int, int], tuple[Decimal, int]] = {}
    if ids:
        for mid, y, mo, v, n in uow.rows(
            _won_per_month_statement(), {"team_id": team.id, "ids": ids, "start": start, "end": end}
        ):
            monthly[(mid, int(y), int(mo))] = (money(v), int(n))

    def bucket(mid: int, period: Period, lo: date, hi: date) -> dict[str, Any]:
        value, count = Decimal("0.00"), 0
        for y, mo in _months_between(lo, hi):
            v, n = monthly.get((mid, y, mo), (Decimal(0), 0))
            value, count = value + v, count + n
        quota = _revenue_quota(targets.get(mid, {}), lo, hi, period, team.week_start)
        return {
            "period": period_label(period, lo),
            "from": lo,
            "to": hi,
            "won_value": money(value),
            "won_deals": count,
            "quota": quota,
            "attainment": attainment_pct(value, quota),
        }

    out = []
    team_value, team_deals, team_quota = Decimal(0), 0, Decimal(0)
    for m in reps:
        value, count = won.get(m.id, (Decimal("0.00"), 0))
        quota = _revenue_quota(targets.get(m.id, {}), start, end, None, team.week_start)
        team_value += value
        team_deals += count
        team_quota += quota or 0
        out.append(
            {
                "login": m.login,
                "name": m.name,
                "won_value": value,
                "won_deals": count,
                "quota": quota,
                "attainment": attainment_pct(value, quota),
                "months": [bucket(m.id, Period.MONTH, lo, hi) for lo, hi in periods_in_range(Period.MONTH, start, end)],
                "quarters": [
                    bucket(m.id, Period.QUARTER, lo, hi) for lo, hi in periods_in_range(Period.QUARTER, start, end)
                ],
            }
        )
    return {
        "from": start,
        "to": end,
        "currency": team.currency,
        "members": out,
        "team": {
            "won_value": money(team_value),
            "won_deals": team_deals,
            "quota": money(team_quota) if team_quota else None,
            "attainment": attainment_pct(team_value, team_quota or None),
        },
    }


def _months_between(lo: date, hi: date) -> set[tuple[int, int]]:
    return {(lo2.year, lo2.month) for lo2, _ in periods_in_range(Period.MONTH, lo, hi)}


# --- sprint report ----------------------------------------------------------


def sprint_report(store: Store, login: str, number: int | None = None) -> dict[str, Any]:
    """Jira's sprint report in items and points, plus the sales view of the
    sprint: deals won, advanced a stage, slipped, untouched, with values."""
    with unit_of_work(store, login, read_only=True) as uow:
        return sprint_report_in(uow, number)


_FIGURES = ("committed", "completed", "added", "removed", "carried_over")


@lru_cache(maxsize=1)
def _sprint_figures_statement() -> Any:
    """Items and points of each of _FIGURES for sprint `:sprint_id` ending `:ends_on`."""
    done = and_(
        SprintItem.removed_at.is_(None), SprintItem.done_on.is_not(None), SprintItem.done_on <= bindparam("ends_on")
    )
    groups = {
        "committed": SprintItem.added_after_start.is_(False),
        "completed": done,
        "added": SprintItem.added_after_start.is_(True),
        "removed": SprintItem.removed_at.is_not(None),
        "carried_over": and_(SprintItem.removed_at.is_(None), ~done),
    }
    columns = []
    for name in _FIGURES:
        columns += [
            func.coalesce(func.sum(case((groups[name], 1), else_=0)), 0),
            func.coalesce(func.sum(case((groups[name], SprintItem.points), else_=0)), 0),
        ]
    return select(*columns).where(SprintItem.sprint_id == bindparam("sprint_id"))


def sprint_report_in(uow: UnitOfWork, number: int | None = None) -> dict[str, Any]:
    sprint = _sprint_for_report(uow, number)
    if sprint is None:
        return {"sprint": None}
    team = uow.team()
    row = uow.rows(_sprint_figures_statement(), {"sprint_id": sprint.id, "ends_on": sprint.ends_on}).one()
    figures = {name: {"items": int(row[2 * i]), "points": int(row[2 * i + 1])} for i, name in enumerate(_FIGURES)}
    return {
        "sprint": {
            "number": sprint.number,
            "goal": sprint.goal,
            "starts_on": sprint.starts_on,
            "ends_on": sprint.ends_on,
            "state": sprint.state,
        },
        "currency": team.currency,
        **figures,
        **_sales_view(uow, sprint),
    }


def _sales_view(uow: UnitOfWork, sprint: Sprint) -> dict[str, Any]:
    team = uow.team()
    lo, hi = utc_bounds(sprint.starts_on, sprint.ends_on, team.timezone)
    owner = select(Member.login).where(Member.id == Deal.owner_id).scalar_subquery()

    def summary(condition: Any) -> dict[str, Any]:
        # One statement: the biggest LIST_LIMIT deals, each carrying the
        # count and value of the whole set (window aggregates run before LIMIT).
        rows = uow.rows(
            select(Deal.id, Deal.title, owner, Deal.value, func.count().over(), func.sum(Deal.value).over())
            .where(condition)
            .order_by(Deal.value.desc(), Deal.id)
            .limit(LIST_LIMIT)
        ).all()
        count, value = (rows[0][4], rows[0][5]) if rows else (0, None)
        return {"count": int(count), "value": money(value), "deals": _deal_rows(r[:4] for r in rows)}

    # Each set of deals comes from the window's events or activities (a range
    # scan on their time index) rather than a correlated lookup per open deal:
    # fast with 100,000 deals and 1,000,000 activities. The events' deal ids
    # drive the read (by primary key); the team is then checked on each deal
    # through `team_id + 0`, which no index serves: SQLite, without table
    # statistics, takes `team_id = ?` for selective and walked all the team's
    # deals instead (12 -> 0.5 ms a statement on the large store).
    def team_deal_ids(query: Any) -> Any:
        return and_(Deal.id.in_(query), Deal.team_id + 0 == team.id)

    old_stage, new_stage = aliased(Stage), aliased(Stage)
    in_window = and_(DealEvent.at >= lo, DealEvent.at < hi)
    advanced = team_deal_ids(
        select(DealEvent.deal_id)
        .join(old_stage, and_(old_stage.team_id == team.id, old_stage.name == DealEvent.old))
        .join(new_stage, and_(new_stage.team_id == team.id, new_stage.name == DealEvent.new))
        .where(
            in_window,
            DealEvent.kind == "stage",
            new_stage.position > old_stage.position,
            new_stage.kind == StageKind.OPEN.value,
        )
    )
    slipped = team_deal_ids(
        select(DealEvent.deal_id).where(
            in_window,
            DealEvent.kind == "expected_close",
            DealEvent.old.is_not(None),
            DealEvent.new.is_not(None),
            DealEvent.new > DealEvent.old,
        )
    )
    # Open at the sprint's end: not closed yet, or closed after it. Each side
    # of the OR names team_id and closed_on, so both backends read it from
    # ix_deals_team_closed (two ranges) instead of every deal of the team.
    open_in_sprint = and_(
        or_(
            and_(Deal.team_id == team.id, Deal.closed_on.is_(None)),
            and_(Deal.team_id == team.id, Deal.closed_on > sprint.ends_on),
        ),
        Deal.started_on <= sprint.ends_on,
    )
    untouched = and_(
        open_in_sprint,
        Deal.id.not_in(
            select(Activity.deal_id).where(
                Activity.team_id == team.id,
                Activity.occurred_at >= lo,
                Activity.occurred_at < hi,
                Activity.deal_id.is_not(None),
            )
        ),
        Deal.id.not_in(select(DealEvent.deal_id).where(in_window)),
    )
    won_stages = select(Stage.id).where(Stage.team_id == team.id, Stage.kind == StageKind.WON.value)
    won = and_(
        Deal.team_id == team.id,
        Deal.closed_on >= sprint.starts_on,
        Deal.closed_on <= sprint.ends_on,
        Deal.stage_id.in_(won_stages),
    )
    return {
        "won": summary(won),
        "advanced": summary(advanced),
        "slipped": summary(slipped),
        "untouched": summary(untouched),
    }


# --- burndown ---------------------------------------------------------------


def burndown(store: Store, login: str, number: int | None = None) -> dict[str, Any]:
    """Remaining points at the end of each working day against the ideal line."""
    with unit_of_work(store, login, read_only=True) as uow:
        return burndown_in(uow, number)


@lru_cache(maxsize=16)
def _burndown_statement(days: int) -> Any:
    """Points at the start and remaining at the end of each of `days` working
    days, for the sprint `:sprint_id`; day i ends at `:end_i` (UTC) and is
    dated `:day_i`. Built once per sprint length: putting ~30 expressions
    together cost more than running the query (issue 7)."""
    columns = [func.coalesce(func.sum(case((SprintItem.added_after_start.is_(False), SprintItem.points), else_=0)), 0)]
    for i in range(days):
        end_of_day, day = bindparam(f"end_{i}"), bindparam(f"day_{i}")
        in_scope = and_(
            or_(SprintItem.added_after_start.is_(False), SprintItem.added_at < end_of_day),
            or_(SprintItem.removed_at.is_(None), SprintItem.removed_at >= end_of_day),
        )
        not_done = or_(SprintItem.done_on.is_(None), SprintItem.done_on > day)
        columns.append(func.coalesce(func.sum(case((and_(in_scope, not_done), SprintItem.points), else_=0)), 0))
    return select(*columns).where(SprintItem.sprint_id == bindparam("sprint_id"))


def burndown_in(uow: UnitOfWork, number: int | None = None) -> dict[str, Any]:
    sprint = _sprint_for_report(uow, number)
    if sprint is None:
        return {"sprint": None, "days": []}
    team = uow.team()
    days = working_days(sprint.starts_on, sprint.ends_on)
    today = clock.today()
    params: dict[str, Any] = {"sprint_id": sprint.id}
    for i, day in enumerate(days):
        params[f"end_{i}"] = utc_bounds(day, day, team.timezone)[1]
        params[f"day_{i}"] = day
    row = uow.rows(_burndown_statement(len(days)), params).one()
    start_points = int(row[0])
    ideal = ideal_line(start_points, len(days))
    return {
        "sprint": {
            "number": sprint.number,
            "goal": sprint.goal,
            "starts_on": sprint.starts_on,
            "ends_on": sprint.ends_on,
            "state": sprint.state,
        },
        "start_points": start_points,
        "days": [
            {"day": day, "remaining": int(row[i + 1]) if day <= today else None, "ideal": ideal[i]}
            for i, day in enumerate(days)
        ],
    }


# --- pipeline ---------------------------------------------------------------


def pipeline(store: Store, login: str, *, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """Win rate, averages and pipeline velocity for deals closed in a range
    (default: this quarter), open pipeline and rotting deals as of now."""
    with unit_of_work(store, login, read_only=True) as uow:
        start, end = _check_range(start, end, period_range(Period.QUARTER, clock.today()))
        return pipeline_in(uow, start, end)


def pipeline_in(uow: UnitOfWork, start: date, end: date) -> dict[str, Any]:
    team = uow.team()
    closed = {
        kind: (int(n), money(v), Decimal(str(d or 0)))
        for kind, n, v, d in uow.rows(
            select(
                Stage.kind,
                func.count(),
                func.sum(Deal.value),
                func.sum(_days_between(uow, Deal.closed_on, Deal.started_on)),
            )
            .join(Stage, Stage.id == Deal.stage_id)
            .where(
                Deal.team_id == team.id,
                Stage.kind.in_([StageKind.WON.value, StageKind.LOST.value]),
                Deal.closed_on >= start,
                Deal.closed_on <= end,
            )
            .group_by(Stage.kind)
        )
    }
    won_n, won_v, won_days = closed.get(StageKind.WON.value, (0, Decimal("0.00"), Decimal(0)))
    lost_n = closed.get(StageKind.LOST.value, (0, Decimal(0), Decimal(0)))[0]
    first_position = select(func.min(Stage.position)).where(Stage.team_id == team.id).scalar_subquery()
    probability = func.coalesce(Deal.probability, Stage.probability)
    open_n, open_v, weighted_raw, qualified = uow.rows(
        select(
            func.count(),
            func.sum(Deal.value),
            type_coerce(func.sum(Deal.value * probability), Money()),
            func.coalesce(func.sum(case((Stage.position > first_position, 1), else_=0)), 0),
        )
        .select_from(Deal)
        .join(Stage, Stage.id == Deal.stage_id)
        .where(_open_deals(team.id))
    ).one()
    rate = win_rate(won_n, lost_n)
    avg_won = average(won_v, won_n)
    cycle = average(won_days, won_n, Decimal("0.1"))
    return {
        "from": start,
        "to": end,
        "currency": team.currency,
        "won_deals": won_n,
        "lost_deals": lost_n,
        "won_value": won_v,
        "win_rate": rate,
        "average_won_value": avg_won,
        "average_cycle_days": cycle,
        "open_deals": int(open_n),
        "open_value": money(open_v),
        "qualified_open_deals": int(qualified),
        "weighted_value": weighted(weighted_raw or Decimal(0)),
        "pipeline_velocity": pipeline_velocity(int(qualified), rate, avg_won, cycle),
        "rotting": rotting_in(uow),
    }


@lru_cache(maxsize=2)
def _rotting_statement(some_owners: bool) -> Any:
    """The oldest LIST_LIMIT rotting deals, each carrying the count and value of them all."""
    cond = and_(_open_deals(TEAM), Deal.stage_entered_at < bindparam("limit"))
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
        .limit(LIST_LIMIT)
    )


def rotting_in(uow: UnitOfWork, owner_ids: list[int] | None = None) -> dict[str, Any]:
    """Open deals with no stage change for longer than the team's limit."""
    team = uow.team()
    limit = clock.now() - timedelta(days=team.rotting_days)
    rows = uow.rows(
        _rotting_statement(owner_ids is not None), {"team_id": team.id, "limit": limit, "ids": owner_ids}
    ).all()
    n, v = (rows[0][6], rows[0][7]) if rows else (0, None)
    today = clock.today()
    deals = [
        {"id": i, "title": t, "owner": o, "stage": st, "value": money(val), "days_in_stage": (today - at.date()).days}
        for i, t, o, st, val, at, _n, _v in rows
    ]
    return {"limit_days": team.rotting_days, "count": int(n), "value": money(v), "deals": deals}


def _rotting_counts(uow: UnitOfWork, ids: list[int]) -> dict[int, int]:
    """How many rotting deals each owner has (one GROUP BY)."""
    team = uow.team()
    limit = clock.now() - timedelta(days=team.rotting_days)
    return {
        owner: int(n)
        for owner, n in uow.rows(_rotting_counts_statement(), {"team_id": team.id, "ids": ids, "limit": limit})
    }


@lru_cache(maxsize=1)
def _rotting_counts_statement() -> Any:
    return (
        select(Deal.owner_id, func.count())
        .join(Stage, Stage.id == Deal.stage_id)
        .where(_open_deals(TEAM), Deal.owner_id.in_(IDS), Deal.stage_entered_at < bindparam("limit"))
        .group_by(Deal.owner_id)
    )


# --- history per rep --------------------------------------------------------


_CLOSED_SPRINTS = (
    select(Sprint)
    .where(Sprint.team_id == bindparam("team_id"), Sprint.state == SprintState.CLOSED.value)
    .order_by(Sprint.number.desc())
    .limit(bindparam("last"))
)


def _closed_sprints(uow: UnitOfWork, last: int = HISTORY_SPRINTS) -> list[Sprint]:
    key = f"closed_sprints_{last}"
    if key not in uow.memo:
        rows = uow.session.scalars(_CLOSED_SPRINTS, {"team_id": uow.actor.team_id, "last": last})
        uow.memo[key] = list(reversed(list(rows)))
    return list(uow.memo[key])


@lru_cache(maxsize=1)
def _points_history_statement() -> Any:
    done = and_(SprintItem.removed_at.is_(None), SprintItem.done_on.is_not(None), SprintItem.done_on <= Sprint.ends_on)
    return (
        select(SprintItem.member_id, Sprint.number, func.sum(case((done, SprintItem.points), else_=0)))
        .join(Sprint, Sprint.id == SprintItem.sprint_id)
        .where(Sprint.id.in_(IDS))
        .group_by(SprintItem.member_id, Sprint.number)
        .order_by(SprintItem.member_id, Sprint.number)
    )


def _points_history(uow: UnitOfWork, sprints: list[Sprint]) -> dict[int, list[int]]:
    """Completed points per member per closed sprint they had items in, oldest first."""
    if not sprints:
        return {}
    rows = uow.rows(_points_history_statement(), {"ids": [sp.id for sp in sprints]})
    out: dict[int, list[int]] = {}
    for member_id, _number, points in rows:
        out.setdefault(member_id, []).append(int(points))
    return out


@lru_cache(maxsize=1)
def _won_per_day_statement() -> Any:
    return (
        select(Deal.owner_id, Deal.closed_on, func.sum(Deal.value))
        .join(Stage, _won())
        .where(
            Deal.team_id == TEAM,
            Deal.owner_id.in_(IDS),
            Deal.closed_on >= bindparam("start"),
            Deal.closed_on <= bindparam("end"),
        )
        .group_by(Deal.owner_id, Deal.closed_on)
    )


_ACTIVE_LOGINS = select(Member.id, Member.login).where(Member.team_id == TEAM, Member.active.is_(True))


def _won_per_sprint(uow: UnitOfWork, sprints: list[Sprint], ids: list[int]) -> dict[tuple[int, int], Decimal]:
    """Won value per (owner, sprint) for the given sprints.

    One range read of ix_deals_team_closed over the sprints' overall window,
    summed per owner and day; the days are then put in their sprints here.
    (A join on "closed_on BETWEEN starts_on AND ends_on" left each backend's
    planner a bad choice: PostgreSQL read every won deal of five years,
    SQLite probed all 260 sprints per deal.)
    """
    if not sprints or not ids:
        return {}
    sprints_on: dict[date, list[int]] = {}
    for sp in sprints:
        for offset in range((sp.ends_on - sp.starts_on).days + 1):
            sprints_on.setdefault(sp.starts_on + timedelta(days=offset), []).append(sp.id)
    rows = uow.rows(
        _won_per_day_statement(),
        {"team_id": uow.actor.team_id, "ids": ids, "start": min(sprints_on), "end": max(sprints_on)},
    )
    totals: dict[tuple[int, int], Decimal] = {}
    for owner, day, value in rows:
        for sprint_id in sprints_on.get(day, ()):
            totals[(owner, sprint_id)] = totals.get((owner, sprint_id), Decimal(0)) + value
    return {key: money(v) for key, v in totals.items()}


# --- Monte Carlo forecast ---------------------------------------------------


def forecast(store: Store, login: str, *, seed: int = DEFAULT_SEED, trials: int = TRIALS) -> dict[str, Any]:
    """Each rep's chance of making quota by month and quarter end, and the
    team's 50/85/95 % range of points next sprint, by resampling past sprints."""
    with unit_of_work(store, login, read_only=True) as uow:
        return forecast_in(uow, seed, trials)


def forecast_in(uow: UnitOfWork, seed: int = DEFAULT_SEED, trials: int = TRIALS) -> dict[str, Any]:
    team = uow.team()
    rng = random.Random(seed)
    today = clock.today()
    reps = _reps(uow)
    ids = [m.id for m in reps]
    sprints = _closed_sprints(uow)
    won_per_sprint = _won_per_sprint(uow, sprints, ids)
    per_sprint_days = 5 * team.sprint_weeks
    periods = {
        name: period_range(p, today, team.week_start)
        for name, p in (("month", Period.MONTH), ("quarter", Period.QUARTER))
    }
    won_now = {name: _won_by_member(uow, ids, lo, today) if ids else {} for name, (lo, _hi) in periods.items()}
    targets = {
        name: _targets_in_force(uow.session, ids, hi, Metric.REVENUE.value) if ids else {}
        for name, (_lo, hi) in periods.items()
    }
    members = []
    for m in reps:
        history = [
            won_per_sprint.get((m.id, sp.id), Decimal(0))
            for sp in sprints
            if m.started_on is None or sp.starts_on >= m.started_on
        ]
        entry: dict[str, Any] = {"login": m.login, "name": m.name}
        for name, (lo, hi) in periods.items():
            period = Period.MONTH if name == "month" else Period.QUARTER
            quota = _revenue_quota(targets[name].get(m.id, {}), lo, hi, period, team.week_start)
            won = won_now[name].get(m.id, (Decimal("0.00"), 0))[0]
            left = len(list(working_days(today, hi))) / per_sprint_days
            entry[name] = {
                "period": period_label(period, lo),
                "won_value": won,
                "quota": quota,
                "chance": quota_chance(won, quota, history, left, rng, trials),
            }
        members.append(entry)
    points = _points_history(uow, sprints)
    logins = dict(uow.rows(_ACTIVE_LOGINS, {"team_id": team.id}).all())
    per_login = {logins[mid]: hist for mid, hist in points.items() if mid in logins}
    return {
        "seed": seed,
        "trials": trials,
        "sprints_sampled": len(sprints),
        "members": members,
        "next_sprint": team_points_range(per_login),
    }


# --- coaching ---------------------------------------------------------------


def _coaching_figures(uow: UnitOfWork, reps: list[Member]) -> tuple[list[RepFigures], dict[str, Any]]:
    team = uow.team()
    today = clock.today()
    ids = [m.id for m in reps]
    last_month_end = today.replace(day=1) - timedelta(days=1)
    q_lo, q_hi = period_range(Period.MONTH, last_month_end)
    won = _won_by_member(uow, ids, q_lo, q_hi) if ids else {}
    targets = _targets_in_force(uow.session, ids, q_hi, Metric.REVENUE.value) if ids else {}
    week = period_range(Period.WEEK, today, team.week_start)
    activity = {row["login"]: row for row in activity_in(uow, reps, *week)}
    sprints = _closed_sprints(uow)
    history = _points_history(uow, sprints)
    # One rep (rep detail, 1:1): their rotting deals are listed, and the list
    # carries the count; a team gets the counts in one GROUP BY.
    rotting_one = rotting_in(uow, [reps[0].id]) if len(reps) == 1 else None
    if rotting_one is not None:
        rotting = {reps[0].id: rotting_one["count"]}
        listed = {reps[0].id: [(d["id"], d["title"], d["days_in_stage"]) for d in rotting_one["deals"]]}
    else:
        rotting = _rotting_counts(uow, ids) if ids else {}
        listed = {}
    figures = []
    for m in reps:
        quota = _revenue_quota(targets.get(m.id, {}), q_lo, q_hi, Period.MONTH, team.week_start)
        # Flag a rep whose activity as a whole is behind pace this week (one slow
        # kind balanced by others is not a coaching matter); name the slow kinds.
        pacing = activity[m.login]["pacing"]
        behind = (
            []
            if not pacing or pacing["status"] != "behind"
            else [
                (kind, f["done"], f["expected_by_now"])
                for kind, f in activity[m.login]["activities"].items()
                if f.get("pace") == "behind"
            ]
        )
        figures.append(
            RepFigures(
                login=m.login,
                name=m.name,
                started_on=m.started_on,
                quota=quota,
                won_value=won.get(m.id, (Decimal("0.00"), 0))[0],
                quota_period=period_label(Period.MONTH, q_lo),
                activity_behind=behind,
                velocities=history.get(m.id, []),
                rotting=listed.get(m.id, []),
                rotting_count=rotting.get(m.id, 0),
            )
        )
    return figures, {
        "activity": activity,
        "quota_period": period_label(Period.MONTH, q_lo),
        "history": history,
        "rotting": rotting_one,
    }


def coaching(store: Store, login: str) -> dict[str, Any]:
    """Coaching flags per rep (managers only)."""
    with unit_of_work(store, login, read_only=True) as uow:
        uow.require(Action.COACHING)
        return coaching_in(uow)


def coaching_in(uow: UnitOfWork) -> dict[str, Any]:
    team = uow.team()
    figures, extra = _coaching_figures(uow, _reps(uow))
    today = clock.today()
    members = []
    for f in figures:
        flags = flags_for(f, today, team.rotting_days)
        members.append(
            {"login": f.login, "name": f.name, "flags": [{"code": fl.code, "message": fl.message} for fl in flags]}
        )
    return {
        "date": today,
        "quota_period": extra["quota_period"],
        "rotting_days": team.rotting_days,
        "members": members,
        "flagged": [m["login"] for m in members if m["flags"]],
    }


def one_on_one(store: Store, login: str, member: str) -> str:
    """A plain-text 1:1 agenda for one rep (managers only)."""
    with unit_of_work(store, login, read_only=True) as uow:
        uow.require(Action.COACHING)
        team = uow.team()
        rep = member_by_login(uow.session, team.id, member)
        figures, extra = _coaching_figures(uow, [rep])
        f = figures[0]
        today = clock.today()
        month = period_range(Period.MONTH, today)
        owner = select(Member.login).where(Member.id == Deal.owner_id).scalar_subquery()
        wins = [
            (t, money(v))
            for _i, t, _o, v in uow.rows(
                select(Deal.id, Deal.title, owner, Deal.value)
                .join(Stage, _won())
                .where(
                    Deal.team_id == team.id,
                    Deal.owner_id == rep.id,
                    Deal.closed_on >= month[0],
                    Deal.closed_on <= today,
                )
                .order_by(Deal.value.desc())
                .limit(5)
            )
        ]
        month_att = attainment_in(uow, month[0], month[1], rep.login)["members"][0]
        att_line = ""
        if month_att["quota"] is not None:
            att_line = (
                f"{month_att['won_value']:,.2f} won of {month_att['quota']:,.2f} this month "
                f"({month_att['attainment']} %)."
            )
        act = extra["activity"][rep.login]["activities"]
        lines = [f"{k} {v['done']}/{v['target']}" for k, v in act.items() if v["target"]]
        return one_on_one_agenda(
            AgendaFacts(
                name=rep.name,
                today=today,
                flags=flags_for(f, today, team.rotting_days),
                wins=wins,
                rotting=f.rotting,
                velocities=list(f.velocities)[-6:],
                attainment_line=att_line,
                activity_lines=lines,
            )
        )


# --- daily report -----------------------------------------------------------


def daily(store: Store, login: str, member: str | None = None, day: date | None = None) -> str:
    """What a rep did on a day against their daily goals, as chat-ready text.
    A rep may ask for their own; a manager for anyone's."""
    with unit_of_work(store, login, read_only=True) as uow:
        team = uow.team()
        rep = member_by_login(uow.session, team.id, member or login)
        if rep.id != uow.actor.member_id:
            uow.require(Action.COACHING)
        day = day or clock.today()
        lo, hi = utc_bounds(day, day, team.timezone)
        counts = dict(
            uow.rows(
                select(Activity.kind, func.count())
                .where(
                    Activity.team_id == team.id,
                    Activity.member_id == rep.id,
                    Activity.occurred_at >= lo,
                    Activity.occurred_at < hi,
                )
                .group_by(Activity.kind)
            ).all()
        )
        mine = _targets_in_force(uow.session, [rep.id], day).get(rep.id, {})
        activities = []
        for kind in ActivityKind:
            target = None
            for period in Period:
                amount = mine.get((METRIC_FOR_ACTIVITY[kind].value, period.value))
                if amount is not None:
                    target = round(target_for_range(float(amount), period, day, day, team.week_start)) or None
                    break
            activities.append((kind.value, int(counts.get(kind.value, 0)), target))
        tasks = list(
            uow.session.scalars(
                # `team_id + 0`: see _sales_view (SQLite walked all the team's tasks).
                select(Task.title)
                .where(Task.team_id + 0 == team.id, Task.assignee_id == rep.id, Task.done_at >= lo, Task.done_at < hi)
                .order_by(Task.done_at)
                .limit(50)
            )
        )
        touched_ids = (
            select(Activity.deal_id.label("deal_id"))
            .where(
                Activity.member_id == rep.id,
                Activity.occurred_at >= lo,
                Activity.occurred_at < hi,
                Activity.deal_id.is_not(None),
            )
            .union(
                select(DealEvent.deal_id).where(DealEvent.member_id == rep.id, DealEvent.at >= lo, DealEvent.at < hi)
            )
            .subquery()
        )
        deals = [
            (i, t, st)
            for i, t, st in uow.rows(
                select(Deal.id, Deal.title, Stage.name)
                .join(Stage, Stage.id == Deal.stage_id)
                .where(Deal.team_id + 0 == team.id, Deal.id.in_(select(touched_ids.c.deal_id)))
                .order_by(Deal.id)
                .limit(50)
            )
        ]
        return daily_report(
            DayFacts(name=rep.name, day=day, activities=activities, tasks_done=tasks, deals_touched=deals)
        )


# --- the dashboard and the review, one round trip each ----------------------


def dashboard(store: Store, login: str) -> dict[str, Any]:
    """Velocity, attainment this month, burndown and (for managers) coaching flags."""
    from salessprint.domain.permissions import allowed

    with unit_of_work(store, login, read_only=True) as uow:
        month = period_range(Period.MONTH, clock.today())
        return {
            "velocity": velocity_in(uow, HISTORY_SPRINTS),
            "attainment": attainment_in(uow, *month),
            "burndown": burndown_in(uow),
            "coaching": coaching_in(uow) if allowed(uow.actor.role, Action.COACHING) else None,
        }


def rep_detail(store: Store, login: str, member: str) -> dict[str, Any]:
    """One rep on the dashboard: attainment, activity this week, velocity, and
    (for a manager; None for others) the coaching flags."""
    from salessprint.domain.permissions import allowed

    with unit_of_work(store, login, read_only=True) as uow:
        team = uow.team()
        rep = member_by_login(uow.session, team.id, member)
        today = clock.today()
        month = period_range(Period.MONTH, today)
        week = period_range(Period.WEEK, today, team.week_start)
        flags: list[dict[str, str]] | None = None
        if allowed(uow.actor.role, Action.COACHING):
            # The coaching figures already hold this week's activity, the
            # velocity history and the rotting deals: read them once.
            figures, extra = _coaching_figures(uow, [rep])
            flags = [{"code": f.code, "message": f.message} for f in flags_for(figures[0], today, team.rotting_days)]
            history = extra["history"].get(rep.id, [])
            activity = extra["activity"][rep.login]
            rotting = extra["rotting"]
        else:
            history = _points_history(uow, _closed_sprints(uow)).get(rep.id, [])
            activity = activity_in(uow, [rep], *week)[0]
            rotting = rotting_in(uow, [rep.id])
        return {
            "login": rep.login,
            "name": rep.name,
            "currency": team.currency,
            "attainment": attainment_in(uow, *month, rep.login)["members"][0],
            "activity": activity,
            "velocities": history,
            "flags": flags,
            "rotting": rotting,
        }


def review(store: Store, login: str, *, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Everything the weekly review's slides show, for the sprint under review
    (the active one, else the last closed)."""
    with unit_of_work(store, login, read_only=True) as uow:
        report = sprint_report_in(uow)
        sprint = report.get("sprint")
        out: dict[str, Any] = {
            "report": report,
            "velocity": velocity_in(uow, HISTORY_SPRINTS),
            "forecast": forecast_in(uow, seed, 2000),
            "activity": [],
            "retro": {},
        }
        if sprint is None:
            return out
        out["activity"] = activity_in(uow, _reps(uow), sprint["starts_on"], sprint["ends_on"])
        sprint_id = (
            select(Sprint.id)
            .where(Sprint.team_id == uow.actor.team_id, Sprint.number == sprint["number"])
            .scalar_subquery()
        )
        votes = (
            select(func.count(distinct(RetroVote.member_id)))
            .where(RetroVote.entry_id == RetroEntry.id)
            .scalar_subquery()
        )
        retro: dict[str, list[dict[str, Any]]] = {"went_well": [], "to_improve": [], "action": []}
        for column, text, n in uow.rows(
            select(RetroEntry.column, RetroEntry.text, votes)
            .where(RetroEntry.sprint_id == sprint_id)
            .order_by(RetroEntry.column, votes.desc(), RetroEntry.id)
        ):
            retro.setdefault(column, []).append({"text": text, "votes": int(n)})
        out["retro"] = retro
        return out
