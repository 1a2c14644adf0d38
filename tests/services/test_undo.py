"""Undo on both backends: my own last change, refused when stale, with its side effects."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salessprint.domain.errors import Conflict, NotFound
from salessprint.services.deals import add_collaborator, add_deal, get_deal, update_deal
from salessprint.services.history import deal_timeline, history
from salessprint.services.notes import add_note
from salessprint.services.sprints import add_item, plan_sprint, start_sprint
from salessprint.services.tasks import add_task, delete_task, list_tasks
from salessprint.services.undo import last_undoable, undo


def test_undo_restores_my_edit_and_logs_it(team_store) -> None:
    deal = add_deal(team_store, "rita", title="Acme renewal", account="Acme", value="1200")
    update_deal(team_store, "rita", deal.id, expected_version=deal.version, value="1500", title="Acme renewal XL")

    result = undo(team_store, "rita")

    back = get_deal(team_store, "rita", deal.id)
    assert (back.title, back.value) == ("Acme renewal", Decimal("1200.00"))
    assert back.version == deal.version + 2  # the edit, then the undo: both are writes
    assert "Acme renewal XL" in result.message
    log = history(team_store, "rita", entity=f"deal:{deal.id}")
    assert [c.action for c in log] == ["undo", "update", "create"]
    assert log[1].undone is True
    assert {f.field for f in log[0].fields} == {"title", "value"}


def test_undo_is_refused_when_someone_changed_the_row_since(team_store) -> None:
    deal = add_deal(team_store, "rita", title="Globex", account="Globex", value="900")
    update_deal(team_store, "rita", deal.id, next_step="Call CFO")
    update_deal(team_store, "max", deal.id, next_step="Send proposal")

    with pytest.raises(Conflict, match="max changed deal #"):
        undo(team_store, "rita")
    assert get_deal(team_store, "rita", deal.id).next_step == "Send proposal"
    # Nothing was marked undone by the refusal.
    assert not any(c.undone for c in history(team_store, "rita", entity=f"deal:{deal.id}"))


def test_undo_walks_back_through_my_changes(team_store) -> None:
    deal = add_deal(team_store, "rob", title="Initech", account="Initech", value="100")
    update_deal(team_store, "rob", deal.id, next_step="one")
    update_deal(team_store, "rob", deal.id, next_step="two")

    undo(team_store, "rob")
    assert get_deal(team_store, "rob", deal.id).next_step == "one"
    undo(team_store, "rob")
    assert get_deal(team_store, "rob", deal.id).next_step is None
    undo(team_store, "rob")  # the creation itself
    with pytest.raises(NotFound):
        get_deal(team_store, "rob", deal.id)
    with pytest.raises(NotFound, match="no change left to undo"):
        undo(team_store, "rob")


def test_undo_brings_a_deleted_task_back_with_its_id(team_store) -> None:
    task = add_task(team_store, "rita", title="Call Acme", kind="call", points="2", due_on="2026-11-30")
    delete_task(team_store, "rita", task.id, expected_version=task.version)

    undo(team_store, "rita")

    (back,) = [t for t in list_tasks(team_store, "rita") if t.id == task.id]
    assert (back.title, back.kind, back.points, str(back.due_on)) == ("Call Acme", "call", 2, "2026-11-30")


def test_undo_of_a_task_delete_brings_back_its_cards_and_links(team_store) -> None:
    from salessprint.services.activities import list_activities
    from salessprint.services.sprints import sprint_items
    from salessprint.services.tasks import move_task
    from salessprint.store.models import Activity, Change

    task = add_task(team_store, "rita", title="Call Acme", kind="call", points="2")
    plan_sprint(team_store, "max")
    card = add_item(team_store, "rita", "task", task.id)
    start_sprint(team_store, "max")
    move_task(team_store, "rita", task.id, "done")
    (activity,) = list_activities(team_store, "rita", member="rita")

    delete_task(team_store, "rita", task.id)
    assert sprint_items(team_store, "rita") == []
    with team_store.session() as s:
        (deleted,) = s.query(Change).filter_by(entity="task", action="delete").all()
        followers = s.query(Change).filter_by(cause_id=deleted.id).order_by(Change.id).all()
    assert [(c.entity, c.entity_id, c.action) for c in followers] == [
        ("sprint_item", card.id, "delete"),
        ("activity", activity.id, "update"),
    ]

    undo(team_store, "rita")

    (back,) = sprint_items(team_store, "rita")
    assert (back.id, back.item_id, back.status, back.points) == (card.id, task.id, "done", 2)
    with team_store.session() as s:
        assert s.get(Activity, activity.id).task_id == task.id


def test_undo_of_a_note_and_a_collaborator(team_store) -> None:
    deal = add_deal(team_store, "rita", title="Umbrella", account="Umbrella", value="10")
    add_collaborator(team_store, "rita", deal.id, "rob")
    add_note(team_store, "rob", "Competitor dropped their price 10%", deal_id=deal.id)

    undo(team_store, "rob")  # rob's note goes
    assert [e.kind for e in deal_timeline(team_store, "rob", deal.id)].count("note") == 0
    undo(team_store, "rita")  # rita's collaborator add goes
    assert get_deal(team_store, "rita", deal.id).collaborators == []


def test_undo_refuses_a_sprint_start(team_store) -> None:
    task = add_task(team_store, "max", title="Plan", assignee="max")
    plan_sprint(team_store, "max", goal="Close Q4")
    add_item(team_store, "max", "task", task.id)
    start_sprint(team_store, "max")
    undoable = last_undoable(team_store, "max")
    assert undoable is not None and undoable.entity == "sprint"
    with pytest.raises(Conflict, match="Starting or closing a sprint"):
        undo(team_store, "max")


def test_undo_needs_a_member(team_store) -> None:
    with pytest.raises(NotFound, match="'ghost' is not a member"):
        undo(team_store, "ghost")


def test_undo_finishing_a_task_takes_back_its_activity_and_card(team_store) -> None:
    from salessprint.services.activities import list_activities
    from salessprint.services.sprints import sprint_items
    from salessprint.services.tasks import move_task

    task = add_task(team_store, "rita", title="Call Acme", kind="call", points="1")
    plan_sprint(team_store, "max")
    add_item(team_store, "rita", "task", task.id)
    move_task(team_store, "rita", task.id, "done")
    assert [a.kind for a in list_activities(team_store, "rita", member="rita")] == ["call"]

    undo(team_store, "rita")

    assert list_activities(team_store, "rita", member="rita") == []
    (card,) = sprint_items(team_store, "rita")
    assert card.status == "todo"
    (back,) = [t for t in list_tasks(team_store, "rita") if t.id == task.id]
    assert (back.status, back.done_at) == ("todo", None)


def test_undo_winning_a_deal_reopens_it_and_its_card(team_store) -> None:
    from salessprint.services.deals import move_deal
    from salessprint.services.sprints import sprint_items

    deal = add_deal(team_store, "rita", title="Acme", account="Acme", value="5000", stage="Proposal")
    plan_sprint(team_store, "max")
    add_item(team_store, "rita", "deal", deal.id)
    move_deal(team_store, "rita", deal.id, "Won")
    assert sprint_items(team_store, "rita")[0].status == "done"

    undo(team_store, "rita")

    back = get_deal(team_store, "rita", deal.id)
    assert (back.stage, back.closed_on) == ("Proposal", None)
    # The card is back exactly as it was before the win (it was "todo"; the
    # old rule put any done card to "doing").
    (card,) = sprint_items(team_store, "rita")
    assert card.status == "todo"
    timeline = deal_timeline(team_store, "rita", deal.id)
    assert timeline[0].text.startswith("undo: restored deal 'Acme': stage Won → Proposal")


def test_undo_never_sweeps_away_other_peoples_work(team_store) -> None:
    deal = add_deal(team_store, "rita", title="Hooli", account="Hooli", value="10")
    add_note(team_store, "max", "Board approved the budget", deal_id=deal.id)
    # rita's last change is the deal's creation; max's note hangs off it.
    with pytest.raises(Conflict, match="already has notes"):
        undo(team_store, "rita")
    assert get_deal(team_store, "max", deal.id).title == "Hooli"


def test_undo_adding_a_member_who_already_works_is_refused(team_store) -> None:
    from salessprint.services.activities import log_activity
    from salessprint.services.members import add_member, list_members

    add_member(team_store, "ada", login="tina", name="Tina New", role="rep")
    log_activity(team_store, "tina", kind="call")
    with pytest.raises(Conflict, match="already has activities"):
        undo(team_store, "ada")
    assert "tina" in [m.login for m in list_members(team_store, "ada")]
