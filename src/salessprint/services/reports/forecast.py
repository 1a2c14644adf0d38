"""Forecasts: the Monte Carlo report (each rep's chance of quota by month and
quarter end, the team's points range next sprint) and each member's
forecast velocity for sprint planning."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from pydantic import Field
from sqlalchemy import bindparam, select

from salessprint.domain import clock
from salessprint.domain.calendar import period_range, working_days
from salessprint.domain.enums import Period, SprintState
from salessprint.domain.errors import InvalidInput
from salessprint.domain.metrics import TENTH, average, money, period_label
from salessprint.domain.montecarlo import (
    DEFAULT_SEED,
    TRIALS,
    nth_working_day,
    points_by_date,
    quota_forecast,
    team_points_range,
    when_done,
)
from salessprint.domain.velocity import MIN_HISTORY, history_gap
from salessprint.services.backlog import top_of_backlog
from salessprint.services.reports._shared import (
    HISTORY_SPRINTS,
    Report,
    closed_sprints,
    points_history,
    quota_ramps,
    reps,
    revenue_quota,
    won_by_member,
)
from salessprint.services.team import window_of
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.models import Member, Sprint


class QuotaChance(Report):
    period: str
    """e.g. 2026-11 or 2026-Q4."""
    won_value: Decimal
    """Won so far in the period."""
    quota: Decimal | None
    chance: Decimal | None
    """In %, one decimal; None when unknown (no quota, or too little history)."""
    reason: str | None = None
    """Why the chance is unknown, e.g. "2 closed sprints; a forecast needs 3"; None when known."""


class MemberForecast(Report):
    login: str
    name: str
    month: QuotaChance
    quarter: QuotaChance


class PointsRange(Report):
    """Points the team completes next sprint at least, with 50, 85 and 95 % confidence."""

    p50: int
    p85: int
    p95: int


class PointsByDate(Report):
    """How many points the team completes by a date, at least, with 50, 85 and 95 % confidence."""

    date: date
    """The last day counted (today is the first)."""
    working_days: int
    """Working days from today to the date, both counted."""
    sprints: Decimal
    """Those days in sprints of the team's length (two decimals)."""
    points: PointsRange | None
    """None while unknown (see reason)."""
    reason: str | None = None


class DoneBy(Report):
    """The day a slice of work is done by, with 50, 85 and 95 % confidence (None: not within ten years)."""

    p50: date | None
    p85: date | None
    p95: date | None


class WhenDone(Report):
    """By when a slice of the backlog is done."""

    items: int | None
    """The top N open backlog items forecast; None when a points total was asked."""
    points: int
    """The points of the slice."""
    unestimated: int
    """Items of the slice without points (they count as 0)."""
    done_by: DoneBy | None
    """None while unknown (see reason)."""
    reason: str | None = None


class ForecastReport(Report):
    seed: int
    trials: int
    sprints_sampled: int
    """Closed sprints resampled."""
    members: list[MemberForecast]
    next_sprint: PointsRange | None
    """None while unknown: fewer closed sprints than a forecast needs."""
    next_sprint_reason: str | None = None
    """Why next_sprint is unknown, e.g. "2 closed sprints; a forecast needs 3"; None when known."""
    by_date: PointsByDate | None = None
    """Asked with --by-date: the points the team completes by then."""
    when_done: WhenDone | None = None
    """Asked with --when-done / --when-done-points: when that slice of the backlog is done."""


def forecast(
    store: Store,
    login: str,
    *,
    seed: int = DEFAULT_SEED,
    trials: int = TRIALS,
    history: int = HISTORY_SPRINTS,
    min_history: int = MIN_HISTORY,
    by_date: date | None = None,
    when_done_items: int | None = None,
    when_done_points: int | None = None,
) -> ForecastReport:
    """Each rep's chance of making quota by month and quarter end, and the
    team's 50/85/95 % range of points next sprint, by resampling the last
    `history` closed sprints; unknown (with the reason) with fewer than
    `min_history` of them. Asked for, also the points the team completes by
    `by_date`, and the day the top `when_done_items` backlog items (or
    `when_done_points` points) are done."""
    if when_done_items is not None and when_done_points is not None:
        raise InvalidInput("Ask --when-done (top items) or --when-done-points, not both.", field="when_done")
    with unit_of_work(store, login, read_only=True) as uow:
        today = clock.team_today(uow.team().timezone)
        if by_date is not None and by_date < today:
            raise InvalidInput(f"--by-date {by_date} is in the past; give today or a later day.", field="by_date")
        if by_date is not None and (by_date - today).days > BY_DATE_DAYS:
            raise InvalidInput(f"--by-date {by_date} is more than five years ahead.", field="by_date")
        return forecast_in(uow, seed, trials, history, min_history, by_date, when_done_items, when_done_points)


