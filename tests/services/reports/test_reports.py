"""The manager's reports on a small, hand-computed team, on SQLite and PostgreSQL.

The story, and its hand-computed figures, is told in story.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from salessprint.domain import clock
from salessprint.domain.errors import InvalidInput, PermissionDenied
from salessprint.services.reports import (
    activity as activity_report,
)
from salessprint.services.reports import attainment as attainment_module
from salessprint.services.reports import burndown as burndown_module
from salessprint.services.reports import coaching as coaching_module
from salessprint.services.reports import daily as daily_module
from salessprint.services.reports import dashboard as dashboard_module
from salessprint.services.reports import forecast as forecast_module
from salessprint.services.reports import one_on_one as one_on_one_module
from salessprint.services.reports import pipeline as pipeline_module
from salessprint.services.reports import rep_detail as rep_detail_module
from salessprint.services.reports import review as review_module
from salessprint.services.reports import sprint as sprint_module
from salessprint.services.reports._shared import Report
from salessprint.services.sprints import plan_sprint, start_sprint
from salessprint.store import queries
from tests.services.reports.story import build_story as _build_story
from tests.services.reports.story import small_team as _small_team


def _plain(call: Any) -> Any:
    """The report as the plain values it holds (the JSON's keys, Python values)."""

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = call(*args, **kwargs)
        return result.model_dump(by_alias=True) if isinstance(result, Report) else result

    return wrapped


class analytics:
    """The report functions, answering plain values, so each figure reads as checked by hand."""

    sprint_report = staticmethod(_plain(sprint_module.sprint_report))
    burndown = staticmethod(_plain(burndown_module.burndown))
    attainment = staticmethod(_plain(attainment_module.attainment))
    pipeline = staticmethod(_plain(pipeline_module.pipeline))
    pipeline_in = staticmethod(pipeline_module.pipeline_in)
    forecast = staticmethod(_plain(forecast_module.forecast))
    coaching = staticmethod(_plain(coaching_module.coaching))
    one_on_one = staticmethod(one_on_one_module.one_on_one)
    daily = staticmethod(daily_module.daily)
    dashboard = staticmethod(_plain(dashboard_module.dashboard))
    rep_detail = staticmethod(_plain(rep_detail_module.rep_detail))
    review = staticmethod(_plain(review_module.review))


activity = _plain(activity_report.activity)


@pytest.fixture
def team_store(db_url: str, frozen: datetime) -> Any:
    store = _small_team(db_url)
    yield store
    store.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def story_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The story, built once per backend for the whole module (tests only read it)."""
    import uuid

    import psycopg

    if request.param == "sqlite":
        url, dropper = f"sqlite:///{tmp_path_factory.mktemp('story') / 'story.db'}", None
    else:
        request.getfixturevalue("pg_server")
        name = f"salessprint_test_{uuid.uuid4().hex[:12]}"
        admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"

        def dropper() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    with clock.freeze(datetime(2026, 11, 26, 10, 30, tzinfo=UTC)):
        store = _small_team(url)
        _build_story(store)
    yield store
    store.dispose()
    if dropper:
        dropper()


@pytest.fixture
def story(story_store: Any, frozen: datetime) -> Any:
    return story_store


def test_sprint_report_in_items_and_points(story: Any) -> None:
    r = analytics.sprint_report(story, "rita", 1)
    assert r["sprint"]["number"] == 1 and r["sprint"]["goal"] == "First sprint"
    assert r["committed"] == {"items": 3, "points": 10}
    assert r["completed"] == {"items": 2, "points": 4}
    assert r["added"] == {"items": 1, "points": 1}
    assert r["removed"] == {"items": 1, "points": 2}
    assert r["carried_over"] == {"items": 1, "points": 5}
    assert (r["won"]["count"], r["won"]["value"]) == (1, Decimal("3000.00"))
    assert [d["title"] for d in r["won"]["deals"]] == ["Delta"]
    assert [d["title"] for d in r["advanced"]["deals"]] == ["Alpha"]
    assert (r["slipped"]["count"], r["slipped"]["value"]) == (1, Decimal("2500.50"))
    # Gamma and Epsilon (lost only in sprint 2) saw no activity and no change.
    assert [d["title"] for d in r["untouched"]["deals"]] == ["Gamma", "Epsilon"]
    assert r["untouched"]["value"] == Decimal("1500.00")


def test_sprint_report_defaults_to_the_active_sprint(story: Any) -> None:
    r = analytics.sprint_report(story, "rita")
    assert r["sprint"]["number"] == 2 and r["sprint"]["state"] == "active"
    assert r["committed"] == {"items": 1, "points": 2}
    assert r["completed"] == {"items": 1, "points": 2}
    assert r["carried_over"] == {"items": 0, "points": 0}
    # Lost is not won, and moving to Lost is not advancing.
    assert r["won"]["count"] == 0 and r["advanced"]["count"] == 0


def test_burndown_follows_scope_changes(story: Any) -> None:
    b = analytics.burndown(story, "rita", 1)
    assert b["start_points"] == 10
    assert [d["remaining"] for d in b["days"]] == [10, 7, 8, 6, 5]
    assert [d["ideal"] for d in b["days"]] == [Decimal(8), Decimal(6), Decimal(4), Decimal(2), Decimal(0)]
    active = analytics.burndown(story, "rita")
    # Friday the 27th has not happened yet.
    assert [d["remaining"] for d in active["days"]] == [2, 2, 0, 0, None]


def test_attainment_this_month_and_inclusive_ranges(story: Any) -> None:
    a = analytics.attainment(story, "rita")
    assert (a["from"], a["to"]) == (date(2026, 11, 1), date(2026, 11, 30))
    rita, rob = a["members"]
    assert rita == {
        **rita,
        "login": "rita",
        "name": "Rita Rep",
        "won_value": Decimal("3000.00"),
        "won_deals": 1,
        "quota": Decimal("10000.00"),
        "attainment": Decimal("30.0"),
    }
    assert rita["months"][0]["period"] == "2026-11" and rita["quarters"][0]["period"] == "2026-Q4"
    # A rep with no target: no quota, no attainment.
    assert (rob["won_value"], rob["quota"], rob["attainment"]) == (Decimal("0.00"), None, None)
    one_day = analytics.attainment(story, "rita", start=date(2026, 11, 19), end=date(2026, 11, 19), member="rita")
    # One of November's 21 working days: 10,000 / 21 = 476.19; 3,000 / 476.19 = 630.0 %
    assert one_day["members"][0]["quota"] == Decimal("476.19")
    assert one_day["members"][0]["attainment"] == Decimal("630.0")
    after = analytics.attainment(story, "rita", start=date(2026, 11, 20), end=date(2026, 11, 30), member="rita")
    assert after["members"][0]["won_value"] == Decimal("0.00")
    empty = analytics.attainment(story, "rita", start=date(2026, 1, 1), end=date(2026, 1, 31))
    assert [m["won_deals"] for m in empty["members"]] == [0, 0]
    assert empty["members"][0]["attainment"] == Decimal("0.0")


def test_attainment_by_quarter_uses_the_monthly_quota_pro_rata(story: Any) -> None:
    a = analytics.attainment(story, "rita", start=date(2026, 10, 1), end=date(2026, 12, 31), member="rita")
    m = a["members"][0]
    assert [p["period"] for p in m["months"]] == ["2026-10", "2026-11", "2026-12"]
    assert [p["won_value"] for p in m["months"]] == [Decimal("0.00"), Decimal("3000.00"), Decimal("0.00")]
    assert m["quarters"] == [
        {
            **m["quarters"][0],
            "period": "2026-Q4",
            "quota": Decimal("30000.00"),
            "won_value": Decimal("3000.00"),
            "attainment": Decimal("10.0"),
        }
    ]


def test_attainment_rejects_half_a_range(story: Any) -> None:
    with pytest.raises(InvalidInput):
        analytics.attainment(story, "rita", start=date(2026, 11, 1))
    with pytest.raises(InvalidInput):
        analytics.attainment(story, "rita", start=date(2026, 11, 2), end=date(2026, 11, 1))


def test_pipeline(story: Any) -> None:
    p = analytics.pipeline(story, "rita", start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert (p["won_deals"], p["lost_deals"], p["win_rate"]) == (1, 1, Decimal("50.0"))
    assert p["average_won_value"] == Decimal("3000.00")
    assert p["average_cycle_days"] == Decimal("17.0")  # 2 -> 19 November
    assert (p["open_deals"], p["open_value"]) == (3, Decimal("7500.50"))
    assert p["weighted_value"] == Decimal("4000.30")  # 60 % of 6,500.50 + 10 % of 1,000
    assert p["qualified_open_deals"] == 2
    assert p["pipeline_velocity"] == Decimal("176.47")  # 2 x 50 % x 3,000 / 17
    # Beta and Gamma have sat in their stage since 2 November (over 21 days).
    assert p["rotting"]["count"] == 2 and p["rotting"]["value"] == Decimal("3500.50")
    assert [d["title"] for d in p["rotting"]["deals"]] == ["Beta", "Gamma"]
    assert p["rotting"]["deals"][0]["days_in_stage"] == 24


def test_pipeline_with_zero_lost_deals(story: Any) -> None:
    p = analytics.pipeline(story, "rita", start=date(2026, 11, 19), end=date(2026, 11, 19))
    assert (p["won_deals"], p["lost_deals"], p["win_rate"]) == (1, 0, Decimal("100.0"))


def test_activity_pacing(story: Any) -> None:
    a = activity(story, "rita")
    rita = next(m for m in a["members"] if m["login"] == "rita")
    assert rita["activities"]["call"] == {"done": 5, "target": 10, "expected_by_now": Decimal("6.0"), "pace": "behind"}
    assert rita["pacing"]["status"] == "behind"
    rob = next(m for m in a["members"] if m["login"] == "rob")
    assert rob["pacing"] is None and rob["activities"]["call"] == {"done": 0, "target": None}


def test_forecast_is_seeded_and_hand_checkable(story: Any) -> None:
    f = analytics.forecast(story, "rita", seed=3, trials=500)
    assert f == analytics.forecast(story, "rita", seed=3, trials=500)
    rita = next(m for m in f["members"] if m["login"] == "rita")
    # 3,000 won + 0.6 of one sprint's 3,000 cannot reach 10,000 this month.
    assert rita["month"] == {
        "period": "2026-11",
        "won_value": Decimal("3000.00"),
        "quota": Decimal("10000.00"),
        "chance": Decimal("0.0"),
    }
    assert rita["quarter"]["quota"] == Decimal("30000.00")
    rob = next(m for m in f["members"] if m["login"] == "rob")
    assert rob["month"]["chance"] is None
    # rita completed 3 points, rob 1: every trial gives 4.
    assert f["next_sprint"] == {"p50": 4, "p85": 4, "p95": 4}


def test_coaching_flags_and_agenda(story: Any) -> None:
    c = analytics.coaching(story, "max")
    flags = {m["login"]: [f["code"] for f in m["flags"]] for m in c["members"]}
    assert flags["rita"] == ["under_quota", "under_activity_target", "rotting_deals"]
    assert flags["rob"] == ["rotting_deals"]
    assert c["flagged"] == ["rita", "rob"]
    agenda = analytics.one_on_one(story, "max", "rita")
    assert agenda.startswith("1:1 with Rita Rep — 2026-11-26")
    assert "3,000.00 won of 10,000.00 this month (30.0 %)" in agenda
    assert "Celebrate: Delta (3,000.00)" in agenda
    assert "#2 Beta: 24 days in stage" in agenda


def test_coaching_is_for_managers(story: Any) -> None:
    with pytest.raises(PermissionDenied):
        analytics.coaching(story, "rita")
    with pytest.raises(PermissionDenied):
        analytics.one_on_one(story, "rita", "rita")
    with pytest.raises(PermissionDenied):
        analytics.daily(story, "rita", "rob")


def test_daily_report(story: Any) -> None:
    text = analytics.daily(story, "rita", day=date(2026, 11, 24))
    assert "Daily update — Rita Rep, Tuesday 2026-11-24" in text
    assert "- call: 5 / 2 ✓" in text
    assert "- #1 Alpha (Proposal)" in text
    assert "Done today: no tasks finished." in text
    assert "T5" in analytics.daily(story, "max", "rita", date(2026, 11, 25))


def test_every_report_on_an_empty_team(team_store: Any) -> None:
    s = team_store
    assert analytics.sprint_report(s, "max") == {"sprint": None}
    assert analytics.burndown(s, "max") == {"sprint": None, "days": []}
    p = analytics.pipeline(s, "max")
    assert (p["won_deals"], p["win_rate"], p["average_cycle_days"], p["pipeline_velocity"]) == (0, None, None, None)
    assert p["open_value"] == Decimal("0.00") and p["weighted_value"] == Decimal("0.00")
    f = analytics.forecast(s, "max", trials=100)
    assert f["next_sprint"] is None and f["sprints_sampled"] == 0
    assert all(m["month"]["chance"] is None for m in f["members"])
    a = analytics.attainment(s, "max")
    assert a["team"] == {"won_value": Decimal("0.00"), "won_deals": 0, "quota": None, "attainment": None}
    c = analytics.coaching(s, "max")
    assert c["flagged"] == []
    assert "none logged" in analytics.daily(s, "rob")
    assert "No coaching flags" in analytics.one_on_one(s, "max", "rob")
    d = analytics.dashboard(s, "max")
    assert d["velocity"]["sprints"] == [] and d["velocity"]["forecast"] is None
    r = analytics.review(s, "max")
    assert r["report"] == {"sprint": None} and r["activity"] == []


def test_a_sprint_with_nothing_committed(team_store: Any) -> None:
    s = team_store
    plan_sprint(s, "max", goal="Empty")
    start_sprint(s, "max")
    r = analytics.sprint_report(s, "max")
    assert r["committed"] == {"items": 0, "points": 0} and r["completed"] == {"items": 0, "points": 0}
    b = analytics.burndown(s, "max")
    assert b["start_points"] == 0
    assert all(d["ideal"] == 0 for d in b["days"])
    assert [d["remaining"] for d in b["days"] if d["remaining"] is not None] == [0, 0, 0, 0]


def test_dashboard_and_review_in_one_call(story: Any) -> None:
    d = analytics.dashboard(story, "max")
    assert [s["number"] for s in d["velocity"]["sprints"]] == [1]
    assert d["coaching"]["flagged"] == ["rita", "rob"]
    assert analytics.dashboard(story, "rita")["coaching"] is None
    detail = analytics.rep_detail(story, "max", "rita")
    assert detail["velocities"] == [3] and detail["attainment"]["won_value"] == Decimal("3000.00")
    r = analytics.review(story, "max")
    assert r["report"]["sprint"]["number"] == 2
    assert [m["login"] for m in r["activity"]] == ["rita", "rob"]
    assert set(r["retro"]) == {"went_well", "to_improve", "action"}


def test_velocity_per_rep_and_team(story: Any) -> None:
    from salessprint.services.reports.velocity import velocity as typed_velocity

    velocity = _plain(typed_velocity)

    v = velocity(story, "rita")
    assert [(s["number"], s["velocity"], s["by_member"]) for s in v["sprints"]] == [(1, 4, {"rita": 3, "rob": 1})]
    assert v["forecast"] == Decimal("4.0")
    assert v["forecast_by_member"] == {"rita": Decimal("3.0"), "rob": Decimal("1.0")}


# --- what the reports cost: statements, plans, locks ---------------------------


def _statements(store: Any, call: Any) -> list[str]:
    from benchmarks.queries import recording

    with recording(store.engine) as seen:
        call()
    return [" ".join(s.sql.split()) for s in seen]


def test_the_actor_lookup_brings_the_team(story: Any) -> None:
    from salessprint.services.uow import unit_of_work

    def call() -> None:
        with unit_of_work(story, "max", read_only=True) as uow:
            assert uow.team().name == "Test Team"

    assert len(_statements(story, call)) == 1


def test_sprint_report_reads_each_deal_set_once(story: Any) -> None:
    sql = _statements(story, lambda: analytics.sprint_report(story, "max", 1))
    assert len([s for s in sql if " FROM deals " in s]) == 4  # won, advanced, slipped, untouched


def test_sprint_report_plans_on_sqlite_do_not_walk_every_deal(story: Any) -> None:
    """Without table statistics SQLite takes `deals.team_id = ?` for selective;
    the deal sets are read by the events' ids or by ix_deals_team_closed."""
    if story.backend != "sqlite":
        pytest.skip("SQLite's planner")
    from benchmarks.queries import recording

    with recording(story.engine) as seen:
        analytics.sprint_report(story, "max", 1)
    with story.engine.connect() as conn:
        for st in seen:
            if " deals" not in st.sql:
                continue
            plan = [r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {st.sql}", st.params)]
            assert not any("ix_deals_team_rank" in p or p.startswith("SCAN deals") for p in plan), (st.sql, plan)


def test_rep_detail_reads_activities_and_rotting_deals_once(story: Any) -> None:
    sql = _statements(story, lambda: analytics.rep_detail(story, "max", "rita"))
    assert len([s for s in sql if " FROM activities " in s]) == 1
    assert len([s for s in sql if "stage_entered_at <" in s]) == 1


def test_open_deals_are_found_by_their_missing_close_date(story: Any) -> None:
    from salessprint.services.deals import list_deals

    for call in (
        lambda: analytics.pipeline(story, "max"),
        lambda: analytics.coaching(story, "max"),
        lambda: list_deals(story, "max", open_only=True, limit=10),
    ):
        # every read of deals by stage kind, but for won deals closed in a range
        open_reads = [
            s
            for s in _statements(story, call)
            if "stages.kind = " in s and "FROM deals" in s and "closed_on >=" not in s
        ]
        assert open_reads and all("deals.closed_on IS NULL" in s for s in open_reads), open_reads


def test_velocity_aggregates_only_the_newest_sprints(story: Any) -> None:
    from salessprint.services.reports.velocity import velocity as typed_velocity

    velocity = _plain(typed_velocity)

    sql = _statements(story, lambda: velocity(story, "max", last=3))
    aggregate = next(s for s in sql if "sum(CASE" in s)
    assert "sprints.id IN (SELECT sprints.id FROM sprints" in aggregate and "LIMIT" in aggregate


def test_reports_leave_sqlite_writers_free(tmp_path: Any, frozen: datetime) -> None:
    """A report reads without SQLite's write lock: a writer does not wait for it."""
    import sqlite3

    from salessprint.services.uow import unit_of_work

    path = tmp_path / "lock.db"
    store = _small_team(f"sqlite:///{path}")
    try:
        with unit_of_work(store, "max", read_only=True) as uow:
            uow.team()
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            other.close()
    finally:
        store.dispose()


def test_a_report_cannot_write(team_store: Any) -> None:
    from salessprint.domain.errors import SalesSprintError
    from salessprint.services.uow import unit_of_work

    with pytest.raises(SalesSprintError, match="tried to change"):
        with unit_of_work(team_store, "max", read_only=True) as uow:
            uow.record("team", 1, "update", None, None)
    with pytest.raises(SalesSprintError, match="tried to change"):
        with unit_of_work(team_store, "max", read_only=True) as uow:
            uow.team().name = "Renamed"
            analytics.pipeline_in(uow, date(2026, 10, 1), date(2026, 12, 31))  # a query: no autoflush
    with unit_of_work(team_store, "max") as uow:
        assert uow.team().name == "Test Team"


def test_postgresql_reports_skip_the_transaction_round_trips(team_store: Any) -> None:
    from salessprint.services.uow import unit_of_work

    if team_store.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    with unit_of_work(team_store, "max", read_only=True) as uow:
        assert uow.session.connection().connection.dbapi_connection.autocommit is True
    with unit_of_work(team_store, "max") as uow:  # the pooled connection is back to transactions
        assert uow.session.connection().connection.dbapi_connection.autocommit is False


def test_forecast_reads_only_the_sampled_sprints_won_deals(story: Any) -> None:
    sql = _statements(story, lambda: analytics.forecast(story, "max", trials=10))
    per_sprint = next(s for s in sql if "GROUP BY deals.owner_id, deals.closed_on" in s)
    assert "deals.closed_on >=" in per_sprint and "sprints" not in per_sprint


def test_burndown_statement_is_built_once_per_sprint_length(story: Any) -> None:
    queries.burndown_statement.cache_clear()
    first = analytics.burndown(story, "max", 1)
    assert analytics.burndown(story, "max", 2)["start_points"] == 2
    assert analytics.burndown(story, "max", 1) == first
    info = queries.burndown_statement.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_dashboard_and_review_read_the_reps_and_sprints_once(story: Any) -> None:
    for call in (lambda: analytics.dashboard(story, "max"), lambda: analytics.review(story, "max")):
        sql = _statements(story, call)
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


def test_report_statements_are_built_once(story: Any) -> None:
    """The statements reports run on every call are built once, with bind
    parameters, and reused (building them cost more than running them)."""

    builders = [
        queries._targets_statement,
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
        analytics.dashboard(story, "max")
        analytics.sprint_report(story, "max")
        analytics.rep_detail(story, "max", "rita")
    for b in builders:
        info = b.cache_info()
        assert info.hits >= 2 and info.misses <= 2, (b.__name__, info)


def test_member_forecasts_are_the_mean_of_the_last_three_closed_sprints(story: Any) -> None:
    from salessprint.services.reports.forecast import member_forecasts

    # one closed sprint: rita completed 3 points, rob 1 (T4); ada and max none
    assert member_forecasts(story, "max") == {
        "ada": Decimal("0.0"),
        "max": Decimal("0.0"),
        "rita": Decimal("3.0"),
        "rob": Decimal("1.0"),
    }


def test_daily_plans_on_sqlite_do_not_walk_the_team(story: Any) -> None:
    """The rep's tasks come from their assignee index and the touched deals by id,
    not from every task or deal of the team in rank order."""
    if story.backend != "sqlite":
        pytest.skip("SQLite's planner")
    from benchmarks.queries import recording

    with recording(story.engine) as seen:
        analytics.daily(story, "rita", day=date(2026, 11, 24))
    with story.engine.connect() as conn:
        for st in seen:
            plan = [r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {st.sql}", st.params)]
            assert not any("ix_deals_team_rank" in p or "ix_tasks_team_rank" in p for p in plan), (st.sql, plan)
