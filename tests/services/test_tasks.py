"""Tasks through the services, on both backends."""

from __future__ import annotations

from salessprint.services import activities, tasks


def test_finishing_a_call_task_logs_one_call_and_undoing_removes_it(team_store) -> None:
    t = tasks.add_task(team_store, "rita", title="Call Acme", kind="call", points=2)
    tasks.move_task(team_store, "rita", t.id, "doing")
    tasks.move_task(team_store, "rita", t.id, "done")
    assert [a.kind for a in activities.list_activities(team_store, "rita", member="rita")] == ["call"]
    tasks.move_task(team_store, "rita", t.id, "todo")
    assert activities.list_activities(team_store, "rita", member="rita") == []
    admin_task = tasks.add_task(team_store, "rita", title="Expenses", kind="admin")
    tasks.move_task(team_store, "rita", admin_task.id, "done")
    assert activities.list_activities(team_store, "rita", member="rita") == []


def test_finishing_a_task_logs_its_activity_and_card_as_following_from_it(team_store) -> None:
    from salessprint.services.activities import list_activities
    from salessprint.services.sprints import add_item, plan_sprint, sprint_items
    from salessprint.services.tasks import add_task, move_task
    from salessprint.services.undo import undo
    from salessprint.store.models import Change

    task = add_task(team_store, "rita", title="Call Acme", kind="call", points="1")
    plan_sprint(team_store, "max")
    card = add_item(team_store, "rita", "task", task.id)
    move_task(team_store, "rita", task.id, "done")
    (activity,) = list_activities(team_store, "rita", member="rita")

    def logged() -> list[tuple[str, int, str, int | None]]:
        with team_store.session() as s:
            rows = s.query(Change).filter(Change.entity != "sprint").order_by(Change.id).all()
            return [(c.entity, c.entity_id, c.action, c.cause_id) for c in rows]

    with team_store.session() as s:
        done = s.query(Change).filter_by(entity="task", entity_id=task.id).order_by(Change.id.desc()).first()
    assert logged()[-3:] == [
        ("task", task.id, "update", None),
        ("activity", activity.id, "create", done.id),
        ("sprint_item", card.id, "update", done.id),
    ]

    # Back out of done: the activity goes, logged; undo brings the same row back.
    move_task(team_store, "rita", task.id, "todo")
    assert list_activities(team_store, "rita", member="rita") == []
    assert ("activity", activity.id, "delete") in [c[:3] for c in logged()]
    undo(team_store, "rita")
    assert [a.id for a in list_activities(team_store, "rita", member="rita")] == [activity.id]
    assert sprint_items(team_store, "rita")[0].status == "done"


def test_a_card_is_done_on_the_team_s_day_not_utc_s(sqlite_url: str) -> None:
    """Done on Monday 23 Nov at 20:00 in Los Angeles (Tuesday 04:00 UTC): the card's day is Monday."""
    from datetime import UTC, date, datetime

    from salessprint.domain import clock
    from salessprint.services import open_store, sprints
    from salessprint.services.team import init_team

    store = open_store(sqlite_url, check_schema=False)
    with clock.freeze(datetime(2026, 11, 23, 17, 0, tzinfo=UTC)):
        init_team(store, "West", "ada", "Ada Admin", timezone="America/Los_Angeles")
        task = tasks.add_task(store, "ada", title="Call", kind="call", points=2)
        sprints.plan_sprint(store, "ada")
        sprints.add_item(store, "ada", "task", task.id)
        sprints.start_sprint(store, "ada")
    with clock.freeze(datetime(2026, 11, 24, 4, 0, tzinfo=UTC)):
        tasks.move_task(store, "ada", task.id, "done")
        from salessprint.services.reports.burndown import burndown

        days = {d.day: d.remaining for d in burndown(store, "ada").days}
    store.dispose()
    assert days[date(2026, 11, 23)] == 0


def test_deleting_a_task_takes_its_card_off_the_open_sprint(team_store) -> None:
    from salessprint.services import sprints

    task = tasks.add_task(team_store, "rita", title="Call", kind="call", points=2)
    sprints.plan_sprint(team_store, "max")
    sprints.add_item(team_store, "rita", "task", task.id)
    tasks.delete_task(team_store, "rita", task.id)
    assert sprints.sprint_items(team_store, "max") == []


def test_finishing_a_task_linked_to_a_deal_logs_its_activity_on_that_deal_once(team_store) -> None:
    from salessprint.services.deals import add_deal
    from salessprint.services.undo import undo

    deal = add_deal(team_store, "rita", title="Acme rollout", account="Acme", value="5000")
    call = tasks.add_task(team_store, "rita", title="Call Acme's CFO", kind="call", deal_id=deal.id)
    admin = tasks.add_task(team_store, "rita", title="Update the CRM", kind="admin", deal_id=deal.id)

    def logged() -> list[tuple[str, int | None, int | None]]:
        return [(a.kind, a.deal_id, a.id) for a in activities.list_activities(team_store, "rita")]

    tasks.move_task(team_store, "rita", call.id, "done")
    tasks.move_task(team_store, "rita", admin.id, "done")  # no activity kind: nothing logged
    ((kind, deal_id, first),) = logged()
    assert (kind, deal_id) == ("call", deal.id)
    # Re-opened, its call goes; done again, one call again (never two for one task).
    tasks.move_task(team_store, "rita", call.id, "doing")
    assert logged() == []
    tasks.move_task(team_store, "rita", call.id, "done")
    tasks.move_task(team_store, "rita", call.id, "done")  # already done: nothing more
    assert [(k, d) for k, d, _id in logged()] == [("call", deal.id)]
    # Undoing the completion takes its call with it; undoing the re-open brings the first back.
    undo(team_store, "rita")
    assert logged() == []
    assert tasks.get_task(team_store, "rita", call.id).status == "doing"
    undo(team_store, "rita")
    assert logged() == [("call", deal.id, first)]
