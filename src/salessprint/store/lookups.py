"""One row by the key the user named (a login, a stage name, an id), or NotFound with a helpful message."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from salessprint.domain.enums import SprintState
from salessprint.domain.errors import NotFound
from salessprint.store.models import Account, Deal, Member, Sprint, Stage, Task


def member_by_login(session: Session, team_id: int, login: str) -> Member:
    member = session.scalar(select(Member).where(Member.team_id == team_id, Member.login == login.strip()))
    if member is None:
        raise NotFound(f"No member with login '{login}' ('salessprint member list' shows them).")
    return member


def stage_by_name(session: Session, team_id: int, name: str) -> Stage:
    stages = session.scalars(select(Stage).where(Stage.team_id == team_id)).all()
    for stage in stages:
        if stage.name.lower() == name.strip().lower():
            return stage
    names = ", ".join(s.name for s in sorted(stages, key=lambda s: s.position))
    raise NotFound(f"Unknown stage '{name}'. The team's stages are: {names}.")


def first_stage(session: Session, team_id: int) -> Stage:
    stage = session.scalar(select(Stage).where(Stage.team_id == team_id).order_by(Stage.position).limit(1))
    assert stage is not None
    return stage


def deal_by_id(session: Session, team_id: int, deal_id: int, *, lock: bool = False) -> Deal:
    query = select(Deal).where(Deal.id == deal_id, Deal.team_id == team_id)
    if lock:
        query = query.with_for_update(of=Deal)
    deal = session.scalar(query)
    if deal is None:
        raise NotFound(f"No deal #{deal_id} in this team.")
    return deal


def task_by_id(session: Session, team_id: int, task_id: int) -> Task:
    task = session.scalar(select(Task).where(Task.id == task_id, Task.team_id == team_id))
    if task is None:
        raise NotFound(f"No task #{task_id} in this team.")
    return task


def account_named(session: Session, team_id: int, name: str, owner_id: int | None) -> Account:
    """The team's account with this name, created on first use.

    Two writers naming a new account at once both find none and both insert;
    the insert runs in a savepoint, so the one that loses on the unique
    (team, name) rule undoes only that and takes the winner's account (on
    PostgreSQL its insert waited for the winner's commit, and the next
    statement sees it). On SQLite writers queue, so this never races."""
    clean = name.strip()
    named = select(Account).where(Account.team_id == team_id, Account.name == clean)
    account = session.scalar(named)
    if account is not None:
        return account
    try:
        with session.begin_nested():
            account = Account(team_id=team_id, name=clean, owner_id=owner_id)
            session.add(account)
    except IntegrityError:
        account = session.scalar(named)
        if account is None:
            raise
    return account


def sprint_in_state(session: Session, team_id: int, state: SprintState, *, lock: bool = False) -> Sprint | None:
    query = select(Sprint).where(Sprint.team_id == team_id, Sprint.state == state).order_by(Sprint.number).limit(1)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def sprint_by_number(session: Session, team_id: int, number: int) -> Sprint:
    sprint = session.scalar(select(Sprint).where(Sprint.team_id == team_id, Sprint.number == number))
    if sprint is None:
        raise NotFound(f"No sprint number {number} ('salessprint sprint list' shows them).")
    return sprint
