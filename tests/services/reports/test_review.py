"""The sprint review on the story: the sprint report, velocity, forecast, activity and retro in one call."""

from __future__ import annotations

from salessprint.services.reports.review import review
from salessprint.store.db import Store


def test_review_in_one_call(story: Store) -> None:
    r = review(story, "max")
    assert r.report.sprint is not None
    assert r.report.sprint.number == 2
    assert [m.login for m in r.activity] == ["rita", "rob"]
    assert set(r.retro) == {"went_well", "to_improve", "action"}


def test_review_on_an_empty_team(empty_team: Store) -> None:
    r = review(empty_team, "max")
    assert r.report.model_dump() == {"sprint": None} and r.activity == []


def test_the_reviews_forecast_is_the_forecast_reports_next_sprint(story: Store) -> None:
    """The review reads the team's range for next sprint only (the reps' quota
    chances, seconds of Monte Carlo on a large team, are not on a slide)."""
    from salessprint.services.reports.forecast import forecast
    from tests.services.reports.sql import statements

    r = review(story, "max")
    full = forecast(story, "max")
    assert (r.forecast.next_sprint, r.forecast.next_sprint_reason) == (full.next_sprint, full.next_sprint_reason)
    sql = statements(story, lambda: review(story, "max"))
    assert not [s for s in sql if "FROM targets" in s and "targets.metric =" in s]  # no quota is read
