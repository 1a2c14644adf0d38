"""The forecast on the story: seeded Monte Carlo over the closed sprints, checked by hand."""

from __future__ import annotations

from decimal import Decimal

from salessprint.services.reports.forecast import PointsRange, QuotaChance, forecast, member_forecasts
from salessprint.store.db import Store
from tests.services.reports.sql import statements


def test_forecast_is_seeded_and_hand_checkable(story: Store) -> None:
    f = forecast(story, "rita", seed=3, trials=500)
    assert f == forecast(story, "rita", seed=3, trials=500)
    rita = next(m for m in f.members if m.login == "rita")
    # 3,000 won + 0.6 of one sprint's 3,000 cannot reach 10,000 this month.
    assert rita.month == QuotaChance(
        period="2026-11", won_value=Decimal("3000.00"), quota=Decimal("10000.00"), chance=Decimal("0.0")
    )
    assert rita.quarter.quota == Decimal("30000.00")
    rob = next(m for m in f.members if m.login == "rob")
    assert rob.month.chance is None
    # rita completed 3 points, rob 1: every trial gives 4.
    assert f.next_sprint == PointsRange(p50=4, p85=4, p95=4)


def test_forecast_on_an_empty_team(empty_team: Store) -> None:
    f = forecast(empty_team, "max", trials=100)
    assert f.next_sprint is None and f.sprints_sampled == 0
    assert all(m.month.chance is None for m in f.members)


def test_member_forecasts_are_the_mean_of_the_last_three_closed_sprints(story: Store) -> None:
    # one closed sprint: rita completed 3 points, rob 1 (T4); ada and max none
    assert member_forecasts(story, "max") == {
        "ada": Decimal("0.0"),
        "max": Decimal("0.0"),
        "rita": Decimal("3.0"),
        "rob": Decimal("1.0"),
    }


def test_forecast_reads_only_the_sampled_sprints_won_deals(story: Store) -> None:
    sql = statements(story, lambda: forecast(story, "max", trials=10))
    per_sprint = next(s for s in sql if "GROUP BY deals.owner_id, deals.closed_on" in s)
    assert "deals.closed_on >=" in per_sprint and "sprints" not in per_sprint
