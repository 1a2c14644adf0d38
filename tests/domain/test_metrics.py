"""The manager's figures against hand-computed cases (domain/metrics.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from salessprint.domain.enums import Period
from salessprint.domain.metrics import (
    attainment,
    average,
    expected_by_now,
    ideal_line,
    money,
    pace,
    percent,
    period_label,
    periods_in_range,
    pipeline_velocity,
    quota_for_range,
    weighted,
    win_rate,
)


def test_money_rounds_half_up_to_the_cent() -> None:
    assert money(Decimal("1.005")) == Decimal("1.01")
    assert money(None) == Decimal("0.00")
    assert str(money(3)) == "3.00"


def test_quota_for_a_whole_month_is_the_quota() -> None:
    assert quota_for_range(Decimal(60000), Period.MONTH, date(2026, 11, 1), date(2026, 11, 30)) == Decimal("60000.00")


def test_quota_pro_rata_over_working_days() -> None:
    # November 2026 has 21 working days; 2-13 November holds 10 of them.
    assert quota_for_range(Decimal(60000), Period.MONTH, date(2026, 11, 2), date(2026, 11, 13)) == Decimal("28571.43")


def test_quota_over_two_months_adds_both_shares() -> None:
    # All of November (21 days) plus 1-4 December (4 of December's 23 working days).
    q = quota_for_range(Decimal(23000), Period.MONTH, date(2026, 11, 1), date(2026, 12, 4))
    assert q == Decimal("27000.00")


def test_quota_for_an_empty_range_is_zero() -> None:
    assert quota_for_range(Decimal(100), Period.MONTH, date(2026, 11, 5), date(2026, 11, 1)) == Decimal("0.00")
    # A weekend holds no working day.
    assert quota_for_range(Decimal(100), Period.MONTH, date(2026, 11, 28), date(2026, 11, 29)) == Decimal("0.00")


def test_attainment_in_percent_and_without_quota() -> None:
    assert attainment(Decimal("45000.00"), Decimal("60000.00")) == Decimal("75.0")
    assert attainment(Decimal("90000"), Decimal("60000")) == Decimal("150.0")
    assert attainment(Decimal("5"), None) is None
    assert attainment(Decimal("5"), Decimal("0")) is None


def test_periods_in_range_and_labels() -> None:
    months = periods_in_range(Period.MONTH, date(2026, 10, 15), date(2026, 12, 3))
    assert months == [
        (date(2026, 10, 15), date(2026, 10, 31)),
        (date(2026, 11, 1), date(2026, 11, 30)),
        (date(2026, 12, 1), date(2026, 12, 3)),
    ]
    assert [period_label(Period.MONTH, lo) for lo, _ in months] == ["2026-10", "2026-11", "2026-12"]
    quarters = periods_in_range(Period.QUARTER, date(2026, 9, 1), date(2026, 11, 30))
    assert [period_label(Period.QUARTER, lo) for lo, _ in quarters] == ["2026-Q3", "2026-Q4"]


def test_expected_by_now_counts_finished_working_days() -> None:
    # Week of 23 November 2026, today Thursday the 26th: Mon-Wed are finished, 3 of 5.
    assert expected_by_now(60, date(2026, 11, 23), date(2026, 11, 29), date(2026, 11, 26)) == Decimal("36.0")
    assert expected_by_now(60, date(2026, 11, 23), date(2026, 11, 29), date(2026, 11, 23)) == Decimal("0.0")
    assert expected_by_now(60, date(2026, 11, 23), date(2026, 11, 29), date(2026, 12, 1)) == Decimal("60.0")
    assert expected_by_now(60, date(2026, 11, 28), date(2026, 11, 29), date(2026, 12, 1)) == Decimal("0")


def test_pace_bands() -> None:
    assert pace(40, Decimal(36)) == "ahead"  # above 39.6
    assert pace(33, Decimal(36)) == "on pace"  # 32.4 .. 39.6
    assert pace(32, Decimal(36)) == "behind"
    assert pace(0, 0) == "on pace"
    assert pace(1, 0) == "ahead"


def test_ideal_line() -> None:
    assert ideal_line(20, 5) == [Decimal(16), Decimal(12), Decimal(8), Decimal(4), Decimal(0)]
    assert ideal_line(10, 3) == [Decimal("6.7"), Decimal("3.3"), Decimal("0.0")]
    assert ideal_line(0, 3) == [Decimal(0), Decimal(0), Decimal(0)]
    assert ideal_line(7, 1) == [Decimal(0)]
    assert ideal_line(7, 0) == []


def test_win_rate_zero_lost_and_nothing_closed() -> None:
    assert win_rate(3, 0) == Decimal("100.0")
    assert win_rate(1, 3) == Decimal("25.0")
    assert win_rate(0, 4) == Decimal("0.0")
    assert win_rate(0, 0) is None


def test_average_and_weighted() -> None:
    assert average(Decimal("100.00"), 3) == Decimal("33.33")
    assert average(Decimal(0), 0) is None
    assert average(95, 2, Decimal("0.1")) == Decimal("47.5")
    # 10,000 at 25 % plus 2,000 at 60 % = 2,500 + 1,200
    assert weighted(Decimal(10000 * 25 + 2000 * 60)) == Decimal("3700.00")


def test_pipeline_velocity_money_per_day() -> None:
    # 10 qualified deals x 25 % x 40,000 / 50 days = 2,000 a day
    assert pipeline_velocity(10, Decimal("25.0"), Decimal("40000.00"), Decimal("50")) == Decimal("2000.00")
    assert pipeline_velocity(10, None, Decimal(1), Decimal(1)) is None
    assert pipeline_velocity(10, Decimal(50), None, Decimal(1)) is None
    assert pipeline_velocity(10, Decimal(50), Decimal(1), Decimal(0)) is None
    assert pipeline_velocity(0, Decimal(50), Decimal(100), Decimal(10)) == Decimal("0.00")


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_percent_is_bounded_by_its_parts(part: int, whole: int) -> None:
    value = percent(part, whole)
    assert value is not None
    assert abs(value - Decimal(part) * 100 / whole) <= Decimal("0.05")


@given(st.dates(date(2025, 1, 1), date(2027, 12, 31)), st.integers(0, 120))
def test_quota_never_exceeds_the_periods_covered(start: date, days: int) -> None:
    end = date.fromordinal(start.toordinal() + days)
    q = quota_for_range(Decimal(1000), Period.MONTH, start, end)
    assert Decimal(0) <= q <= Decimal(1000) * len(periods_in_range(Period.MONTH, start, end))


def test_quota_shares_are_worked_out_once_per_range() -> None:
    """Attainment prorates every rep's quota over the same ranges: the
    working-day shares are computed once (they cost 25 ms on 50 reps)."""
    from salessprint.domain.metrics import _period_shares

    _period_shares.cache_clear()
    for amount in (1000, 2000, 3000):
        quota_for_range(Decimal(amount), Period.MONTH, date(2026, 11, 1), date(2026, 12, 31))
    assert _period_shares.cache_info().misses == 1


def test_month_and_quarter_bounds_match_calendar_arithmetic() -> None:
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta

    from salessprint.domain.calendar import period_range

    day = date(2023, 12, 1)
    while day < date(2025, 3, 1):
        month = day.replace(day=1)
        quarter = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        assert period_range(Period.MONTH, day) == (month, month + relativedelta(months=1, days=-1))
        assert period_range(Period.QUARTER, day) == (quarter, quarter + relativedelta(months=3, days=-1))
        day += timedelta(days=1)
