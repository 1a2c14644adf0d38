"""The daily report: what a rep did on a day against their daily goals, as
chat-ready text."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from salessprint.domain import clock
from salessprint.domain.calendar import utc_bounds
from salessprint.domain.coaching import DayFacts, daily_report
from salessprint.domain.enums import METRIC_FOR_ACTIVITY, ActivityKind, Period
from salessprint.domain.metrics import TargetChange, target_in_force
from salessprint.domain.permissions import Action
from salessprint.services.uow import unit_of_work
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.lookups import member_by_login
from salessprint.store.models import Activity, Deal, DealEvent, Stage, Task


def daily(store: Store, login: str, member: str | None = None, day: date | None = None) -> str:
    """What a rep did on a day against their daily goals, as chat-ready text.
    A rep may ask for their own; a manager for anyone's."""
    with unit_of_work(store, login, read_only=True) as uow:
        team = uow.team()
        rep = member_by_login(uow.session, team.id, member or login)
        if rep.id != uow.actor.member_id:
            uow.require(Action.COACHING)
        day = day or clock.team_today(team.timezone)
        lo, hi = utc_bounds(day, day, team.timezone)
        counts = dict(
            uow.rows(
                select(Activity.kind, func.count())
                .where(
                    Activity.team_id == team.id,
                    Activity.member_id == rep.id,
                    Activity.occurred_at >= lo,
                    Activity.occurred_at < hi,
                )
                .group_by(Activity.kind)
            ).all()
        )
        mine = queries.targets_in_force(uow.session, [rep.id], day).get(rep.id, {})
        activities = []
        for kind in ActivityKind:
            target = None
            for period in Period:
                amount = mine.get((METRIC_FOR_ACTIVITY[kind], period))
                if amount is not None:
                    exact = target_in_force([TargetChange(period, day, amount)], day, day, period, team.week_start)
                    target = int((exact or Decimal(0)).quantize(Decimal(1), rounding=ROUND_HALF_UP)) or None
                    break
            activities.append((kind.value, int(counts.get(kind, 0)), target))
        tasks = list(
            uow.session.scalars(
                select(Task.title)
                .where(
                    queries.sqlite_hint(Task.team_id) == team.id,
                    Task.assignee_id == rep.id,
                    Task.done_at >= lo,
                    Task.done_at < hi,
                )
                .order_by(Task.done_at)
                .limit(50)
            )
        )
        touched_ids = (
            select(Activity.deal_id.label("deal_id"))
            .where(
                Activity.member_id == rep.id,
                Activity.occurred_at >= lo,
                Activity.occurred_at < hi,
                Activity.deal_id.is_not(None),
            )
            .union(
                select(DealEvent.deal_id).where(DealEvent.member_id == rep.id, DealEvent.at >= lo, DealEvent.at < hi)
            )
            .subquery()
        )
        deals = [
            (i, t, st)
            for i, t, st in uow.rows(
                select(Deal.id, Deal.title, Stage.name)
                .join(Stage, Stage.id == Deal.stage_id)
                .where(queries.sqlite_hint(Deal.team_id) == team.id, Deal.id.in_(select(touched_ids.c.deal_id)))
                .order_by(Deal.id)
                .limit(50)
            )
        ]
        return daily_report(
            DayFacts(name=rep.name, day=day, activities=activities, tasks_done=tasks, deals_touched=deals)
        )
