"""The burndown: remaining points of a sprint's items at the end of each
working day, against the ideal line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import SerializerFunctionWrapHandler, model_serializer

from salessprint.domain import clock
from salessprint.domain.calendar import utc_bounds, working_days
from salessprint.domain.enums import SprintState
from salessprint.domain.metrics import ideal_line
from salessprint.services.reports._shared import Report, SprintHeader, sprint_for_report
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store import queries
from salessprint.store.db import Store


class BurndownDay(Report):
    day: date
    remaining: int | None
    """Points left at the end of the day; None for days still to come."""
    ideal: Decimal


class BurndownReport(Report):
    """Without a sprint: sprint None, no days, and no `start_points` in the JSON."""

    sprint: SprintHeader | None
    start_points: int | None = None
    """Points committed at the start (less work already done when it started):
    where the ideal line and the remaining line begin."""
    days: list[BurndownDay]
    today: date | None = None
    """The team's today, when it is one of the sprint's days (the chart marks it)."""

    @model_serializer(mode="wrap")
    def _no_start_without_sprint(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out: dict[str, Any] = handler(self)
        if self.sprint is None:
            out.pop("start_points", None)
            out.pop("today", None)
        return out


def burndown(store: Store, login: str, number: int | None = None) -> BurndownReport:
    """Remaining points at the end of each working day against the ideal line."""
    with unit_of_work(store, login, read_only=True) as uow:
        return burndown_in(uow, number)


def burndown_in(uow: UnitOfWork, number: int | None = None) -> BurndownReport:
    sprint = sprint_for_report(uow, number)
    if sprint is None:
        return BurndownReport(sprint=None, days=[])
    team = uow.team()
    days = working_days(sprint.starts_on, sprint.ends_on)
    today = clock.team_today(team.timezone)
    closed = sprint.state == SprintState.CLOSED
    params: dict[str, Any] = {"sprint_id": sprint.id}
    if not closed:
        params["started_at"] = sprint.started_at
    for i, day in enumerate(days):
        params[f"end_{i}"] = utc_bounds(day, day, team.timezone)[1]
        params[f"day_{i}"] = day
    row = uow.rows(queries.burndown_statement(len(days), closed), params).one()
    start_points = int(row[0])
    ideal = ideal_line(start_points, len(days))
    return BurndownReport(
        sprint=SprintHeader.of(sprint),
        start_points=start_points,
        days=[
            BurndownDay(day=day, remaining=int(row[i + 1]) if day <= today else None, ideal=ideal[i])
            for i, day in enumerate(days)
        ],
        today=today if sprint.starts_on <= today <= sprint.ends_on else None,
    )
