"""Sprints: plan, add and remove items, start, close with carry-over, list.

Closing runs in one transaction holding a lock on the sprint row
(SELECT ... FOR UPDATE on PostgreSQL, the write lock on SQLite), and the
sprint's version check makes a second, simultaneous close fail cleanly.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from salessprint.domain import clock
from salessprint.domain.calendar import next_sprint_start, sprint_window
from salessprint.domain.enums import ItemOutcome, ItemType, SprintState, StageKind, TaskStatus
from salessprint.domain.errors import Conflict, InvalidInput, NotFound
from salessprint.domain.inputs import Day
from salessprint.domain.permissions import Action
from salessprint.domain.values import SprintItemView, SprintView
from salessprint.domain.velocity import ItemFacts, done_before_joining, outcome_at_close, started_window
from salessprint.services.deals import owns_deal
from salessprint.services.uow import UnitOfWork, retrying, snapshot, unit_of_work
from salessprint.services.views import sprint_view
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.lookups import deal_by_id, sprint_by_number, sprint_in_state, task_by_id
from salessprint.store.models import Account, Change, Deal, Member, Sprint, SprintItem, Task

DEFAULT_POINTS = 1


def _create_next(uow: UnitOfWork, goal: str | None, starts: object = None) -> Sprint:
    team = uow.team()
    last = uow.session.scalar(select(Sprint).where(Sprint.team_id == team.id).order_by(Sprint.number.desc()).limit(1))
    if starts is not None:
        from pydantic import TypeAdapter, ValidationError

        try:
            start = TypeAdapter(Day).validate_python(starts)
        except ValidationError:
            raise InvalidInput(f"starts: '{starts}' is not a real date (YYYY-MM-DD)", field="starts") from None
        if last is not None and start <= last.ends_on:
            raise InvalidInput(
                f"starts: sprint {last.number} runs until {last.ends_on}; the next one must start after it.",
                field="starts",
            )
    else:
        start = next_sprint_start(clock.team_today(team.timezone), team.week_start, last.ends_on if last else None)
    begin, end = sprint_window(start, team.sprint_weeks)
    sprint = Sprint(
        team_id=team.id,
        number=(last.number + 1) if last else 1,
        goal=(goal or "").strip() or None,
        starts_on=begin,
        ends_on=end,
        state=SprintState.PLANNED,
    )
    return uow.add("sprint", sprint)


@retrying
def plan_sprint(store: Store, login: str, goal: str | None = None, starts: object = None) -> SprintView:
    with unit_of_work(store, login) as uow:
        uow.require(Action.PLAN_SPRINT)
        planned = sprint_in_state(uow.session, uow.actor.team_id, SprintState.PLANNED)
        if planned is not None:
            if goal is not None:
                before = snapshot(planned)
                planned.goal = goal.strip() or None
                uow.session.flush()
                uow.record("sprint", planned.id, "update", before, snapshot(planned))
                return sprint_view(planned)
            raise Conflict(
                f"A sprint is already planned: sprint {planned.number} ({planned.starts_on} to {planned.ends_on})."
            )
        return sprint_view(_create_next(uow, goal, starts))


def _target_sprint(uow: UnitOfWork, number: int | None) -> Sprint:
    team_id = uow.actor.team_id
    if number is not None:
        sprint = sprint_by_number(uow.session, team_id, number)
        if sprint.state == SprintState.CLOSED:
            raise Conflict(f"Sprint {number} is closed; add work to the active or planned sprint.")
        return sprint
    planned_or_active = queries.sprint_to_plan(uow.session, team_id)
    if planned_or_active is None:
        raise NotFound("There is no planned or active sprint: run 'salessprint sprint plan' first.")
    return planned_or_active


@retrying
def add_item(
    store: Store, login: str, item_type: ItemType | str, item_id: int, sprint_number: int | None = None
) -> SprintItemView:
    """Pull a task or deal into the planned sprint (else the active one)."""
    with unit_of_work(store, login) as uow:
        team_id = uow.actor.team_id
        sprint = _target_sprint(uow, sprint_number)
        if item_type == ItemType.TASK:
            task = task_by_id(uow.session, team_id, item_id)
            uow.require(Action.SPRINT_ITEM, owns=task.assignee_id == uow.actor.member_id)
            member_id, points, status = task.assignee_id, task.points, task.status
            done_at = task.done_at if task.status == TaskStatus.DONE else None
            done_on = clock.team_day(done_at, uow.team().timezone) if done_at else None
            link: dict[str, object] = {"task_id": task.id, "item_type": ItemType.TASK.value, "title": task.title}
        elif item_type == ItemType.DEAL:
            deal = deal_by_id(uow.session, team_id, item_id)
            uow.require(Action.SPRINT_ITEM, owns=owns_deal(uow, deal))
            if deal.stage.kind != StageKind.OPEN:
                raise Conflict(
                    f"Deal #{deal.id} is already {deal.stage.name.lower()}; only open deals go into a sprint."
                )
            member_id, points, status, done_on, done_at = deal.owner_id, deal.points, TaskStatus.TODO, None, None
            link = {"deal_id": deal.id, "item_type": ItemType.DEAL.value, "title": deal.title}
        else:
            raise InvalidInput(f"Add a 'task' or a 'deal', not '{item_type}'.", field="item")
        key = SprintItem.task_id if item_type == ItemType.TASK else SprintItem.deal_id
        existing = uow.session.scalar(
            select(SprintItem).where(SprintItem.sprint_id == sprint.id, key == item_id, SprintItem.removed_at.is_(None))
        )
        if existing is not None:
            raise Conflict(f"{str(item_type).capitalize()} #{item_id} is already in sprint {sprint.number}.")
        item = SprintItem(
            sprint_id=sprint.id,
            member_id=member_id,
            points=points if points is not None else DEFAULT_POINTS,
            status=status,
            done_on=done_on,
            done_at=done_at,
            added_after_start=sprint.state == SprintState.ACTIVE,
            added_at=clock.now(),
            **link,
        )
        uow.add("sprint_item", item)
        return item_views(uow, sprint, [item.id])[0]


@retrying
def remove_item(
    store: Store, login: str, item_type: ItemType | str, item_id: int, sprint_number: int | None = None
) -> None:
    """Take an item out: deleted from a planned sprint, marked removed in an active one."""
    with unit_of_work(store, login) as uow:
        sprint = _target_sprint(uow, sprint_number)
        key = SprintItem.task_id if item_type == ItemType.TASK else SprintItem.deal_id
        item = uow.session.scalar(
            select(SprintItem).where(SprintItem.sprint_id == sprint.id, key == item_id, SprintItem.removed_at.is_(None))
        )
        if item is None:
            raise NotFound(f"That {item_type} is not in sprint {sprint.number}.")
        uow.require(Action.SPRINT_ITEM, owns=item.member_id == uow.actor.member_id)
        before = snapshot(item)
        if sprint.state == SprintState.PLANNED:
            uow.session.delete(item)
            uow.session.flush()
            uow.record("sprint_item", item.id, "delete", before, None)
        else:
            item.removed_at = clock.now()
            uow.session.flush()
            uow.record("sprint_item", item.id, "update", before, snapshot(item))


@retrying
def start_sprint(store: Store, login: str, keep_dates: bool = False) -> SprintView:
    """Start the planned sprint. Like Jira, it is dated from the team's today
    (the end after the team's sprint length) unless `keep_dates` keeps the
    planned dates."""
    with unit_of_work(store, login) as uow:
        uow.require(Action.START_SPRINT)
        team_id = uow.actor.team_id
        active = sprint_in_state(uow.session, team_id, SprintState.ACTIVE)
        if active is not None:
            raise Conflict(f"Sprint {active.number} is still active: close it first ('salessprint sprint close').")
        sprint = sprint_in_state(uow.session, team_id, SprintState.PLANNED, lock=True)
        if sprint is None:
            raise NotFound("There is no planned sprint to start: run 'salessprint sprint plan' first.")
        before = snapshot(sprint)
        team = uow.team()
        sprint.starts_on, sprint.ends_on = started_window(
            clock.team_today(team.timezone), team.sprint_weeks, (sprint.starts_on, sprint.ends_on), keep_dates
        )
        sprint.state = SprintState.ACTIVE
        sprint.started_at = clock.now()
        uow.session.flush()
        uow.record("sprint", sprint.id, "update", before, snapshot(sprint))
        return sprint_view(sprint)


@retrying
def close_sprint(store: Store, login: str, carry_over: bool = False) -> SprintView:
    """Close the active sprint; unfinished items carry over or are dropped."""
    with unit_of_work(store, login) as uow:
        uow.require(Action.CLOSE_SPRINT)
        team_id = uow.actor.team_id
        sprint = sprint_in_state(uow.session, team_id, SprintState.ACTIVE, lock=True)
        if sprint is None:
            raise NotFound("There is no active sprint to close.")
        before = snapshot(sprint)
        rows = uow.session.execute(
            select(SprintItem, Task.title, Deal.title)
            .outerjoin(Task, Task.id == SprintItem.task_id)
            .outerjoin(Deal, Deal.id == SprintItem.deal_id)
            .where(SprintItem.sprint_id == sprint.id)
        ).all()
        carried: list[SprintItem] = []
        for item, task_title, deal_title in rows:
            joined = item.added_at if item.added_after_start else sprint.started_at
            facts = ItemFacts(
                item.points,
                item.done_on,
                item.removed_at is not None,
                item.added_after_start,
                done_outside=done_before_joining(item.done_at, joined),
            )
            item.outcome = outcome_at_close(facts, carry_over)
            # The snapshot: the card keeps its item's title as it was at the close.
            item.title = task_title or deal_title or item.title
            if item.outcome is ItemOutcome.CARRIED_OVER:
                carried.append(item)
        sprint.state = SprintState.CLOSED
        sprint.closed_at = clock.now()
        uow.session.flush()
        uow.record("sprint", sprint.id, "update", before, snapshot(sprint))
        from salessprint.services.reports.sales_forecast import record_sprint_commit

        record_sprint_commit(uow, sprint.number)  # forecast accuracy: each rep's commit call at the close
        if carried:
            nxt = sprint_in_state(uow.session, team_id, SprintState.PLANNED) or _create_next(uow, None)
            present = {
                (i.task_id, i.deal_id)
                for i in uow.session.scalars(select(SprintItem).where(SprintItem.sprint_id == nxt.id))
            }
            for item in carried:
                if (item.task_id, item.deal_id) in present or (item.task_id is None and item.deal_id is None):
                    continue  # already there, or its item was deleted: nothing to carry
                uow.add(
                    "sprint_item",
                    SprintItem(
                        sprint_id=nxt.id,
                        task_id=item.task_id,
                        deal_id=item.deal_id,
                        member_id=item.member_id,
                        item_type=item.item_type,
                        title=item.title,
                        points=item.points,
                        status=item.status,
                        added_after_start=False,
                        added_at=clock.now(),
                    ),
                )
        return sprint_view(sprint)


def drop_open_cards(session: Session, title: str, *, task_id: int | None = None, deal_id: int | None = None) -> None:
    """Before a task or deal is deleted: its cards on the board (planned or
    active sprint) go with it, as they always did; the cards of closed sprints
    stay, as the sprint's snapshot (the database sets their key to NULL), and
    keep the item's `title` if they had none yet."""
    key = SprintItem.task_id == task_id if task_id is not None else SprintItem.deal_id == deal_id
    open_ids = select(Sprint.id).where(Sprint.state.in_([SprintState.PLANNED, SprintState.ACTIVE]))
    session.execute(delete(SprintItem).where(key, SprintItem.sprint_id.in_(open_ids)))
    session.execute(
        update(SprintItem)
        .where(key, SprintItem.title.is_(None))
        .values(title=title[:300], version=SprintItem.version + 1)
        .execution_options(synchronize_session=False)
    )


def list_sprints(store: Store, login: str) -> list[SprintView]:
    with unit_of_work(store, login, read_only=True) as uow:
        rows = uow.session.scalars(select(Sprint).where(Sprint.team_id == uow.actor.team_id).order_by(Sprint.number))
        return [sprint_view(s) for s in rows]


def open_sprints(store: Store, login: str) -> tuple[SprintView | None, SprintView | None]:
    """The planned and the active sprint (either may be None), without reading the closed ones."""
    with unit_of_work(store, login, read_only=True) as uow:
        team_id = uow.actor.team_id
        planned = sprint_in_state(uow.session, team_id, SprintState.PLANNED)
        active = sprint_in_state(uow.session, team_id, SprintState.ACTIVE)
        return (sprint_view(planned) if planned else None, sprint_view(active) if active else None)


def current_sprint(store: Store, login: str) -> SprintView | None:
    """The active sprint, else the planned one, else None."""
    with unit_of_work(store, login, read_only=True) as uow:
        sprint = queries.current_sprint(uow.session, uow.actor.team_id)
        return sprint_view(sprint) if sprint else None


def sprint_items(
    store: Store, login: str, number: int | None = None, *, member: str | None = None
) -> list[SprintItemView]:
    """The cards of a sprint (default: active, else planned), in board order."""
    with unit_of_work(store, login, read_only=True) as uow:
        team_id = uow.actor.team_id
        sprint = (
            sprint_by_number(uow.session, team_id, number)
            if number is not None
            else queries.current_sprint(uow.session, team_id)
        )
        if sprint is None:
            return []
        ids = list(uow.session.scalars(select(SprintItem.id).where(SprintItem.sprint_id == sprint.id)))
        views = item_views(uow, sprint, ids)
        if member:
            views = [v for v in views if v.owner == member]
        return views


def item_views(uow: UnitOfWork, sprint: Sprint, ids: list[int]) -> list[SprintItemView]:
    """The cards `ids` of `sprint` as the board shows them, by id (one statement)."""
    if not ids:
        return []
    query = (
        select(
            SprintItem,
            Member.login,
            Member.name,
            Task.title,
            Task.kind,
            Task.status,
            Deal.title,
            Deal.value,
            Account.name,
        )
        .join(Member, Member.id == SprintItem.member_id)
        .outerjoin(Task, Task.id == SprintItem.task_id)
        .outerjoin(Deal, Deal.id == SprintItem.deal_id)
        .outerjoin(Account, Account.id == Deal.account_id)
        .where(SprintItem.id.in_(ids))
        .order_by(SprintItem.id)
    )
    out = []
    for item, login, name, t_title, t_kind, t_status, d_title, d_value, account in uow.session.execute(query):
        is_task = item.item_type == ItemType.TASK
        deleted = item.task_id is None and item.deal_id is None
        status: str = (
            (t_status if sprint.state != SprintState.CLOSED and not deleted else item.status)
            if is_task
            else item.status
        )
        if item.removed_at is not None:
            status = ItemOutcome.REMOVED.value
        out.append(
            SprintItemView(
                id=item.id,
                sprint_number=sprint.number,
                item_type=ItemType.TASK if is_task else ItemType.DEAL,
                item_id=item.item_ref,
                deleted=deleted,
                title=(t_title if is_task else d_title) or item.title or "",
                owner=login,
                owner_name=name,
                points=item.points,
                status=status or item.status,
                added_after_start=item.added_after_start,
                removed=item.removed_at is not None,
                outcome=item.outcome,
                value=None if is_task else d_value,
                account=None if is_task else account,
                kind=t_kind if is_task else ItemType.DEAL,
                version=item.version,
            )
        )
    return out


@retrying
def move_card(
    store: Store, login: str, item_id: int, status: str, expected_version: int | None = None
) -> SprintItemView:
    """Move a board card to todo/doing/done (a task card moves its task)."""
    with unit_of_work(store, login) as uow:
        return _move(uow, item_id, status, expected_version)[0]


@dataclass(frozen=True)
class CardMoved:
    """A card as a move left it, and the change-log rows the move wrote."""

    card: SprintItemView
    changes: frozenset[int]
    """Ids of the changes the move recorded (the card's, its task's, an activity
    its task logged): the board already shows them, so the change feed's news of
    them needs no read (`services.board.board_update`)."""


@retrying
def move_board_card(
    store: Store, login: str, item_id: int, status: str, expected_version: int | None = None
) -> CardMoved:
    """`move_card` for the board: the card, and the ids of the changes it wrote."""
    with unit_of_work(store, login) as uow:
        card, root = _move(uow, item_id, status, expected_version)
        if root is None:
            return CardMoved(card, frozenset())
        caused = uow.session.scalars(select(Change.id).where(Change.cause_id == root))
        return CardMoved(card, frozenset([root, *caused]))


def _move(
    uow: UnitOfWork, item_id: int, status: str, expected_version: int | None
) -> tuple[SprintItemView, int | None]:
    """Move the card in `uow`; the card as moved, and the id of the change the
    move is (the others it recorded follow from it: `cause_id`), None if it was
    already there."""
    from salessprint.domain.enums import parse_choice
    from salessprint.services.tasks import set_task_status

    new_status = TaskStatus(parse_choice(TaskStatus, status, "status"))
    item = uow.session.get(SprintItem, item_id)
    sprint = uow.session.get(Sprint, item.sprint_id) if item else None
    if item is None or sprint is None or sprint.team_id != uow.actor.team_id:
        raise NotFound(f"No card #{item_id} on the board.")
    if sprint.state == SprintState.CLOSED:
        raise Conflict(f"Sprint {sprint.number} is closed; its cards no longer move.")
    uow.check_version(item, expected_version, "card")
    before_last = uow.last_change
    if item.task_id is not None:
        task = task_by_id(uow.session, uow.actor.team_id, item.task_id)
        uow.require(Action.EDIT_TASK, owns=task.assignee_id == uow.actor.member_id)
        set_task_status(uow, task, new_status)
    else:
        deal = deal_by_id(uow.session, uow.actor.team_id, item.deal_id or 0)
        uow.require(Action.EDIT_DEAL, owns=owns_deal(uow, deal))
        before = snapshot(item)
        item.status = new_status
        done = new_status is TaskStatus.DONE
        item.done_on = clock.team_today(uow.team().timezone) if done else None
        item.done_at = clock.now() if done else None
        uow.session.flush()
        uow.record("sprint_item", item.id, "update", before, snapshot(item))
    uow.session.flush()
    last = uow.last_change
    root = None if last is None or last is before_last else (last.cause_id or last.id)
    return item_views(uow, sprint, [item.id])[0], root


def sprint_points_by_member(store: Store, login: str, number: int | None = None) -> dict[str, int]:
    """Committed points per member login in a sprint (default: planned, else active)."""
    with unit_of_work(store, login, read_only=True) as uow:
        team_id = uow.actor.team_id
        sprint = (
            sprint_by_number(uow.session, team_id, number)
            if number is not None
            else queries.sprint_to_plan(uow.session, team_id)
        )
        if sprint is None:
            return {}
        rows = uow.session.execute(
            select(Member.login, func.coalesce(func.sum(SprintItem.points), 0))
            .join(Member, Member.id == SprintItem.member_id)
            .where(SprintItem.sprint_id == sprint.id, SprintItem.removed_at.is_(None))
            .group_by(Member.login)
        )
        return {login_: int(points) for login_, points in rows}
