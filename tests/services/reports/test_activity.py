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
