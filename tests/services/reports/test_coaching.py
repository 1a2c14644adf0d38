"""Coaching on the story: each rep's flags, for managers only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from salessprint.domain.errors import PermissionDenied
from salessprint.services.reports.coaching import coaching
from salessprint.store.db import Store
from tests.services.reports.story import quota_changes, ramp_for_rita


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


def test_under_quota_uses_the_quota_in_force_on_each_day_of_last_month(team_store: Store) -> None:
    # October 2026 has 22 working days; 10,000 is in force on the first 11,
    # 1,000 from 16 October: 10,000 x 11/22 + 1,000 x 11/22 = 5,500 (the
    # quota at the month's end alone would be 1,000, and 3,000 won beat it).
    quota_changes(
        team_store,
        [("2026-01-01", "10000"), ("2026-10-16", "1000")],
        [(datetime(2026, 10, 20, 10, tzinfo=UTC), "3000")],
    )
    rita = next(m for m in coaching(team_store, "max").members if m.login == "rita")
    under = next(f for f in rita.flags if f.code == "under_quota")
    assert under.message == "Under quota for 2026-10: won EUR 3,000.00 of EUR 5,500.00."


def test_attainment_falling_three_months_on_a_ramp(team_store: Store) -> None:
    # Rita starts 1 July on a monthly 25/50/75/100 % ramp of 10,000: her
    # quota is 2,500, 5,000, 7,500, 10,000 from July to October. She wins
    # more every month (5,000, 7,500, 9,000, 9,000) but her attainment falls:
    # 200 %, 150 %, 120 %, 90 %.
    ramp_for_rita(team_store, date(2026, 7, 1), "25,50,75", 1)
    quota_changes(
        team_store,
        [("2026-01-01", "10000")],
        [(datetime(2026, m, 10, 10, tzinfo=UTC), v) for m, v in ((7, "5000"), (8, "7500"), (9, "9000"), (10, "9000"))],
    )
    rita = next(m for m in coaching(team_store, "max").members if m.login == "rita")
    messages = {f.code: f.message for f in rita.flags}
    assert messages["attainment_falling"] == (
        "Quota attainment down 3 months running (2026-07 to 2026-10: 200.0 % → 150.0 % → 120.0 % → 90.0 %)."
    )
    assert messages["under_quota"] == "Under quota for 2026-10: won EUR 9,000.00 of EUR 10,000.00."


def test_no_falling_flag_for_two_falls(team_store: Store) -> None:
    # 100 %, 150 %, 120 %, 95 % from July to October: two falls, no flag.
    quota_changes(
        team_store,
        [("2026-01-01", "10000")],
        [
            (datetime(2026, m, 10, 10, tzinfo=UTC), v)
            for m, v in ((7, "10000"), (8, "15000"), (9, "12000"), (10, "9500"))
        ],
    )
    rita = next(m for m in coaching(team_store, "max").members if m.login == "rita")
    assert "attainment_falling" not in {f.code for f in rita.flags}
