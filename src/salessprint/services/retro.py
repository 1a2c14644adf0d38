"""The retrospective: entries in three columns, votes, actions that become tasks."""

from __future__ import annotations

from sqlalchemy import func, select

from salessprint.domain.enums import RetroColumn, SprintState, TaskKind, TaskStatus, parse_choice
from salessprint.domain.errors import Conflict, InvalidInput, NotFound
from salessprint.domain.permissions import Action
from salessprint.domain.values import Value
from salessprint.services.deals import next_rank
from salessprint.services.uow import UnitOfWork, retrying, snapshot, unit_of_work
from salessprint.store.db import Store
from salessprint.store.lookups import member_by_login, sprint_by_number, sprint_in_state
from salessprint.store.models import Member, RetroEntry, RetroVote, Sprint, SprintItem, Task


class RetroEntryView(Value):
    id: int
    sprint_number: int
    column: str
    text: str
    author: str
    votes: int
    owner: str | None
    task_id: int | None
    version: int


def retro_sprint(uow: UnitOfWork, number: int | None) -> Sprint:
    """The sprint a retro is about: the active one, else the last closed."""
    team_id = uow.actor.team_id
    if number is not None:
        return sprint_by_number(uow.session, team_id, number)
    sprint = sprint_in_state(uow.session, team_id, SprintState.ACTIVE) or uow.session.scalar(
        select(Sprint)
        .where(Sprint.team_id == team_id, Sprint.state == SprintState.CLOSED)
        .order_by(Sprint.number.desc())
        .limit(1)
    )
    if sprint is None:
        raise NotFound("There is no active or closed sprint to hold a retrospective on.")
    return sprint


def list_entries(store: Store, login: str, number: int | None = None) -> list[RetroEntryView]:
    with unit_of_work(store, login, read_only=True) as uow:
        try:
            sprint = retro_sprint(uow, number)
        except NotFound:
            return []
        return _views(uow, sprint)


def _views(uow: UnitOfWork, sprint: Sprint) -> list[RetroEntryView]:
    votes = select(RetroVote.entry_id, func.count().label("n")).group_by(RetroVote.entry_id).subquery()
    author = select(Member.login).where(Member.id == RetroEntry.author_id).scalar_subquery()
    owner = select(Member.login).where(Member.id == RetroEntry.owner_id).scalar_subquery()
    rows = uow.session.execute(
        select(RetroEntry, author, owner, func.coalesce(votes.c.n, 0))
        .outerjoin(votes, votes.c.entry_id == RetroEntry.id)
        .where(RetroEntry.sprint_id == sprint.id)
        .order_by(func.coalesce(votes.c.n, 0).desc(), RetroEntry.id)
    )
    return [
        RetroEntryView(
            id=e.id,
            sprint_number=sprint.number,
            column=e.column,
            text=e.text,
            author=a,
            votes=int(n),
            owner=o,
            task_id=e.task_id,
            version=e.version,
        )
        for e, a, o, n in rows
    ]


@retrying
def add_entry(
    store: Store, login: str, column: str, text: str, *, owner: str | None = None, number: int | None = None
) -> RetroEntryView:
    col = RetroColumn(parse_choice(RetroColumn, column, "column"))
    text = text.strip()
    if not text:
        raise InvalidInput("text: write something", field="text")
    if len(text) > 2000:
        raise InvalidInput("text: keep it under 2,000 characters", field="text")
    with unit_of_work(store, login) as uow:
        uow.require(Action.RETRO_WRITE)
        sprint = retro_sprint(uow, number)
        owner_id = member_by_login(uow.session, uow.actor.team_id, owner).id if owner else None
        entry = RetroEntry(sprint_id=sprint.id, author_id=uow.actor.member_id, column=col, text=text, owner_id=owner_id)
        uow.add("retro_entry", entry)
        if col is RetroColumn.ACTION:
            _action_task(uow, entry, owner_id or uow.actor.member_id)
        return next(v for v in _views(uow, sprint) if v.id == entry.id)


def _action_task(uow: UnitOfWork, entry: RetroEntry, owner_id: int) -> None:
    """An action becomes a task for its owner, in the next (planned) sprint."""
    from salessprint.services.sprints import _create_next

    team_id = uow.actor.team_id
    task = Task(
        team_id=team_id,
        title=f"Retro action: {entry.text}"[:300],
        kind=TaskKind.ADMIN,
        assignee_id=owner_id,
        points=1,
        status=TaskStatus.TODO,
        backlog_rank=next_rank(uow.session, Task, team_id),
    )
    uow.add("task", task)
    entry.task_id = task.id
    entry.owner_id = owner_id
    nxt = sprint_in_state(uow.session, team_id, SprintState.PLANNED)
    if nxt is None:
        nxt = _create_next(uow, None)
    uow.add(
        "sprint_item",
        SprintItem(
            sprint_id=nxt.id,
            task_id=task.id,
            member_id=owner_id,
            points=1,
            status=TaskStatus.TODO,
            added_after_start=False,
        ),
    )


