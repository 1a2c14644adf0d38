"""Coaching flags per rep (managers only), and the figures they are drawn
from, which the 1:1 agenda and the rep detail read too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from salessprint.domain import clock
from salessprint.domain.calendar import period_range
from salessprint.domain.coaching import FALLING_RUN, RepFigures, flags_for
from salessprint.domain.enums import Period
from salessprint.domain.metrics import attainment, period_label, periods_in_range
from salessprint.domain.permissions import Action
from salessprint.services.reports._shared import (
    FlagLine,
    Rep,
    Report,
    Rotting,
    closed_sprints,
    points_history,
    quota_ramps,
    reps,
    revenue_quota,
    revenue_targets,
    rotting_counts,
    rotting_in,
    won_by_member,
    won_per_month,
)
from salessprint.services.reports.activity import MemberActivity, activity_in
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store.db import Store


class MemberFlags(Report):
    login: str
    name: str
    flags: list[FlagLine]


class CoachingReport(Report):
    date: date
    """Today."""
    quota_period: str
    """The month whose quota is checked (last month)."""
    rotting_days: int
    members: list[MemberFlags]
    flagged: list[str]
    """Logins of the members with at least one flag."""


@dataclass(frozen=True)
class CoachingFigures:
    """What the coaching rules read, and what was read on the way."""

    figures: list[RepFigures]
    activity: dict[str, MemberActivity]
    """This week's activity by login."""
    quota_period: str
    history: dict[int, list[int]]
    """Completed points per member id per closed sprint, oldest first."""
    rotting: Rotting | None
    """The rotting deals of the one rep asked for (None for several)."""


def coaching_figures(uow: UnitOfWork, members: Sequence[Rep]) -> CoachingFigures:
    team = uow.team()
    today = clock.team_today(team.timezone)
    ids = [m.id for m in members]
    q_lo, q_hi = quota_month(today)
    won = won_by_member(uow, ids, q_lo, q_hi) if ids else {}
    targets = revenue_targets(uow, ids, q_hi)
    ramps = quota_ramps(uow, ids)
    # The last FALLING_RUN + 1 ended months, for "attainment falling three months running".
    trend_months = _months_back(q_lo, FALLING_RUN + 1)
    monthly = _won_per_month(uow, ids, trend_months[0][0], q_hi)
    week = period_range(Period.WEEK, today, team.week_start)
    activity = {row.login: row for row in activity_in(uow, members, *week)}
    history = points_history(uow, closed_sprints(uow))
    # One rep (rep detail, 1:1): their rotting deals are listed, and the list
    # carries the count; a team gets the counts in one GROUP BY.
    rotting_one = rotting_in(uow, [members[0].id]) if len(members) == 1 else None
    if rotting_one is not None:
        rotting = {members[0].id: rotting_one.count}
        listed = {members[0].id: [(d.id, d.title, d.days_in_stage) for d in rotting_one.deals]}
    else:
        rotting = rotting_counts(uow, ids) if ids else {}
        listed = {}
    quota_period = period_label(Period.MONTH, q_lo)
    figures = []
    for m in members:
        quota = revenue_quota(targets.get(m.id, []), q_lo, q_hi, Period.MONTH, team.week_start, ramps.get(m.id))
        attainments = [
            (
                period_label(Period.MONTH, lo),
                attainment(
                    monthly.get((m.id, lo.year, lo.month), Decimal(0)),
                    revenue_quota(targets.get(m.id, []), lo, hi, Period.MONTH, team.week_start, ramps.get(m.id)),
                ),
            )
            for lo, hi in trend_months
        ]
        # Flag a rep whose activity as a whole is behind pace this week (one slow
        # kind balanced by others is not a coaching matter); name the slow kinds.
        mine = activity[m.login]
        behind = (
            []
            if mine.pacing is None or mine.pacing.status != "behind"
            else [
                (kind, f.done, f.expected_by_now)
                for kind, f in mine.activities.items()
                if f.pace == "behind" and f.expected_by_now is not None
            ]
        )
        figures.append(
            RepFigures(
                login=m.login,
                name=m.name,
                started_on=m.started_on,
                quota=quota,
                won_value=won.get(m.id, (Decimal("0.00"), 0))[0],
                quota_period=quota_period,
                activity_behind=behind,
                velocities=history.get(m.id, []),
                rotting=listed.get(m.id, []),
                rotting_count=rotting.get(m.id, 0),
                attainments=attainments,
                currency=team.currency,
            )
        )
    return CoachingFigures(figures, activity, quota_period, history, rotting_one)


def quota_month(today: date) -> tuple[date, date]:
    """The month whose quota is checked: last month."""
    return period_range(Period.MONTH, today.replace(day=1) - timedelta(days=1))


def won_months(today: date) -> tuple[date, date]:
    """The whole months whose won deals the flags read: the last FALLING_RUN + 1
    ended months, for "attainment falling three months running" (the last of
    them is the quota month)."""
    q_lo, q_hi = quota_month(today)
    return _months_back(q_lo, FALLING_RUN + 1)[0][0], q_hi


def _months_back(last_month_start: date, count: int) -> list[tuple[date, date]]:
    """The `count` whole months ending with the one starting on `last_month_start`, oldest first."""
    first = last_month_start
    for _ in range(count - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return periods_in_range(Period.MONTH, first, period_range(Period.MONTH, last_month_start)[1])


def _won_per_month(uow: UnitOfWork, ids: list[int], start: date, end: date) -> dict[tuple[int, int, int], Decimal]:
    """Won value per (member id, year, month) in [start, end] (one GROUP BY)."""
    return {key: value for key, (value, _n) in won_per_month(uow, ids, start, end).items()}


def coaching(store: Store, login: str) -> CoachingReport:
    """Coaching flags per rep (managers only)."""
    with unit_of_work(store, login, read_only=True) as uow:
        uow.require(Action.COACHING)
        return coaching_in(uow)


def coaching_in(uow: UnitOfWork) -> CoachingReport:
    team = uow.team()
    figures = coaching_figures(uow, reps(uow))
    today = clock.team_today(team.timezone)
    from salessprint.services.reports.sales_forecast import pushed_flag_lines

    pushed = pushed_flag_lines(uow)  # deals whose expected close was pushed 3+ times
    members = [
        MemberFlags(login=f.login, name=f.name, flags=flag_lines(f, today, team.rotting_days) + pushed.get(f.login, []))
        for f in figures.figures
    ]
    return CoachingReport(
        date=today,
        quota_period=figures.quota_period,
        rotting_days=team.rotting_days,
        members=members,
        flagged=[m.login for m in members if m.flags],
    )


def flag_lines(figures: RepFigures, today: date, rotting_days: int) -> list[FlagLine]:
    return [FlagLine(code=f.code, message=f.message) for f in flags_for(figures, today, rotting_days)]
