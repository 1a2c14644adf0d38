"""Quota attainment: won value against quota per rep for a range, and the
same per month and per quarter inside it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field

from salessprint.domain import clock
from salessprint.domain.calendar import period_range
from salessprint.domain.enums import Period
from salessprint.domain.metrics import (
    TREND_PERIODS,
    attainment_trend,
    consistent_periods,
    money,
    period_label,
    periods_in_range,
    target_in_force,
)
from salessprint.domain.metrics import attainment as attainment_pct
from salessprint.services.reports._shared import (
    Report,
    check_range,
    quota_ramps,
    reps,
    revenue_quota,
    revenue_targets,
    won_by_member,
    won_per_month,
)
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store.db import Store


class PeriodAttainment(Report):
    """One month or quarter of a rep, inside the report's range."""

    period: str
    """e.g. 2026-11 or 2026-Q4."""
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    won_value: Decimal
    won_deals: int
    quota: Decimal | None
    """None: no revenue target."""
    attainment: Decimal | None
    """Won value / quota, in %."""


class RecentMonth(Report):
    """One ended month's attainment, for the trend."""

    period: str
    attainment: Decimal


class Consistency(Report):
    """How steadily a rep makes quota, over the whole months of the range that have ended."""

    months: int
    """Ended whole months of the range with a quota."""
    at_or_above_90: int
    """Of those, the months at or above 90 % of quota."""
    trend: str | None
    """Attainment over the last three of those months: steady (within 5 points of each other), else falling,
    rising or mixed (None with fewer than two)."""
    recent: list[RecentMonth] = Field(default_factory=list)
    """The last three of those months, oldest first: what the trend reads."""


class MemberAttainment(Report):
    login: str
    name: str
    won_value: Decimal
    won_deals: int
    quota: Decimal | None
    """The quota for the whole range; None: no revenue target."""
    attainment: Decimal | None
    """In %."""
    months: list[PeriodAttainment]
    quarters: list[PeriodAttainment]
    consistency: Consistency | None = None


class TeamAttainment(Report):
    won_value: Decimal
    won_deals: int
    quota: Decimal | None
    """Sum of the reps' quotas; None when nobody has one."""
    attainment: Decimal | None


class AttainmentReport(Report):
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    currency: str
    members: list[MemberAttainment]
    team: TeamAttainment


def attainment(
    store: Store, login: str, *, start: date | None = None, end: date | None = None, member: str | None = None
) -> AttainmentReport:
    """Won value against quota per rep for a range (default: this month),
    plus the same per month and per quarter inside the range."""
    with unit_of_work(store, login, read_only=True) as uow:
        start, end = check_range(start, end, period_range(Period.MONTH, clock.team_today(uow.team().timezone)))
        return attainment_in(uow, start, end, member)


def attainment_in(uow: UnitOfWork, start: date, end: date, member: str | None = None) -> AttainmentReport:
    team = uow.team()
    members = reps(uow, member)
    ids = [m.id for m in members]
    won = won_by_member(uow, ids, start, end) if ids else {}
    targets = revenue_targets(uow, ids, end)
    ramps = quota_ramps(uow, ids)
    monthly = won_per_month(uow, ids, start, end)

    def bucket(mid: int, period: Period, lo: date, hi: date) -> PeriodAttainment:
        value, count = Decimal("0.00"), 0
        for y, mo in _months_between(lo, hi):
            v, n = monthly.get((mid, y, mo), (Decimal(0), 0))
            value, count = value + v, count + n
        quota = revenue_quota(targets.get(mid, []), lo, hi, period, team.week_start, ramps.get(mid))
        return PeriodAttainment(
            period=period_label(period, lo),
            start=lo,
            end=hi,
            won_value=money(value),
            won_deals=count,
            quota=quota,
            attainment=attainment_pct(
                value, target_in_force(targets.get(mid, []), lo, hi, period, team.week_start, ramps.get(mid))
            ),
        )

    today = clock.team_today(team.timezone)
    out = []
    team_value, team_deals, team_quota = Decimal(0), 0, Decimal(0)
    for m in members:
        value, count = won.get(m.id, (Decimal("0.00"), 0))
        quota = revenue_quota(targets.get(m.id, []), start, end, None, team.week_start, ramps.get(m.id))
        team_value += value
        team_deals += count
        team_quota += target_in_force(targets.get(m.id, []), start, end, None, team.week_start, ramps.get(m.id)) or 0
        months = [bucket(m.id, Period.MONTH, lo, hi) for lo, hi in periods_in_range(Period.MONTH, start, end)]
        out.append(
            MemberAttainment(
                login=m.login,
                name=m.name,
                won_value=value,
                won_deals=count,
                quota=quota,
                attainment=attainment_pct(
                    value, target_in_force(targets.get(m.id, []), start, end, None, team.week_start, ramps.get(m.id))
                ),
                months=months,
                quarters=[
                    bucket(m.id, Period.QUARTER, lo, hi) for lo, hi in periods_in_range(Period.QUARTER, start, end)
                ],
                consistency=_consistency(months, today),
            )
        )
    return AttainmentReport(
        start=start,
        end=end,
        currency=team.currency,
        members=out,
        team=TeamAttainment(
            won_value=money(team_value),
            won_deals=team_deals,
            quota=money(team_quota) if team_quota else None,
            attainment=attainment_pct(team_value, team_quota or None),
        ),
    )


def _months_between(lo: date, hi: date) -> set[tuple[int, int]]:
    return {(lo2.year, lo2.month) for lo2, _ in periods_in_range(Period.MONTH, lo, hi)}


def _consistency(months: list[PeriodAttainment], today: date) -> Consistency:
    """Consistency over the whole months that have ended (a running month would read as a fall)."""
    ended = [
        (p.period, p.attainment)
        for p in months
        if p.attainment is not None and (p.start, p.end) == period_range(Period.MONTH, p.start) and p.end < today
    ]
    values = [a for _p, a in ended]
    return Consistency(
        months=len(ended),
        at_or_above_90=consistent_periods(values),
        trend=attainment_trend(values),
        recent=[RecentMonth(period=p, attainment=a) for p, a in ended[-TREND_PERIODS:]],
    )
