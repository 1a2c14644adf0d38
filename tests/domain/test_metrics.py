"""The manager's figures against hand-computed cases (domain/metrics.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salessprint.domain.enums import Period
from salessprint.domain.errors import InvalidInput
from salessprint.domain.metrics import (
    Ramp,
    TargetChange,
    attainment,
    attainment_trend,
    average,
    consistent_periods,
    expected_by_now,
    ideal_line,
    money,
    pace,
    parse_ramp,
    percent,
    period_label,
    periods_in_range,
    pipeline_velocity,
    quota_for_range,
    quota_in_force,
    ramp_of,
    ramp_text,
    target_in_force,
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


# --- the quota in force per period (issue 12) ----------------------------------

MID_YEAR = [
    TargetChange(Period.MONTH, date(2026, 1, 1), Decimal(10000)),
    TargetChange(Period.MONTH, date(2026, 7, 1), Decimal(20000)),
]


def test_a_year_that_spans_a_change_of_quota_is_the_sum_of_its_parts() -> None:
    # 6 months at 10,000 and 6 at 20,000; the quota at the year's end (20,000)
    # must not be applied to January.
    assert quota_in_force(MID_YEAR, date(2026, 1, 1), date(2026, 12, 31)) == Decimal("180000.00")
    assert quota_in_force(MID_YEAR, date(2026, 1, 1), date(2026, 1, 31)) == Decimal("10000.00")
    assert quota_in_force(MID_YEAR, date(2026, 7, 1), date(2026, 7, 31)) == Decimal("20000.00")
    assert quota_in_force(MID_YEAR, date(2026, 4, 1), date(2026, 9, 30)) == Decimal("90000.00")


def test_a_target_starting_mid_month_counts_pro_rata_from_its_first_day() -> None:
    targets = [MID_YEAR[0], TargetChange(Period.MONTH, date(2026, 7, 15), Decimal(20000))]
    # July 2026 has 23 working days; 1-14 July holds 10 of them.
    # 10,000 x 10/23 + 20,000 x 13/23 = 360,000 / 23 = 15,652.17
    assert quota_in_force(targets, date(2026, 7, 1), date(2026, 7, 31)) == Decimal("15652.17")
    assert quota_in_force(targets, date(2026, 7, 15), date(2026, 7, 31)) == Decimal("11304.35")  # 20,000 x 13/23


def test_days_before_the_first_target_carry_no_quota() -> None:
    first_in_july = [MID_YEAR[1]]
    assert quota_in_force(first_in_july, date(2026, 1, 1), date(2026, 12, 31)) == Decimal("120000.00")
    assert quota_in_force(first_in_july, date(2026, 1, 1), date(2026, 6, 30)) is None
    assert quota_in_force([], date(2026, 1, 1), date(2026, 1, 31)) is None


def test_the_preferred_period_wins_on_each_day_else_the_shortest() -> None:
    targets = [
        TargetChange(Period.QUARTER, date(2026, 1, 1), Decimal(30000)),
        TargetChange(Period.MONTH, date(2026, 2, 1), Decimal(12000)),
    ]
    # January: only the quarterly target (January's 22 of Q1's 64 working days).
    assert quota_in_force(targets, date(2026, 1, 1), date(2026, 1, 31)) == Decimal("10312.50")
    # From February the monthly target is the shorter one.
    assert quota_in_force(targets, date(2026, 1, 1), date(2026, 3, 31)) == Decimal("34312.50")
    # Asking for the quarter prefers the quarterly target wherever it is in force.
    assert quota_in_force(targets, date(2026, 1, 1), date(2026, 3, 31), Period.QUARTER) == Decimal("30000.00")


amounts = st.decimals(min_value=0, max_value=10**6, places=2)
periods = st.sampled_from([Period.DAY, Period.WEEK, Period.MONTH, Period.QUARTER])


@given(amounts, periods, st.dates(date(2025, 1, 1), date(2027, 12, 31)), st.integers(0, 200))
def test_a_constant_target_gives_the_old_quota(amount: Decimal, period: Period, start: date, days: int) -> None:
    end = date.fromordinal(start.toordinal() + days)
    constant = [TargetChange(period, date(2024, 1, 1), amount)]
    assert quota_in_force(constant, start, end) == quota_for_range(amount, period, start, end)


@given(
    st.lists(st.tuples(periods, st.dates(date(2025, 6, 1), date(2027, 6, 30)), amounts), min_size=1, max_size=4),
    st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    st.integers(1, 400),
    st.data(),
)
def test_splitting_a_range_at_any_day_gives_parts_that_sum_to_the_whole(
    rows: list[tuple[Period, date, Decimal]], start: date, days: int, data: st.DataObject
) -> None:
    targets = [TargetChange(p, eff, a) for p, eff, a in rows]
    end = date.fromordinal(start.toordinal() + days)
    cut = data.draw(st.integers(1, days))
    split = date.fromordinal(start.toordinal() + cut)  # the second part starts here
    before = date.fromordinal(split.toordinal() - 1)
    whole = quota_in_force(targets, start, end)
    left, right = quota_in_force(targets, start, before), quota_in_force(targets, split, end)
    if whole is None:
        assert left is None and right is None
        return
    parts = (left or Decimal(0)) + (right or Decimal(0))
    # Each part is rounded to the cent once.
    assert abs(parts - whole) <= Decimal("0.01")


def test_any_target_sums_over_the_spans_it_is_in_force_before_rounding() -> None:
    calls = [
        TargetChange(Period.WEEK, date(2026, 1, 1), Decimal(10)),
        TargetChange(Period.DAY, date(2026, 11, 18), Decimal(3)),
    ]
    # Mon 16 and Tue 17 at 10/5 a day, Wed 18 - Fri 20 at the daily 3 (the shorter period): 4 + 9
    assert target_in_force(calls, date(2026, 11, 16), date(2026, 11, 22)) == Decimal(13)
    assert target_in_force(calls, date(2026, 11, 16), date(2026, 11, 16)) == Decimal(2)


def test_consistency_tells_a_steady_rep_from_a_falling_one() -> None:
    steady = [Decimal(90), Decimal(90), Decimal(90)]
    falling = [Decimal(150), Decimal(120), Decimal("89.9")]
    assert (consistent_periods(steady), attainment_trend(steady)) == (3, "steady")
    assert (consistent_periods(falling), attainment_trend(falling)) == (2, "falling")
    assert attainment_trend([Decimal(50), Decimal(80), Decimal(100)]) == "rising"
    assert attainment_trend([Decimal(50), Decimal(80), Decimal(60)]) == "mixed"
    # Only the last three count: 70 -> 100 -> 90 -> 80 is falling.
    assert attainment_trend([Decimal(70), Decimal(100), Decimal(90), Decimal(80)]) == "falling"
    assert attainment_trend([Decimal(100)]) is None and consistent_periods([]) == 0


def test_expected_exact_is_expected_by_now_before_rounding() -> None:
    # 10 over the 5 working days of 23-27 November 2026; on Thursday 26th, 3 are finished: 6
    # exactly; 13 over them gives 7.8 exactly, and 7 over them 4.2
    from salessprint.domain.metrics import expected_exact

    week = (date(2026, 11, 23), date(2026, 11, 27), date(2026, 11, 26))
    assert expected_exact(Decimal(10), *week) == Decimal(6)
    assert expected_exact(Decimal("12.5"), *week) == Decimal("7.5")
    assert expected_by_now(Decimal("12.5"), *week) == Decimal("7.5")
    assert expected_exact(Decimal(1), date(2026, 11, 23), date(2026, 11, 25), date(2026, 11, 24)) == Decimal(1) / 3


def test_a_steady_rep_wobbles_within_five_points() -> None:
    # 90, 92, 89: within 5 points of each other, steady (not "mixed").
    assert attainment_trend([Decimal(90), Decimal(92), Decimal(89)]) == "steady"
    # 96, 93, 90: a 6-point slide is falling.
    assert attainment_trend([Decimal(96), Decimal(93), Decimal(90)]) == "falling"


MONTHLY = [TargetChange(Period.MONTH, date(2026, 1, 1), Decimal(10000))]


def test_a_ramp_gives_each_step_its_share_of_full_quota() -> None:
    # Started 1 January, 25/50/75/100 % by quarter of tenure, 10,000 a month.
    ramp = Ramp(date(2026, 1, 1), parse_ramp("25,50,75,100"))
    quotas = [
        quota_in_force(MONTHLY, lo, hi, Period.MONTH, ramp=ramp)
        for lo, hi in periods_in_range(Period.MONTH, date(2026, 1, 1), date(2026, 12, 31))
    ]
    assert quotas == [Decimal(q) for q in ["2500.00"] * 3 + ["5000.00"] * 3 + ["7500.00"] * 3 + ["10000.00"] * 3]
    # The year: 3 x 2,500 + 3 x 5,000 + 3 x 7,500 + 3 x 10,000 = 75,000 (not 120,000).
    assert quota_in_force(MONTHLY, date(2026, 1, 1), date(2026, 12, 31), ramp=ramp) == Decimal("75000.00")
    assert [ramp.percent_on(d) for d in (date(2026, 3, 31), date(2026, 4, 1), date(2027, 1, 1))] == [25, 50, 100]


def test_a_ramp_step_that_starts_mid_month_counts_pro_rata() -> None:
    # Started Thu 15 January: steps start 15 Jan, 15 Apr, 15 Jul, 15 Oct.
    ramp = Ramp(date(2026, 1, 15), parse_ramp("25,50,75"))
    assert ramp.step_starts() == [date(2026, 1, 15), date(2026, 4, 15), date(2026, 7, 15), date(2026, 10, 15)]
    # January: 22 working days, none before the start, 12 from 15 Jan at 25 %:
    # 10,000 x 12/22 x 0.25 = 1,363.64.
    assert quota_in_force(MONTHLY, date(2026, 1, 1), date(2026, 1, 31), ramp=ramp) == Decimal("1363.64")
    # April: 22 working days, 10 before 15 April at 25 %, 12 from it at 50 %:
    # 10,000 x (10 x 0.25 + 12 x 0.5) / 22 = 3,863.64.
    assert quota_in_force(MONTHLY, date(2026, 4, 1), date(2026, 4, 30), ramp=ramp) == Decimal("3863.64")
    # The two halves of April add up to the month.
    first = quota_in_force(MONTHLY, date(2026, 4, 1), date(2026, 4, 14), ramp=ramp)
    second = quota_in_force(MONTHLY, date(2026, 4, 15), date(2026, 4, 30), ramp=ramp)
    assert (first, second) == (Decimal("1136.36"), Decimal("2727.27"))


def test_a_ramp_and_a_change_of_target_in_one_month() -> None:
    # 10,000 until 14 July, 20,000 from 15 July (10 and 13 of July's 23 working
    # days); the ramp's 50 % step ends and 75 % begins on 1 July:
    # 10,000 x 10/23 x 0.75 + 20,000 x 13/23 x 0.75 = 11,739.13.
    targets = [*MONTHLY, TargetChange(Period.MONTH, date(2026, 7, 15), Decimal(20000))]
    ramp = Ramp(date(2026, 1, 1), parse_ramp("25,50,75"))
    assert quota_in_force(targets, date(2026, 7, 1), date(2026, 7, 31), ramp=ramp) == Decimal("11739.13")


def test_ramp_steps_as_a_manager_types_them() -> None:
    assert parse_ramp("25, 50%, 75, 100") == (Decimal(25), Decimal(50), Decimal(75))
    assert parse_ramp("0,12.5,50") == (Decimal(0), Decimal("12.5"), Decimal(50))
    assert parse_ramp("off") == () and parse_ramp("100") == ()
    assert ramp_text(parse_ramp("25,50,75")) == "25,50,75,100" and ramp_text(()) == "off"
    for bad in ("25,150", "-5", "abc", "12.55", "nan", ","):
        with pytest.raises(InvalidInput):
            parse_ramp(bad)


def test_a_reps_own_ramp_wins_over_the_teams() -> None:
    start = date(2026, 3, 2)
    team = ramp_of(start, None, None, "25,50,75", 3)
    assert team == Ramp(start, (Decimal(25), Decimal(50), Decimal(75)), 3)
    assert ramp_of(start, "50", 1, "25,50,75", 3) == Ramp(start, (Decimal(50),), 1)
    assert ramp_of(start, "off", None, "25,50,75", 3) is None  # an experienced hire: full quota
    assert ramp_of(None, None, None, "25,50,75", 3) is None  # no start date: nothing to count from
    assert ramp_of(start, None, None, None, None) is None
