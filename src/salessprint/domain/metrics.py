"""The manager's figures, defined once: attainment, pacing, burndown, pipeline.

The services fetch sums and counts with SQL aggregates; the arithmetic that
turns those sums into the reported figures lives here, so the SQL, the CLI,
the dashboard and the review agree on one definition and the tests can check
each figure against a hand-computed case.

Money is `Decimal` to the cent; ratios are percentages with one decimal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import pairwise

from dateutil.relativedelta import relativedelta

from salessprint.domain.calendar import period_range, working_days
from salessprint.domain.enums import Period
from salessprint.domain.errors import InvalidInput

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
PACE_BAND = Decimal("0.10")
"""Within ±10 % of where a rep should be by now counts as on pace."""

NEW_REP_DAYS = 90
"""A rep in their first 90 days is flagged for coaching."""


def money(value: Decimal | int | float | str | None) -> Decimal:
    """A money amount rounded half-up to the cent (None is zero)."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part: Decimal | int | float, whole: Decimal | int | float | None) -> Decimal | None:
    """part / whole in percent, one decimal; None when there is no whole."""
    if whole is None or Decimal(str(whole)) == 0:
        return None
    ratio = Decimal(str(part)) * 100 / Decimal(str(whole))
    return ratio.quantize(TENTH, rounding=ROUND_HALF_UP)


# --- quota and attainment ---------------------------------------------------


def quota_for_range(amount: Decimal, period: Period, start: date, end: date, week_start: int = 0) -> Decimal:
    """A quota per period scaled to [start, end] by working days, to the cent.

    A whole period gives exactly the amount; a month's quota over half of the
    month's working days gives half of it.
    """
    return money(_exact_quota(amount, period, start, end, week_start))


def _exact_quota(amount: Decimal, period: Period, start: date, end: date, week_start: int) -> Decimal:
    """`quota_for_range` before rounding (so parts of a range add up exactly)."""
    if end < start:
        return Decimal(0)
    total = Decimal(0)
    for days, whole in _period_shares(period, start, end, week_start):
        total += Decimal(amount) * days / whole
    return total


@dataclass(frozen=True, slots=True)
class TargetChange:
    """One revenue target of a rep: `amount` per `period`, in force from
    `effective_from` until a newer target of the same period starts."""

    period: Period
    effective_from: date
    amount: Decimal


QUOTA_PERIODS = (Period.DAY, Period.WEEK, Period.MONTH, Period.QUARTER)
"""Without a preferred period, the shortest period's target in force is the quota."""


RAMP_STEP_MONTHS = 3
"""A ramp step lasts a quarter of the rep's tenure unless the team says otherwise."""
RAMP_MAX_STEPS = 24


@dataclass(frozen=True, slots=True)
class Ramp:
    """A new rep's share of full quota, step by step from their start date.

    Step k (0-based) runs from `started_on` + k x `months` months until the
    next step starts; after the last step the rep carries the full quota.
    Days before `started_on` carry no quota (the rep was not on the team).
    25/50/75/100 % by quarter for a rep who starts on 15 January: 25 % from
    15 January, 50 % from 15 April, 75 % from 15 July, full from 15 October.
    """

    started_on: date
    percents: tuple[Decimal, ...]
    months: int = RAMP_STEP_MONTHS

    def step_starts(self) -> list[date]:
        """The first day of each step, and the day full quota begins."""
        return [self.started_on + relativedelta(months=self.months * k) for k in range(len(self.percents) + 1)]

    def share(self, day: date) -> Decimal:
        """The share of full quota (0 to 1) the rep carries on `day`."""
        if day < self.started_on:
            return Decimal(0)
        for percent_, begins in zip(self.percents, self.step_starts()[1:], strict=True):
            if day < begins:
                return percent_ / 100
        return Decimal(1)

    def percent_on(self, day: date) -> Decimal:
        """`share` in percent (one decimal), for display."""
        return (self.share(day) * 100).quantize(TENTH, rounding=ROUND_HALF_UP)


def parse_ramp(text: str) -> tuple[Decimal, ...]:
    """'25,50,75,100' as the steps of a ramp, each a whole or decimal percent
    from 0 to 100; 'off' (or 'none', '100') is no ramp: full quota from day one."""
    raw = text.strip().lower()
    if raw in ("off", "none", ""):
        return ()
    parts = [p.strip().rstrip("%").strip() for p in raw.split(",")]
    steps: list[Decimal] = []
    for part in parts:
        try:
            value = Decimal(part)
        except ArithmeticError:
            value = Decimal(-1)
        if not value.is_finite() or not 0 <= value <= 100 or value != value.quantize(TENTH):
            raise InvalidInput(
                f"'{part}' is not a ramp step: give percents of full quota from 0 to 100, like 25,50,75,100.",
                field="ramp",
            )
        steps.append(value.quantize(Decimal(1)) if value == value.to_integral_value() else value.quantize(TENTH))
    if len(steps) > RAMP_MAX_STEPS:
        raise InvalidInput(f"A ramp has at most {RAMP_MAX_STEPS} steps.", field="ramp")
    while steps and steps[-1] == 100:  # full quota after the last step anyway
        steps.pop()
    return tuple(steps)


