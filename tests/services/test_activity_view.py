"""My goals today and this week: done counts in SQL against scaled targets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from salessprint.services.activities import log_activity
from salessprint.services.activity_view import my_goals
from salessprint.services.deals import add_deal
from salessprint.services.targets import set_target


def _goal(goals, kind):
    return next(g for g in goals if g.kind == kind)


def test_goals_count_today_and_this_week_against_targets(team_store, frozen: datetime) -> None:
    store = team_store  # frozen: Thursday 2026-11-26 10:30 UTC, team in UTC, week from Monday 23rd
    set_target(store, "max", login="rita", metric="calls", amount="10", period="day", effective_from="2026-01-01")
    set_target(store, "max", login="rita", metric="meetings", amount="5", period="week", effective_from="2026-01-01")
    deal = add_deal(store, "rita", title="Acme renewal", account="Acme", value="1000")
    for _ in range(3):
        log_activity(store, "rita", kind="call")
    log_activity(store, "rita", kind="call", when="2026-11-23T09:00:00+00:00")  # Monday
    log_activity(store, "rita", kind="call", when="2026-11-25T23:59:00+00:00")  # yesterday
    log_activity(store, "rita", kind="call", when="2026-11-22T12:00:00+00:00")  # last week's Sunday
    log_activity(
        store, "rita", kind="meeting", when="2026-11-24T14:00:00+00:00", deal_id=deal.id, outcome="Demo booked"
    )
    log_activity(store, "rob", kind="call")  # someone else's

    view = my_goals(store, "rita")
    assert (view.today.isoformat(), view.week_start.isoformat(), view.week_end.isoformat()) == (
        "2026-11-26",
        "2026-11-23",
        "2026-11-29",
    )
    calls_today = _goal(view.today_goals, "call")
    assert (calls_today.done, calls_today.target) == (3, 10)
    calls_week = _goal(view.week_goals, "call")
    assert (calls_week.done, calls_week.target, calls_week.expected) == (5, 50, 40)  # 4 of 5 working days
    meetings_week = _goal(view.week_goals, "meeting")
    assert (meetings_week.done, meetings_week.target) == (1, 5)
    assert _goal(view.today_goals, "meeting").target == 1
    emails = _goal(view.week_goals, "email")
    assert (emails.done, emails.target) == (0, None)
    meeting = next(r for r in view.recent if r.kind == "meeting")
    assert (meeting.deal_title, meeting.outcome) == ("Acme renewal", "Demo booked")
    assert len(view.recent) == 7


def test_a_logged_call_counts_at_once(team_store) -> None:
    set_target(team_store, "rita", login="rita", metric="calls", amount="4", period="day", effective_from="2026-01-01")
    before = _goal(my_goals(team_store, "rita").today_goals, "call")
    log_activity(team_store, "rita", kind="call")
    after = _goal(my_goals(team_store, "rita").today_goals, "call")
    assert (before.done, after.done, after.target) == (0, 1, 4)


def test_no_targets_means_no_goal_but_counts_still_show(team_store) -> None:
    log_activity(team_store, "rob", kind="email")
    view = my_goals(team_store, "rob")
    assert all(g.target is None for g in view.week_goals)
    assert _goal(view.week_goals, "email").done == 1


def test_my_goals_walk_the_member_index_not_the_teams(team_store) -> None:
    """With the team in the filter SQLite walks (team_id, occurred_at) and, for
    a member with few activities, reads the whole team's history (a million
    rows on the benchmark store, ~0.3 s); by member it reads only theirs."""
    from sqlalchemy import event

    if team_store.backend != "sqlite":
        return
    seen: list[tuple[str, tuple[Any, ...]]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if "FROM activities" in statement:
            seen.append((statement, parameters))

    event.listen(team_store.engine, "before_cursor_execute", record)
    try:
        my_goals(team_store, "rita")
    finally:
        event.remove(team_store.engine, "before_cursor_execute", record)
    assert len(seen) == 2
    with team_store.engine.connect() as conn:
        for statement, parameters in seen:
            plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
            assert "ix_activities_member_at" in plan, plan
