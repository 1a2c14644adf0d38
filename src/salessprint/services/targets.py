"""Activity and revenue targets per member (revenue targets are the quota),
and the quota ramp of new reps (per team, with a per-rep override)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from salessprint.domain import clock
from salessprint.domain.enums import Role
from salessprint.domain.errors import InvalidInput
from salessprint.domain.inputs import TargetIn, validate
from salessprint.domain.metrics import RAMP_STEP_MONTHS, parse_ramp, ramp_of, ramp_text
from salessprint.domain.permissions import Action
from salessprint.domain.values import TargetView, Value
from salessprint.services.uow import UnitOfWork, retrying, snapshot, unit_of_work
from salessprint.store.db import Store
from salessprint.store.lookups import member_by_login
from salessprint.store.models import Member, Target


def set_target(store: Store, login: str, /, **fields: object) -> TargetView:
    """Set (or replace, from the same effective date) a member's target."""
    data = validate(TargetIn, **fields)
    with unit_of_work(store, login) as uow:
        member = member_by_login(uow.session, uow.actor.team_id, data.login)
        uow.require(Action.SET_TARGET, owns=member.id == uow.actor.member_id)
        effective = data.effective_from or clock.team_today(uow.team().timezone)
        existing = uow.session.scalar(
            select(Target).where(
                Target.member_id == member.id,
                Target.metric == data.metric,
                Target.period == data.period.value,
                Target.effective_from == effective,
            )
        )
        if existing is not None:
            before = snapshot(existing)
            existing.amount = data.amount
            uow.session.flush()
            uow.record("target", existing.id, "update", before, snapshot(existing))
            target = existing
        else:
            target = uow.add(
                "target",
                Target(
                    member_id=member.id,
                    metric=data.metric,
                    period=data.period.value,
                    amount=data.amount,
                    effective_from=effective,
                ),
            )
        return TargetView(
            id=target.id,
            login=member.login,
            metric=target.metric,
            period=target.period,
            amount=target.amount,
            effective_from=target.effective_from,
        )


def list_targets(store: Store, login: str, member: str | None = None) -> list[TargetView]:
    """Targets in force today (the newest per member, metric and period)."""
    with unit_of_work(store, login, read_only=True) as uow:
        query = (
            select(Target, Member.login)
            .join(Member, Member.id == Target.member_id)
            .where(Member.team_id == uow.actor.team_id, Target.effective_from <= clock.team_today(uow.team().timezone))
            .order_by(Member.login, Target.metric, Target.period, Target.effective_from)
        )
        if member:
            query = query.where(Member.login == member_by_login(uow.session, uow.actor.team_id, member).login)
        newest: dict[tuple[str, str, str], TargetView] = {}
        for target, member_login in uow.session.execute(query):
            newest[(member_login, target.metric, target.period)] = TargetView(
                id=target.id,
                login=member_login,
                metric=target.metric,
                period=target.period,
                amount=target.amount,
                effective_from=target.effective_from,
            )
        return list(newest.values())


# --- the quota ramp ---------------------------------------------------------

RAMP_MONTHS_MAX = 12


class RepRamp(Value):
    """One rep's ramp as the reports apply it."""

    login: str
    name: str
    started_on: date | None
    ramp: str
    """The steps in % of full quota ("25,50,75,100"), or "off"."""
    months: int
    """Months per step."""
    own: bool
    """The rep's own ramp (True) or the team's."""
    percent_today: Decimal
    """The share of full quota the rep carries today, in %."""


class Ramps(Value):
    """The team's ramp and each active rep's."""

    team: str
    """The team's steps ("25,50,75,100"), or "off"."""
    team_months: int
    reps: list[RepRamp]


def quota_ramps(store: Store, login: str) -> Ramps:
    """The team's quota ramp for new reps and where each rep stands on it today."""
    with unit_of_work(store, login, read_only=True) as uow:
        return _ramps(uow)


@retrying
def set_quota_ramp(
    store: Store, login: str, /, steps: str | None, months: int | None = None, member: str | None = None
) -> Ramps:
    """Set the team's ramp (`member` None) or one rep's own; `steps` is what a
    manager types ("25,50,75,100", "off"); None with a member gives the rep
    the team's ramp again. Managers only (a rep does not set their own)."""
    if months is not None and not 1 <= months <= RAMP_MONTHS_MAX:
        raise InvalidInput(f"A ramp step lasts 1 to {RAMP_MONTHS_MAX} months.", field="months")
    if member is None and steps is None:
        raise InvalidInput("Give the ramp's steps, like 25,50,75,100 (or off).", field="ramp")
    text = None if steps is None else ramp_text(parse_ramp(steps))
    with unit_of_work(store, login) as uow:
        uow.require(Action.SET_TARGET)
        if member is None:
            team = uow.team()
            before = snapshot(team)
            team.quota_ramp = None if text == "off" else text
            team.quota_ramp_months = months if text != "off" else None
            uow.session.flush()
            uow.record("team", team.id, "update", before, snapshot(team))
        else:
            rep = member_by_login(uow.session, uow.actor.team_id, member)
            before = snapshot(rep)
            rep.quota_ramp = text
            rep.quota_ramp_months = months if text not in (None, "off") else None
            uow.session.flush()
            uow.record("member", rep.id, "update", before, snapshot(rep))
        return _ramps(uow)


def _ramps(uow: UnitOfWork) -> Ramps:
    team = uow.team()
    today = clock.team_today(team.timezone)
    query = (
        select(Member)
        .where(Member.team_id == team.id, Member.active.is_(True), Member.role == Role.REP)
        .order_by(Member.login)
    )
    reps = []
    for m in uow.session.scalars(query):
        own = m.quota_ramp is not None
        ramp = ramp_of(m.started_on, m.quota_ramp, m.quota_ramp_months, team.quota_ramp, team.quota_ramp_months)
        text = m.quota_ramp if own else team.quota_ramp
        months = (m.quota_ramp_months if own else team.quota_ramp_months) or RAMP_STEP_MONTHS
        reps.append(
            RepRamp(
                login=m.login,
                name=m.name,
                started_on=m.started_on,
                ramp=text or "off",
                months=months,
                own=own,
                percent_today=Decimal("100.0") if ramp is None else ramp.percent_on(today),
            )
        )
    return Ramps(team=team.quota_ramp or "off", team_months=team.quota_ramp_months or RAMP_STEP_MONTHS, reps=reps)
