"""Activity and revenue targets per member (revenue targets are the quota)."""

from __future__ import annotations

from sqlalchemy import select

from salessprint.domain import clock
from salessprint.domain.inputs import TargetIn, validate
from salessprint.domain.permissions import Action
from salessprint.domain.values import TargetView
from salessprint.services.uow import snapshot, unit_of_work
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
