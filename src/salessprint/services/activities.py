"""Logging calls, meetings, emails and the rest; each log is one insert.

`log_activity` is the ORM path (the app's, inside its unit of work); the
command line logs with `services/activities_core.log_activity_core`, the
same row by the same rule (`activity_values`) without importing the ORM.
"""

from __future__ import annotations

from sqlalchemy import select

from salessprint.domain.inputs import ActivityIn, validate
from salessprint.domain.permissions import Action
from salessprint.domain.values import ActivityView
from salessprint.services.activities_core import activity_values
from salessprint.services.uow import retrying, unit_of_work
from salessprint.store.db import Store
from salessprint.store.lookups import deal_by_id, member_by_login
from salessprint.store.models import Activity, Member


@retrying
def log_activity(store: Store, login: str, *, member: str | None = None, **fields: object) -> ActivityView:
    """Log one activity for me (or, for a manager, for `member`)."""
    data = validate(ActivityIn, **fields)
    with unit_of_work(store, login) as uow:
        team_id = uow.actor.team_id
        who = member_by_login(uow.session, team_id, member) if member else None
        member_id = who.id if who else uow.actor.member_id
        uow.require(Action.LOG_ACTIVITY, owns=member_id == uow.actor.member_id)
        if data.deal_id is not None:
            deal_by_id(uow.session, team_id, data.deal_id)
        activity = Activity(**activity_values(data, team_id, member_id, lambda: uow.team().timezone))
        uow.add("activity", activity)
        login_ = who.login if who else uow.actor.login
        return ActivityView(
            id=activity.id,
            login=login_,
            kind=activity.kind,
            occurred_at=activity.occurred_at,
            deal_id=activity.deal_id,
            outcome=activity.outcome,
            note=activity.note,
        )


def list_activities(store: Store, login: str, *, member: str | None = None, limit: int = 50) -> list[ActivityView]:
    """The newest activities, mine or a member's or the team's."""
    with unit_of_work(store, login, read_only=True) as uow:
        query = (
            select(Activity, Member.login)
            .join(Member, Member.id == Activity.member_id)
            .where(Activity.team_id == uow.actor.team_id)
            .order_by(Activity.occurred_at.desc(), Activity.id.desc())
            .limit(limit)
        )
        if member:
            query = query.where(Activity.member_id == member_by_login(uow.session, uow.actor.team_id, member).id)
        return [
            ActivityView(
                id=a.id,
                login=m,
                kind=a.kind,
                occurred_at=a.occurred_at,
                deal_id=a.deal_id,
                outcome=a.outcome,
                note=a.note,
            )
            for a, m in uow.session.execute(query)
        ]
