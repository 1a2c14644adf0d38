"""The activity report on the story: done against target, paced to today."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salessprint.services.reports.activity import KindFigures, activity
from salessprint.store.db import Store
from tests.services.reports.story import quota_changes


def test_activity_pacing(story: Store) -> None:
    a = activity(story, "rita")
    rita = next(m for m in a.members if m.login == "rita")
    assert rita.activities["call"] == KindFigures(done=5, target=10, expected_by_now=Decimal("6.0"), pace="behind")
    assert rita.pacing is not None
    assert rita.pacing.status == "behind"
    rob = next(m for m in a.members if m.login == "rob")
    # Without a target the JSON has no expected_by_now and no pace.
    assert rob.pacing is None and rob.activities["call"].model_dump() == {"done": 0, "target": None}


def test_activity_targets_are_the_ones_in_force_each_week(team_store: Store) -> None:
    # 10 calls a week, 20 from Monday 16 November: the two weeks 9-22 November
    # need 10 + 20 = 30 calls (not 2 x 20); the week of the change alone, 20.
    quota_changes(team_store, [("2026-01-01", "10"), ("2026-11-16", "20")], [], metric="calls", period="week")
    two_weeks = activity(team_store, "max", member="rita", start=date(2026, 11, 9), end=date(2026, 11, 22))
    assert two_weeks.members[0].activities["call"].target == 30
    # From Wednesday 11 November: 3 of 5 days at 10 (6), then a week at 20: 26.
    assert (
        activity(team_store, "max", member="rita", start=date(2026, 11, 11), end=date(2026, 11, 22))
        .members[0]
        .activities["call"]
        .target
        == 26
    )


def test_a_part_month_target_is_rounded_once_and_pace_is_judged_on_the_exact_figure(team_store: Store) -> None:
    """25 calls a month; 1-15 October 2026 holds 11 of October's 22 working days: the target
    is exactly 12.5 calls, shown as 13 (half up), and the range is over, so 12.5 are due.
    11 done is behind (below 90 % of 12.5 = 11.25), where the target rounded first (to 12,
    as Python's round does) would have called it on pace (issue 12, item 6)."""
    from datetime import UTC, datetime

    from salessprint.domain import clock
    from salessprint.services.activities import log_activity
    from tests.services.reports.story import set_targets

    set_targets(team_store, "rita", [("calls", "month", Decimal(25))])
    with clock.freeze(datetime(2026, 10, 5, 10, tzinfo=UTC)):
        for _ in range(11):
            log_activity(team_store, "rita", kind="call")
    a = activity(team_store, "rita", member="rita", start=date(2026, 10, 1), end=date(2026, 10, 15))
    calls = a.members[0].activities["call"]
    assert calls == KindFigures(done=11, target=13, expected_by_now=Decimal("12.5"), pace="behind")
    pacing = a.members[0].pacing
    assert pacing is not None and (pacing.target, pacing.expected_by_now, pacing.status) == (
        13,
        Decimal("12.5"),
        "behind",
    )
