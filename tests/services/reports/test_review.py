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
