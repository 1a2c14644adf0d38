"""Coaching on the story: each rep's flags, for managers only."""

from __future__ import annotations

import pytest

from salessprint.domain.errors import PermissionDenied
from salessprint.services.reports.coaching import coaching
from salessprint.store.db import Store


def test_coaching_flags(story: Store) -> None:
    c = coaching(story, "max")
    flags = {m.login: [f.code for f in m.flags] for m in c.members}
    assert flags["rita"] == ["under_quota", "under_activity_target", "rotting_deals"]
    assert flags["rob"] == ["rotting_deals"]
    assert c.flagged == ["rita", "rob"]


def test_coaching_is_for_managers(story: Store) -> None:
    with pytest.raises(PermissionDenied):
        coaching(story, "rita")


def test_coaching_on_an_empty_team(empty_team: Store) -> None:
    assert coaching(empty_team, "max").flagged == []
