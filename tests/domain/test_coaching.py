"""Coaching flags, the 1:1 agenda and the daily report (domain/coaching.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salessprint.domain.coaching import (
    AgendaFacts,
    DayFacts,
    RepFigures,
    attainment_falling,
    daily_report,
    flags_for,
    is_new_rep,
    one_on_one_agenda,
    velocity_falling,
)

TODAY = date(2026, 11, 26)


def test_velocity_falling_needs_three_drops_in_a_row() -> None:
    assert velocity_falling([10, 9, 8, 7])
    assert velocity_falling([5, 12, 11, 10, 9])
    assert not velocity_falling([10, 9, 9, 7])
    assert not velocity_falling([9, 8, 7])
    assert not velocity_falling([])
    assert not velocity_falling([7, 8, 9, 10])


def test_new_rep_is_the_first_90_days() -> None:
    assert is_new_rep(date(2026, 10, 20), TODAY)
    assert is_new_rep(date(2026, 8, 29), TODAY)  # day 90
    assert not is_new_rep(date(2026, 8, 28), TODAY)  # day 91
    assert not is_new_rep(None, TODAY)


def rep(**kw: object) -> RepFigures:
    base: dict[str, object] = dict(
        login="chris",
        name="Chris",
        started_on=date(2024, 1, 1),
        quota=Decimal(60000),
        won_value=Decimal(60000),
        quota_period="2026-10",
    )
    base.update(kw)
    return RepFigures(**base)  # type: ignore[arg-type]


def test_no_flags_for_a_rep_on_track() -> None:
    assert flags_for(rep(), TODAY, 21) == []


def test_each_flag() -> None:
    r = rep(
        won_value=Decimal("59999.99"),
        activity_behind=[("call", 20, Decimal("36.0"))],
        velocities=[12, 11, 9, 6],
        rotting=[(4, "Acme renewal", 40)],
        started_on=date(2026, 10, 1),
    )
    codes = [f.code for f in flags_for(r, TODAY, 21)]
    assert codes == ["under_quota", "under_activity_target", "velocity_falling", "rotting_deals", "new_rep"]
    text = " ".join(f.message for f in flags_for(r, TODAY, 21))
    assert "won 59,999.99 of 60,000.00" in text
    assert "call 20 of 36 expected" in text  # a count, not "36.0"
    assert "12 → 11 → 9 → 6" in text
    assert "day 57" in text


def test_a_rep_with_no_quota_is_never_under_quota() -> None:
    assert flags_for(rep(quota=None, won_value=Decimal(0)), TODAY, 21) == []


def test_agenda_is_plain_text_with_every_flag() -> None:
    r = rep(won_value=Decimal(1000), velocities=[9, 8, 7, 6])
    flags = flags_for(r, TODAY, 21)
    text = one_on_one_agenda(
        AgendaFacts(
            name="Chris Okafor",
            today=TODAY,
            flags=flags,
            wins=[("Acme [bold]x[/]", Decimal("1000.00"))],
            rotting=[(4, "Acme renewal", 40)],
            velocities=[9, 8, 7, 6],
            attainment_line="1.7 % of 60,000.00",
        )
    )
    assert text.startswith("1:1 with Chris Okafor — 2026-11-26\n")
    assert "Under quota" in text and "Velocity down 3 sprints running" in text
    assert "Acme [bold]x[/] (1,000.00)" in text
    assert "#4 Acme renewal: 40 days in stage" in text
    assert text.endswith("who does what.\n")


def test_agenda_without_flags_says_so() -> None:
    text = one_on_one_agenda(AgendaFacts(name="Alex", today=TODAY, flags=[]))
    assert "No coaching flags" in text


def test_daily_report() -> None:
    text = daily_report(
        DayFacts(
            name="Eli Brandt",
            day=TODAY,
            activities=[("call", 20, 25), ("email", 21, 20), ("demo", 0, None), ("note", 2, None)],
            tasks_done=["Call: Acme"],
            deals_touched=[(3, "Acme Platform", "Qualified")],
        )
    )
    assert text.splitlines()[0] == "Daily update — Eli Brandt, Thursday 2026-11-26"
    assert "- call: 20 / 25 (5 to go)" in text
    assert "- email: 21 / 20 ✓" in text
    assert "- note: 2" in text and "demo" not in text
    assert "- #3 Acme Platform (Qualified)" in text


def test_daily_report_of_an_empty_day() -> None:
    text = daily_report(DayFacts(name="Eli", day=TODAY, activities=[("call", 0, None)]))
    assert "Activities: none logged." in text
    assert "no tasks finished" in text and "Deals touched: none." in text


def test_rotting_count_beyond_the_listed_deals() -> None:
    flags = flags_for(rep(rotting=[(1, "A", 30)], rotting_count=40), TODAY, 21)
    assert [f.message for f in flags] == ["40 deals with no stage change for over 21 days."]


def test_attainment_falling_three_months_running() -> None:
    d = Decimal
    assert attainment_falling([d(150), d(120), d(95), d(80)])
    assert attainment_falling([d(60), d(150), d(120), d(95), d(80)])
    assert not attainment_falling([d(150), d(120), d(95)])  # two falls
    assert not attainment_falling([d(150), d(120), d(120), d(80)])  # a flat month breaks the run
    assert not attainment_falling([d(150), None, d(95), d(80)])  # a month without quota breaks it
    assert not attainment_falling([d(80), d(95), d(120), d(150)])


def test_the_falling_attainment_flag_names_the_months() -> None:
    rep = RepFigures(
        login="ana",
        name="Ana",
        started_on=None,
        quota=None,
        won_value=Decimal(0),
        quota_period="2026-10",
        attainments=[
            ("2026-07", Decimal("150.0")),
            ("2026-08", Decimal("120.0")),
            ("2026-09", Decimal("95.0")),
            ("2026-10", Decimal("80.0")),
        ],
    )
    (flag,) = flags_for(rep, TODAY, 21)
    assert flag.code == "attainment_falling"
    assert flag.message == (
        "Quota attainment down 3 months running (2026-07 to 2026-10: 150.0 % → 120.0 % → 95.0 % → 80.0 %)."
    )
    steady = RepFigures("bo", "Bo", None, None, Decimal(0), "2026-10", attainments=[("m", Decimal(90))] * 4)
    assert flags_for(steady, TODAY, 21) == []


def test_money_in_flags_carries_the_team_currency() -> None:
    rep = RepFigures("bo", "Bo", None, Decimal("5000"), Decimal("1250.5"), "2026-10", currency="USD")
    assert flags_for(rep, TODAY, 21)[0].message == "Under quota for 2026-10: won USD 1,250.50 of USD 5,000.00."
