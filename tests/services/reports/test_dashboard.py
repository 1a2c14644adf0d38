"""The dashboard on the story: velocity, attainment, burndown and (for managers) coaching in one call."""

from __future__ import annotations

from salessprint.services.reports.coaching import coaching
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
        coaching(story, "max")  # the dashboard counts rotting deals from the pipeline's read
        sprint_report(story, "max")
        rep_detail(story, "max", "rita")
    for b in builders:
        info = b.cache_info()
        assert info.hits >= 2 and info.misses <= 2, (b.__name__, info)


DASHBOARD_STATEMENTS = {"max": 19, "rita": 15}
"""Round trips of one dashboard call: a manager's (with the coaching flags) and a rep's."""


def test_the_dashboard_reads_targets_won_deals_and_rotting_counts_once(story: Store) -> None:
    """Attainment, the coaching flags (and the activity they read) and the
    pipeline read the same reps' targets, won deals and rotting deals: each is
    read once (they were read three, four and two times: 25 statements, now 19)."""
    sql = statements(story, lambda: dashboard(story, "max"))
    assert len([s for s in sql if "FROM targets" in s]) == 1
    won = [s for s in sql if "deals.closed_on >= " in s and "deals.owner_id IN " in s]
    assert len(won) == 1, won
    assert len([s for s in sql if "deals.stage_entered_at < " in s and "GROUP BY deals.owner_id" in s]) == 1
    assert len(sql) == DASHBOARD_STATEMENTS["max"]


def test_a_reps_dashboard_reads_the_won_deals_once(story: Store) -> None:
    sql = statements(story, lambda: dashboard(story, "rita"))
    assert len([s for s in sql if "deals.closed_on >= " in s and "deals.owner_id IN " in s]) == 1
    assert len(sql) == DASHBOARD_STATEMENTS["rita"]


def test_the_dashboards_parts_are_the_reports_on_their_own(story: Store) -> None:
    """Read together (each read once), the parts are what each report says alone."""
    from salessprint.services.reports.attainment import attainment
    from salessprint.services.reports.pipeline import pipeline

    for login in ("max", "rita"):
        d = dashboard(story, login)
        assert d.attainment == attainment(story, login)
        assert d.pipeline == pipeline(story, login, by="member")
    d = dashboard(story, "max")
    assert d.coaching == coaching(story, "max")
