"""Time off and capacity through the services: who may record which days, the
available days counted in SQL, the velocity report's and the review's figures,
and the table carried by backup and restore."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from salessprint.domain.errors import InvalidInput, NotFound, PermissionDenied
from salessprint.services import open_store
from salessprint.services.backup import export_json, restore
from salessprint.services.capacity import add_time_off, list_time_off, remove_time_off, sprint_days
from salessprint.services.reports.review import review
from salessprint.services.reports.velocity import velocity
from salessprint.services.undo import undo
from tests.team_helpers import make_team

MONDAY = date(2026, 11, 30)
SUNDAY = date(2026, 12, 6)


@pytest.fixture
def team(db_url: str, frozen: Any) -> Any:
    store = make_team(db_url)
    yield store
    store.dispose()


def test_a_rep_records_their_own_days_and_a_manager_anyones(team: Any) -> None:
    added = add_time_off(team, "rita", day="2026-12-02", note="dentist [bold]x[/]")
    assert [(a.day, a.login, a.note) for a in added.added] == [(date(2026, 12, 2), "rita", "dentist [bold]x[/]")]
    with pytest.raises(PermissionDenied, match="only for their own"):
        add_time_off(team, "rita", day="2026-12-03", member="rob")
    with pytest.raises(PermissionDenied, match="team's holidays"):
        add_time_off(team, "rita", day="2026-12-03", team=True)
    assert add_time_off(team, "max", day="2026-12-03", member="rob").who == "Rob Rep"
    assert add_time_off(team, "max", day="2026-12-04", team=True, note="Team offsite").who == "the team"
    shown = [(t.day.day, t.login) for t in list_time_off(team, "rob", member="rob")]
    assert shown == [(3, "rob"), (4, None)]  # his day and the team's holiday
    assert [t.day.day for t in list_time_off(team, "rita", team=True)] == [4]
    assert len(list_time_off(team, "rita", MONDAY, SUNDAY)) == 3


def test_a_stretch_stores_its_working_days_once(team: Any) -> None:
    first = add_time_off(team, "rita", day="2026-12-04", last_day="2026-12-08")
    assert [a.day.day for a in first.added] == [4, 7, 8]  # Friday, then Monday and Tuesday
    again = add_time_off(team, "rita", day="2026-12-07", last_day="2026-12-09")
    assert [a.day.day for a in again.added] == [9] and [d.day for d in again.already] == [7, 8]
    with pytest.raises(InvalidInput, match="not a working day"):
        add_time_off(team, "rita", day="2026-12-05")
    with pytest.raises(InvalidInput, match="before it starts"):
        add_time_off(team, "rita", day="2026-12-09", last_day="2026-12-01")
    with pytest.raises(InvalidInput, match="not a real date"):
        add_time_off(team, "rita", day="2026-13-01")
    assert len(list_time_off(team, "rita")) == 4


def test_remove_and_undo_take_back_whole_stretches(team: Any) -> None:
    add_time_off(team, "rita", day="2026-12-01", last_day="2026-12-03")
    assert [r.day.day for r in remove_time_off(team, "rita", day="2026-12-02", last_day="2026-12-03")] == [2, 3]
    with pytest.raises(NotFound, match="No time off recorded for Rita Rep on 2026-12-02"):
        remove_time_off(team, "rita", day="2026-12-02")
    with pytest.raises(PermissionDenied):
        remove_time_off(team, "rob", day="2026-12-01", member="rita")
    undo(team, "rita")  # the removal of both days, as one
    assert [t.day.day for t in list_time_off(team, "rita")] == [1, 2, 3]
    undo(team, "rita")  # the first stretch, all three days
    assert list_time_off(team, "rita") == []


def test_available_days_count_days_off_and_holidays_once(team: Any) -> None:
    add_time_off(team, "rita", day="2026-12-01", last_day="2026-12-02")
    add_time_off(team, "max", day="2026-12-02", team=True)  # rita is off that day already
    add_time_off(team, "max", day="2026-12-09", member="rob")  # the week after
    days = sprint_days(team, "rita", MONDAY, SUNDAY)
    assert (days.normal, days.holidays) == (5, 1)
    assert days.available == {"ada": 4, "max": 4, "rita": 3, "rob": 4}


def test_the_velocity_report_adds_available_days_and_velocity_per_day(demo_store: Any) -> None:
    before = velocity(demo_store, "maria", 3)
    s11 = next(s for s in before.sprints if s.number == 11)
    # Seven reps with cards over a five-day week: 35 person-days; 56 pt / 35 = 1.60.
    assert (s11.velocity, s11.available_days, s11.velocity_per_available_day) == (56, 35, Decimal("1.60"))
    add_time_off(demo_store, "alex", day="2026-11-10", last_day="2026-11-11")  # sprint 11
    add_time_off(demo_store, "maria", day="2026-11-12", team=True)
    after = next(s for s in velocity(demo_store, "maria", 3).sprints if s.number == 11)
    # 35 - 2 (alex) - 7 (the holiday, everyone) = 26; 56 / 26 = 2.153... -> 2.15
    assert (after.available_days, after.available_days_by_member["alex"]) == (26, 2)
    assert after.velocity_per_available_day == Decimal("2.15")
    # Figures that were there stay as they were.
    assert after.model_dump(exclude={"available_days", "available_days_by_member", "velocity_per_available_day"}) == (
        s11.model_dump(exclude={"available_days", "available_days_by_member", "velocity_per_available_day"})
    )


def test_the_review_adds_the_sprints_available_days(demo_store: Any) -> None:
    shown = review(demo_store, "maria")
    assert shown.report.sprint is not None and shown.report.sprint.number == 13
    assert shown.report.completed is not None and shown.report.completed.points == 40
    assert (shown.available_days, shown.velocity_per_available_day) == (35, Decimal("1.14"))  # 40 / 35
    add_time_off(demo_store, "maria", day="2026-11-27", team=True)
    again = review(demo_store, "maria")
    assert (again.available_days, again.velocity_per_available_day) == (28, Decimal("1.43"))  # 40 / 28


def test_backup_carries_the_time_off(team: Any, tmp_path: Path) -> None:
    add_time_off(team, "rita", day="2026-12-01", note="Café 🚀 [bold]x[/]")
    add_time_off(team, "max", day="2026-12-24", team=True, note="Heiligabend")
    summary = export_json(team, "ada", tmp_path / "one.json")
    assert summary.rows["time_off"] == 2
    copy = open_store(f"sqlite:///{tmp_path / 'copy.db'}", check_schema=False)
    restore(copy, tmp_path / "one.json")
    export_json(copy, "ada", tmp_path / "two.json")
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    assert [(t.login, t.note) for t in list_time_off(copy, "ada")] == [
        ("rita", "Café 🚀 [bold]x[/]"),
        (None, "Heiligabend"),
    ]
    copy.dispose()
