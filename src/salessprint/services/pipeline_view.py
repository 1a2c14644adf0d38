"""The pipeline read model: deals grouped by stage with SQL aggregates.

Per stage: how many deals, their value, their weighted value (value × the
deal's probability, else the stage's) and how many are rotting (open and no
stage change for longer than the team's rotting limit). Won and Lost show
the deals closed this quarter, so the closed columns do not grow forever.

Built for a big store (100,000 deals): the deals in view are found through
`ix_deals_team_closed` (open ⇔ `closed_on IS NULL`, closed this quarter ⇔
`closed_on >= quarter start`), the totals are aggregates, and only a window
of each stage's deals is loaded (`ROW_NUMBER() OVER (PARTITION BY stage)`);
`stage_deals` reads the next window of one stage as the user scrolls.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, type_coerce, union_all

from salessprint.domain import clock
from salessprint.domain.calendar import period_range
from salessprint.domain.enums import Period, StageKind
from salessprint.domain.errors import NotFound
from salessprint.domain.values import Value
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.models import Account, Deal, Member, Stage
from salessprint.store.types import Money

CENT = Decimal("0.01")
STAGE_WINDOW = 50
"""Deals of each stage loaded at a time (more than a stage column shows)."""


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

    @property
    def key(self) -> tuple[datetime, int]:
        """Its place in its stage's order, for the next window (`after=deal.key`)."""
        return (self.stage_entered_at, self.id)


class PipelineView(Value):
    currency: str
    rotting_days: int
    mine: bool
    closed_since: date
    stages: list[StageSummary]
    deals: list[PipelineDeal]
    """The first window of each stage (STAGE_WINDOW deals, more for `deep_stage`),
    oldest stage change first; a stage's `count` says how many there are in all."""
    total_count: int
    total_value: Decimal
    total_weighted: Decimal
    total_rotting: int


class StageWindow(Value):
    """The next deals of one stage, and whether more follow."""

    stage: str
    deals: list[PipelineDeal]
    more_after: bool


