"""The dashboard on the story: velocity, attainment, burndown and (for managers) coaching in one call."""

from __future__ import annotations

from salessprint.services.reports.dashboard import dashboard
from salessprint.services.reports.rep_detail import rep_detail
from salessprint.services.reports.review import review
from salessprint.services.reports.sprint import sprint_report
from salessprint.store import queries
from salessprint.store.db import Store
from tests.services.reports.sql import statements


def test_dashboard_in_one_call(story: Store) -> None:
    d = dashboard(story, "max")
    assert [s.number for s in d.velocity.sprints] == [1]
    assert d.coaching is not None
    assert d.coaching.flagged == ["rita", "rob"]
    assert dashboard(story, "rita").coaching is None


def test_dashboard_on_an_empty_team(empty_team: Store) -> None:
    d = dashboard(empty_team, "max")
    assert d.velocity.sprints == [] and d.velocity.forecast is None


def test_dashboard_and_review_read_the_reps_and_sprints_once(story: Store) -> None:
    for call in (lambda: dashboard(story, "max"), lambda: review(story, "max")):
        sql = statements(story, call)
        assert len([s for s in sql if "members.role = " in s]) == 1
        assert (
            len(
                [
                    s
                    for s in sql
                    if s.startswith("SELECT sprints.id, sprints.team_id")
                    and "sprints.state = " in s
                    and "LIMIT" in s
                    and "ORDER BY sprints.number DESC" in s
                ]
            )
            <= 1
        )


def test_report_statements_are_built_once(story: Store) -> None:
    """The statements reports run on every call are built once, with bind
    parameters, and reused (building them cost more than running them)."""

    builders = [
        queries._target_history_statement,
        queries.won_by_member_statement,
        queries.points_history_statement,
        queries.rotting_counts_statement,
        queries.rotting_statement,
        queries.won_per_month_statement,
        queries.sprint_figures_statement,
    ]
    for b in builders:
        b.cache_clear()
    for _ in range(3):
        dashboard(story, "max")
        sprint_report(story, "max")
        rep_detail(story, "max", "rita")
    for b in builders:
        info = b.cache_info()
        assert info.hits >= 2 and info.misses <= 2, (b.__name__, info)
