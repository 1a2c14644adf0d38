"""Creating a team and reading its settings."""

from __future__ import annotations

from sqlalchemy import func, select

from salessprint.domain.enums import DEFAULT_STAGES, Role
from salessprint.domain.errors import Conflict, InvalidInput
from salessprint.domain.inputs import MemberIn, validate
from salessprint.domain.permissions import Action
from salessprint.domain.values import TeamView, Value
from salessprint.domain.velocity import FORECAST_WINDOW, MIN_HISTORY
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


# --- the forecast's history window ------------------------------------------

WINDOW_MAX = 520


class ForecastWindow(Value):
    """How a velocity forecast reads the team's closed sprints (sprint planning, `report velocity`)."""

    history: int
    """The closed sprints the forecast averages."""
    min_history: int
    """With fewer closed sprints (of the team, or of a rep since they started) the forecast is unknown."""


def window_of(team: Team) -> ForecastWindow:
    """The team's window; 3 and 3 unless set."""
    return ForecastWindow(
        history=team.forecast_history or FORECAST_WINDOW, min_history=team.forecast_min_history or MIN_HISTORY
    )


def forecast_window(store: Store, login: str) -> ForecastWindow:
    with unit_of_work(store, login, read_only=True) as uow:
        return window_of(uow.team())


@retrying
def set_forecast_window(
    store: Store, login: str, /, history: int | None = None, min_history: int | None = None
) -> ForecastWindow:
    """Set the sprints a forecast averages and how many it needs (managers)."""
    for name, value in (("history", history), ("min_history", min_history)):
        if value is not None and not 1 <= value <= WINDOW_MAX:
            raise InvalidInput(f"{name.replace('_', '-')} is a number of sprints from 1 to {WINDOW_MAX}.", field=name)
    with unit_of_work(store, login) as uow:
        uow.require(Action.PLAN_SPRINT)
        team = uow.team()
        before = snapshot(team)
        if history is not None:
            team.forecast_history = history
        if min_history is not None:
            team.forecast_min_history = min_history
        uow.session.flush()
        uow.record("team", team.id, "update", before, snapshot(team))
        return window_of(team)
