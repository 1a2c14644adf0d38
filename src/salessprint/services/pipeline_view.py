"""The pipeline read model: deals grouped by stage with SQL aggregates.

Per stage: how many deals, their value, their weighted value (value × the
deal's probability, else the stage's) and how many are rotting (open and no
stage change for longer than the team's rotting limit). Won and Lost show
the deals closed this quarter, so the closed columns do not grow forever.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, literal, or_, select, type_coerce

from salessprint.domain import clock
from salessprint.domain.calendar import period_range
from salessprint.domain.enums import Period, StageKind
from salessprint.domain.values import Value
from salessprint.services.uow import unit_of_work
from salessprint.store.db import Store
from salessprint.store.models import Account, Deal, Member, Stage
from salessprint.store.types import Money

CENT = Decimal("0.01")


class StageSummary(Value):
    """One stage of the pipeline with its SQL aggregates."""

    name: str
    kind: str
    position: int
    probability: int
    count: int
    value: Decimal
    weighted: Decimal
    rotting: int


class PipelineDeal(Value):
    """A deal as the pipeline lists it."""

    id: int
    title: str
    account: str
    owner: str
    owner_name: str
    stage: str
    stage_kind: str
    value: Decimal
    probability: int
    weighted: Decimal
    stage_entered_at: datetime
    days_in_stage: int
    rotting: bool
    closed_on: date | None
    lost_reason: str | None
    version: int


class PipelineView(Value):
    currency: str
    rotting_days: int
    mine: bool
    closed_since: date
    stages: list[StageSummary]
    deals: list[PipelineDeal]
    total_count: int
    total_value: Decimal
    total_weighted: Decimal
    total_rotting: int


def _weighted(raw: Decimal | None) -> Decimal:
    """SUM(value × percent) back to money: divide by 100, round to cents."""
    return (Decimal(raw or 0) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def pipeline(store: Store, login: str, *, mine: bool = False) -> PipelineView:
    """Every stage with its count, value, weighted value and rotting deals."""
    with unit_of_work(store, login) as uow:
        team = uow.team()
        now = clock.now()
        cutoff = now - timedelta(days=team.rotting_days)
        closed_since, _ = period_range(Period.QUARTER, clock.today(), team.week_start)
        probability = func.coalesce(Deal.probability, Stage.probability)
        is_open = Stage.kind == StageKind.OPEN.value
        rotting = and_(is_open, Deal.stage_entered_at < cutoff)
        # Money is whole cents on SQLite and NUMERIC on PostgreSQL: coercing
        # the product to Money keeps both exact (value × percent, then /100).
        weighted_sum = type_coerce(func.sum(type_coerce(Deal.value, Money()) * probability), Money())
        in_view = [Deal.team_id == team.id, or_(is_open, Deal.closed_on >= closed_since)]
        if mine:
            in_view.append(Deal.owner_id == uow.actor.member_id)

        agg = (
            select(
                Deal.stage_id.label("stage_id"),
                func.count(Deal.id).label("n"),
                func.sum(Deal.value).label("value"),
                weighted_sum.label("weighted"),
                func.sum(case((rotting, 1), else_=0)).label("rotting"),
            )
            .join(Stage, Stage.id == Deal.stage_id)
            .where(*in_view)
            .group_by(Deal.stage_id)
            .subquery()
        )
        stage_rows = uow.session.execute(
            select(Stage.name, Stage.kind, Stage.position, Stage.probability,
                   func.coalesce(agg.c.n, 0), agg.c.value, agg.c.weighted, func.coalesce(agg.c.rotting, 0))
            .outerjoin(agg, agg.c.stage_id == Stage.id)
            .where(Stage.team_id == team.id)
            .order_by(Stage.position)
        ).all()
        stages = [
            StageSummary(name=name, kind=kind, position=pos, probability=prob, count=int(n),
                         value=Decimal(value or 0).quantize(CENT), weighted=_weighted(weighted),
                         rotting=int(rot))
            for name, kind, pos, prob, n, value, weighted, rot in stage_rows
        ]
        totals = uow.session.execute(
            select(func.count(Deal.id), func.sum(Deal.value), weighted_sum, func.sum(case((rotting, 1), else_=0)))
            .join(Stage, Stage.id == Deal.stage_id)
            .where(*in_view, is_open)
        ).one()

        deal_rows = uow.session.execute(
            select(Deal.id, Deal.title, Account.name, Member.login, Member.name, Stage.name, Stage.kind,
                   Deal.value, probability, Deal.stage_entered_at, case((rotting, True), else_=literal(False)),
                   Deal.closed_on, Deal.lost_reason, Deal.version)
            .join(Stage, Stage.id == Deal.stage_id)
            .join(Account, Account.id == Deal.account_id)
            .join(Member, Member.id == Deal.owner_id)
            .where(*in_view)
            .order_by(Stage.position, Deal.stage_entered_at, Deal.id)
        ).all()
        today = clock.today()
        deals = [
            PipelineDeal(
                id=did, title=title, account=account, owner=owner, owner_name=owner_name, stage=stage,
                stage_kind=kind, value=value, probability=int(prob),
                weighted=(value * int(prob) / 100).quantize(CENT, rounding=ROUND_HALF_UP),
                stage_entered_at=entered, days_in_stage=max(0, (today - entered.date()).days),
                rotting=bool(rot), closed_on=closed_on, lost_reason=lost_reason, version=version,
            )
            for (did, title, account, owner, owner_name, stage, kind, value, prob, entered, rot,
                 closed_on, lost_reason, version) in deal_rows
        ]
        return PipelineView(
            currency=team.currency, rotting_days=team.rotting_days, mine=mine, closed_since=closed_since,
            stages=stages, deals=deals, total_count=int(totals[0] or 0),
            total_value=Decimal(totals[1] or 0).quantize(CENT), total_weighted=_weighted(totals[2]),
            total_rotting=int(totals[3] or 0),
        )