def ramp_text(steps: Sequence[Decimal]) -> str:
    """The steps as a user types them ('25,50,75,100'); 'off' for none."""
    return ",".join(f"{s:f}" for s in (*steps, Decimal(100))) if steps else "off"


def ramp_of(
    started_on: date | None,
    own: str | None,
    own_months: int | None,
    team: str | None,
    team_months: int | None,
) -> Ramp | None:
    """A rep's ramp: their own when set (a stored 'off' means none), else the
    team's; None without a start date or with no steps below 100 %."""
    text, months = (own, own_months) if own is not None else (team, team_months)
    if started_on is None or not text:
        return None
    steps = parse_ramp(text)
    return Ramp(started_on, steps, months or RAMP_STEP_MONTHS) if steps else None


def quota_in_force(
    targets: Sequence[TargetChange],
    start: date,
    end: date,
    prefer: Period | None = None,
    week_start: int = 0,
    ramp: Ramp | None = None,
) -> Decimal | None:
    """The quota for [start, end] as the sum over the spans where each target
    is in force, to the cent; None when no target is in force on any day.

    On each day the quota is the preferred period's target in force that day
    if there is one, else the shortest period's. A day's share of a target is
    the target over the working days of its period (a month of 20 working
    days gives 1/20 of a monthly quota per working day).

    A target that starts mid-month counts pro rata from its first day: the
    old target covers the month's working days before it, the new one the
    working days from it on. 10,000/month until 14 July 2026 (10 of July's 23
    working days) and 20,000 from 15 July gives July 10,000 x 10/23 + 20,000 x
    13/23 = 15,652.17. A day before a rep's first target carries no quota.
    Splitting a range at any day gives parts that add up to the whole (each
    part rounded to the cent).

    A ramp scales each day by the rep's share of full quota that day, pro rata
    in the same way when a ramp step starts mid-month.
    """
    exact = target_in_force(targets, start, end, prefer, week_start, ramp)
    return None if exact is None else money(exact)


def target_in_force(
    targets: Sequence[TargetChange],
    start: date,
    end: date,
    prefer: Period | None = None,
    week_start: int = 0,
    ramp: Ramp | None = None,
) -> Decimal | None:
    """`quota_in_force` before rounding: any target (calls, meetings, ...)
    summed over the spans where each is in force (scaled by `ramp`, when
    given); None when none is."""
    if end < start:
        return Decimal(0) if targets else None
    order = ([prefer] if prefer else []) + [p for p in QUOTA_PERIODS if p is not prefer]
    cuts = {t.effective_from for t in targets if start < t.effective_from <= end} | {start}
    if ramp is not None:
        cuts |= {d for d in [ramp.started_on, *ramp.step_starts()] if start < d <= end}
    starts = sorted(cuts)
    total, known = Decimal(0), False
    for i, lo in enumerate(starts):
        hi = starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else end
        chosen = _in_force(targets, lo, order)
        if chosen is not None:
            known = True
            part = _exact_quota(chosen.amount, chosen.period, lo, hi, week_start)
            total += part if ramp is None else part * ramp.share(lo)
    return total if known else None


def _in_force(targets: Sequence[TargetChange], day: date, order: Sequence[Period]) -> TargetChange | None:
    """The newest target of the first period in `order` that has one in force on `day`."""
    for period in order:
        newest: TargetChange | None = None
        for t in targets:
            if (
                t.period is period
                and t.effective_from <= day
                and (newest is None or t.effective_from > newest.effective_from)
            ):
                newest = t
        if newest is not None:
            return newest
    return None


@lru_cache(maxsize=1024)
def _period_shares(period: Period, start: date, end: date, week_start: int) -> tuple[tuple[int, int], ...]:
    """For each period overlapping [start, end]: (its working days inside the
    range, all its working days), in calendar order. Cached: a report asks
    the same ranges for every rep."""
    share: dict[tuple[date, date], int] = {}
    for day in working_days(start, end):
        bounds = period_range(period, day, week_start)
        share[bounds] = share.get(bounds, 0) + 1
    return tuple((days, max(1, len(working_days(*bounds)))) for bounds, days in share.items())


