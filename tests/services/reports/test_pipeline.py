"""The pipeline report on the story: win rate, cycle, weighted value, velocity, rotting deals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salessprint.services.deals import list_deals
from salessprint.services.reports.coaching import coaching
from salessprint.services.reports.pipeline import pipeline
from salessprint.store.db import Store
from tests.services.reports.sql import statements


def test_pipeline(story: Store) -> None:
    p = pipeline(story, "rita", start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert (p.won_deals, p.lost_deals, p.win_rate) == (1, 1, Decimal("50.0"))
    assert p.average_won_value == Decimal("3000.00")
    assert p.average_cycle_days == Decimal("17.0")  # 2 -> 19 November
    assert (p.open_deals, p.open_value) == (3, Decimal("7500.50"))
    assert p.weighted_value == Decimal("4000.30")  # 60 % of 6,500.50 + 10 % of 1,000
    assert p.qualified_open_deals == 2
    assert p.pipeline_velocity == Decimal("176.47")  # 2 x 50 % x 3,000 / 17
    # Beta and Gamma have sat in their stage since 2 November (over 21 days).
    assert p.rotting.count == 2 and p.rotting.value == Decimal("3500.50")
    assert [d.title for d in p.rotting.deals] == ["Beta", "Gamma"]
    assert p.rotting.deals[0].days_in_stage == 24


def test_pipeline_with_zero_lost_deals(story: Store) -> None:
    p = pipeline(story, "rita", start=date(2026, 11, 19), end=date(2026, 11, 19))
    assert (p.won_deals, p.lost_deals, p.win_rate) == (1, 0, Decimal("100.0"))


def test_pipeline_on_an_empty_team(empty_team: Store) -> None:
    p = pipeline(empty_team, "max")
    assert (p.won_deals, p.win_rate, p.average_cycle_days, p.pipeline_velocity) == (0, None, None, None)
    assert p.open_value == Decimal("0.00") and p.weighted_value == Decimal("0.00")


def test_open_deals_are_found_by_their_missing_close_date(story: Store) -> None:
    for call in (
        lambda: pipeline(story, "max"),
        lambda: coaching(story, "max"),
        lambda: list_deals(story, "max", open_only=True, limit=10),
    ):
        # every read of deals by stage kind, but for won deals closed in a range
        open_reads = [
            s
            for s in statements(story, call)
            if "stages.kind = " in s and "FROM deals" in s and "closed_on >=" not in s
        ]
        assert open_reads and all("deals.closed_on IS NULL" in s for s in open_reads), open_reads
