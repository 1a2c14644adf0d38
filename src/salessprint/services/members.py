"""Team members: add, list, change role, deactivate; who I am connected as.

On PostgreSQL a member's login is a PostgreSQL role (store/roles.py): adding
a member creates their login role when missing and grants it the group of
their role; a role change moves the grant; deactivating takes it away (the
member's history stays, and so does the role: it may serve other databases).
"""

from __future__ import annotations

from sqlalchemy import select

from salessprint.domain.enums import Role
from salessprint.domain.errors import Conflict, InvalidInput, NotFound
from salessprint.domain.inputs import MemberIn, validate
from salessprint.domain.permissions import Action
from salessprint.domain.values import MemberView
from salessprint.services.uow import UnitOfWork, snapshot, unit_of_work
from salessprint.services.views import member_view
from salessprint.store import roles
from salessprint.store.db import Store
from salessprint.store.models import Member


def add_member(store: Store, login: str, /, *, password: str | None = None, **fields: object) -> MemberView:
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
        _grant(uow, member, password)
        return member_view(member)


def set_role(store: Store, login: str, /, member_login: str, role: str) -> MemberView:
    """Change a member's role (admins only); the team keeps at least one admin."""
    try:
        new_role = Role(role.strip().lower())
    except ValueError:
        raise InvalidInput(f"'{role}' is not a role: rep, manager or admin.", field="role") from None
    with unit_of_work(store, login) as uow:
        uow.require(Action.MANAGE_MEMBERS)
        member = _member(uow, member_login)
        if member.role == Role.ADMIN and new_role != Role.ADMIN:
            _keep_an_admin(uow, member)
        before = snapshot(member)
        member.role = new_role
        uow.session.flush()
        uow.record("member", member.id, "update", before, snapshot(member))
        _grant(uow, member, None)
        return member_view(member)


def deactivate_member(store: Store, login: str, /, member_login: str) -> MemberView:
    """Deactivate a member (admins only): they can no longer act; their history stays."""
    with unit_of_work(store, login) as uow:
        uow.require(Action.MANAGE_MEMBERS)
        member = _member(uow, member_login)
        if not member.active:
            raise Conflict(f"{member.name} ({member.login}) is already inactive.")
        if member.id == uow.actor.member_id:
            raise Conflict("You cannot deactivate yourself; ask another admin.")
        if member.role == Role.ADMIN:
            _keep_an_admin(uow, member)
        before = snapshot(member)
        member.active = False
        uow.session.flush()
        uow.record("member", member.id, "update", before, snapshot(member))
        if store.backend == "postgresql":
            roles.revoke_login(uow.session.connection(), member.login)
        return member_view(member)


def _member(uow: UnitOfWork, member_login: str) -> Member:
    member = uow.session.scalar(select(Member).where(Member.team_id == uow.actor.team_id, Member.login == member_login))
    if member is None:
        raise NotFound(f"'{member_login}' is not a member of this team ('salessprint member list' shows the logins).")
    return member


def _keep_an_admin(uow: UnitOfWork, leaving: Member) -> None:
    others = uow.session.scalar(
        select(Member.id).where(
            Member.team_id == uow.actor.team_id,
            Member.role == Role.ADMIN,
            Member.active.is_(True),
            Member.id != leaving.id,
        )
    )
    if others is None:
        raise Conflict(f"{leaving.name} is the team's only admin; make someone else admin first.")


def _grant(uow: UnitOfWork, member: Member, password: str | None) -> None:
    """On PostgreSQL: the member's login role, granted their role's group."""
    if uow.session.get_bind().dialect.name == "postgresql":
        roles.ensure_login(uow.session.connection(), member.login, Role(member.role), password)


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
