"""The team's sprint calendar: weeks, sprint windows, working days, periods.

Sprints are whole weeks starting on the team's week start (Monday by default).
Working days are Monday to Friday.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from dateutil.rrule import FR, MO, TH, TU, WE

from salessprint.domain.enums import Period
from salessprint.domain.errors import InvalidInput

WORKDAYS = (MO, TU, WE, TH, FR)


def week_start_on_or_before(day: date, week_start: int = 0) -> date:
    """The first day of the week holding `day` (week_start: 0=Monday .. 6=Sunday)."""
    return day - timedelta(days=(day.weekday() - week_start) % 7)


def week_start_on_or_after(day: date, week_start: int = 0) -> date:
    return day + timedelta(days=(week_start - day.weekday()) % 7)


def sprint_window(starts_on: date, length_weeks: int = 1) -> tuple[date, date]:
    """First and last day (inclusive) of a sprint starting on `starts_on`."""
    if length_weeks < 1:
        raise InvalidInput("A sprint lasts at least one week.", field="length_weeks")
    return starts_on, starts_on + timedelta(days=7 * length_weeks - 1)


def next_sprint_start(today: date, week_start: int = 0, last_end: date | None = None) -> date:
    """Where the next sprint begins: the day after the last one, else this week."""
    if last_end is not None:
        return last_end + timedelta(days=1)
    return week_start_on_or_before(today, week_start)


def working_days(start: date, end: date) -> list[date]:
    """Monday-to-Friday days from start to end, both inclusive."""
    return list(_working_days(start, end))


@lru_cache(maxsize=4096)
def _working_days(start: date, end: date) -> tuple[date, ...]:
    # Reports call this per member and activity kind: rrule made a quarter's
    # activity report take seconds on 50 reps (benchmarks, issue 7).
    if end < start:
        return ()
    days = (start + timedelta(days=i) for i in range((end - start).days + 1))
    return tuple(d for d in days if d.weekday() < 5)


def period_range(period: Period, day: date, week_start: int = 0) -> tuple[date, date]:
    """The day, week, month or quarter holding `day`, inclusive bounds."""
    if period is Period.DAY:
        return day, day
    if period is Period.WEEK:
        start = week_start_on_or_before(day, week_start)
        return start, start + timedelta(days=6)
    return _month_or_quarter(period is Period.QUARTER, day.year, day.month)


@lru_cache(maxsize=512)
def _month_or_quarter(quarter: bool, year: int, month: int) -> tuple[date, date]:
    # Plain date arithmetic, cached: quotas are prorated per working day and
    # relativedelta made the attainment report spend 25 ms of Python per call
    # on 50 reps (benchmarks, issue 7).
    first = 3 * ((month - 1) // 3) + 1 if quarter else month
    last = first + 2 if quarter else first
    start = date(year, first, 1)
    return start, date(year, last, monthrange(year, last)[1])


def target_for_range(amount: float, period: Period, start: date, end: date, week_start: int = 0) -> float:
    """A per-period target scaled to a date range, pro rata over working days.

    25 calls a day over a Monday-Friday week is 125; a monthly quota over half
    the month's working days is half the quota.
    """
    total = 0.0
    for days_in_period in _period_sizes(period, start, end, week_start):
        total += amount / days_in_period
    return total


@lru_cache(maxsize=1024)
def _period_sizes(period: Period, start: date, end: date, week_start: int) -> tuple[int, ...]:
    """For each working day of the range, the working days of its period."""
    return tuple(
        max(1, len(_working_days(*period_range(period, day, week_start)))) for day in _working_days(start, end)
    )


def elapsed_fraction(start: date, end: date, today: date) -> float:
    """How much of a range's working time has passed by the end of `today`."""
    days = working_days(start, end)
    if not days:
        return 1.0
    done = sum(1 for d in days if d <= today)
    return done / len(days)


def parse_date(raw: str, field: str = "date") -> date:
    """Parse YYYY-MM-DD strictly; an impossible date says so plainly."""
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(
            f"'{raw}' is not a real date; write it as YYYY-MM-DD (e.g. 2026-03-31).",
            field=field,
        ) from None


def utc_bounds(start: date, end: date, tz_name: str = "UTC") -> tuple[datetime, datetime]:
    """[start 00:00, day after end 00:00) in the team's timezone, as UTC."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(tz_name)
    lo = datetime.combine(start, time.min, tzinfo=tz).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return lo, hi
