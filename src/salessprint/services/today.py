"""Today, the rep's home: my day in one read, and the bulk moves of stale tasks.

`today()` reads, in one unit of work, my open tasks due today or overdue,
the calls and meetings due today, my open deals without a next step, my
rotting deals (the reports' rule, `rotting_in`) and my activity goals for
today with where I should be by now (the activity report's counts and
targets, `activity_in`, and the day's share from `domain.today`). Each list
is capped at SECTION_CAP rows and carries the count of all (SQL window
aggregates), so the screen can say "+N more" honestly.

Tasks have no "dropped" status: clearing a stale task removes its due date
(it stays in the backlog, off Today). Rescheduling and clearing are one
change each: the first task's change is the cause of the others, so undo
puts every task back at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, case, func, or_, select

from salessprint.domain import clock
from salessprint.domain.enums import TaskKind, TaskStatus
from salessprint.domain.metrics import pace
from salessprint.domain.permissions import Action
from salessprint.domain.today import days_late, local_clock, reschedule_day, should_be_by_now, stale_before
from salessprint.domain.values import Value
from salessprint.services.activity_view import KIND_ORDER
from salessprint.services.reports._shared import rotting_in
from salessprint.services.reports.activity import activity_in
from salessprint.services.uow import UnitOfWork, retrying, snapshot, unit_of_work
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.models import Change, Deal, Stage, Task

SECTION_CAP = 8
"""Rows each list of Today holds (its total counts them all)."""
TIMED_KINDS = (TaskKind.CALL, TaskKind.MEETING)
"""Task kinds that are appointments: due today, they are listed as calls and meetings."""


class TodayTask(Value):
    id: int
    title: str
    kind: str
    status: str
    due_on: date
    days_late: int
    """0: due today."""
    deal_id: int | None
    deal_title: str | None
    version: int


class TodayDeal(Value):
    id: int
    title: str
    stage: str
    value: Decimal
    days_in_stage: int


RowT = TypeVar("RowT")


class Section(Value, Generic[RowT]):
    """One section of Today: its first SECTION_CAP rows and how many there are."""

    items: list[RowT]
    total: int
    """All of them (the list holds the first SECTION_CAP)."""

    @property
    def more(self) -> int:
        return self.total - len(self.items)


TaskList = Section[TodayTask]
DealList = Section[TodayDeal]


class TodayGoal(Value):
    """One activity kind's goal for today."""

    kind: str
    done: int
    target: int
    """Today's target (0 on a day off: the weekend)."""
    by_now: Decimal
    """Where I should be by now (to a tenth)."""
    pace: str
    """ahead, on pace or behind."""


class TodayView(Value):
    login: str
    name: str
    today: date
    clock: time
    """The team's wall-clock time the figures are for."""
    currency: str
    rotting_days: int
    tasks: TaskList
    """Open tasks due today or overdue, oldest due first (today's calls and meetings aside)."""
    stale: int
    """How many of my open tasks are stale (what `R` and `X` move)."""
    appointments: TaskList
    """Call and meeting tasks due today."""
    no_next_step: DealList
    rotting: DealList
    goals: list[TodayGoal]
    """Kinds with a target, in the Activity screen's order."""


class BulkResult(Value):
    count: int
    due_on: date | None
    """The new due date (None: cleared)."""
    message: str


def _task_list(uow: UnitOfWork, me: int, today: date, where: ColumnElement[bool]) -> tuple[TaskList, int]:
    """My open tasks matching `where`, the first SECTION_CAP oldest due first, with
    the count of all and of the stale ones among them (window aggregates)."""
    stale = stale_before(today)
    rows = uow.session.execute(
        select(
            Task.id,
            Task.title,
            Task.kind,
            Task.status,
            Task.due_on,
            Task.deal_id,
            Deal.title,
            Task.version,
            func.count().over(),
            func.sum(case((Task.due_on < stale, 1), else_=0)).over(),
        )
        .outerjoin(Deal, Deal.id == Task.deal_id)
        .where(Task.assignee_id == me, Task.status != TaskStatus.DONE, where)
        .order_by(Task.due_on, Task.backlog_rank, Task.id)
        .limit(SECTION_CAP)
    ).all()
    items = [
        TodayTask(
            id=i,
            title=t,
            kind=k,
            status=s,
            due_on=due,
            days_late=days_late(due, today),
            deal_id=d,
            deal_title=dt,
            version=v,
        )
        for i, t, k, s, due, d, dt, v, _n, _stale in rows
    ]
    total, stale_n = (int(rows[0][8]), int(rows[0][9] or 0)) if rows else (0, 0)
    return TaskList(items=items, total=total), stale_n


def _without_next_step(uow: UnitOfWork, me: int, today: date) -> DealList:
    """My open deals with no next step, biggest first."""
    rows = uow.session.execute(
        select(Deal.id, Deal.title, Stage.name, Deal.value, Deal.stage_entered_at, func.count().over())
        .join(Stage, Stage.id == Deal.stage_id)
        .where(
            queries.open_deals_in_open_stage(uow.actor.team_id),
            Deal.owner_id == me,
            or_(Deal.next_step.is_(None), func.trim(Deal.next_step) == ""),
        )
        .order_by(Deal.value.desc(), Deal.id)
        .limit(SECTION_CAP)
    ).all()
    tz = uow.team().timezone
    items = [
        TodayDeal(
            id=i,
            title=t,
            stage=st,
            value=v,
            days_in_stage=max(0, (today - clock.team_day(at, tz)).days),
        )
        for i, t, st, v, at, _n in rows
    ]
    return DealList(items=items, total=int(rows[0][5]) if rows else 0)