def _weighted(raw: Decimal | None) -> Decimal:
    """SUM(value × percent) back to money: divide by 100, round to cents."""
    return (Decimal(raw or 0) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


class _Scope:
    """What the pipeline shows, as SQL: the team's (or my) open deals and those closed this quarter."""

    def __init__(self, uow: UnitOfWork, mine: bool) -> None:
        team = uow.team()
        self.team = team
        self.cutoff = clock.now() - timedelta(days=team.rotting_days)
        self.closed_since, _ = period_range(Period.QUARTER, clock.team_today(team.timezone), team.week_start)
        mine_only = [Deal.owner_id == uow.actor.member_id] if mine else []
        # Open ⇔ closed_on NULL (an open stage, in every writer and importer).
        # Two parts, each a range of ix_deals_team_closed: written as one
        # `closed_on IS NULL OR closed_on >= :since`, SQLite walks all the
        # team's deals instead.
        self.open_part: list[ColumnElement[bool]] = [queries.open_deals(team.id), *mine_only]
        self.closed_part: list[ColumnElement[bool]] = [
            Deal.team_id == team.id,
            Deal.closed_on >= self.closed_since,
            *mine_only,
        ]

    def in_view(self, *columns: Any) -> Any:
        """`columns` of the deals in view, as a subquery (UNION ALL of the two parts)."""
        return union_all(select(*columns).where(*self.open_part), select(*columns).where(*self.closed_part)).subquery(
            "in_view"
        )

    def rotting(self, closed_on: Any, entered: Any) -> ColumnElement[bool]:
        return and_(closed_on.is_(None), entered < self.cutoff)

    def deal_columns(self, c: Any) -> tuple[Any, ...]:
        """What a PipelineDeal is made of; `c`: the deals table's columns or a subquery's."""
        # The account looked up per deal of the window (PostgreSQL would hash-join a full scan of accounts).
        account = select(Account.name).where(Account.id == c.account_id).scalar_subquery()
        return (
            c.id,
            c.title,
            account,
            Member.login,
            Member.name,
            Stage.name,
            Stage.kind,
            c.value,
            func.coalesce(c.probability, Stage.probability),
            c.stage_entered_at,
            case((self.rotting(c.closed_on, c.stage_entered_at), True), else_=literal(False)),
            c.closed_on,
            c.lost_reason,
            c.version,
        )


def _deal_values(rows: Any, timezone: str) -> list[PipelineDeal]:
    today = clock.team_today(timezone)
    return [
        PipelineDeal(
            id=did,
            title=title,
            account=account,
            owner=owner,
            owner_name=owner_name,
            stage=stage,
            stage_kind=kind,
            value=value,
            probability=int(prob),
            weighted=(value * int(prob) / 100).quantize(CENT, rounding=ROUND_HALF_UP),
            stage_entered_at=entered,
            days_in_stage=max(0, (today - entered.date()).days),
            rotting=bool(rot),
            closed_on=closed_on,
            lost_reason=lost_reason,
            version=version,
        )
        for (
            did,
            title,
            account,
            owner,
            owner_name,
            stage,
            kind,
            value,
            prob,
            entered,
            rot,
            closed_on,
            lost_reason,
            version,
        ) in rows
    ]


def pipeline(
    store: Store,
    login: str,
    *,
    mine: bool = False,
    per_stage: int = STAGE_WINDOW,
    deep_stage: str | None = None,
    deep: int = 0,
) -> PipelineView:
    """Every stage with its count, value, weighted value and rotting deals, and
    the first `per_stage` deals of each (`deep` of `deep_stage`, so that a
    reload keeps what the user had scrolled to)."""
    with unit_of_work(store, login, read_only=True) as uow:
        scope = _Scope(uow, mine)
        team = scope.team
        view = scope.in_view(
            Deal.id, Deal.stage_id, Deal.value, Deal.probability, Deal.stage_entered_at, Deal.closed_on
        )
        probability = func.coalesce(view.c.probability, Stage.probability)
        # Money is whole cents on SQLite and NUMERIC on PostgreSQL: coercing
        # the product to Money keeps both exact (value × percent, then /100).
        weighted_sum = type_coerce(func.sum(type_coerce(view.c.value, Money()) * probability), Money())
        agg = (
            select(
                view.c.stage_id.label("stage_id"),
                func.count(view.c.id).label("n"),
                func.sum(view.c.value).label("value"),
                weighted_sum.label("weighted"),
                func.sum(case((scope.rotting(view.c.closed_on, view.c.stage_entered_at), 1), else_=0)).label("rotting"),
            )
            .join(Stage, Stage.id == view.c.stage_id)
            .group_by(view.c.stage_id)
            .subquery()
        )
        stage_rows = uow.session.execute(
            select(
                Stage.id,
                Stage.name,
                Stage.kind,
                Stage.position,
                Stage.probability,
                func.coalesce(agg.c.n, 0),
                agg.c.value,
                agg.c.weighted,
                func.coalesce(agg.c.rotting, 0),
            )
            .outerjoin(agg, agg.c.stage_id == Stage.id)
            .where(Stage.team_id == team.id)
            .order_by(Stage.position)
        ).all()
        stages = [
            StageSummary(
                name=name,
                kind=kind,
                position=pos,
                probability=prob,
                count=int(n),
                value=Decimal(value or 0).quantize(CENT),
                weighted=_weighted(weighted),
                rotting=int(rot),
            )
            for _id, name, kind, pos, prob, n, value, weighted, rot in stage_rows
        ]
        # The open pipeline's totals are the open stages' sums (open stage ⇔ closed_on NULL).
        open_rows = [r for r in stage_rows if r[2] == StageKind.OPEN]
        total_weighted = sum((Decimal(r[7] or 0) for r in open_rows), Decimal(0))

        window = max(1, per_stage)
        deep_id = next((r[0] for r in stage_rows if r[1] == deep_stage), None)
        # Only the ranking's keys are ranked (a narrow sort of every deal in
        # view); the window's rows are then read by primary key. Ranking every
        # column a PipelineDeal needs sorted ~11,000 wide rows on the large store.
        seen = scope.in_view(Deal.id, Deal.stage_id, Deal.stage_entered_at)
        ranked = select(
            seen.c.id,
            seen.c.stage_id,
            func.row_number()
            .over(partition_by=seen.c.stage_id, order_by=(seen.c.stage_entered_at, seen.c.id))
            .label("rn"),
        ).subquery("ranked")
        limit = (
            case((ranked.c.stage_id == deep_id, max(window, deep)), else_=window)
            if deep_id is not None and deep > window
            else window
        )
        deal_rows = uow.session.execute(
            select(*scope.deal_columns(Deal.__table__.c))
            .select_from(ranked)
            .join(Deal, Deal.id == ranked.c.id)
            .join(Stage, Stage.id == ranked.c.stage_id)
            .join(Member, Member.id == Deal.owner_id)
            .where(ranked.c.rn <= limit)
            .order_by(Stage.position, ranked.c.rn)
        ).all()
        return PipelineView(
            currency=team.currency,
            rotting_days=team.rotting_days,
            mine=mine,
            closed_since=scope.closed_since,
            stages=stages,
            deals=_deal_values(deal_rows, team.timezone),
            total_count=sum(int(r[5]) for r in open_rows),
            total_value=sum((Decimal(r[6] or 0) for r in open_rows), Decimal(0)).quantize(CENT),
            total_weighted=_weighted(total_weighted),
            total_rotting=sum(int(r[8]) for r in open_rows),
        )


def stage_deals(
    store: Store,
    login: str,
    stage: str,
    *,
    mine: bool = False,
    after: tuple[datetime, int] | None = None,
    limit: int = STAGE_WINDOW,
) -> StageWindow:
    """The deals of one stage in view after `after` (a deal's `key`), oldest
    stage change first: the next window of a stage column."""
    with unit_of_work(store, login, read_only=True) as uow:
        scope = _Scope(uow, mine)
        found = uow.session.execute(
            select(Stage.id, Stage.kind).where(Stage.team_id == scope.team.id, Stage.name == stage)
        ).first()
        if found is None:
            raise NotFound(f"There is no stage '{stage}'.")
        # An open stage's deals are all open, a closed stage's all closed: one part of the view.
        part = scope.open_part if found.kind == StageKind.OPEN else scope.closed_part
        where = [*part, Deal.stage_id == found.id]
        if after is not None:
            entered, last_id = after
            where.append(
                and_(Deal.stage_entered_at >= entered, or_(Deal.stage_entered_at > entered, Deal.id > last_id))
            )
        rows = uow.session.execute(
            select(*scope.deal_columns(Deal.__table__.c))
            .join(Stage, Stage.id == Deal.stage_id)
            .join(Member, Member.id == Deal.owner_id)
            .where(*where)
            .order_by(Deal.stage_entered_at, Deal.id)
            .limit(limit + 1)
        ).all()
        deals = _deal_values(rows[:limit], scope.team.timezone)
        return StageWindow(stage=stage, deals=deals, more_after=len(rows) > limit)
