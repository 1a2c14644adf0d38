"""Team members: add, list, deactivate."""

from __future__ import annotations

from sqlalchemy import select

from salessprint.domain.errors import Conflict
from salessprint.domain.inputs import MemberIn, validate
from salessprint.domain.permissions import Action
from salessprint.domain.values import MemberView
from salessprint.services.uow import unit_of_work
from salessprint.services.views import member_view
from salessprint.store.db import Store
from salessprint.store.models import Member


def add_member(store: Store, login: str, /, **fields: object) -> MemberView:
    data = validate(MemberIn, **fields)
    with unit_of_work(store, login) as uow:
        uow.require(Action.MANAGE_MEMBERS)
        if uow.session.scalar(select(Member.id).where(Member.login == data.login)):
            raise Conflict(f"Login '{data.login}' is taken; choose another.")
        member = Member(
            team_id=uow.actor.team_id,
            login=data.login,
            name=data.name,
            role=data.role,
            sales_role=data.sales_role,
            territory=data.territory,
            started_on=data.started_on,
        )
        uow.add("member", member)
        return member_view(member)


def list_members(store: Store, login: str, include_inactive: bool = False) -> list[MemberView]:
    with unit_of_work(store, login, read_only=True) as uow:
        query = select(Member).where(Member.team_id == uow.actor.team_id).order_by(Member.name)
        if not include_inactive:
            query = query.where(Member.active.is_(True))
        return [member_view(m) for m in uow.session.scalars(query)]


def whoami(store: Store, login: str) -> MemberView:
    with unit_of_work(store, login, read_only=True) as uow:
        member = uow.session.get(Member, uow.actor.member_id)
        assert member is not None
        return member_view(member)
