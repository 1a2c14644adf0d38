"""Migration 0005: the cards of a closed sprint outlive their task or deal
(keys SET NULL), and know their type, title and the moment they were done."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

from alembic import command
from sqlalchemy import column, delete, insert, inspect, select, table, text

from salessprint.domain.enums import SprintState
from salessprint.store.db import Store
from salessprint.store.models import Base, Member, Sprint, SprintItem, Task

OLD_CARDS = table(
    "sprint_items",
    *(
        column(name)
        for name in (
            *("sprint_id", "task_id", "deal_id", "member_id", "points", "status", "added_after_start"),
            *("added_at", "done_on", "removed_at", "outcome", "version"),
        )
    ),
)
"""The cards as the 0004 schema holds them."""

DONE_AT = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def _store_at_0004(url: str) -> Store:
    """A closed sprint at 0004 with a done card and an open one."""
    store = Store(url)
    command.upgrade(store.alembic_config(), "0004")
    with store.session() as s:
        # Teams and members as 0004 has them (the models carry later columns).
        teams, members = Base.metadata.tables["teams"], Base.metadata.tables["members"]
        at = {"created_at": DONE_AT, "version": 1}
        team_id = s.execute(
            insert(teams)
            .values(name="T", currency="EUR", timezone="UTC", week_start=0, sprint_weeks=1, rotting_days=21, demo=False)
            .values(**at)
            .returning(teams.c.id)
        ).scalar_one()
        team = SimpleNamespace(id=team_id)
        member_id = s.execute(
            insert(members)
            .values(team_id=team_id, login="a", name="A", role="admin", active=True, **at)
            .returning(members.c.id)
        ).scalar_one()
        member = SimpleNamespace(id=member_id)
        done = Task(team_id=team.id, title="Call Acme", kind="call", assignee_id=member.id, status="done")
        done.done_at = DONE_AT
        todo = Task(team_id=team.id, title="Write proposal", kind="proposal", assignee_id=member.id)
        s.add_all([done, todo])
        sprint = Sprint(team_id=team.id, number=1, starts_on=date(2026, 11, 16), ends_on=date(2026, 11, 22))
        sprint.state = SprintState.CLOSED
        s.add(sprint)
        s.flush()
        base = {"sprint_id": sprint.id, "member_id": member.id, "added_after_start": False, "version": 1}
        s.execute(
            insert(OLD_CARDS),
            [
                {
                    **base,
                    "task_id": done.id,
                    "deal_id": None,
                    "points": 3,
                    "status": "done",
                    "done_on": DONE_AT.date(),
                    "outcome": "done",
                    "added_at": DONE_AT,
                    "removed_at": None,
                },
                {
                    **base,
                    "task_id": todo.id,
                    "deal_id": None,
                    "points": 2,
                    "status": "todo",
                    "done_on": None,
                    "outcome": "dropped",
                    "added_at": DONE_AT,
                    "removed_at": None,
                },
            ],
        )
        s.commit()
    return store


def test_upgrade_fills_in_the_snapshot_and_deleting_a_task_keeps_the_closed_card(db_url: str) -> None:
    store = _store_at_0004(db_url)
    command.upgrade(store.alembic_config(), "0005")
    with store.session() as s:
        ids = list(s.scalars(select(Task.id).order_by(Task.id)))
        rows = s.execute(
            select(SprintItem.item_type, SprintItem.item_ref, SprintItem.title, SprintItem.done_at).order_by(
                SprintItem.id
            )
        ).all()
        assert rows == [("task", ids[0], "Call Acme", DONE_AT), ("task", ids[1], "Write proposal", None)]
        s.execute(delete(Task).where(Task.title == "Call Acme"))
        s.commit()
        todo_id = s.scalar(select(Task.id).where(Task.title == "Write proposal"))
        kept = s.execute(
            select(SprintItem.task_id, SprintItem.title, SprintItem.points, SprintItem.outcome).order_by(SprintItem.id)
        ).all()
    # The deleted task's card stays, with its points and outcome; the key is NULL.
    assert kept == [(None, "Call Acme", 3, "done"), (todo_id, "Write proposal", 2, "dropped")]
    names = {ix["name"] for ix in inspect(store.engine).get_indexes("sprint_items")}
    assert {"uq_sprint_items_open_task", "uq_sprint_items_open_deal"} <= names
    store.dispose()


def test_the_partial_indexes_still_refuse_a_second_open_card(db_url: str) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    store = _store_at_0004(db_url)
    command.upgrade(store.alembic_config(), "0005")
    with store.engine.connect() as conn:
        task_id = conn.execute(select(Task.id).where(Task.title == "Write proposal")).scalar_one()
        sprint_id = conn.execute(select(Sprint.id)).scalar_one()
        member_id = conn.execute(select(Member.id)).scalar_one()
        row = {
            "sprint_id": sprint_id,
            "member_id": member_id,
            "task_id": task_id,
            "points": 1,
            "status": "todo",
            "added_after_start": False,
            "added_at": DONE_AT,
            "version": 1,
        }
        with pytest.raises(IntegrityError):
            conn.execute(insert(SprintItem), row)
        conn.rollback()
        # A card can no longer be both a task and a deal, but may be neither (its item deleted).
        with pytest.raises(IntegrityError):
            conn.execute(insert(SprintItem), {**row, "removed_at": DONE_AT, "deal_id": 1})
        conn.rollback()
    store.dispose()


def test_downgrade_goes_back_to_0004(db_url: str) -> None:
    store = _store_at_0004(db_url)
    command.upgrade(store.alembic_config(), "0005")
    with store.session() as s:
        s.execute(delete(Task).where(Task.title == "Call Acme"))
        s.commit()
    command.downgrade(store.alembic_config(), "0004")
    columns = {c["name"] for c in inspect(store.engine).get_columns("sprint_items")}
    assert not {"done_at", "item_type", "title"} & columns
    with store.engine.connect() as conn:
        # The orphaned card could not point at its task again: it is gone, the other stays.
        assert conn.execute(text("SELECT count(*) FROM sprint_items")).scalar_one() == 1
    store.dispose()
