"""Velocity on the story: completed points per closed sprint, per rep and for the team."""

from __future__ import annotations

from decimal import Decimal

from salessprint.services.reports.velocity import velocity
from salessprint.store.db import Store
from tests.services.reports.sql import statements
from tests.services.reports.story import three_sprints_and_a_newcomer


def test_velocity_per_rep_and_team(story: Store) -> None:
    v = velocity(story, "rita", min_history=1)
    assert [(s.number, s.velocity, s.by_member) for s in v.sprints] == [(1, 4, {"rita": 3, "rob": 1})]
    assert v.forecast == Decimal("4.0") and v.forecast_reason is None
    assert v.forecast_by_member == {"rita": Decimal("3.0"), "rob": Decimal("1.0")}


def test_velocity_forecast_with_too_little_history_is_unknown(story: Store) -> None:
    v = velocity(story, "rita")
    assert [s.number for s in v.sprints] == [1]
    assert (v.forecast, v.forecast_reason) == (None, "1 closed sprint; a forecast needs 3")
    assert v.forecast_by_member == {"rita": None, "rob": None}
    assert v.to_json()["forecast"] is None


def test_velocity_aggregates_only_the_newest_sprints(story: Store) -> None:
    sql = statements(story, lambda: velocity(story, "max", last=3))
    aggregate = next(s for s in sql if "sum(CASE" in s)
    assert "sprints.id IN (SELECT sprints.id FROM sprints" in aggregate and "LIMIT" in aggregate


def test_a_member_with_too_few_sprints_since_starting_has_an_unknown_forecast(team_store: Store) -> None:
    three_sprints_and_a_newcomer(team_store)
    v = velocity(team_store, "max")
    assert [s.velocity for s in v.sprints] == [2, 3, 3]
    assert (v.forecast, v.forecast_reason) == (Decimal("2.7"), None)  # 8 / 3
    assert v.forecast_by_member == {"rita": Decimal("2.0"), "rob": None}
    assert v.forecast_by_member_reason == {"rob": "2 closed sprints; a forecast needs 3"}
    # --history 2: the mean of the last two sprints.
    assert velocity(team_store, "max", history=2).forecast == Decimal("3.0")