def vote(store: Store, login: str, entry_id: int) -> RetroEntryView:
    """One vote per member per entry; voting twice takes the vote back."""
    with unit_of_work(store, login) as uow:
        entry = uow.session.get(RetroEntry, entry_id)
        sprint = uow.session.get(Sprint, entry.sprint_id) if entry else None
        if entry is None or sprint is None or sprint.team_id != uow.actor.team_id:
            raise NotFound(f"No retro entry #{entry_id}.")
        uow.require(Action.RETRO_WRITE)
        existing = uow.session.get(RetroVote, (entry.id, uow.actor.member_id))
        if existing is not None:
            uow.session.delete(existing)
        else:
            uow.session.add(RetroVote(entry_id=entry.id, member_id=uow.actor.member_id))
        uow.session.flush()
        return next(v for v in _views(uow, sprint) if v.id == entry.id)


def delete_entry(store: Store, login: str, entry_id: int) -> None:
    with unit_of_work(store, login) as uow:
        entry = uow.session.get(RetroEntry, entry_id)
        sprint = uow.session.get(Sprint, entry.sprint_id) if entry else None
        if entry is None or sprint is None or sprint.team_id != uow.actor.team_id:
            raise NotFound(f"No retro entry #{entry_id}.")
        uow.require(Action.RETRO_EDIT, owns=entry.author_id == uow.actor.member_id)
        if entry.task_id is not None:
            raise Conflict("This action already became a task; finish or delete the task instead.")
        before = snapshot(entry)
        uow.session.delete(entry)
        uow.session.flush()
        uow.record("retro_entry", entry_id, "delete", before, None)


class RetroBoardView(Value):
    """What the retrospective screen shows for one sprint."""

    sprint_number: int | None
    sprint_state: str | None
    sprint_goal: str | None
    numbers: list[int]
    """Sprints a retro can be held on (active and closed), oldest first."""
    entries: list[RetroEntryView]
    counts: dict[str, int]
    """Entries per column (SQL GROUP BY)."""
    my_votes: list[int]
    """Ids of the entries I voted for."""


def retro_board(store: Store, login: str, number: int | None = None) -> RetroBoardView:
    """The retro of sprint `number` (default: the active, else the last closed)."""
    with unit_of_work(store, login, read_only=True) as uow:
        team_id = uow.actor.team_id
        numbers = list(
            uow.session.scalars(
                select(Sprint.number)
                .where(
                    Sprint.team_id == team_id,
                    Sprint.state.in_([SprintState.ACTIVE, SprintState.CLOSED]),
                )
                .order_by(Sprint.number)
            )
        )
        try:
            sprint = retro_sprint(uow, number)
        except NotFound:
            if number is not None:
                raise
            return RetroBoardView(
                sprint_number=None,
                sprint_state=None,
                sprint_goal=None,
                numbers=numbers,
                entries=[],
                counts={},
                my_votes=[],
            )
        entries, counts, my_votes = _board_entries(uow, sprint)
        return RetroBoardView(
            sprint_number=sprint.number,
            sprint_state=sprint.state,
            sprint_goal=sprint.goal,
            numbers=numbers,
            entries=entries,
            counts=counts,
            my_votes=my_votes,
        )


def _board_entries(uow: UnitOfWork, sprint: Sprint) -> tuple[list[RetroEntryView], dict[str, int], list[int]]:
    """The sprint's entries as `_views` gives them, the entries per column and
    the ids of those I voted for, from one statement: the votes are counted
    for this sprint's entries only, the column's count is a window aggregate
    and my vote a correlated EXISTS (three round trips were one each)."""
    in_sprint = select(RetroEntry.id).where(RetroEntry.sprint_id == sprint.id)
    votes = (
        select(RetroVote.entry_id, func.count().label("n"))
        .where(RetroVote.entry_id.in_(in_sprint))
        .group_by(RetroVote.entry_id)
        .subquery()
    )
    author = select(Member.login).where(Member.id == RetroEntry.author_id).scalar_subquery()
    owner = select(Member.login).where(Member.id == RetroEntry.owner_id).scalar_subquery()
    mine = (
        select(RetroVote.entry_id)
        .where(RetroVote.entry_id == RetroEntry.id, RetroVote.member_id == uow.actor.member_id)
        .exists()
    )
    n = func.coalesce(votes.c.n, 0)
    rows = uow.session.execute(
        select(
            RetroEntry.id,
            RetroEntry.column,
            RetroEntry.text,
            author,
            n,
            owner,
            RetroEntry.task_id,
            RetroEntry.version,
            func.count().over(partition_by=RetroEntry.column),
            mine,
        )
        .outerjoin(votes, votes.c.entry_id == RetroEntry.id)
        .where(RetroEntry.sprint_id == sprint.id)
        .order_by(n.desc(), RetroEntry.id)
    ).all()
    entries = [
        RetroEntryView(
            id=i,
            sprint_number=sprint.number,
            column=column,
            text=text,
            author=a,
            votes=int(votes_),
            owner=o,
            task_id=task,
            version=version,
        )
        for i, column, text, a, votes_, o, task, version, _count, _mine in rows
    ]
    counts = {column: int(count) for _i, column, *_rest, count, _mine in rows}
    return entries, counts, [row[0] for row in rows if row[-1]]
