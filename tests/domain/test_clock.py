"""The clock: frozen time and the team's today."""

from __future__ import annotations

from datetime import UTC, date, datetime

from salessprint.domain import clock


def test_team_today_follows_the_team_time_zone() -> None:
    with clock.freeze(datetime(2026, 11, 17, 2, 30, tzinfo=UTC)):
        assert clock.today() == date(2026, 11, 17)
        assert clock.team_today("UTC") == date(2026, 11, 17)
        assert clock.team_today("America/Los_Angeles") == date(2026, 11, 16)
        assert clock.team_today("Asia/Tokyo") == date(2026, 11, 17)
    with clock.freeze(datetime(2026, 11, 16, 20, 0, tzinfo=UTC)):
        assert clock.team_today("Pacific/Auckland") == date(2026, 11, 17)
