"""Capacity with time off: a member's available working days in a sprint and
the points they can take on, their forecast velocity scaled by those days.

Working days are Monday to Friday (domain/calendar.py). A day off or a team
holiday on a working day takes it away, once however many records name it;
one on a weekend takes nothing. Figures are computed exactly and rounded
once, half up (domain/pipeline.rounded): capacity to a tenth of a point,
velocity per available day to a hundredth.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Annotated

from pydantic import Field

from salessprint.domain.calendar import working_days
from salessprint.domain.errors import InvalidInput
from salessprint.domain.inputs import Day, Form
from salessprint.domain.pipeline import rounded

TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")
MAX_RANGE_DAYS = 366
"""The longest stretch one `time-off add --to` records (a year)."""


def available_days(start: date, end: date, away: Iterable[date]) -> int:
    """Working days from start to end (inclusive) not named in `away` (a
    member's days off and the team's holidays together)."""
    days = working_days(start, end)
    off = {d for d in away if start <= d <= end and d.weekday() < 5}
    return len(days) - len(off)


def capacity(forecast: Decimal | None, available: int, normal: int) -> Decimal | None:
    """The points a member can take on: forecast × available / normal days,
    rounded once half up to 0.1 (10 pt over 5 days, 1 day off: 8.0). None
    while the forecast is unknown; never above the forecast, never below 0."""
    if forecast is None:
        return None
    if normal <= 0 or available <= 0:
        return Decimal("0.0")
    share = Fraction(min(available, normal), normal)
    result = rounded(Fraction(forecast) * share, TENTH)
    assert result is not None
    return result


def per_available_day(points: int, days: int) -> Decimal | None:
    """Points per available working day, to a hundredth; None without a day."""
    if days <= 0:
        return None
    return rounded(Fraction(points, days), HUNDREDTH)


def over_by(committed: int, capacity_points: Decimal | None) -> Decimal | None:
    """Committed points beyond capacity (negative: room left); None while unknown."""
    if capacity_points is None:
        return None
    return Decimal(committed) - capacity_points


def stretch_end(first: date, last: date | None = None) -> date:
    """The last day of a stretch of time off (`first` alone: that day),
    refused in plain words when it runs backwards or over a year."""
    end = first if last is None else last
    if end < first:
        raise InvalidInput(f"The time off ends ({end}) before it starts ({first}).", field="last_day")
    if (end - first).days >= MAX_RANGE_DAYS:
        raise InvalidInput(
            f"Record at most {MAX_RANGE_DAYS} days at once; {first} to {end} is longer.", field="last_day"
        )
    return end


def days_to_record(first: date, last: date | None = None) -> list[date]:
    """The working days from first to last (inclusive) a day-off record
    stores; a single weekend day (or a weekend alone) is refused."""
    end = stretch_end(first, last)
    days = working_days(first, end)
    if not days:
        what = f"{first:%A} {first}" if end == first else f"{first} to {end}"
        raise InvalidInput(f"{what} is not a working day (Monday to Friday); nothing to record.", field="day")
    return days


class TimeOffIn(Form):
    """A day off (or a stretch of them to `last_day`) as a form or the command
    line gives it; `days_to_record` then checks the stretch."""

    day: Day
    last_day: Day | None = None
    member: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    note: Annotated[str, Field(max_length=200)] | None = None
