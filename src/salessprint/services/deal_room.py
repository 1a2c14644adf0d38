"""A deal's room: everything about one deal in one read (the app's deal detail),
and the account view it links to (the account's deals and its notes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from salessprint.domain.enums import TaskStatus
from salessprint.domain.permissions import Action
from salessprint.domain.values import DealView, MemberView, StageView, TaskView, Value
from salessprint.services.deals import collaborators_of, full_view
from salessprint.services.history import TimelineEntry, timeline_of
from salessprint.services.uow import unit_of_work
from salessprint.services.views import deal_view, member_view, stage_view, task_view
from salessprint.store.db import Store
from salessprint.store.lookups import deal_by_id
from salessprint.store.models import Account, Deal, DealEvent, Member, Note, Stage, Task


class DealRoom(Value):
    deal: DealView
    close_moves: int
    """How many times the expected close date was changed."""
    timeline: list[TimelineEntry]
    """Edits, stage moves, notes and activities, newest first."""
    tasks: list[TaskView]
    stages: list[StageView]
    members: list[MemberView]
    """The team's active members (to pick a collaborator)."""


def deal_room(store: Store, login: str, deal_id: int) -> DealRoom:
    """Everyone on the team may read every deal room."""
    with unit_of_work(store, login, read_only=True) as uow:
        uow.require(Action.READ_TEAM)
        team_id = uow.actor.team_id
        deal = deal_by_id(uow.session, team_id, deal_id)
        timeline = timeline_of(uow, deal)
        moves = uow.session.scalar(
            select(func.count())
            .select_from(DealEvent)
            .where(DealEvent.deal_id == deal.id, DealEvent.kind == "expected_close")
        )
        tasks = uow.session.scalars(  # open first, then done; each oldest first
            select(Task).where(Task.deal_id == deal.id).order_by(Task.status == TaskStatus.DONE, Task.id)
        )
        stages = uow.session.scalars(select(Stage).where(Stage.team_id == team_id).order_by(Stage.position))
        members = uow.session.scalars(
            select(Member).where(Member.team_id == team_id, Member.active.is_(True)).order_by(Member.name)
        )
        return DealRoom(
            deal=full_view(uow, deal),
            close_moves=moves or 0,
            timeline=timeline,
            tasks=[task_view(t, deal.title) for t in tasks],
            stages=[stage_view(s) for s in stages],
            members=[member_view(m) for m in members],
        )


class AccountNote(Value):
    at: datetime
    author: str
    deal_title: str | None
    text: str


class AccountView(Value):
    name: str
    deals: list[DealView]
    """Open deals first, then closed, newest first within each."""
    notes: list[AccountNote]
    """Market intelligence: notes on the account and on its deals, newest first."""


def account_view(store: Store, login: str, deal_id: int) -> AccountView:
    """The account of a deal: its deals and notes."""
    with unit_of_work(store, login, read_only=True) as uow:
        uow.require(Action.READ_TEAM)
        team_id = uow.actor.team_id
        account_id = deal_by_id(uow.session, team_id, deal_id).account_id
        account = uow.session.get(Account, account_id)
        assert account is not None
        deals = uow.session.scalars(
            select(Deal)
            .where(Deal.team_id == team_id, Deal.account_id == account_id)
            .order_by(Deal.closed_on.is_not(None), Deal.started_on.desc(), Deal.id.desc())
        ).all()
        ids = [d.id for d in deals]
        titles = {d.id: d.title for d in deals}
        notes = uow.session.execute(
            select(Note, Member.name)
            .join(Member, Member.id == Note.author_id)
            .where(Note.team_id == team_id, (Note.account_id == account_id) | Note.deal_id.in_(ids))
            .order_by(Note.created_at.desc(), Note.id.desc())
            .limit(200)
        )
        return AccountView(
            name=account.name,
            deals=[deal_view(d, collaborators_of(uow.session, d.id)) for d in deals],
            notes=[
                AccountNote(at=n.created_at, author=name, deal_title=titles.get(n.deal_id or 0), text=n.text)
                for n, name in notes
            ],
        )