def attainment(won_value: Decimal, quota: Decimal | None) -> Decimal | None:
    """Quota attainment in percent (won value / quota); None without a quota."""
    if quota is None or quota == 0:
        return None
    return percent(won_value, quota)


CONSISTENT_AT = Decimal(90)
"""A period at or above 90 % of quota counts as a consistent one."""


def consistent_periods(attainments: Sequence[Decimal]) -> int:
    """How many of the periods' attainments (in %) are at or above 90 % of quota."""
    return sum(1 for a in attainments if a >= CONSISTENT_AT)


STEADY_BAND = Decimal(5)
"""Attainments within 5 percentage points of each other read as steady."""
TREND_PERIODS = 3
"""The trend reads the last three periods."""


def attainment_trend(attainments_oldest_first: Sequence[Decimal], last: int = TREND_PERIODS) -> str | None:
    """The direction of the last `last` periods' attainment: 'steady' (all
    within 5 points of each other), else 'falling' (each lower than the one
    before), 'rising' (each higher) or 'mixed'; None with fewer than two
    periods. A rep at 90 %, 92 %, 89 % reads 'steady', a rep at 150 %,
    120 %, 95 % reads 'falling'."""
    recent = list(attainments_oldest_first[-last:])
    if len(recent) < 2:
        return None
    if max(recent) - min(recent) <= STEADY_BAND:
        return "steady"
    steps = list(pairwise(recent))
    if all(b < a for a, b in steps):
        return "falling"
    if all(b > a for a, b in steps):
        return "rising"
    return "mixed"


def period_label(period: Period, start: date) -> str:
    """'2026-11' for a month, '2026-Q4' for a quarter."""
    if period is Period.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def periods_in_range(period: Period, start: date, end: date) -> list[tuple[date, date]]:
    """The months or quarters overlapping [start, end], each clipped to it."""
    out: list[tuple[date, date]] = []
    day = start
    while day <= end:
        lo, hi = period_range(period, day)
        out.append((max(lo, start), min(hi, end)))
        day = date.fromordinal(hi.toordinal() + 1)
    return out


# --- pacing -----------------------------------------------------------------


def expected_by_now(target: float | Decimal, start: date, end: date, today: date) -> Decimal:
    """Where a rep should be by now: the target times the share of the range's
    working days already finished (days before today; today is still running)."""
    return expected_exact(target, start, end, today).quantize(TENTH, rounding=ROUND_HALF_UP)


def expected_exact(target: float | Decimal, start: date, end: date, today: date) -> Decimal:
    """`expected_by_now` before rounding (what pace is judged on)."""
    days = working_days(start, end)
    if not days:
        return Decimal(0)
    finished = sum(1 for d in days if d < today)
    return Decimal(str(target)) * finished / len(days)


def pace(done: float | Decimal, expected: float | Decimal) -> str:
    """'ahead', 'on pace' or 'behind' against where one should be by now."""
    done_d, expected_d = Decimal(str(done)), Decimal(str(expected))
    if expected_d == 0:
        return "on pace" if done_d == 0 else "ahead"
    if done_d > expected_d * (1 + PACE_BAND):
        return "ahead"
    if done_d < expected_d * (1 - PACE_BAND):
        return "behind"
    return "on pace"


# --- burndown ---------------------------------------------------------------


def ideal_line(start_points: int, days: int) -> list[Decimal]:
    """The ideal burndown at the end of each of `days` working days: from
    start_points before the first day, falling linearly to zero at the end
    of the last one."""
    if days <= 0:
        return []
    start = Decimal(start_points)
    return [(start * (days - i) / days).quantize(TENTH, rounding=ROUND_HALF_UP) for i in range(1, days + 1)]


# --- pipeline ---------------------------------------------------------------


def win_rate(won: int, lost: int) -> Decimal | None:
    """Won / (won + lost) in percent; None when nothing closed."""
    return percent(won, won + lost)


def average(total: Decimal | int, count: int, quantum: Decimal = CENT) -> Decimal | None:
    if count == 0:
        return None
    return (Decimal(total) / count).quantize(quantum, rounding=ROUND_HALF_UP)


def pipeline_velocity(
    qualified_open: int, rate_percent: Decimal | None, avg_won: Decimal | None, cycle_days: Decimal | None
) -> Decimal | None:
    """Open qualified deals × win rate × average won value / average cycle
    days: money per day. None when any factor is unknown or the cycle is 0."""
    if rate_percent is None or avg_won is None or cycle_days is None or cycle_days == 0:
        return None
    return money(Decimal(qualified_open) * rate_percent / 100 * avg_won / cycle_days)


def weighted(value_times_probability: Decimal) -> Decimal:
    """Sum of value × probability (in percent points) as money."""
    return money(Decimal(value_times_probability) / 100)
