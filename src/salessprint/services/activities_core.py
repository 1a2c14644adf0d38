"""Logging an activity on SQLAlchemy Core: `salessprint log call` without the ORM.

The rule of what an activity row holds (`activity_values`: the member's
team, a typed time read in the team's time zone, no time a day or more in
the future) is here once; `services/activities.log_activity` (the ORM path
the app uses) builds its row with it too. This path writes through
`core_unit_of_work`: the same permission check, change log row, NOTIFY and
single transaction. `tests/services/test_activities_core.py` checks that
both paths write identical activity and change rows, and refuse alike, on
SQLite and on PostgreSQL with a member's own login (row-level security).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from salessprint.domain import clock
from salessprint.domain.errors import InvalidInput, NotFound
from salessprint.domain.inputs import ActivityIn, validate
from salessprint.domain.permissions import Action
from salessprint.domain.values import ActivityView
from salessprint.services.core_uow import core_unit_of_work, retrying
from salessprint.store.db import Store
from salessprint.store.tables import activities, deals, members

NO_MEMBER = "No member with login '{login}' ('salessprint member list' shows them)."
NO_DEAL = "No deal #{id} in this team."

_MEMBER = select(members.c.id, members.c.login).where(
    members.c.team_id == bindparam("team_id"), members.c.login == bindparam("login")
)
_DEAL = select(deals.c.id).where(deals.c.id == bindparam("deal_id"), deals.c.team_id == bindparam("team_id"))


def activity_values(data: ActivityIn, team_id: int, member_id: int, timezone: Callable[[], str]) -> dict[str, Any]:
    """The columns of a new activity (no id, no `created_at`: the insert's default).

    `timezone()` answers the team's time zone, asked only for a time typed
    without one. InvalidInput for a time a day or more in the future."""
    when: datetime = data.when or clock.now()
    if when.tzinfo is None:  # a time as typed is in the team's timezone
        from zoneinfo import ZoneInfo

        when = when.replace(tzinfo=ZoneInfo(timezone()))
    if when > clock.now().replace(microsecond=0) and (when - clock.now()).days >= 1:
        raise InvalidInput("when: an activity cannot be logged in the future", field="when")
    return {
        "team_id": team_id,
        "member_id": member_id,
        "kind": data.kind.value,
        "occurred_at": when,
        "deal_id": data.deal_id,
        "outcome": data.outcome or None,
        "note": data.note or None,
    }


@retrying
def log_activity_core(store: Store, login: str, *, member: str | None = None, **fields: object) -> ActivityView:
    """Log one activity for me (or, for a manager, for `member`): what
    `services/activities.log_activity` does, on one Core connection."""
    data = validate(ActivityIn, **fields)
    with core_unit_of_work(store, login) as uow:
        conn, team_id = uow.conn, uow.actor.team_id
        login_, member_id = uow.actor.login, uow.actor.member_id
        if member:
            who = conn.execute(_MEMBER, {"team_id": team_id, "login": member.strip()}).first()
            if who is None:
                raise NotFound(NO_MEMBER.format(login=member))
            login_, member_id = who.login, who.id
        uow.require(Action.LOG_ACTIVITY, owns=member_id == uow.actor.member_id)
        if (
            data.deal_id is not None
            and conn.execute(_DEAL, {"deal_id": data.deal_id, "team_id": team_id}).first() is None
        ):
            raise NotFound(NO_DEAL.format(id=data.deal_id))
        values = activity_values(data, team_id, member_id, lambda: uow.timezone)
        activity_id = uow.add("activity", activities, values)
        return ActivityView(
            id=activity_id,
            login=login_,
            kind=values["kind"],
            occurred_at=values["occurred_at"],
            deal_id=values["deal_id"],
            outcome=values["outcome"],
            note=values["note"],
        )
