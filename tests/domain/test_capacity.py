"""Capacity with time off: available days, capacity, velocity per available day,
the days a record stores, and the form's input."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salessprint.domain.capacity import (
    TimeOffIn,
    available_days,
    capacity,
    days_to_record,
    over_by,
    per_available_day,
)
from salessprint.domain.errors import InvalidInput
from salessprint.domain.inputs import validate

MONDAY = date(2026, 11, 30)
FRIDAY = date(2026, 12, 4)
SUNDAY = date(2026, 12, 6)


def test_hand_checked_figures() -> None:
    # Velocity 10 over a 5-day week, one day off: 10 x 4/5 = 8.
    assert available_days(MONDAY, SUNDAY, [date(2026, 12, 2)]) == 4
    assert capacity(Decimal("10"), 4, 5) == Decimal("8.0")
    # 15.7 x 4/5 = 12.56 -> 12.6; 8.3 x 3/5 = 4.98 -> 5.0; 0.25 x 1/5 = 0.05 -> 0.1 (half up, once)
    assert capacity(Decimal("15.7"), 4, 5) == Decimal("12.6")
    assert capacity(Decimal("8.3"), 3, 5) == Decimal("5.0")
    assert capacity(Decimal("0.25"), 1, 5) == Decimal("0.1")
    # A two-week sprint, a team holiday and two days off (one on the holiday): 10 - 2 = 8 days.
    away = [date(2026, 12, 24), date(2026, 12, 24), date(2026, 12, 23)]
    assert available_days(date(2026, 12, 21), date(2027, 1, 3), away) == 8
    assert capacity(Decimal("20"), 8, 10) == Decimal("16.0")
    # Committed 12 against a capacity of 8.0: 4.0 over.
    assert over_by(12, Decimal("8.0")) == Decimal("4.0")
    assert over_by(3, None) is None
    # 40 points over 25 person-days: 1.60 a day; 1 point over 3 days: 0.33.
    assert per_available_day(40, 25) == Decimal("1.60")
    assert per_available_day(1, 3) == Decimal("0.33")
    assert per_available_day(2, 3) == Decimal("0.67")
    assert per_available_day(5, 0) is None


def test_weekend_days_off_take_nothing_away() -> None:
    assert available_days(MONDAY, SUNDAY, [date(2026, 12, 5), SUNDAY]) == 5
    assert available_days(MONDAY, SUNDAY, [date(2026, 12, 9)]) == 5  # outside the sprint


def test_unknown_forecast_stays_unknown_and_no_days_is_zero() -> None:
    assert capacity(None, 3, 5) is None
    assert capacity(Decimal("12.5"), 0, 5) == Decimal("0.0")
    assert capacity(Decimal("12.5"), 3, 0) == Decimal("0.0")


def test_days_to_record_skips_weekends_and_refuses_in_plain_words() -> None:
    assert days_to_record(FRIDAY, date(2026, 12, 8)) == [FRIDAY, date(2026, 12, 7), date(2026, 12, 8)]
    assert days_to_record(MONDAY) == [MONDAY]
    with pytest.raises(InvalidInput, match="Saturday 2026-12-05 is not a working day"):
        days_to_record(date(2026, 12, 5))
    with pytest.raises(InvalidInput, match=r"ends \(2026-11-30\) before it starts \(2026-12-04\)"):
        days_to_record(FRIDAY, MONDAY)
    with pytest.raises(InvalidInput, match="at most 366 days"):
        days_to_record(MONDAY, MONDAY + timedelta(days=400))


def test_the_forms_input_speaks_plainly() -> None:
    with pytest.raises(InvalidInput) as err:
        validate(TimeOffIn, note="x")
    assert err.value.message == "Day is required"
    with pytest.raises(InvalidInput) as err:
        validate(TimeOffIn, day="2026-02-30")
    assert "'2026-02-30' is not a real date" in err.value.message
    assert validate(TimeOffIn, day=" 2026-12-01 ", note=" dentist ").note == "dentist"


forecasts = st.decimals(min_value=0, max_value=500, places=1)
counts = st.integers(min_value=0, max_value=30)


@given(forecasts, counts, counts)
def test_capacity_never_exceeds_the_forecast_nor_drops_below_zero(fc: Decimal, available: int, normal: int) -> None:
    points = capacity(fc, available, normal)
    assert points is not None and Decimal(0) <= points <= fc


@given(forecasts, st.integers(min_value=1, max_value=30))
def test_full_days_keep_the_forecast_and_none_give_zero(fc: Decimal, normal: int) -> None:
    assert capacity(fc, normal, normal) == fc
    assert capacity(fc, 0, normal) == Decimal("0.0")


@given(forecasts, st.integers(min_value=1, max_value=30), st.data())
def test_more_days_off_never_mean_more_capacity(fc: Decimal, normal: int, data: st.DataObject) -> None:
    fewer = data.draw(st.integers(min_value=0, max_value=normal))
    more = data.draw(st.integers(min_value=fewer, max_value=normal))
    low, high = capacity(fc, fewer, normal), capacity(fc, more, normal)
    assert low is not None and high is not None and low <= high


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 27), st.data())
def test_available_days_count_each_working_day_off_once(start: date, length: int, data: st.DataObject) -> None:
    end = start + timedelta(days=length)
    away = data.draw(st.lists(st.dates(min_value=start - timedelta(days=7), max_value=end + timedelta(days=7))))
    working = [start + timedelta(days=i) for i in range(length + 1) if (start + timedelta(days=i)).weekday() < 5]
    expected = len([d for d in working if d not in away])
    assert available_days(start, end, away) == expected
    assert available_days(start, end, away + away) == expected  # the same day twice (holiday and day off)