def forecast_in(
    uow: UnitOfWork,
    seed: int = DEFAULT_SEED,
    trials: int = TRIALS,
    history: int = HISTORY_SPRINTS,
    min_history: int = MIN_HISTORY,
    by_date: date | None = None,
    when_done_items: int | None = None,
    when_done_points: int | None = None,
) -> ForecastReport:
    team = uow.team()
    rng = random.Random(seed)
    today = clock.team_today(team.timezone)
    members_ = reps(uow)
    ids = [m.id for m in members_]
    sprints = closed_sprints(uow, history)
    won_per_sprint = _won_per_sprint(uow, sprints, ids)
    per_sprint_days = 5 * team.sprint_weeks
    periods = {
        name: (p, period_range(p, today, team.week_start))
        for name, p in (("month", Period.MONTH), ("quarter", Period.QUARTER))
    }
    won_now = {name: won_by_member(uow, ids, lo, today) if ids else {} for name, (_p, (lo, _hi)) in periods.items()}
    targets = queries.target_history(uow.session, ids, max(hi for _p, (_lo, hi) in periods.values()))
    ramps = quota_ramps(uow, ids)
    members = []
    for m in members_:
        past = [
            won_per_sprint.get((m.id, sp.id), Decimal(0))
            for sp in sprints
            if m.started_on is None or sp.starts_on >= m.started_on
        ]
        chances: dict[str, QuotaChance] = {}
        for name, (period, (lo, hi)) in periods.items():
            quota = revenue_quota(targets.get(m.id, []), lo, hi, period, team.week_start, ramps.get(m.id))
            won = won_now[name].get(m.id, (Decimal("0.00"), 0))[0]
            left = len(list(working_days(today, hi))) / per_sprint_days
            chance, reason = quota_forecast(won, quota, past, left, rng, trials, min_history)
            chances[name] = QuotaChance(
                period=period_label(period, lo), won_value=won, quota=quota, chance=chance, reason=reason
            )
        members.append(MemberForecast(login=m.login, name=m.name, month=chances["month"], quarter=chances["quarter"]))
    next_sprint, gap = _next_sprint(uow, sprints, min_history)
    throughput = _team_points_per_sprint(uow, sprints)
    known = history_gap(len(sprints), min_history)
    return ForecastReport(
        seed=seed,
        trials=trials,
        sprints_sampled=len(sprints),
        members=members,
        next_sprint=next_sprint,
        next_sprint_reason=gap,
        by_date=None
        if by_date is None
        else _points_by(throughput, known, today, by_date, per_sprint_days, random.Random(seed), trials),
        when_done=None
        if when_done_items is None and when_done_points is None
        else _when_done(
            uow, throughput, known, today, when_done_items, when_done_points, per_sprint_days, seed, trials
        ),
    )


def next_sprint_in(
    uow: UnitOfWork, history: int = HISTORY_SPRINTS, min_history: int = MIN_HISTORY
) -> tuple[PointsRange | None, str | None]:
    """The team's 50/85/95 % range of points next sprint over the last
    `history` closed sprints, as `forecast_in` reports it, without the reps'
    quota chances (what the review shows); else None and why not."""
    return _next_sprint(uow, closed_sprints(uow, history), min_history)


def _next_sprint(uow: UnitOfWork, sprints: list[Sprint], min_history: int) -> tuple[PointsRange | None, str | None]:
    points = points_history(uow, sprints)
    logins = dict(uow.rows(queries.ACTIVE_IDS_AND_LOGINS, {"team_id": uow.actor.team_id}).all())
    per_login = {logins[mid]: hist for mid, hist in points.items() if mid in logins}
    gap = history_gap(len(sprints), min_history)
    found = team_points_range(per_login) if gap is None else None
    if gap is None and found is None:
        gap = NO_THROUGHPUT
    return (PointsRange(**found) if found is not None else None), gap


NO_THROUGHPUT = "no points completed in the closed sprints"
BY_DATE_DAYS = 5 * 366
"""--by-date looks at most five years ahead."""


def _team_points_per_sprint(uow: UnitOfWork, sprints: list[Sprint]) -> list[int]:
    """The team's completed points in each of the sprints (0 for a sprint with none), oldest first."""
    if not sprints:
        return []
    per_number: dict[int, int] = {}
    for _member, number, points in uow.rows(queries.points_history_statement(), {"ids": [sp.id for sp in sprints]}):
        per_number[number] = per_number.get(number, 0) + int(points or 0)
    return [per_number.get(sp.number, 0) for sp in sprints]


def _points_by(
    throughput: list[int],
    gap: str | None,
    today: date,
    day: date,
    per_sprint_days: int,
    rng: random.Random,
    trials: int,
) -> PointsByDate:
    """The points completed from today to `day`: the working days in sprints, resampled."""
    days = len(working_days(today, day))
    sprints = Decimal(days) / per_sprint_days
    points = None if gap is not None else points_by_date(throughput, float(sprints), rng, trials)
    return PointsByDate(
        date=day,
        working_days=days,
        sprints=sprints.quantize(Decimal("0.01")),
        points=PointsRange(**points) if points is not None else None,
        reason=gap if gap is not None else (None if points is not None else NO_THROUGHPUT),
    )


