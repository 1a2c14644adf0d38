"""The daily update on the story: activities against the day's share, deals touched, tasks done."""

from __future__ import annotations

from datetime import date

import pytest

from benchmarks.queries import recording
from salessprint.domain.errors import PermissionDenied
from salessprint.services.reports.daily import daily
from salessprint.store.db import Store


def test_daily_report(story: Store) -> None:
    text = daily(story, "rita", day=date(2026, 11, 24))
    assert "Daily update — Rita Rep, Tuesday 2026-11-24" in text
    assert "- call: 5 / 2 ✓" in text
    assert "- #1 Alpha (Proposal)" in text
    assert "Done today: no tasks finished." in text
    assert "T5" in daily(story, "max", "rita", date(2026, 11, 25))


def test_another_reps_daily_is_for_managers(story: Store) -> None:
    with pytest.raises(PermissionDenied):
        daily(story, "rita", "rob")


def test_daily_on_an_empty_team(empty_team: Store) -> None:
    assert "none logged" in daily(empty_team, "rob")


def test_daily_plans_on_sqlite_do_not_walk_the_team(story: Store) -> None:
    """The rep's tasks come from their assignee index and the touched deals by id,
    not from every task or deal of the team in rank order."""
    if story.backend != "sqlite":
        pytest.skip("SQLite's planner")
    with recording(story.engine) as seen:
        daily(story, "rita", day=date(2026, 11, 24))
    with story.engine.connect() as conn:
        for st in seen:
            plan = [r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {st.sql}", st.params)]
            assert not any("ix_deals_team_rank" in p or "ix_tasks_team_rank" in p for p in plan), (st.sql, plan)


def test_a_days_share_of_half_an_activity_rounds_up(team_store: Store) -> None:
    """11 calls a month over October 2026's 22 working days is exactly half a call a day:
    the day's target is 1 (half up), not 'no target' (Python's round(0.5) is 0)."""
    from decimal import Decimal

    from tests.services.reports.story import set_targets

    set_targets(team_store, "rita", [("calls", "month", Decimal(11))])
    assert "- call: 0 / 1" in daily(team_store, "rita", day=date(2026, 10, 14))
