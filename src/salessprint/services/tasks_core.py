"""Moving a task on SQLAlchemy Core: `salessprint task move` without the ORM.

The rules of a status change are here once and `services/tasks.py` (the ORM
path the app uses) builds its rows with them too: when a task counts as done
(`task_status_values`), the activity a finished call, email, meeting, note,
demo or proposal logs (`done_activity_values`), which cards follow the task
(`OPEN_SPRINTS`) and what a card holds then (`card_values`). This path writes
through `core_unit_of_work`: the same lookups and refusals, permission check,
version check, change rows (each side effect logged as following from the
task's change, so undo takes it back with the task), NOTIFY and single
transaction. `tests/services/test_moves_core.py` runs each case both ways on
copies of one store, on SQLite and PostgreSQL, and compares every row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select

from salessprint.domain import clock
from salessprint.domain.enums import ACTIVITY_FOR_TASK, SprintState, TaskKind, TaskStatus, parse_choice
from salessprint.domain.errors import NotFound
from salessprint.domain.permissions import Action
from salessprint.domain.values import TaskView
from salessprint.services.core_uow import CoreUnitOfWork, core_unit_of_work, retrying, row_json
from salessprint.store.db import Store
from salessprint.store.move_tables import sprint_items, sprints, tasks
from salessprint.store.tables import activities, members

OPEN_SPRINTS = (SprintState.ACTIVE, SprintState.PLANNED)
"""The sprints whose cards follow their items (a closed sprint's cards are its snapshot)."""

NO_TASK = "No task #{id} in this team."


def task_status_values(status: TaskStatus, was: TaskStatus, done_at: datetime | None) -> dict[str, Any]:
    """A task's columns once moved from `was` (done at `done_at`) to `status`:
    done now when it is done, no longer done when it leaves done."""
    was_done = was == TaskStatus.DONE
    return {"status": status, "done_at": clock.now() if status is TaskStatus.DONE else None if was_done else done_at}


def done_activity_values(task: Any) -> dict[str, Any] | None:
    """The activity a task just done logs (`task`: its columns after the
    move, by attribute), or None for a kind that logs none."""
    kind = ACTIVITY_FOR_TASK.get(TaskKind(task.kind))
    if kind is None:
        return None
    return {
        "team_id": task.team_id,
        "member_id": task.assignee_id,
        "kind": kind.value,
        "occurred_at": task.done_at,
        "deal_id": task.deal_id,
        "task_id": task.id,
        "outcome": f"Task done: {task.title}"[:300],
    }


def card_values(task: Any, timezone: str) -> dict[str, Any]:
    """A task card's columns: its task's status, and the team's day it was
    done (not UTC's: done at 20:00 in Los Angeles is done that day)."""
    done_on = clock.team_day(task.done_at, timezone) if task.done_at else None
    return {"status": task.status, "done_on": done_on, "done_at": task.done_at}


class _Columns:
    """A row's dict read by attribute, for the rules above."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.__dict__.update(row)


_TASK = select(tasks).where(tasks.c.id == bindparam("task_id"), tasks.c.team_id == bindparam("team_id"))
_ASSIGNEE = select(members.c.login, members.c.name).where(members.c.id == bindparam("member_id"))
_ACTIVITIES_OF = select(activities).where(activities.c.task_id == bindparam("task_id")).order_by(activities.c.id)
_CARDS_OF = (
    select(sprint_items)
    .join(sprints, sprints.c.id == sprint_items.c.sprint_id)
    .where(sprint_items.c.task_id == bindparam("task_id"), sprints.c.state.in_(OPEN_SPRINTS))
    .order_by(sprint_items.c.id)
)


@retrying
def move_task_core(
    store: Store, login: str, task_id: int, status: str, expected_version: int | None = None
) -> TaskView:
    """Move a task to todo, doing or done: what `services/tasks.move_task`
    does, on one Core connection."""
    new_status = TaskStatus(parse_choice(TaskStatus, status, "status"))
    with core_unit_of_work(store, login) as uow:
        found = uow.conn.execute(_TASK, {"task_id": task_id, "team_id": uow.actor.team_id}).first()
        if found is None:
            raise NotFound(NO_TASK.format(id=task_id))
        task = dict(found._mapping)
        uow.require(Action.EDIT_TASK, owns=task["assignee_id"] == uow.actor.member_id)
        task = uow.check_version(tasks, task, expected_version, "task")
        task = set_task_status_core(uow, task, new_status)
        who = uow.conn.execute(_ASSIGNEE, {"member_id": task["assignee_id"]}).one()
        return TaskView(
            id=task["id"],
            title=task["title"],
            kind=task["kind"],
            status=task["status"],
            assignee=who.login,
            assignee_name=who.name,
            points=task["points"],
            due_on=task["due_on"],
            deal_id=task["deal_id"],
            backlog_rank=task["backlog_rank"],
            done_at=task["done_at"],
            version=task["version"],
        )


def set_task_status_core(uow: CoreUnitOfWork, task: dict[str, Any], status: TaskStatus) -> dict[str, Any]:
    """`services/tasks.set_task_status` on Core: the task (every column) as it
    stands after the move, with the activity it logs or drops and its cards."""
    if task["status"] == status:
        return task
    conn = uow.conn
    before = row_json(tasks, task)
    was_done = task["status"] == TaskStatus.DONE
    task = uow.update(tasks, task, task_status_values(status, task["status"], task["done_at"]), "task")
    cause = uow.record("task", task["id"], "update", before, row_json(tasks, task))
    moved = _Columns(task)
    if status is TaskStatus.DONE:
        values = done_activity_values(moved)
        if values is not None:
            uow.add("activity", activities, values, cause_id=cause)
    elif was_done:
        for gone in conn.execute(_ACTIVITIES_OF, {"task_id": task["id"]}).all():
            conn.execute(delete(activities).where(activities.c.id == gone.id))
            uow.record("activity", gone.id, "delete", row_json(activities, dict(gone._mapping)), None, cause_id=cause)
    wanted = card_values(moved, uow.timezone)
    for found in conn.execute(_CARDS_OF, {"task_id": task["id"]}).all():
        card = dict(found._mapping)
        if card["status"] == wanted["status"] and card["done_on"] == wanted["done_on"]:
            continue
        after = uow.update(sprint_items, card, wanted, "sprint card")
        uow.record(
            "sprint_item",
            card["id"],
            "update",
            row_json(sprint_items, card),
            row_json(sprint_items, after),
            cause_id=cause,
        )
    return task
