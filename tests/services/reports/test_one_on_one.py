"""The 1:1 agenda on the story: the rep's figures, wins to celebrate and deals to discuss."""

from __future__ import annotations

import pytest

from salessprint.domain.errors import PermissionDenied
from salessprint.services.reports.one_on_one import one_on_one
from salessprint.store.db import Store


def test_one_on_one_agenda(story: Store) -> None:
    agenda = one_on_one(story, "max", "rita")
    assert agenda.startswith("1:1 with Rita Rep — 2026-11-26")
    assert "EUR 3,000.00 won of EUR 10,000.00 this month (30.0 %)" in agenda
    assert "Celebrate: Delta (EUR 3,000.00)" in agenda
    assert "#2 Beta: 24 days in stage" in agenda


def test_one_on_one_is_for_managers(story: Store) -> None:
    with pytest.raises(PermissionDenied):
        one_on_one(story, "rita", "rita")


def test_one_on_one_on_an_empty_team(empty_team: Store) -> None:
    assert "No coaching flags" in one_on_one(empty_team, "max", "rob")
