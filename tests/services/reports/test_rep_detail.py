"""A rep's detail on the story: their attainment, velocities, activity and rotting deals."""

from __future__ import annotations

from decimal import Decimal

from salessprint.services.reports.rep_detail import rep_detail
from salessprint.store.db import Store
from tests.services.reports.sql import statements


def test_rep_detail(story: Store) -> None:
    detail = rep_detail(story, "max", "rita")
    assert detail.velocities == [3] and detail.attainment.won_value == Decimal("3000.00")


def test_rep_detail_reads_activities_and_rotting_deals_once(story: Store) -> None:
    sql = statements(story, lambda: rep_detail(story, "max", "rita"))
    assert len([s for s in sql if " FROM activities " in s]) == 1
    assert len([s for s in sql if "stage_entered_at <" in s]) == 1
