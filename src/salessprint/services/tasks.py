"""Tasks: add, list, edit, move between todo/doing/done.

Finishing a call, email, meeting, note, demo or proposal task logs one
activity of that kind; moving it back out of done removes that activity.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import SQLColumnExpression, func, or_, select
from sqlalchemy.orm import Session

from salessprint.domain.enums import ItemType, SprintState, TaskStatus, parse_choice
from salessprint.domain.inputs import TaskIn, TaskPatch, validate
from salessprint.domain.permissions import Action
from salessprint.domain.values import TaskView
from salessprint.services.deals import next_rank
from salessprint.services.tasks_core import OPEN_SPRINTS, card_values, done_activity_values, task_status_values
from salessprint.services.uow import UnitOfWork, retrying, snapshot, unit_of_work
from salessprint.services.views import task_view
from salessprint.store.db import Store
from salessprint.store.lookups import deal_by_id, member_by_login, task_by_id
from salessprint.store.models import Activity, Change, Deal, Member, RetroEntry, Sprint, SprintItem, Task


@retrying
def add_task(store: Store, login: str, **fields: object) -> TaskView:
    data = validate(TaskIn, **fields)
    with unit_of_work(store, login) as uow:
        team_id = uow.actor.team_id
        assignee = member_by_login(uow.session, team_id, data.assignee) if data.assignee else None
        assignee_id = assignee.id if assignee else uow.actor.member_id
        uow.require(Action.CREATE_TASK, owns=assignee_id == uow.actor.member_id)
        deal_title = None
        if data.deal_id is not None:
            deal_title = deal_by_id(uow.session, team_id, data.deal_id).title
        task = Task(
            team_id=team_id,
            title=data.title,
            kind=data.kind.value,
            deal_id=data.deal_id,
            assignee_id=assignee_id,
            points=data.points,
            status=TaskStatus.TODO,
            due_on=data.due_on,
            backlog_rank=next_rank(uow.session, Task, team_id),
        )
        uow.add("task", task)
        uow.session.refresh(task)
        return task_view(task, deal_title)


def list_tasks(
    store: Store,
    login: str,
    *,
    mine: bool = False,
    assignee: str | None = None,
    status: str | None = None,
    text: str | None = None,
    open_only: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[TaskView]:
    with unit_of_work(store, login, read_only=True) as uow:
        query = (
            select(Task, Deal.title).outerjoin(Deal, Deal.id == Task.deal_id).where(Task.team_id == uow.actor.team_id)
        )
        if mine:
            query = query.where(Task.assignee_id == uow.actor.member_id)
        if assignee:
            query = query.where(Task.assignee_id == member_by_login(uow.session, uow.actor.team_id, assignee).id)
        if status:
            query = query.where(Task.status == parse_choice(TaskStatus, status, "status"))
        if open_only:
            query = query.where(Task.status != TaskStatus.DONE)
        if text and text.strip():
            like = f"%{text.strip().lower()}%"
            query = query.where(
                or_(
                    func.lower(Task.title).like(like),
                    func.lower(Task.kind).like(like),
                    Task.assignee.has(or_(func.lower(Member.login).like(like), func.lower(Member.name).like(like))),
                    func.lower(Deal.title).like(like),
                )
            )
        query = query.order_by(Task.backlog_rank, Task.id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [task_view(t, title) for t, title in uow.session.execute(query)]


def _owns(uow: UnitOfWork, task: Task) -> bool:
    return task.assignee_id == uow.actor.member_id


@retrying
def move_task(store: Store, login: str, task_id: int, status: str, expected_version: int | None = None) -> TaskView:
    new_status = parse_choice(TaskStatus, status, "status")
    with unit_of_work(store, login) as uow:
        task = task_by_id(uow.session, uow.actor.team_id, task_id)
        uow.require(Action.EDIT_TASK, owns=_owns(uow, task))
        uow.check_version(task, expected_version, "task")
        set_task_status(uow, task, TaskStatus(new_status))
        return task_view(task)


def set_task_status(uow: UnitOfWork, task: Task, status: TaskStatus) -> None:
    """Change a task's status with its side effects, inside `uow`: the
    activity a finished task logs (or, back out of done, the one it logged
    goes) and its cards in the planned or active sprint. Each row besides
    the task is logged as following from the task's change, so history
    shows it and undo takes it back with the task. The rules are
    `services/tasks_core.py`'s (the command line's Core path)."""
    if task.status == status:
        return
    before = snapshot(task)
    was_done = task.status == TaskStatus.DONE
    for key, value in task_status_values(status, task.status, task.done_at).items():
        setattr(task, key, value)
    session = uow.session
    session.flush()
    change = uow.record("task", task.id, "update", before, snapshot(task))
    if status is TaskStatus.DONE:
        values = done_activity_values(task)
        if values is not None:
            activity = Activity(**values)
            session.add(activity)
            session.flush()
            uow.record("activity", activity.id, "create", None, snapshot(activity), cause=change)
    elif was_done:
        for activity in session.scalars(select(Activity).where(Activity.task_id == task.id).order_by(Activity.id)):
            gone = snapshot(activity)
            session.delete(activity)
            uow.record("activity", gone["id"], "delete", gone, None, cause=change)  # type: ignore[arg-type]
    _sync_items(uow, task, change)
    session.flush()


def _sync_items(uow: UnitOfWork, task: Task, cause: Change | None) -> None:
    """A task card's column is its task's status (logged, following from the task's change)."""
    items = uow.session.scalars(
        select(SprintItem)
        .join(Sprint, Sprint.id == SprintItem.sprint_id)
        .where(SprintItem.task_id == task.id, Sprint.state.in_(OPEN_SPRINTS))
        .order_by(SprintItem.id)
    )
    for item in items:
        wanted = card_values(task, uow.team().timezone)
        if item.status == wanted["status"] and item.done_on == wanted["done_on"]:
            continue
        before = snapshot(item)
        for key, value in wanted.items():
            setattr(item, key, value)
        uow.session.flush()
        uow.record("sprint_item", item.id, "update", before, snapshot(item), cause=cause)


@retrying
def update_task(
    store: Store, login: str, task_id: int, expected_version: int | None = None, **fields: object
) -> TaskView:
    patch = validate(TaskPatch, **fields)
    with unit_of_work(store, login) as uow:
        task = task_by_id(uow.session, uow.actor.team_id, task_id)
        uow.require(Action.EDIT_TASK, owns=_owns(uow, task))
        uow.check_version(task, expected_version, "task")
        before = snapshot(task)
        changes = patch.model_dump(exclude_unset=True)
        assignee = changes.pop("assignee", None)
        if assignee:
            member = member_by_login(uow.session, uow.actor.team_id, assignee)
            if member.id != task.assignee_id:
                uow.require(Action.REASSIGN)
                task.assignee_id = member.id
                task.assignee = member
        for key, value in changes.items():
            if key in ("title", "kind") and value is None:
                continue
            setattr(task, key, value)
        uow.session.flush()
        uow.record("task", task.id, "update", before, snapshot(task))
        return task_view(task)


@retrying
def delete_task(store: Store, login: str, task_id: int, expected_version: int | None = None) -> None:
    with unit_of_work(store, login) as uow:
        task = task_by_id(uow.session, uow.actor.team_id, task_id)
        uow.require(Action.EDIT_TASK, owns=_owns(uow, task))
        uow.check_version(task, expected_version, "task")
        change = uow.record("task", task_id, "delete", snapshot(task), None)
        _let_go(uow, task, change)
        uow.session.delete(task)
        uow.session.flush()


def _let_go(uow: UnitOfWork, task: Task, change: Change | None) -> None:
    """What a task's delete takes with it, each row logged as following from
    the delete (undo puts them back): its cards on the board (planned or
    active sprint) go; the cards of closed sprints stay as the sprint's
    snapshot (keeping the task's title; the database unlinks them); the
    activities and retro actions that point at it lose the link."""
    session = uow.session
    cards = session.execute(
        select(SprintItem, Sprint.state)
        .join(Sprint, Sprint.id == SprintItem.sprint_id)
        .where(SprintItem.task_id == task.id)
        .order_by(SprintItem.id)
    ).all()
    for item, state in cards:
        before = snapshot(item)
        if state in (SprintState.PLANNED, SprintState.ACTIVE):
            session.delete(item)
            uow.record("sprint_item", item.id, "delete", before, None, cause=change)
        elif item.title is None:
            item.title = task.title[:300]
            session.flush()
            uow.record("sprint_item", item.id, "update", before, snapshot(item), cause=change)
    for activity in session.scalars(select(Activity).where(Activity.task_id == task.id).order_by(Activity.id)):
        _unlink(uow, "activity", activity, change)
    for entry in session.scalars(select(RetroEntry).where(RetroEntry.task_id == task.id).order_by(RetroEntry.id)):
        _unlink(uow, "retro_entry", entry, change)


def _unlink(uow: UnitOfWork, entity: str, row: Activity | RetroEntry, change: Change | None) -> None:
    before = snapshot(row)
    row.task_id = None
    uow.session.flush()
    uow.record(entity, row.id, "update", before, snapshot(row), cause=change)


RankedRow = TypeVar("RankedRow", Task, Deal)


def _neighbour(session: Session, row: RankedRow, direction: int) -> RankedRow | None:
    """The row of the same kind next to `row` in backlog order, up (-1) or down (+1)."""
    model = type(row)
    order: tuple[SQLColumnExpression[float], SQLColumnExpression[int]]
    if direction < 0:
        cond = (model.backlog_rank < row.backlog_rank) | (
            (model.backlog_rank == row.backlog_rank) & (model.id < row.id)
        )
        order = (model.backlog_rank.desc(), model.id.desc())
    else:
        cond = (model.backlog_rank > row.backlog_rank) | (
            (model.backlog_rank == row.backlog_rank) & (model.id > row.id)
        )
        order = (model.backlog_rank, model.id)
    return session.scalar(select(model).where(model.team_id == row.team_id, cond).order_by(*order).limit(1))


@retrying
def rerank(store: Store, login: str, item_type: str, item_id: int, direction: int) -> None:
    """Move a task or deal one place up (-1) or down (+1) in the backlog."""
    from salessprint.services.deals import owns_deal

    with unit_of_work(store, login) as uow:
        team_id = uow.actor.team_id
        row: Task | Deal
        neighbour: Task | Deal | None
        if item_type == ItemType.TASK:
            row = task = task_by_id(uow.session, team_id, item_id)
            uow.require(Action.EDIT_TASK, owns=_owns(uow, task))
            neighbour = _neighbour(uow.session, task, direction)
        else:
            row = deal = deal_by_id(uow.session, team_id, item_id)
            uow.require(Action.EDIT_DEAL, owns=owns_deal(uow, deal))
            neighbour = _neighbour(uow.session, deal, direction)
        if neighbour is None:
            return
        before = snapshot(row)
        if neighbour.backlog_rank == row.backlog_rank:
            row.backlog_rank += 0.5 * direction
        else:
            row.backlog_rank, neighbour.backlog_rank = neighbour.backlog_rank, row.backlog_rank
        uow.session.flush()
        uow.record(item_type, row.id, "update", before, snapshot(row))


def get_task(store: Store, login: str, task_id: int) -> TaskView:
    with unit_of_work(store, login, read_only=True) as uow:
        task = task_by_id(uow.session, uow.actor.team_id, task_id)
        deal_title = deal_by_id(uow.session, uow.actor.team_id, task.deal_id).title if task.deal_id else None
        return task_view(task, deal_title)
