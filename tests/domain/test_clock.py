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


def test_a_moment_falls_on_the_team_s_day_not_utc_s() -> None:
    from datetime import UTC, datetime

    # Monday 23 Nov 2026, 20:00 in Los Angeles is Tuesday 04:00 UTC.
    late_monday = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)
    assert clock.team_day(late_monday, "UTC") == date(2026, 11, 24)
    assert clock.team_day(late_monday, "America/Los_Angeles") == date(2026, 11, 23)
    # Berlin is ahead: 23:30 UTC on Sunday is already Monday there.
    assert clock.team_day(datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "Europe/Berlin") == date(2026, 11, 23)
