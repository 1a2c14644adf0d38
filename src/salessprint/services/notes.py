"""Notes: meeting notes and market intelligence on accounts and deals.

Every member may add a note and read all of the team's notes; a note is
never edited in place (undo takes back my own newest note).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from salessprint.domain.errors import InvalidInput, NotFound
from salessprint.domain.permissions import Action
from salessprint.domain.text import check_text
from salessprint.domain.values import Value
from salessprint.services.uow import retrying, unit_of_work
from salessprint.store.db import Store
from salessprint.store.lookups import deal_by_id
from salessprint.store.models import Account, Deal, Member, Note

MAX_NOTE = 4000


class NoteView(Value):
    id: int
    author: str
    author_name: str
    deal_id: int | None
    deal_title: str | None
    account: str | None
    text: str
    created_at: datetime


@retrying
def add_note(
    store: Store, login: str, text: str, *, deal_id: int | None = None, account: str | None = None
) -> NoteView:
    """A note on a deal (and so its account) or on an account by name."""
    text = (text or "").strip()
    check_text(text, "text")
    check_text(account, "account")
    if not text:
        raise InvalidInput("text: write something", field="text")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"text: keep a note under {MAX_NOTE:,} characters", field="text")
    if deal_id is None and not (account or "").strip():
        raise InvalidInput("Say what the note is about: --deal ID or --account NAME.", field="deal")
    with unit_of_work(store, login) as uow:
        uow.require(Action.ADD_NOTE)
        team_id = uow.actor.team_id
        deal = _deal_held(uow.session, team_id, deal_id) if deal_id is not None else None
        if deal is not None:
            account_row = deal.account
            if account and account.strip() and account.strip() != account_row.name:
                raise InvalidInput(
                    f"Deal #{deal.id} belongs to {account_row.name}, not {account.strip()}.", field="account"
                )
        else:
            account_row = _account(uow.session, team_id, (account or "").strip())
        note = uow.add(
            "note",
            Note(
                team_id=team_id,
                author_id=uow.actor.member_id,
                account_id=account_row.id,
                deal_id=deal.id if deal else None,
                text=text,
            ),
        )
        return NoteView(
            id=note.id,
            author=uow.actor.login,
            author_name=uow.actor.name,
            deal_id=note.deal_id,
            deal_title=deal.title if deal else None,
            account=account_row.name,
            text=note.text,
            created_at=note.created_at,
        )


def _deal_held(session: Session, team_id: int, deal_id: int) -> Deal:
    """The deal, held (FOR KEY SHARE) until the note is in: a delete that
    archives the deal meanwhile is waited for, and then the deal is gone
    ("No deal #12"), where the insert used to fail on the foreign key. The
    lock is taken on the deal's row alone: through the eager joins, a
    stage changed meanwhile would hide the row (see UnitOfWork._lock_fresh)."""
    held = session.execute(
        select(Deal.id).where(Deal.id == deal_id, Deal.team_id == team_id).with_for_update(key_share=True)
    ).first()
    if held is None:
        raise NotFound(f"No deal #{deal_id} in this team.")
    return deal_by_id(session, team_id, deal_id)


def _account(session: Session, team_id: int, name: str) -> Account:
    row = session.scalar(select(Account).where(Account.team_id == team_id, Account.name == name))
    if row is None:
        raise NotFound(f"No account named '{name}' ('salessprint deal list' shows the accounts).")
    return row


def list_notes(
    store: Store,
    login: str,
    *,
    deal_id: int | None = None,
    account: str | None = None,
    author: str | None = None,
    limit: int = 50,
) -> list[NoteView]:
    """The team's notes, newest first; an account's list includes its deals' notes."""
    with unit_of_work(store, login, read_only=True) as uow:
        uow.require(Action.READ_TEAM)
        team_id = uow.actor.team_id
        writer = aliased(Member)
        query = (
            select(Note, writer.login, writer.name, Deal.title, Account.name)
            .join(writer, writer.id == Note.author_id)
            .outerjoin(Deal, Deal.id == Note.deal_id)
            .outerjoin(Account, Account.id == Note.account_id)
            .where(Note.team_id == team_id)
            .order_by(Note.created_at.desc(), Note.id.desc())
            .limit(limit)
        )
        if deal_id is not None:
            query = query.where(Note.deal_id == deal_by_id(uow.session, team_id, deal_id).id)
        if account:
            query = query.where(Note.account_id == _account(uow.session, team_id, account.strip()).id)
        if author:
            query = query.where(writer.login == author.strip())
        return [
            NoteView(
                id=n.id,
                author=who,
                author_name=name,
                deal_id=n.deal_id,
                deal_title=title,
                account=acc,
                text=n.text,
                created_at=n.created_at,
            )
            for n, who, name, title, acc in uow.session.execute(query)
        ]
