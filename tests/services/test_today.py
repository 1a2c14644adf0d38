"""Today on both backends: the sections, the hand-checked "by now" figures,
the caps with their honest counts, and the bulk moves of stale tasks, undone at once.
The pure rules (day share, days to move to) are in tests/domain/test_today.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from salessprint.domain import clock
from salessprint.domain.errors import InvalidInput
from salessprint.services.activities import log_activity
from salessprint.services.deals import add_deal, move_deal
from salessprint.services.history import history
from salessprint.services.targets import set_target
from salessprint.services.tasks import add_task, get_task, move_task
from salessprint.services.today import SECTION_CAP, clear_stale, reschedule_stale, today
from salessprint.services.undo import undo

THURSDAY = date(2026, 11, 26)  # the frozen clock's day (10:30 UTC; the test team lives in UTC)


# --- the read ----------------------------------------------------------------------
def test_goals_say_where_i_should_be_by_now(team_store) -> None:
    set_target(team_store, "max", login="rita", metric="calls", amount="25", period="day", effective_from="2026-11-01")
    set_target(
        team_store, "max", login="rita", metric="meetings", amount="10", period="week", effective_from="2026-11-01"
    )
    for _ in range(3):
        log_activity(team_store, "rita", kind="call")
    log_activity(team_store, "rob", kind="call")  # not mine

    view = today(team_store, "rita")  # Thursday 10:30
    goals = {g.kind: g for g in view.goals}
    assert view.clock == time(10, 30)
    # Calls: 25 a day; by 10:30 1.5 of 8 hours are gone: 25 × 1.5/8 = 4.6875 → 4.7; 3 is behind.
    assert (goals["call"].done, goals["call"].target, goals["call"].by_now) == (3, 25, Decimal("4.7"))
    assert goals["call"].pace == "behind"
    # Meetings: 10 a week over 5 working days is 2 today; 2 × 1.5/8 = 0.375 → 0.4.
    assert (goals["meeting"].done, goals["meeting"].target, goals["meeting"].by_now) == (0, 2, Decimal("0.4"))
    assert set(goals) == {"call", "meeting"}  # kinds without a target are left out

    with clock.freeze(datetime(2026, 11, 26, 14, 0, tzinfo=UTC)):
        later = {g.kind: g for g in today(team_store, "rita").goals}
    # 14:00: 25 × 5/8 = 15.625 → 15.6.
    assert later["call"].by_now == Decimal("15.6")
    with clock.freeze(datetime(2026, 11, 28, 14, 0, tzinfo=UTC)):  # a Saturday: no target today
        assert today(team_store, "rita").goals == []


def test_sections_hold_my_due_and_late_tasks_calls_and_deals(team_store) -> None:
    late = add_task(team_store, "rita", title="Chase Acme", kind="follow-up", due_on="2026-11-23")
    due = add_task(team_store, "rita", title="Write recap", kind="note", due_on="2026-11-26")
    call = add_task(team_store, "rita", title="Call Globex", kind="call", due_on="2026-11-26")
    add_task(team_store, "rita", title="Call later", kind="call", due_on="2026-11-27")  # not yet
    add_task(team_store, "rita", title="No date", kind="admin")
    finished = add_task(team_store, "rita", title="Done already", due_on="2026-11-20")
    move_task(team_store, "rita", finished.id, "done")
    add_task(team_store, "rob", title="Rob's", due_on="2026-11-20")  # not mine
    with clock.freeze(datetime(2026, 10, 1, 9, 0, tzinfo=UTC)):
        old = add_deal(team_store, "rita", title="Old deal", account="Acme", value="5000", next_step="Call CFO")
    bare = add_deal(team_store, "rita", title="Bare deal", account="Globex", value="900")
    add_deal(team_store, "rita", title="Has a step", account="Initech", value="800", next_step="Demo")
    add_deal(team_store, "rob", title="Rob's bare", account="Umbrella", value="700")

    view = today(team_store, "rita")

    assert [(t.id, t.days_late) for t in view.tasks.items] == [(late.id, 3), (due.id, 0)]
    assert view.stale == 1
    assert [t.id for t in view.appointments.items] == [call.id]
    assert [d.id for d in view.no_next_step.items] == [bare.id]
    assert [(d.id, d.days_in_stage) for d in view.rotting.items] == [(old.id, 56)]
    assert (view.tasks.more, view.rotting.more) == (0, 0)


def test_each_section_is_capped_and_counts_them_all(team_store) -> None:
    for i in range(SECTION_CAP + 3):
        add_task(team_store, "rob", title=f"Late {i}", due_on=(THURSDAY - timedelta(days=i + 1)).isoformat())
        add_deal(team_store, "rob", title=f"Deal {i}", account="Acme", value=str(100 + i))
    view = today(team_store, "rob")
    assert (len(view.tasks.items), view.tasks.total, view.tasks.more) == (SECTION_CAP, SECTION_CAP + 3, 3)
    assert view.stale == SECTION_CAP + 3
    assert view.tasks.items[0].title == f"Late {SECTION_CAP + 2}"  # the oldest first
    assert (len(view.no_next_step.items), view.no_next_step.total) == (SECTION_CAP, SECTION_CAP + 3)
    assert view.no_next_step.items[0].value == Decimal("110.00")  # the biggest first


def test_a_won_deal_has_no_next_step_to_need(team_store) -> None:
    deal = add_deal(team_store, "rita", title="Signed", account="Acme", value="900")
    move_deal(team_store, "rita", deal.id, "Won")
    assert today(team_store, "rita").no_next_step.total == 0


# --- the bulk moves ---------------------------------------------------------------
def _stale_three(store) -> list[int]:
    return [
        add_task(store, "rita", title=f"Stale {i}", due_on=f"2026-11-2{i}").id  # 20, 21, 22: all late
        for i in range(3)
    ]


def test_reschedule_moves_every_stale_task_and_one_undo_puts_them_back(team_store) -> None:
    ids = _stale_three(team_store)
    fresh = add_task(team_store, "rita", title="Due today", due_on="2026-11-26")
    robs = add_task(team_store, "rob", title="Rob's late", due_on="2026-11-20")

    result = reschedule_stale(team_store, "rita", "next monday")

    assert (result.count, result.due_on) == (3, date(2026, 11, 30))
    assert "Rescheduled 3 stale tasks to Mon 2026-11-30" in result.message
    assert [get_task(team_store, "rita", i).due_on for i in ids] == [date(2026, 11, 30)] * 3
    assert get_task(team_store, "rita", fresh.id).due_on == THURSDAY  # not stale: untouched
    assert get_task(team_store, "rob", robs.id).due_on == date(2026, 11, 20)  # not mine
    assert today(team_store, "rita").stale == 0

    undone = undo(team_store, "rita")

    assert [get_task(team_store, "rita", i).due_on for i in ids] == [date(2026, 11, 20 + i) for i in range(3)]
    assert "With it" in undone.message
    # The history tells it: three updates, one of them the cause of the others.
    updates = [c for c in history(team_store, "rita") if c.entity == "task" and c.action == "update"]
    assert len(updates) == 3 and all(c.undone for c in updates)


def test_clear_takes_the_due_dates_off_and_undo_brings_them_back(team_store) -> None:
    ids = _stale_three(team_store)
    result = clear_stale(team_store, "rita")
    assert (result.count, result.due_on) == (3, None)
    assert "stay in the backlog" in result.message
    assert all(get_task(team_store, "rita", i).due_on is None for i in ids)
    assert today(team_store, "rita").tasks.total == 0
    undo(team_store, "rita")
    assert [get_task(team_store, "rita", i).due_on for i in ids] == [date(2026, 11, 20 + i) for i in range(3)]


def test_nothing_stale_changes_nothing(team_store) -> None:
    add_task(team_store, "rita", title="Due today", due_on="2026-11-26")
    assert reschedule_stale(team_store, "rita", "tomorrow").count == 0
    assert clear_stale(team_store, "rita").count == 0
    assert [c for c in history(team_store, "rita") if c.action == "update"] == []


def test_a_bad_day_is_refused_and_nothing_moves(team_store) -> None:
    (first, *_rest) = _stale_three(team_store)
    with pytest.raises(InvalidInput, match="in the past"):
        reschedule_stale(team_store, "rita", "2026-11-01")
    assert get_task(team_store, "rita", first).due_on == date(2026, 11, 20)
