"""What every screen's header needs, in one round trip."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from salessprint.domain.enums import SprintState
from salessprint.domain.values import MemberView, SprintView, TeamView
from salessprint.services.uow import unit_of_work
from salessprint.services.views import member_view, sprint_view, team_view
from salessprint.store.db import Store
from salessprint.store.lookups import sprint_in_state
from salessprint.store.models import Member


class AppContext(BaseModel):
    model_config = ConfigDict(frozen=True)

    team: TeamView
    sprint: SprintView | None
    me: MemberView


def load_context(store: Store, login: str) -> AppContext:
    with unit_of_work(store, login, read_only=True) as uow:
        team_id = uow.actor.team_id
        sprint = sprint_in_state(uow.session, team_id, SprintState.ACTIVE) or sprint_in_state(
            uow.session, team_id, SprintState.PLANNED
        )
        me = uow.session.get(Member, uow.actor.member_id)
        assert me is not None
        return AppContext(
            team=team_view(uow.team()), sprint=sprint_view(sprint) if sprint else None, me=member_view(me)
        )
