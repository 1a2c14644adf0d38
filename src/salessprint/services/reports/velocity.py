"""The velocity report: committed, completed, added, removed and carried
points of the closed sprints, per member, and the forecast for the next."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field
from sqlalchemy import bindparam, select

from salessprint.domain.capacity import per_available_day
from salessprint.domain.velocity import FORECAST_WINDOW, MIN_HISTORY, forecast, history_gap, known_forecast
from salessprint.services.capacity import available_by_sprint
from salessprint.services.reports._shared import Report
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.models import Member


class SprintVelocity(Report):
    """One closed sprint's points, Jira's meanings."""

    number: int
    starts_on: date
    ends_on: date
    goal: str | None
    committed_points: int
    """Points of the items committed at the start."""
    completed_points: int
    """Points completed in the sprint, whenever before its close (the velocity)."""
    added_points: int
    """Points of the items added after the start."""
    removed_points: int
    carried_points: int
    """Points not completed and carried into the next sprint."""
    dropped_points: int = 0
    """Points not completed and dropped (closed without carry-over)."""
    completed_outside_points: int = 0
    """Points already done when they joined the sprint: outside the velocity."""
    velocity: int
    by_member: dict[str, int]
    """Completed points per member login."""
    available_days: int = 0
    """Person-days available in the sprint: the working days of each member
    with cards in it, less their days off and the team's holidays (migration 0010)."""
    available_days_by_member: dict[str, int] = Field(default_factory=dict)
    """The same per member login."""
    velocity_per_available_day: Decimal | None = None
    """Velocity / available days, to a hundredth; None without an available day."""


class VelocityReport(Report):
    sprints: list[SprintVelocity]
    """Oldest first."""
    forecast: Decimal | None
    """Mean velocity of the last `history` sprints (3 unless asked); None while
    unknown: fewer closed sprints than a forecast needs."""
    forecast_by_member: dict[str, Decimal | None]
    """The same per member login (None while the team's forecast is unknown)."""
    forecast_reason: str | None = None
    """Why the forecast is unknown, e.g. "2 closed sprints; a forecast needs 3"; None when known."""
    forecast_by_member_reason: dict[str, str] = Field(default_factory=dict)
    """Why a member's forecast is unknown (only those): too few closed sprints since they started."""
    history: int = FORECAST_WINDOW
    """Closed sprints the forecast averages."""


def velocity(
    store: Store, login: str, last: int = 12, history: int = FORECAST_WINDOW, min_history: int = MIN_HISTORY
) -> VelocityReport:
    """Closed sprints (newest `last`), Jira's meanings, plus the forecast:
    the mean of the last `history`, unknown with fewer than `min_history`."""
    with unit_of_work(store, login, read_only=True) as uow:
        return velocity_in(uow, last, history, min_history)


def velocity_in(
    uow: UnitOfWork, last: int = 12, history: int = FORECAST_WINDOW, min_history: int = MIN_HISTORY
) -> VelocityReport:
    """`velocity` inside an open unit of work (the dashboard and review share it)."""
    team_id = uow.actor.team_id
    read = max(last, history, min_history)
    rows = uow.rows(queries.VELOCITY, {"team_id": team_id, "last": read}).all()
    numbers = [r[0] for r in rows]
    by_member: dict[int, dict[str, int]] = {n: {} for n in numbers}
    if numbers:
        member_rows = uow.rows(queries.VELOCITY_BY_MEMBER, {"team_id": team_id, "numbers": numbers})
        for number, member_login, points in member_rows:
            by_member[number][member_login] = int(points)
    days = available_by_sprint(uow, {r[0]: (r[1], r[2]) for r in rows})
    sprints = [
        SprintVelocity(
            number=number,
            starts_on=starts,
            ends_on=ends,
            goal=goal,
            committed_points=int(c),
            completed_points=int(d),
            added_points=int(a),
            removed_points=int(r),
            carried_points=int(k),
            dropped_points=int(x),
            completed_outside_points=int(o),
            velocity=int(d),
            by_member=dict(sorted(by_member[number].items())),
            available_days=sum(days[number].values()),
            available_days_by_member=dict(sorted(days[number].items())),
            velocity_per_available_day=per_available_day(int(d), sum(days[number].values())),
        )
        for number, starts, ends, goal, c, d, a, r, k, x, o in reversed(rows)
    ]
    fc, reason = known_forecast([s.velocity for s in sprints], history, min_history)
    recent = sprints[-history:]
    logins = sorted({login for s in sprints[-last:] for login in s.by_member})
    started = dict(uow.rows(_STARTED, {"team_id": team_id, "logins": logins}).all()) if logins else {}
    member_reasons: dict[str, str] = {}
    by_member_fc: dict[str, Decimal | None] = {}
    for login in logins:
        # A member's own history: the closed sprints since they started.
        since = started.get(login)
        gap = reason or history_gap(sum(1 for s in sprints if since is None or s.starts_on >= since), min_history)
        if gap:
            member_reasons[login] = gap
        by_member_fc[login] = None if gap else forecast([s.by_member.get(login, 0) for s in recent], history)
    return VelocityReport(
        sprints=sprints[-last:],
        forecast=fc,
        forecast_by_member=by_member_fc,
        forecast_reason=reason,
        forecast_by_member_reason=member_reasons,
        history=history,
    )


_STARTED = select(Member.login, Member.started_on).where(
    Member.team_id == bindparam("team_id"), Member.login.in_(bindparam("logins", expanding=True))
)
