"""The activity read model: my goals today and this week, and my latest logs.

Done counts are one SQL GROUP BY over my activities this week (a CASE picks
out today's); both queries filter on the member alone (a member belongs to
one team), so they walk the (member_id, occurred_at) index: with the team in
the filter SQLite walks the team's index instead and, for a member with few
activities (a manager), scans all of the team's million rows; targets are the ones in force, scaled to the day and the week
pro rata over working days (domain.calendar.target_for_range). "Today" and
"this week" are in the team's timezone.

`deals_to_log_on` is the deal picker's search: my open deals first, then
the team's, matched in SQL and never more than a window of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select

from salessprint.domain import clock
from salessprint.domain.calendar import elapsed_fraction, target_for_range, utc_bounds, week_start_on_or_before
from salessprint.domain.enums import METRIC_FOR_ACTIVITY, ActivityKind, Metric, Period
from salessprint.domain.values import Value
from salessprint.services.backlog import open_deal_match
from salessprint.services.uow import unit_of_work
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.models import Account, Activity, Deal, Member, Stage

# The order goals are shown in, and the key that logs each kind.
KIND_ORDER = (
    ActivityKind.CALL,
    ActivityKind.MEETING,
    ActivityKind.EMAIL,
    ActivityKind.NOTE,
    ActivityKind.DEMO,
    ActivityKind.PROPOSAL,
)


class Goal(Value):
    """Done vs target for one activity kind over one period."""

    kind: str
    done: int
    target: int | None
    expected: int | None
    """How many should be done by the end of today to be on pace (week goals)."""


class RecentActivity(Value):
    id: int
    kind: str
    occurred_at: datetime
    deal_id: int | None
    deal_title: str | None
    outcome: str | None


class ActivityGoalsView(Value):
    login: str
    timezone: str
    """The team's timezone, for showing when activities happened."""
    today: date
    week_start: date
    week_end: date
    today_goals: list[Goal]
    week_goals: list[Goal]
    recent: list[RecentActivity]


def _target(
    amounts: Mapping[tuple[Metric, Period], Decimal], kind: ActivityKind, start: date, end: date, week_start: int
) -> int | None:
    metric = METRIC_FOR_ACTIVITY[kind]
    # With targets for several periods, the shortest period rules (as in reports/activity.py).
    for period in Period:
        if (metric, period) in amounts:
            amount = float(amounts[(metric, period)])
            return round(target_for_range(amount, period, start, end, week_start))
    return None


def my_goals(store: Store, login: str, recent: int = 8) -> ActivityGoalsView:
    """My activity goals for today and this week, done vs target per kind."""
    with unit_of_work(store, login, read_only=True) as uow:
        team = uow.team()
        me = uow.actor.member_id
        today = clock.team_today(team.timezone)
        week_start = week_start_on_or_before(today, team.week_start)
        week_end = week_start + timedelta(days=6)
        week_lo, week_hi = utc_bounds(week_start, week_end, team.timezone)
        day_lo, day_hi = utc_bounds(today, today, team.timezone)
        is_today = (Activity.occurred_at >= day_lo) & (Activity.occurred_at < day_hi)
        counts = {
            kind: (int(day), int(week))
            for kind, day, week in uow.session.execute(
                select(Activity.kind, func.sum(case((is_today, 1), else_=0)), func.count(Activity.id))
                .where(Activity.member_id == me, Activity.occurred_at >= week_lo, Activity.occurred_at < week_hi)
                .group_by(Activity.kind)
            )
        }
        amounts = queries.targets_in_force(uow.session, [me], today).get(me, {})
        pace = elapsed_fraction(week_start, week_end, today)
        today_goals, week_goals = [], []
        for kind in KIND_ORDER:
            day_done, week_done = counts.get(kind, (0, 0))
            day_target = _target(amounts, kind, today, today, team.week_start)
            week_target = _target(amounts, kind, week_start, week_end, team.week_start)
            today_goals.append(Goal(kind=kind, done=day_done, target=day_target, expected=None))
            week_goals.append(
                Goal(
                    kind=kind,
                    done=week_done,
                    target=week_target,
                    expected=round(week_target * pace) if week_target is not None else None,
                )
            )
        rows = uow.session.execute(
            select(Activity.id, Activity.kind, Activity.occurred_at, Activity.deal_id, Deal.title, Activity.outcome)
            .outerjoin(Deal, Deal.id == Activity.deal_id)
            .where(Activity.member_id == me)
            .order_by(Activity.occurred_at.desc(), Activity.id.desc())
            .limit(recent)
        ).all()
        return ActivityGoalsView(
            login=uow.actor.login,
            timezone=team.timezone,
            today=today,
            week_start=week_start,
            week_end=week_end,
            today_goals=today_goals,
            week_goals=week_goals,
            recent=[
                RecentActivity(id=i, kind=k, occurred_at=at, deal_id=d, deal_title=t, outcome=o)
                for i, k, at, d, t, o in rows
            ],
        )


PICK_LIMIT = 20
"""Deals the picker shows at most: typing more narrows them."""


class DealChoice(Value):
    """One deal in the picker: enough to recognise it and log against it."""

    id: int
    title: str
    account: str
    owner_name: str
    stage: str
    mine: bool


def deals_to_log_on(store: Store, login: str, text: str = "", limit: int = PICK_LIMIT) -> list[DealChoice]:
    """Open deals matching `text` (title, account, owner or stage), mine
    first, then the team's, each part in backlog order; at most `limit`.

    Two bounded reads, each walking the open deals' rank index, rather than one
    sort of every matching deal by "mine or not"."""
    with unit_of_work(store, login, read_only=True) as uow:
        me = uow.actor.member_id
        columns = (Deal.id, Deal.title, Account.name, Member.name, Stage.name, Deal.owner_id)
        found: list[DealChoice] = []
        match, params = open_deal_match(uow, text)
        for mine in (True, False):
            where = match[mine]
            if not mine:
                where.append(Deal.owner_id != me)
            rows = uow.session.execute(
                select(*columns)
                .join(Account, Account.id == Deal.account_id)
                .join(Member, Member.id == Deal.owner_id)
                .join(Stage, Stage.id == Deal.stage_id)
                .where(*where)
                .order_by(Deal.backlog_rank, Deal.id)
                .limit(limit - len(found)),
                params,
            ).all()
            found += [
                DealChoice(id=i, title=t, account=a, owner_name=o, stage=st, mine=owner == me)
                for i, t, a, o, st, owner in rows
            ]
            if len(found) >= limit:
                break
        return found
