"""The one place that knows the time, so tests and demos can freeze it.

`SALESSPRINT_NOW` (an ISO datetime) freezes the clock for a whole process,
which snapshot tests and screenshots use; `freeze()` does it in-process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, tzinfo

_frozen: datetime | None = None


def _env_now() -> datetime | None:
    raw = os.environ.get("SALESSPRINT_NOW")
    if not raw:
        return None
    value = datetime.fromisoformat(raw)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def now() -> datetime:
    """Timezone-aware UTC now (frozen when a test or the env says so)."""
    if _frozen is not None:
        return _frozen
    return _env_now() or datetime.now(UTC)


def today() -> date:
    """The UTC calendar day. For anything a team sees, use `team_today`."""
    return now().date()


def team_today(timezone: str = "UTC") -> date:
    """The team's today: the calendar day it is now in the team's time zone.

    A team in Los Angeles still lives on Monday at 18:00 local time, when UTC
    is already Tuesday; sprint days, due dates and report ranges follow it.
    """
    return team_day(now(), timezone)


def team_day(moment: datetime, timezone: str = "UTC") -> date:
    """The calendar day `moment` falls on in the team's time zone (a task done
    on Monday at 20:00 in Los Angeles was done on Monday, not on UTC's Tuesday)."""
    if timezone == "UTC":
        return moment.astimezone(UTC).date() if moment.tzinfo else moment.date()
    from zoneinfo import ZoneInfo

    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(timezone)).date()


def zone(timezone: str) -> tzinfo:
    """The team's time zone; UTC for a name this machine does not know."""
    if timezone == "UTC":
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def team_time(moment: datetime, timezone: str = "UTC") -> datetime:
    """`moment` on the team's clock (naive means UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone(timezone))


@contextmanager
def freeze(at: datetime) -> Iterator[datetime]:
    """Freeze `now()` at `at` (naive means UTC) inside the block."""
    global _frozen
    previous = _frozen
    _frozen = at if at.tzinfo else at.replace(tzinfo=UTC)
    try:
        yield _frozen
    finally:
        _frozen = previous
