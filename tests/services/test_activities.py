"""Activities through the services, on both backends: logging, and counting against targets."""

from __future__ import annotations

import pytest

from salessprint.domain.errors import InvalidInput
from salessprint.services import activities, targets
from salessprint.services.reports.activity import activity


def test_activity_report_counts_against_scaled_targets(team_store) -> None:
    targets.set_target(
        team_store, "max", login="rita", metric="calls", amount="25", period="day", effective_from="2026-01-01"
    )
    targets.set_target(
        team_store, "max", login="rita", metric="meetings", amount="5", period="week", effective_from="2026-01-01"
    )
    for _ in range(3):
        activities.log_activity(team_store, "rita", kind="call")
    activities.log_activity(team_store, "rita", kind="meeting", when="2026-11-24T10:00:00+00:00")
    activities.log_activity(team_store, "rita", kind="call", when="2026-11-20T10:00:00+00:00")  # last week
    data = activity(team_store, "max", member="rita")
    rita = data.members[0]
    pick = lambda kind: rita.activities[kind].model_dump(include={"done", "target"})  # noqa: E731
    assert pick("call") == {"done": 3, "target": 125}
    assert pick("meeting") == {"done": 1, "target": 5}
    assert pick("email") == {"done": 0, "target": None}


def test_bad_activity_kind_changes_nothing(team_store) -> None:
    with pytest.raises(InvalidInput, match="kind"):
        activities.log_activity(team_store, "rita", kind="lunch")
    assert activities.list_activities(team_store, "rita") == []
