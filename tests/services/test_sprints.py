"""Sprints through the services, on both backends: plan, start, close with or without carry-over."""

from datetime import date
from decimal import Decimal

import pytest

from salessprint.domain.errors import Conflict, NotFound, PermissionDenied
from salessprint.services import deals, sprints, tasks
from salessprint.services.reports.velocity import velocity


def test_sprint_lifecycle_with_carry_over_and_velocity(team_store) -> None:
    s1 = sprints.plan_sprint(team_store, "max", goal="First")
    assert (s1.number, s1.starts_on, s1.ends_on) == (1, date(2026, 11, 23), date(2026, 11, 29))
    a = tasks.add_task(team_store, "rita", title="A", kind="call", points=3)
    b = tasks.add_task(team_store, "rita", title="B", kind="email", points=5)
    d = deals.add_deal(team_store, "rob", title="Deal", account="X", value="1000", points=2)
    sprints.add_item(team_store, "rita", "task", a.id)
    sprints.add_item(team_store, "rita", "task", b.id)
    with pytest.raises(Conflict, match="already in sprint 1"):
        sprints.add_item(team_store, "rita", "task", b.id)
    with pytest.raises(PermissionDenied):
        sprints.start_sprint(team_store, "rita")
    sprints.start_sprint(team_store, "max")
    late = sprints.add_item(team_store, "rob", "deal", d.id)
    assert late.added_after_start
    tasks.move_task(team_store, "rita", a.id, "done")
    deals.move_deal(team_store, "rob", d.id, "Won")
    closed = sprints.close_sprint(team_store, "max", carry_over=True)
    assert closed.state == "closed"
    listing = sprints.list_sprints(team_store, "max")
    assert [(s.number, s.state) for s in listing] == [(1, "closed"), (2, "planned")]
    carried = sprints.sprint_items(team_store, "max", 2)
    assert [(c.item_type, c.item_id, c.status) for c in carried] == [("task", b.id, "todo")]
    v = [s.model_dump() for s in velocity(team_store, "max").sprints]
    assert v == [
        {
            "number": 1,
            # Planned for 23-29 Nov, started on Thursday 26 Nov: a week from the start.
            "starts_on": date(2026, 11, 26),
            "ends_on": date(2026, 12, 2),
            "goal": "First",
            "committed_points": 8,
            "completed_points": 5,
            "added_points": 2,
            "removed_points": 0,
            "carried_points": 5,
            "dropped_points": 0,
            "completed_outside_points": 0,
            "velocity": 5,
            "by_member": {"rita": 3, "rob": 2},
            # Thu 26 Nov to Wed 2 Dec: 5 working days each for rita and rob; 5 pt / 10 days.
            "available_days": 10,
            "available_days_by_member": {"rita": 5, "rob": 5},
            "velocity_per_available_day": Decimal("0.50"),
        }
    ]
    with pytest.raises(NotFound, match="no active sprint"):
        sprints.close_sprint(team_store, "max")


def test_close_without_carry_over_drops_unfinished_work(team_store) -> None:
    sprints.plan_sprint(team_store, "max")
    t = tasks.add_task(team_store, "rita", title="A", points=3)
    sprints.add_item(team_store, "rita", "task", t.id)
    sprints.start_sprint(team_store, "max")
    sprints.close_sprint(team_store, "max")
    assert [s.state for s in sprints.list_sprints(team_store, "max")] == ["closed"]
    assert sprints.sprint_items(team_store, "max", 1)[0].outcome == "dropped"


def test_removed_items_count_as_removed(team_store) -> None:
    sprints.plan_sprint(team_store, "max")
    t = tasks.add_task(team_store, "rita", title="A", points=4)
    sprints.add_item(team_store, "rita", "task", t.id)
    sprints.start_sprint(team_store, "max")
    sprints.remove_item(team_store, "rita", "task", t.id)
    sprints.close_sprint(team_store, "max", carry_over=True)
    row = velocity(team_store, "max").sprints[0]
    assert (row.committed_points, row.removed_points, row.carried_points) == (4, 4, 0)
    assert sprints.list_sprints(team_store, "max")[-1].number == 1  # nothing carried, nothing planned


