"""The activity report on the story: done against target, paced to today."""

from __future__ import annotations

from decimal import Decimal

from salessprint.services.reports.activity import KindFigures, activity
from salessprint.store.db import Store


def test_activity_pacing(story: Store) -> None:
    a = activity(story, "rita")
    rita = next(m for m in a.members if m.login == "rita")
    assert rita.activities["call"] == KindFigures(done=5, target=10, expected_by_now=Decimal("6.0"), pace="behind")
    assert rita.pacing is not None
    assert rita.pacing.status == "behind"
    rob = next(m for m in a.members if m.login == "rob")
    # Without a target the JSON has no expected_by_now and no pace.
    assert rob.pacing is None and rob.activities["call"].model_dump() == {"done": 0, "target": None}
