"""The pipeline report: win rate, averages and pipeline velocity for deals
closed in a range, and the open pipeline and rotting deals as of now."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field
from sqlalchemy import case, func, select, type_coerce

from salessprint.domain import clock
from salessprint.domain.calendar import period_range
from salessprint.domain.enums import Period, StageKind
from salessprint.domain.metrics import average, money, pipeline_velocity, weighted, win_rate
from salessprint.services.reports._shared import Report, Rotting, check_range, rotting_in
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.models import Deal, Stage
from salessprint.store.types import Money


class PipelineReport(Report):
    start: date = Field(alias="from")
    """First close date of the closed deals counted."""
    end: date = Field(alias="to")
    currency: str
    won_deals: int
    lost_deals: int
    won_value: Decimal
    win_rate: Decimal | None
    """Won / (won + lost), in %."""
    average_won_value: Decimal | None
    average_cycle_days: Decimal | None
    """Mean days from creation to win."""
    open_deals: int
    open_value: Decimal
    qualified_open_deals: int
    """Open deals past the first stage."""
    weighted_value: Decimal
    """Open value times each deal's win probability."""
    pipeline_velocity: Decimal | None
    """Money per day: qualified open deals × win rate × average won value / cycle days."""
    rotting: Rotting


def pipeline(store: Store, login: str, *, start: date | None = None, end: date | None = None) -> PipelineReport:
    """Win rate, averages and pipeline velocity for deals closed in a range
    (default: this quarter), open pipeline and rotting deals as of now."""
    with unit_of_work(store, login, read_only=True) as uow:
        start, end = check_range(start, end, period_range(Period.QUARTER, clock.team_today(uow.team().timezone)))
        return pipeline_in(uow, start, end)


def _days_between(uow: UnitOfWork, later: Any, earlier: Any) -> Any:
    """Whole days from `earlier` to `later` (two DATE columns) on either backend."""
    if uow.session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier


def pipeline_in(uow: UnitOfWork, start: date, end: date) -> PipelineReport:
    team = uow.team()
    closed = {
        kind: (int(n), money(v), Decimal(str(d or 0)))
        for kind, n, v, d in uow.rows(
            select(
                Stage.kind,
                func.count(),
                func.sum(Deal.value),
                func.sum(_days_between(uow, Deal.closed_on, Deal.started_on)),
            )
            .join(Stage, Stage.id == Deal.stage_id)
            .where(
                Deal.team_id == team.id,
                Stage.kind.in_([StageKind.WON, StageKind.LOST]),
                Deal.closed_on >= start,
                Deal.closed_on <= end,
            )
            .group_by(Stage.kind)
        )
    }
    won_n, won_v, won_days = closed.get(StageKind.WON, (0, Decimal("0.00"), Decimal(0)))
    lost_n = closed.get(StageKind.LOST, (0, Decimal(0), Decimal(0)))[0]
    first_position = select(func.min(Stage.position)).where(Stage.team_id == team.id).scalar_subquery()
    probability = func.coalesce(Deal.probability, Stage.probability)
    open_n, open_v, weighted_raw, qualified = uow.rows(
        select(
            func.count(),
            func.sum(Deal.value),
            type_coerce(func.sum(Deal.value * probability), Money()),
            func.coalesce(func.sum(case((Stage.position > first_position, 1), else_=0)), 0),
        )
        .select_from(Deal)
        .join(Stage, Stage.id == Deal.stage_id)
        .where(queries.open_deals_in_open_stage(team.id))
    ).one()
    rate = win_rate(won_n, lost_n)
    avg_won = average(won_v, won_n)
    cycle = average(won_days, won_n, Decimal("0.1"))
    return PipelineReport(
        start=start,
        end=end,
        currency=team.currency,
        won_deals=won_n,
        lost_deals=lost_n,
        won_value=won_v,
        win_rate=rate,
        average_won_value=avg_won,
        average_cycle_days=cycle,
        open_deals=int(open_n),
        open_value=money(open_v),
        qualified_open_deals=int(qualified),
        weighted_value=weighted(weighted_raw or Decimal(0)),
        pipeline_velocity=pipeline_velocity(int(qualified), rate, avg_won, cycle),
        rotting=rotting_in(uow),
    )