def test_open_sprints_are_the_planned_and_active_ones_read_with_a_limit(team_store) -> None:
    """Planning needs the planned and the active sprint, not five years of closed ones."""
    from sqlalchemy import event

    assert sprints.open_sprints(team_store, "max") == (None, None)
    for _ in range(3):  # three closed sprints
        sprints.plan_sprint(team_store, "max")
        sprints.start_sprint(team_store, "max")
        sprints.close_sprint(team_store, "max")
    sprints.plan_sprint(team_store, "max")
    sprints.start_sprint(team_store, "max")
    sprints.plan_sprint(team_store, "max", goal="Next")
    seen: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many):
        if "FROM sprints" in statement:
            seen.append(statement)

    event.listen(team_store.engine, "before_cursor_execute", record)
    try:
        planned, active = sprints.open_sprints(team_store, "rita")
    finally:
        event.remove(team_store.engine, "before_cursor_execute", record)
    assert planned is not None and active is not None
    assert (planned.number, planned.state, planned.goal) == (5, "planned", "Next")
    assert (active.number, active.state) == (4, "active")
    assert len(seen) == 2 and all("LIMIT" in s.upper() for s in seen)


def test_deleting_a_deal_takes_its_card_off_the_open_sprint_and_keeps_it_in_a_closed_one(team_store) -> None:
    first = deals.add_deal(team_store, "rob", title="Kept", account="X", value="1000", points=2)
    second = deals.add_deal(team_store, "rob", title="Gone", account="X", value="500", points=1)
    sprints.plan_sprint(team_store, "max")
    sprints.add_item(team_store, "rob", "deal", first.id)
    sprints.start_sprint(team_store, "max")
    sprints.close_sprint(team_store, "max", carry_over=False)
    sprints.plan_sprint(team_store, "max")
    sprints.add_item(team_store, "rob", "deal", second.id)
    deals.delete_deal(team_store, "rob", first.id)
    deals.delete_deal(team_store, "rob", second.id)
    assert sprints.sprint_items(team_store, "max", 2) == []
    [kept] = sprints.sprint_items(team_store, "max", 1)
    assert (kept.item_type, kept.item_id, kept.title, kept.deleted, kept.outcome) == (
        "deal",
        first.id,
        "Kept",
        True,
        "dropped",
    )


def test_work_done_after_the_end_before_the_close_is_completed_and_not_carried(team_store) -> None:
    from datetime import UTC, datetime

    from salessprint.domain import clock
    from salessprint.services.reports.sprint import ItemFigure, sprint_report

    late = tasks.add_task(team_store, "rita", title="Late", kind="call", points=2)
    open_ = tasks.add_task(team_store, "rita", title="Open", kind="call", points=3)
    sprints.plan_sprint(team_store, "max")
    sprints.add_item(team_store, "rita", "task", late.id)
    sprints.add_item(team_store, "rita", "task", open_.id)
    sprints.start_sprint(team_store, "max")  # Thursday 26 Nov: runs to Wednesday 2 Dec
    with clock.freeze(datetime(2026, 12, 3, 7, 0, tzinfo=UTC)):  # Thursday, after the end
        tasks.move_task(team_store, "rita", late.id, "done")
    with clock.freeze(datetime(2026, 12, 3, 8, 0, tzinfo=UTC)):
        sprints.close_sprint(team_store, "max", carry_over=True)
        report = sprint_report(team_store, "max", 1)
        assert report.completed == ItemFigure(items=1, points=2)
        assert report.carried_over == ItemFigure(items=1, points=3)
        [carried] = sprints.sprint_items(team_store, "max", 2)
        assert (carried.item_id, carried.status) == (open_.id, "todo")
        [done] = [i for i in sprints.sprint_items(team_store, "max", 1) if i.item_id == late.id]
        assert (done.status, done.outcome) == ("done", "done")
    # Done in the next sprint, the carried card is done there, on that day.
    sprints.start_sprint(team_store, "max")
    tasks.move_task(team_store, "rita", open_.id, "done")
    [card] = sprints.sprint_items(team_store, "max", 2)
    assert card.status == "done"
    assert sprint_report(team_store, "max", 2).completed == ItemFigure(items=1, points=3)
