"""The sprint report on the story: items and points, and the deal sets with their values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from benchmarks.queries import recording
from salessprint.services.reports.sprint import ItemFigure, sprint_report
from salessprint.services.sprints import plan_sprint, start_sprint
from salessprint.store.db import Store
from tests.services.reports.sql import statements


def test_sprint_report_in_items_and_points(story: Store) -> None:
    r = sprint_report(story, "rita", 1)
    assert r.sprint is not None
    assert r.sprint.number == 1 and r.sprint.goal == "First sprint"
    assert r.committed == ItemFigure(items=3, points=10)
    assert r.completed == ItemFigure(items=2, points=4)
    assert r.added == ItemFigure(items=1, points=1)
    assert r.removed == ItemFigure(items=1, points=2)
    # Closed without carry-over: the unfinished item was dropped, not carried over.
    assert r.carried_over == ItemFigure(items=0, points=0)
    assert r.dropped == ItemFigure(items=1, points=5)
    assert r.not_completed == ItemFigure(items=1, points=5)
    assert r.completed_outside == ItemFigure(items=0, points=0)
    assert r.won is not None and r.advanced is not None and r.slipped is not None and r.untouched is not None
    assert (r.won.count, r.won.value) == (1, Decimal("3000.00"))
    assert [d.title for d in r.won.deals] == ["Delta"]
    assert [d.title for d in r.advanced.deals] == ["Alpha"]
    assert (r.slipped.count, r.slipped.value) == (1, Decimal("2500.50"))
    # Gamma and Epsilon (lost only in sprint 2) saw no activity and no change.
    assert [d.title for d in r.untouched.deals] == ["Gamma", "Epsilon"]
    assert r.untouched.value == Decimal("1500.00")


def test_sprint_report_defaults_to_the_active_sprint(story: Store) -> None:
    r = sprint_report(story, "rita")
    assert r.sprint is not None
    assert r.sprint.number == 2 and r.sprint.state == "active"
    assert r.committed == ItemFigure(items=1, points=2)
    assert r.completed == ItemFigure(items=1, points=2)
    assert r.carried_over == ItemFigure(items=0, points=0)
    # Lost is not won, and moving to Lost is not advancing.
    assert r.won is not None and r.advanced is not None
    assert r.won.count == 0 and r.advanced.count == 0


def test_sprint_report_on_an_empty_team(empty_team: Store) -> None:
    assert sprint_report(empty_team, "max").model_dump() == {"sprint": None}


def test_a_sprint_with_nothing_committed(team_store: Store) -> None:
    plan_sprint(team_store, "max", goal="Empty")
    start_sprint(team_store, "max")
    r = sprint_report(team_store, "max")
    assert r.committed == ItemFigure(items=0, points=0) and r.completed == ItemFigure(items=0, points=0)


def test_sprint_report_reads_each_deal_set_once(story: Store) -> None:
    sql = statements(story, lambda: sprint_report(story, "max", 1))
    assert len([s for s in sql if " FROM deals " in s]) == 4  # won, advanced, slipped, untouched


def test_sprint_report_plans_on_sqlite_do_not_walk_every_deal(story: Store) -> None:
    """Without table statistics SQLite takes `deals.team_id = ?` for selective;
    the deal sets are read by the events' ids or by ix_deals_team_closed."""
    if story.backend != "sqlite":
        pytest.skip("SQLite's planner")
    with recording(story.engine) as seen:
        sprint_report(story, "max", 1)
    with story.engine.connect() as conn:
        for st in seen:
            if " deals" not in st.sql:
                continue
            plan = [r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {st.sql}", st.params)]
            assert not any("ix_deals_team_rank" in p or p.startswith("SCAN deals") for p in plan), (st.sql, plan)
