"""Deals, tasks, activities and sprints through the services, on both backends."""

from datetime import date
from decimal import Decimal

import pytest

from salessprint.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StaleWrite
from salessprint.services import activities, deals, sprints, targets, tasks
from salessprint.services.members import add_member, list_members
from salessprint.services.reports.activity import activity
from salessprint.services.reports.velocity import velocity


def test_deal_lifecycle_and_audit(team_store) -> None:  # type: ignore[no-untyped-def]
    d = deals.add_deal(team_store, "rita", title="Acme rollout", account="Acme", value="12500.50", points=3)
    assert d.value == Decimal("12500.50") and d.owner == "rita" and d.stage == "Lead"
    moved = deals.move_deal(team_store, "rita", d.id, "proposal")
    assert moved.stage == "Proposal" and moved.version == d.version + 1
    won = deals.move_deal(team_store, "rita", d.id, "Won")
    assert won.closed_on == date(2026, 11, 26)
    lost = deals.move_deal(team_store, "rita", d.id, "Lost", lost_reason="Price")
    assert lost.lost_reason == "Price"
    from salessprint.store.models import Change, DealEvent

    with team_store.sessions() as s:
        changes = s.query(Change).filter_by(entity="deal", entity_id=d.id).all()
        events = s.query(DealEvent).filter_by(deal_id=d.id, kind="stage").all()
    assert [c.action for c in changes] == ["create", "update", "update", "update"]
    assert changes[1].before["stage_id"] != changes[1].after["stage_id"]
    assert [e.new for e in events] == ["Proposal", "Won", "Lost"]


def test_stale_write_is_refused_with_the_fresh_row(team_store) -> None:  # type: ignore[no-untyped-def]
    d = deals.add_deal(team_store, "rita", title="Deal", account="A", value="100")
    deals.update_deal(team_store, "rita", d.id, expected_version=d.version, value="200")
    with pytest.raises(StaleWrite) as err:
        deals.update_deal(team_store, "rita", d.id, expected_version=d.version, value="300")
    assert err.value.current["value"] == "200.00"
    assert deals.get_deal(team_store, "rita", d.id).value == Decimal("200.00")


def test_reps_touch_only_their_own_work(team_store) -> None:  # type: ignore[no-untyped-def]
    d = deals.add_deal(team_store, "rita", title="Rita's", account="A", value="1")
    with pytest.raises(PermissionDenied, match="manager"):
        deals.move_deal(team_store, "rob", d.id, "Qualified")
    deals.add_collaborator(team_store, "rita", d.id, "rob")
    assert deals.move_deal(team_store, "rob", d.id, "Qualified").stage == "Qualified"
    with pytest.raises(PermissionDenied):
        deals.add_deal(team_store, "rob", title="x", account="A", value="1", owner="rita")
    with pytest.raises(PermissionDenied, match="admin"):
        add_member(team_store, "max", login="new", name="New")
    with pytest.raises(PermissionDenied):
        targets.set_target(team_store, "rob", login="rita", metric="calls", amount="25", period="day")
    assert targets.set_target(team_store, "rob", login="rob", metric="calls", amount="25", period="day").amount == 25


def test_unknown_names_are_not_found(team_store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound, match="No member with login 'ghost'"):
        deals.add_deal(team_store, "max", title="x", account="A", value="1", owner="ghost")
    with pytest.raises(NotFound, match="Unknown stage"):
        deals.add_deal(team_store, "max", title="x", account="A", value="1", stage="Limbo")
    with pytest.raises(NotFound, match="not a member"):
        list_members(team_store, "ghost")


