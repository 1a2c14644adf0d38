"""Creating a team and reading its settings."""

from __future__ import annotations

from sqlalchemy import func, select

from salessprint.domain.enums import DEFAULT_STAGES, Role
from salessprint.domain.errors import Conflict, InvalidInput
from salessprint.domain.inputs import MemberIn, validate
from salessprint.domain.values import TeamView
from salessprint.services.uow import retrying, snapshot, unit_of_work
from salessprint.services.views import team_view
from salessprint.store import roles
from salessprint.store.db import Store
from salessprint.store.models import Member, Stage, Team


@retrying
def init_team(
    store: Store,
    team_name: str,
    admin_login: str,
    admin_name: str | None = None,
    currency: str = "EUR",
    timezone: str = "UTC",
    password: str | None = None,
) -> TeamView:
    """Create the schema if needed, the team, its stages and its first admin.

    One team per store: the count below answers a plain `init` run twice;
    two run at once both count none, and the loser collides with the
    winner's team on `uq_teams_one_per_store` (migration 0004), runs again
    (`@retrying`) and is refused here.

    On PostgreSQL, run by the database's owner: the admin's login role is
    created when missing (with `password`, else the server's own auth
    applies) and granted the store's admin group (store/roles.py)."""
    team_name = team_name.strip()
    if not team_name:
        raise InvalidInput("The team needs a name.", field="team")
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise InvalidInput(f"'{currency}' is not a currency code like EUR or USD.", field="currency")
    admin = validate(MemberIn, login=admin_login, name=admin_name or admin_login, role=Role.ADMIN)
    store.upgrade()
    with unit_of_work(store, None, need_actor=False) as uow:
        if uow.session.scalar(select(func.count()).select_from(Team)):
            raise Conflict("This store already holds a team; use another --db for a new one.")
        team = Team(name=team_name, currency=currency, timezone=timezone)
        uow.session.add(team)
        uow.session.flush()
        for position, (name, probability, kind) in enumerate(DEFAULT_STAGES):
            uow.session.add(
                Stage(team_id=team.id, name=name, position=position, probability=probability, kind=kind.value)
            )
        member = Member(team_id=team.id, login=admin.login, name=admin.name, role=admin.role)
        uow.session.add(member)
        uow.session.flush()
        uow.record("team", team.id, "create", None, snapshot(team), team_id=team.id)
        uow.record("member", member.id, "create", None, snapshot(member), team_id=team.id)
        if store.backend == "postgresql":
            roles.ensure_login(uow.session.connection(), member.login, Role.ADMIN, password)
        uow.session.refresh(team)
        return team_view(team)


def get_team(store: Store, login: str) -> TeamView:
    with unit_of_work(store, login, read_only=True) as uow:
        return team_view(uow.team())
