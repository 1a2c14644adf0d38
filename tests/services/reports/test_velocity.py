"""Velocity on the story: completed points per closed sprint, per rep and for the team."""

from __future__ import annotations

from decimal import Decimal

from salessprint.services.reports.velocity import velocity
from salessprint.store.db import Store
from tests.services.reports.sql import statements


def test_velocity_per_rep_and_team(story: Store) -> None:
    v = velocity(story, "rita")
    assert [(s.number, s.velocity, s.by_member) for s in v.sprints] == [(1, 4, {"rita": 3, "rob": 1})]
    assert v.forecast == Decimal("4.0")
    assert v.forecast_by_member == {"rita": Decimal("3.0"), "rob": Decimal("1.0")}


def test_velocity_aggregates_only_the_newest_sprints(story: Store) -> None:
    sql = statements(story, lambda: velocity(story, "max", last=3))
    aggregate = next(s for s in sql if "sum(CASE" in s)
    assert "sprints.id IN (SELECT sprints.id FROM sprints" in aggregate and "LIMIT" in aggregate