def _when_done(
    uow: UnitOfWork,
    throughput: list[int],
    gap: str | None,
    today: date,
    items: int | None,
    points: int | None,
    per_sprint_days: int,
    seed: int,
    trials: int,
) -> WhenDone:
    """The day the slice is done by: resampled working days counted from today."""
    unestimated = 0
    if items is not None:
        slice_ = top_of_backlog(uow, items)
        points = sum(p or 0 for _t, _i, p in slice_)
        unestimated = sum(1 for _t, _i, p in slice_ if not p)
    assert points is not None
    days = None if gap is not None else when_done(throughput, points, per_sprint_days, random.Random(seed), trials)
    done_by = (
        None
        if days is None
        else DoneBy(**{k: None if n is None else nth_working_day(today, n) for k, n in days.items()})
    )
    return WhenDone(
        items=items,
        points=points,
        unestimated=unestimated,
        done_by=done_by,
        reason=gap if gap is not None else (None if done_by is not None else NO_THROUGHPUT),
    )


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
        queries.won_per_day_statement(),
        {"team_id": uow.actor.team_id, "ids": ids, "start": min(sprints_on), "end": max(sprints_on)},
    )
    totals: dict[tuple[int, int], Decimal] = {}
    for owner, day, value in rows:
        for sprint_id in sprints_on.get(day, ()):
            totals[(owner, sprint_id)] = totals.get((owner, sprint_id), Decimal(0)) + value
    return {key: money(v) for key, v in totals.items()}


_RECENT_CLOSED = (
    select(Sprint.id, Sprint.starts_on)
    .where(Sprint.team_id == bindparam("team_id"), Sprint.state == SprintState.CLOSED)
    .order_by(Sprint.number.desc())
    .limit(bindparam("last"))
)
_ACTIVE_STARTS = select(Member.login, Member.started_on).where(
    Member.team_id == bindparam("team_id"), Member.active.is_(True)
)


class MemberForecasts(Report):
    """Each active member's forecast velocity for sprint planning."""

    history: int
    """The closed sprints averaged (the team's window)."""
    min_history: int
    """Closed sprints a forecast needs."""
    by_login: dict[str, Decimal | None]
    """Mean completed points of the last `history` closed sprints; None while unknown."""
    reasons: dict[str, str]
    """Why a member's forecast is unknown, by login (only the unknown ones)."""
    points: dict[str, int] = Field(default_factory=dict)
    """Completed points over the averaged sprints, by login (the known ones)."""
    averaged: int = 0
    """How many sprints those points came from."""

    def total(self, logins: list[str]) -> Decimal | None:
        """These members' forecasts together, from the exact means, rounded once
        (10.25 + 20.25 is 40.5, where rounded parts would add up to 40.6)."""
        return average(sum(self.points.get(m, 0) for m in logins), self.averaged, TENTH)


def member_forecasts(store: Store, login: str, min_history: int | None = None) -> dict[str, Decimal | None]:
    """Each active member's forecast velocity (by login), as `planning_forecasts`."""
    return planning_forecasts(store, login, min_history=min_history).by_login


def planning_forecasts(
    store: Store, login: str, history: int | None = None, min_history: int | None = None
) -> MemberForecasts:
    """Each active member's forecast velocity: the mean of the team's last
    `history` closed sprints (the team's window unless given, like `report
    velocity`); unknown, with the reason, for a member with fewer than
    `min_history` of them since they started."""
    with unit_of_work(store, login, read_only=True) as uow:
        team_id = uow.actor.team_id
        window = window_of(uow.team())
        history = history or window.history
        needed = min_history or window.min_history
        recent = uow.rows(_RECENT_CLOSED, {"team_id": team_id, "last": max(history, needed)}).all()
        members = uow.rows(_ACTIVE_STARTS, {"team_id": team_id}).all()
        averaged = [sid for sid, _starts in recent[:history]]
        rows = dict(uow.rows(queries.POINTS_PER_LOGIN, {"ids": averaged}).all()) if averaged else {}
        out: dict[str, Decimal | None] = {}
        done: dict[str, int] = {}
        reasons: dict[str, str] = {}
        for m, started in members:
            own = sum(1 for _sid, starts in recent if started is None or starts >= started)
            gap = history_gap(own, needed)
            if gap is None:  # then `averaged` holds at least one sprint
                done[m] = int(rows.get(m, 0) or 0)
                out[m] = average(done[m], len(averaged), TENTH)  # half up, as the team's mean
            else:
                out[m] = None
                reasons[m] = gap
        return MemberForecasts(
            history=history, min_history=needed, by_login=out, reasons=reasons, points=done, averaged=len(averaged)
        )