def test_finishing_a_call_task_logs_one_call_and_undoing_removes_it(team_store) -> None:  # type: ignore[no-untyped-def]
    t = tasks.add_task(team_store, "rita", title="Call Acme", kind="call", points=2)
    tasks.move_task(team_store, "rita", t.id, "doing")
    tasks.move_task(team_store, "rita", t.id, "done")
    assert [a.kind for a in activities.list_activities(team_store, "rita", member="rita")] == ["call"]
    tasks.move_task(team_store, "rita", t.id, "todo")
    assert activities.list_activities(team_store, "rita", member="rita") == []
    admin_task = tasks.add_task(team_store, "rita", title="Expenses", kind="admin")
    tasks.move_task(team_store, "rita", admin_task.id, "done")
    assert activities.list_activities(team_store, "rita", member="rita") == []


def test_sprint_lifecycle_with_carry_over_and_velocity(team_store) -> None:  # type: ignore[no-untyped-def]
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
            "starts_on": date(2026, 11, 23),
            "ends_on": date(2026, 11, 29),
            "goal": "First",
            "committed_points": 8,
            "completed_points": 5,
            "added_points": 2,
            "removed_points": 0,
            "carried_points": 5,
            "velocity": 5,
            "by_member": {"rita": 3, "rob": 2},
        }
    ]
    with pytest.raises(NotFound, match="no active sprint"):
        sprints.close_sprint(team_store, "max")


def test_close_without_carry_over_drops_unfinished_work(team_store) -> None:  # type: ignore[no-untyped-def]
    sprints.plan_sprint(team_store, "max")
    t = tasks.add_task(team_store, "rita", title="A", points=3)
    sprints.add_item(team_store, "rita", "task", t.id)
    sprints.start_sprint(team_store, "max")
    sprints.close_sprint(team_store, "max")
    assert [s.state for s in sprints.list_sprints(team_store, "max")] == ["closed"]
    assert sprints.sprint_items(team_store, "max", 1)[0].outcome == "dropped"


def test_removed_items_count_as_removed(team_store) -> None:  # type: ignore[no-untyped-def]
    sprints.plan_sprint(team_store, "max")
    t = tasks.add_task(team_store, "rita", title="A", points=4)
    sprints.add_item(team_store, "rita", "task", t.id)
    sprints.start_sprint(team_store, "max")
    sprints.remove_item(team_store, "rita", "task", t.id)
    sprints.close_sprint(team_store, "max", carry_over=True)
    row = velocity(team_store, "max").sprints[0]
    assert (row.committed_points, row.removed_points, row.carried_points) == (4, 4, 0)
    assert sprints.list_sprints(team_store, "max")[-1].number == 1  # nothing carried, nothing planned


def test_activity_report_counts_against_scaled_targets(team_store) -> None:  # type: ignore[no-untyped-def]
    targets.set_target(
        team_store, "max", login="rita", metric="calls", amount="25", period="day", effective_from="2026-01-01"
    )
    targets.set_target(
        team_store, "max", login="rita", metric="meetings", amount="5", period="week", effective_from="2026-01-01"
    )
    for _ in range(3):
        activities.log_activity(team_store, "rita", kind="call")
    activities.log_activity(team_store, "rita", kind="meeting", when="2026-11-24T10:00:00+00:00")
    activities.log_activity(team_store, "rita", kind="call", when="2026-11-20T10:00:00+00:00")  # last week
    data = activity(team_store, "max", member="rita")
    rita = data.members[0]
    pick = lambda kind: rita.activities[kind].model_dump(include={"done", "target"})  # noqa: E731
    assert pick("call") == {"done": 3, "target": 125}
    assert pick("meeting") == {"done": 1, "target": 5}
    assert pick("email") == {"done": 0, "target": None}


def test_bad_activity_kind_changes_nothing(team_store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match="kind"):
        activities.log_activity(team_store, "rita", kind="lunch")
    assert activities.list_activities(team_store, "rita") == []


def test_open_sprints_are_the_planned_and_active_ones_read_with_a_limit(team_store) -> None:  # type: ignore[no-untyped-def]
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

    def record(_conn, _cursor, statement, _parameters, _context, _many):  # type: ignore[no-untyped-def]
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
