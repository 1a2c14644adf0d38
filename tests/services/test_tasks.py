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
