"""The rules of a rep's Today screen: what is late, what is stale, where one
should be by now in the day, and the days a stale task can be moved to.

"By now" inside a day: a day's activity target is spread evenly over the
working hours (WORKDAY_START to WORKDAY_END, team time); before the start
nothing is due yet, after the end all of it. The week's pace (whole days)
stays `domain.metrics.expected_exact`; this is the same rule inside today.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from salessprint.domain.calendar import parse_date
from salessprint.domain.errors import InvalidInput
from salessprint.domain.text import counted

STALE_DAYS = 1
"""A task is stale once it is this many days past its due date."""
WORKDAY_START = time(9, 0)
WORKDAY_END = time(17, 0)
"""The working hours a day's activity target is spread over (the team's time)."""
TENTH = Decimal("0.1")

RESCHEDULE_CHOICES = ("today", "tomorrow", "next monday")
"""The named days a stale task can be moved to (or a date, YYYY-MM-DD)."""


def days_late(due_on: date, today: date) -> int:
    """Whole days past the due date (0: due today or later)."""
    return max(0, (today - due_on).days)


def late_words(days: int) -> str:
    """ "today", "1 day late", "12 days late"."""
    return "today" if days == 0 else f"{counted(days, 'day')} late"


def stale_before(today: date) -> date:
    """Tasks due before this day are stale."""
    return today - timedelta(days=STALE_DAYS - 1)


def day_share(moment: time) -> Decimal:
    """How much of the working day has passed at `moment` (0 to 1)."""
    start = WORKDAY_START.hour * 60 + WORKDAY_START.minute
    end = WORKDAY_END.hour * 60 + WORKDAY_END.minute
    now = moment.hour * 60 + moment.minute
    if now <= start:
        return Decimal(0)
    if now >= end:
        return Decimal(1)
    return Decimal(now - start) / Decimal(end - start)


def should_be_by_now(day_target: Decimal | int, moment: time) -> Decimal:
    """Activities of a day's target due by `moment`, to a tenth (half up)."""
    return (Decimal(day_target) * day_share(moment)).quantize(TENTH, rounding=ROUND_HALF_UP)


def next_monday(today: date) -> date:
    """The first Monday after today (a week on, when today is a Monday)."""
    return today + timedelta(days=7 - today.weekday())


def reschedule_day(choice: str, today: date) -> date:
    """The day a reschedule means: today, tomorrow, next monday, or a date
    (YYYY-MM-DD, not before today)."""
    word = " ".join(choice.strip().lower().split())
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if word in ("next monday", "monday"):
        return next_monday(today)
    if not word:
        raise InvalidInput("Say which day: today, tomorrow, next monday or a date like 2026-12-07.", field="day")
    day = parse_date(word, field="day")
    if day < today:
        raise InvalidInput(
            f"{day.isoformat()} is in the past; pick today ({today.isoformat()}) or a later day.", field="day"
        )
    return day


def local_clock(moment: datetime, timezone: str) -> time:
    """The team's wall-clock time of `moment`."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(timezone)).time()