def _rotting(uow: UnitOfWork, me: int) -> DealList:
    """My rotting deals, oldest stage change first (the reports' rule and query)."""
    found = rotting_in(uow, [me])
    items = [
        TodayDeal(id=d.id, title=d.title, stage=d.stage, value=d.value, days_in_stage=d.days_in_stage)
        for d in found.deals[:SECTION_CAP]
    ]
    return DealList(items=items, total=found.count)


@dataclass(frozen=True, slots=True)
class _Me:
    """Me as the activity report reads a rep (the actor holds it all: no second read)."""

    id: int
    login: str
    name: str
    started_on: date | None = None


def _goals(uow: UnitOfWork, member: _Me, today: date, moment: time) -> list[TodayGoal]:
    """Today's done and target per kind (the activity report's figures), and
    where I should be by now: the day's target times the share of the day gone."""
    (mine,) = activity_in(uow, [member], today, today)
    goals = []
    for kind in KIND_ORDER:
        figures = mine.activities.get(kind)
        if figures is None or not figures.target:  # no target, or none today (a weekend)
            continue
        by_now = should_be_by_now(figures.target, moment)
        goals.append(
            TodayGoal(
                kind=kind, done=figures.done, target=figures.target, by_now=by_now, pace=pace(figures.done, by_now)
            )
        )
    return goals


def today(store: Store, login: str) -> TodayView:
    """My day: tasks due and overdue, today's calls and meetings, deals without
    a next step, rotting deals, and my activity goals with where I should be by now."""
    with unit_of_work(store, login, read_only=True) as uow:
        team = uow.team()
        me = uow.actor.member_id
        member = _Me(uow.actor.member_id, uow.actor.login, uow.actor.name)
        now = clock.now()
        day = clock.team_today(team.timezone)
        moment = local_clock(now, team.timezone)
        appointment = (Task.due_on == day) & Task.kind.in_(TIMED_KINDS)
        tasks, stale = _task_list(uow, me, day, (Task.due_on <= day) & ~appointment)
        appointments, _none_stale = _task_list(uow, me, day, appointment)  # due today: never stale
        return TodayView(
            login=member.login,
            name=member.name,
            today=day,
            clock=moment.replace(second=0, microsecond=0),
            currency=team.currency,
            rotting_days=team.rotting_days,
            tasks=tasks,
            stale=stale,
            appointments=appointments,
            no_next_step=_without_next_step(uow, me, day),
            rotting=_rotting(uow, me),
            goals=_goals(uow, member, day, moment),
        )


def _stale_tasks(uow: UnitOfWork) -> list[Task]:
    day = clock.team_today(uow.team().timezone)
    return list(
        uow.session.scalars(
            select(Task)
            .where(
                Task.assignee_id == uow.actor.member_id,
                Task.status != TaskStatus.DONE,
                Task.due_on < stale_before(day),
            )
            .order_by(Task.due_on, Task.id)
        )
    )


def _set_due(uow: UnitOfWork, tasks: list[Task], due_on: date | None) -> None:
    """One change for all: the first task's change is the cause of the rest."""
    first: Change | None = None
    for task in tasks:
        before = snapshot(task)
        task.due_on = due_on
        uow.session.flush()
        change = uow.record("task", task.id, "update", before, snapshot(task), cause=first)
        first = first or change


def _plural(n: int) -> str:
    return f"{n} stale task" if n == 1 else f"{n} stale tasks"


@retrying
def reschedule_stale(store: Store, login: str, day: str | date = "today") -> BulkResult:
    """Move all my stale tasks (overdue by a day or more, not done) to `day`:
    today, tomorrow, next monday or a date. One change (ctrl+z / undo puts them all back)."""
    with unit_of_work(store, login) as uow:
        uow.require(Action.EDIT_TASK, owns=True)
        today_ = clock.team_today(uow.team().timezone)
        due_on = day if isinstance(day, date) else reschedule_day(day, today_)
        tasks = _stale_tasks(uow)
        if not tasks:
            return BulkResult(count=0, due_on=due_on, message="No stale tasks: nothing to reschedule.")
        _set_due(uow, tasks, due_on)
        return BulkResult(
            count=len(tasks),
            due_on=due_on,
            message=f"Rescheduled {_plural(len(tasks))} to {due_on:%a %Y-%m-%d}. One change: undo puts them back.",
        )


@retrying
def clear_stale(store: Store, login: str) -> BulkResult:
    """Take the due date off all my stale tasks (tasks have no 'dropped' status:
    they stay in the backlog, off Today). One change (undo puts the dates back)."""
    with unit_of_work(store, login) as uow:
        uow.require(Action.EDIT_TASK, owns=True)
        tasks = _stale_tasks(uow)
        if not tasks:
            return BulkResult(count=0, due_on=None, message="No stale tasks: nothing to clear.")
        _set_due(uow, tasks, None)
        return BulkResult(
            count=len(tasks),
            due_on=None,
            message=f"Cleared the due date of {_plural(len(tasks))}; they stay in the backlog. One change: undo puts them back.",
        )
