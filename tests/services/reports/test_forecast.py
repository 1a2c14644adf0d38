"""The forecast on the story: seeded Monte Carlo over the closed sprints, checked by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from salessprint.domain.errors import InvalidInput
from salessprint.services.reports.forecast import (
    DoneBy,
    PointsByDate,
    PointsRange,
    QuotaChance,
    WhenDone,
    forecast,
    member_forecasts,
)
from salessprint.store.db import Store
from tests.services.reports.sql import statements
from tests.services.reports.story import quota_changes, ramp_for_rita, three_sprints_and_a_newcomer


def test_forecast_is_seeded_and_hand_checkable(story: Store) -> None:
    f = forecast(story, "rita", seed=3, trials=500, min_history=1)
    assert f == forecast(story, "rita", seed=3, trials=500, min_history=1)
    rita = next(m for m in f.members if m.login == "rita")
    # 3,000 won + 0.6 of one sprint's 3,000 cannot reach 10,000 this month.
    assert rita.month == QuotaChance(
        period="2026-11", won_value=Decimal("3000.00"), quota=Decimal("10000.00"), chance=Decimal("0.0")
    )
    assert rita.quarter.quota == Decimal("30000.00")
    rob = next(m for m in f.members if m.login == "rob")
    assert rob.month.chance is None and rob.month.reason == "no revenue target"
    # rita completed 3 points, rob 1: every trial gives 4.
    assert f.next_sprint == PointsRange(p50=4, p85=4, p95=4)


def test_forecast_on_an_empty_team(empty_team: Store) -> None:
    f = forecast(empty_team, "max", trials=100)
    assert f.next_sprint is None and f.sprints_sampled == 0
    assert all(m.month.chance is None for m in f.members)


def test_forecast_with_too_little_history_is_unknown_with_the_reason(story: Store) -> None:
    # The story has one closed sprint: a forecast needs 3 (the default).
    f = forecast(story, "rita", seed=3, trials=500)
    rita = next(m for m in f.members if m.login == "rita")
    assert rita.month == QuotaChance(
        period="2026-11",
        won_value=Decimal("3000.00"),
        quota=Decimal("10000.00"),
        chance=None,
        reason="1 closed sprint; a forecast needs 3",
    )
    assert f.next_sprint is None and f.next_sprint_reason == "1 closed sprint; a forecast needs 3"
    assert f.to_json()["members"][0]["month"]["chance"] is None
    assert set(member_forecasts(story, "max").values()) == {None}


def test_forecast_history_window_chooses_the_sprints_sampled(story: Store) -> None:
    assert forecast(story, "rita", trials=10, history=1, min_history=1).sprints_sampled == 1


def test_member_forecasts_are_the_mean_of_the_last_three_closed_sprints(story: Store) -> None:
    # one closed sprint: rita completed 3 points, rob 1 (T4); ada and max none
    assert member_forecasts(story, "max", min_history=1) == {
        "ada": Decimal("0.0"),
        "max": Decimal("0.0"),
        "rita": Decimal("3.0"),
        "rob": Decimal("1.0"),
    }


def test_forecast_reads_only_the_sampled_sprints_won_deals(story: Store) -> None:
    sql = statements(story, lambda: forecast(story, "max", trials=10))
    per_sprint = next(s for s in sql if "GROUP BY deals.owner_id, deals.closed_on" in s)
    assert "deals.closed_on >=" in per_sprint and "sprints" not in per_sprint


def test_forecast_quota_changing_mid_month_and_a_rep_without_history(team_store: Store) -> None:
    # 10,000/month, 20,000 from 16 November (10 of November's 21 working days before it).
    quota_changes(
        team_store,
        [("2026-01-01", "10000"), ("2026-11-16", "20000")],
        [(datetime(2026, 11, 18, 10, tzinfo=UTC), "4000")],
    )
    f = forecast(team_store, "max", trials=100)
    rita = next(m for m in f.members if m.login == "rita")
    # 10,000 x 10/21 + 20,000 x 11/21 = 15,238.10 (not 20,000); Q4: 10,000 + that + 20,000.
    assert rita.month.quota == Decimal("15238.10")
    assert rita.quarter.quota == Decimal("45238.10")
    # No closed sprint: not a 0 % chance, unknown.
    assert (rita.month.chance, rita.month.reason) == (None, "0 closed sprints; a forecast needs 3")
    assert rita.quarter.chance is None and rita.to_json()["quarter"]["reason"] == "0 closed sprints; a forecast needs 3"
    assert f.next_sprint is None and f.next_sprint_reason == "0 closed sprints; a forecast needs 3"


def test_planning_forecast_of_a_newcomer_is_unknown(team_store: Store) -> None:
    three_sprints_and_a_newcomer(team_store)
    # rita: 6 points over 3 sprints; rob started before only two of them.
    assert member_forecasts(team_store, "max") == {
        "ada": Decimal("0.0"),
        "max": Decimal("0.0"),
        "rita": Decimal("2.0"),
        "rob": None,
    }
    f = forecast(team_store, "max", trials=100)
    assert f.next_sprint is not None and f.next_sprint_reason is None


def test_points_by_date_and_when_done_on_the_story(story: Store) -> None:
    # One closed sprint of 4 points (rita 3, rob 1), weekly sprints of 5 working days.
    f = forecast(story, "max", trials=500, min_history=1, by_date=date(2026, 12, 10), when_done_items=3)
    # Thu 26 Nov to Thu 10 Dec: 11 working days, 2.2 sprints, 8.8 points: at least 8.
    assert f.by_date == PointsByDate(
        date=date(2026, 12, 10), working_days=11, sprints=Decimal("2.20"), points=PointsRange(p50=8, p85=8, p95=8)
    )
    # The top 3 backlog items: deals Alpha and Beta (no points) and task T2 (5 points).
    # 5 points at 4 a sprint: 1.25 sprints, 6.25 days, so the 7th working day, Fri 4 Dec.
    dec4 = date(2026, 12, 4)
    assert f.when_done == WhenDone(items=3, points=5, unestimated=2, done_by=DoneBy(p50=dec4, p85=dec4, p95=dec4))
    assert f.to_json()["when_done"]["done_by"]["p85"] == "2026-12-04"
    # 12 points: exactly 3 sprints, the 15th working day.
    by_points = forecast(story, "max", trials=100, min_history=1, when_done_points=12).when_done
    assert by_points is not None and by_points.done_by == DoneBy(
        p50=date(2026, 12, 16), p85=date(2026, 12, 16), p95=date(2026, 12, 16)
    )


def test_points_by_date_and_when_done_know_what_they_do_not_know(story: Store) -> None:
    f = forecast(story, "max", trials=100, by_date=date(2026, 12, 10), when_done_items=3)
    assert f.by_date is not None and f.by_date.points is None
    assert f.by_date.reason == "1 closed sprint; a forecast needs 3"
    assert f.when_done is not None and f.when_done.done_by is None
    assert f.when_done.reason == "1 closed sprint; a forecast needs 3"
    assert f.to_json()["by_date"]["points"] is None
    plain = forecast(story, "max", trials=10)
    assert plain.by_date is None and plain.when_done is None


def test_points_by_date_refuses_the_past_and_two_slices(story: Store) -> None:
    with pytest.raises(InvalidInput, match="in the past"):
        forecast(story, "max", trials=10, by_date=date(2026, 11, 25))
    with pytest.raises(InvalidInput, match="five years"):
        forecast(story, "max", trials=10, by_date=date(2040, 1, 1))
    with pytest.raises(InvalidInput, match="not both"):
        forecast(story, "max", trials=10, when_done_items=3, when_done_points=4)


def test_forecast_with_a_ramp_and_a_quota_change_mid_year(team_store: Store) -> None:
    # Rita starts 1 October on a monthly 25/50/75/100 % ramp; 10,000/month,
    # 20,000 from 16 November (10 of November's 21 working days before it).
    ramp_for_rita(team_store, date(2026, 10, 1), "25,50,75", 1)
    quota_changes(
        team_store,
        [("2026-01-01", "10000"), ("2026-11-16", "20000")],
        [(datetime(2026, 11, 18, 10, tzinfo=UTC), "4000")],
    )
    rita = next(m for m in forecast(team_store, "max", trials=100).members if m.login == "rita")
    # November at 50 %: (10,000 x 10/21 + 20,000 x 11/21) x 0.5 = 7,619.05.
    assert rita.month.quota == Decimal("7619.05")
    # Q4: October 25 % of 10,000 + November + December 75 % of 20,000.
    assert rita.quarter.quota == Decimal("25119.05")


def test_members_forecasts_together_are_rounded_once() -> None:
    """Planning's team forecast adds the exact means, not rounded parts: three
    reps at 41/4, 81/4 and 87/4 points (10.25, 20.25, 21.75) forecast 52.3 together,
    where 10.3 + 20.3 + 21.8 would say 52.4; each part rounds half up (10.25 → 10.3;
    float's round(10.25, 1) gave 10.2)."""
    from salessprint.services.reports.forecast import MemberForecasts

    f = MemberForecasts(
        history=4, min_history=3, by_login={}, reasons={}, points={"a": 41, "b": 81, "c": 87}, averaged=4
    )
    assert f.total(["a", "b", "c"]) == Decimal("52.3")
    assert f.total(["a"]) == Decimal("10.3")
    assert MemberForecasts(history=3, min_history=3, by_login={}, reasons={}).total(["a"]) is None
