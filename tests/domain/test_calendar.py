from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salessprint.domain.calendar import (
    elapsed_fraction,
    next_sprint_start,
    parse_date,
    period_range,
    sprint_window,
    target_for_range,
    utc_bounds,
    week_start_on_or_before,
    working_days,
)
from salessprint.domain.enums import Period
from salessprint.domain.errors import InvalidInput

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(days, st.integers(0, 6))
def test_week_start_is_the_right_weekday_within_the_last_week(day: date, week_start: int) -> None:
    start = week_start_on_or_before(day, week_start)
    assert start.weekday() == week_start
    assert 0 <= (day - start).days < 7


@given(days, st.integers(1, 4))
def test_sprint_window_is_whole_weeks(start: date, weeks: int) -> None:
    first, last = sprint_window(start, weeks)
    assert first == start
    assert (last - first).days + 1 == 7 * weeks


@given(days, st.integers(1, 3))
def test_consecutive_sprints_neither_overlap_nor_leave_gaps(start: date, weeks: int) -> None:
    _, end = sprint_window(start, weeks)
    nxt = next_sprint_start(start, 0, last_end=end)
    assert nxt == end + timedelta(days=1)


def test_first_sprint_starts_this_week_on_monday() -> None:
    assert next_sprint_start(date(2026, 11, 26)) == date(2026, 11, 23)


@given(days, days)
def test_working_days_are_weekdays_inside_the_range(a: date, b: date) -> None:
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days > 400:
        hi = lo + timedelta(days=400)
    result = working_days(lo, hi)
    assert all(d.weekday() < 5 and lo <= d <= hi for d in result)
    assert len(result) == sum(1 for i in range((hi - lo).days + 1) if (lo + timedelta(i)).weekday() < 5)


@given(days, st.sampled_from(list(Period)))
def test_period_range_holds_the_day(day: date, period: Period) -> None:
    lo, hi = period_range(period, day)
    assert lo <= day <= hi


def test_quarter_and_month_bounds() -> None:
    assert period_range(Period.QUARTER, date(2026, 11, 26)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_range(Period.MONTH, date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))


def test_targets_scale_pro_rata() -> None:
    week = (date(2026, 11, 23), date(2026, 11, 29))
    assert target_for_range(25, Period.DAY, *week) == pytest.approx(125)
    assert target_for_range(5, Period.WEEK, *week) == pytest.approx(5)
    month = period_range(Period.MONTH, date(2026, 11, 1))
    assert target_for_range(60000, Period.MONTH, *month) == pytest.approx(60000)


def test_elapsed_fraction_counts_working_days() -> None:
    assert elapsed_fraction(date(2026, 11, 23), date(2026, 11, 29), date(2026, 11, 25)) == pytest.approx(0.6)


def test_impossible_date_is_refused_plainly() -> None:
    with pytest.raises(InvalidInput, match="not a real date"):
        parse_date("2026-02-31")


def test_utc_bounds_follow_the_team_timezone() -> None:
    lo, hi = utc_bounds(date(2026, 7, 1), date(2026, 7, 1), "Europe/Berlin")
    assert lo.isoformat() == "2026-06-30T22:00:00+00:00"
    assert hi.isoformat() == "2026-07-01T22:00:00+00:00"
