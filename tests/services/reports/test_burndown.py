"""The burndown on the story: remaining points per working day against the ideal line."""

from __future__ import annotations

from decimal import Decimal

from salessprint.services.reports.burndown import burndown
from salessprint.services.sprints import plan_sprint, start_sprint
from salessprint.store import queries
from salessprint.store.db import Store


def test_burndown_follows_scope_changes(story: Store) -> None:
    b = burndown(story, "rita", 1)
    assert b.start_points == 10
    assert [d.remaining for d in b.days] == [10, 7, 8, 6, 5]
    assert [d.ideal for d in b.days] == [Decimal(8), Decimal(6), Decimal(4), Decimal(2), Decimal(0)]
    active = burndown(story, "rita")
    # Friday the 27th has not happened yet.
    assert [d.remaining for d in active.days] == [2, 2, 0, 0, None]


def test_burndown_on_an_empty_team(empty_team: Store) -> None:
    assert burndown(empty_team, "max").model_dump() == {"sprint": None, "days": []}


def test_burndown_of_a_sprint_with_nothing_committed(team_store: Store) -> None:
    plan_sprint(team_store, "max", goal="Empty")
    start_sprint(team_store, "max")
    b = burndown(team_store, "max")
    assert b.start_points == 0
    assert all(d.ideal == 0 for d in b.days)
    # Started on Thursday 26 Nov, it runs to Wednesday 2 Dec: only Thursday has happened.
    assert b.sprint is not None
    assert (b.sprint.starts_on.isoformat(), b.days[-1].day.isoformat()) == ("2026-11-26", "2026-12-02")
    assert [d.remaining for d in b.days if d.remaining is not None] == [0]
    assert b.today == b.days[0].day


def test_burndown_statement_is_built_once_per_sprint_length_and_state(story: Store) -> None:
    queries.burndown_statement.cache_clear()
    first = burndown(story, "max", 1)
    assert burndown(story, "max", 2).start_points == 2
    assert burndown(story, "max", 1) == first
    assert burndown(story, "max", 2).start_points == 2
    info = queries.burndown_statement.cache_info()
    # Sprint 1 is closed, sprint 2 active: one statement each.
    assert (info.misses, info.hits) == (2, 2)
