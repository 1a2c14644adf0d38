"""Forecasts: the Monte Carlo report (each rep's chance of quota by month and
quarter end, the team's points range next sprint) and each member's
forecast velocity for sprint planning."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, select

from salessprint.domain import clock
from salessprint.domain.calendar import period_range, working_days
from salessprint.domain.enums import Period, SprintState
from salessprint.domain.metrics import money, period_label
from salessprint.domain.montecarlo import DEFAULT_SEED, TRIALS, quota_forecast, team_points_range
from salessprint.domain.velocity import FORECAST_WINDOW, MIN_HISTORY, history_gap
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


def forecast(
    store: Store,
    login: str,
    *,
    seed: int = DEFAULT_SEED,
    trials: int = TRIALS,
    history: int = HISTORY_SPRINTS,
    min_history: int = MIN_HISTORY,
) -> ForecastReport:
    """Each rep's chance of making quota by month and quarter end, and the
    team's 50/85/95 % range of points next sprint, by resampling the last
    `history` closed sprints; unknown (with the reason) with fewer than
    `min_history` of them."""
    with unit_of_work(store, login, read_only=True) as uow:
        return forecast_in(uow, seed, trials, history, min_history)


def forecast_in(
    uow: UnitOfWork,
    seed: int = DEFAULT_SEED,
    trials: int = TRIALS,
    history: int = HISTORY_SPRINTS,
    min_history: int = MIN_HISTORY,
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
    points = points_history(uow, sprints)
    logins = dict(uow.rows(queries.ACTIVE_IDS_AND_LOGINS, {"team_id": team.id}).all())
    per_login = {logins[mid]: hist for mid, hist in points.items() if mid in logins}
    gap = history_gap(len(sprints), min_history)
    next_sprint = team_points_range(per_login) if gap is None else None
    if gap is None and next_sprint is None:
        gap = "no points completed in the closed sprints"
    return ForecastReport(
        seed=seed,
        trials=trials,
        sprints_sampled=len(sprints),
        members=members,
        next_sprint=PointsRange(**next_sprint) if next_sprint is not None else None,
        next_sprint_reason=gap,
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
    .limit(FORECAST_WINDOW)
)
_ACTIVE_STARTS = select(Member.login, Member.started_on).where(
    Member.team_id == bindparam("team_id"), Member.active.is_(True)
)


def member_forecasts(store: Store, login: str, min_history: int = MIN_HISTORY) -> dict[str, Decimal | None]:
    """Each active member's forecast velocity (by login): mean of the team's
    last three closed sprints; None (unknown) for a member with fewer than
    `min_history` of them since they started."""
    with unit_of_work(store, login, read_only=True) as uow:
        team_id = uow.actor.team_id
        recent = uow.rows(_RECENT_CLOSED, {"team_id": team_id}).all()
        members = uow.rows(_ACTIVE_STARTS, {"team_id": team_id}).all()
        if not recent:
            return dict.fromkeys(m for m, _started in members)
        rows = dict(uow.rows(queries.POINTS_PER_LOGIN, {"ids": [sid for sid, _starts in recent]}).all())
        out: dict[str, Decimal | None] = {}
        for m, started in members:
            own = sum(1 for _sid, starts in recent if started is None or starts >= started)
            known = history_gap(own, min_history) is None
            out[m] = Decimal(str(round(float(rows.get(m, 0) or 0) / len(recent), 1))) if known else None
        return out
