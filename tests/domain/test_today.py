"""The rules of Today: the share of the working day gone, "by now" figures checked by
hand, and the days a stale task can be moved to."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from salessprint.domain.errors import InvalidInput
from salessprint.domain.today import (
    day_share,
    days_late,
    local_clock,
    next_monday,
    reschedule_day,
    should_be_by_now,
    stale_before,
)

THURSDAY = date(2026, 11, 26)


def test_the_day_share_runs_from_nine_to_five() -> None:
    assert day_share(time(8, 0)) == 0
    assert day_share(time(9, 0)) == 0
    assert day_share(time(13, 0)) == Decimal("0.5")
    assert day_share(time(17, 0)) == 1
    assert day_share(time(22, 0)) == 1
    # 25 calls a day at 14:00: 25 × 5/8 = 15.625 → 15.6; at 10:30: 25 × 1.5/8 = 4.6875 → 4.7.
    assert should_be_by_now(25, time(14, 0)) == Decimal("15.6")
    assert should_be_by_now(25, time(10, 30)) == Decimal("4.7")


def test_named_days_and_dates_for_a_reschedule() -> None:
    assert reschedule_day("today", THURSDAY) == THURSDAY
    assert reschedule_day(" Tomorrow ", THURSDAY) == date(2026, 11, 27)
    assert reschedule_day("next  monday", THURSDAY) == date(2026, 11, 30)
    assert next_monday(date(2026, 11, 30)) == date(2026, 12, 7)  # on a Monday: a week on
    assert reschedule_day("2026-12-10", THURSDAY) == date(2026, 12, 10)
    with pytest.raises(InvalidInput, match="in the past"):
        reschedule_day("2026-11-01", THURSDAY)
    with pytest.raises(InvalidInput, match="not a real date"):
        reschedule_day("2026-02-30", THURSDAY)
    with pytest.raises(InvalidInput, match="Say which day"):
        reschedule_day("  ", THURSDAY)


def test_late_and_stale_days() -> None:
    assert days_late(date(2026, 11, 23), THURSDAY) == 3
    assert days_late(THURSDAY, THURSDAY) == 0
    assert days_late(date(2026, 11, 30), THURSDAY) == 0  # not due yet
    assert stale_before(THURSDAY) == THURSDAY  # a day or more late: due before today


def test_the_clock_is_the_teams() -> None:
    # 10:30 UTC is 11:30 in Berlin and 02:30 in Los Angeles.
    moment = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
    assert local_clock(moment, "Europe/Berlin") == time(11, 30)
    assert local_clock(moment, "America/Los_Angeles") == time(2, 30)
