"""Team reports computed by SQL aggregates: velocity and activity attainment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, case, func, select

from salessprint.domain import clock
from salessprint.domain.calendar import target_for_range, utc_bounds, week_start_on_or_before
from salessprint.domain.enums import METRIC_FOR_ACTIVITY, ActivityKind, Period, SprintState
from salessprint.domain.errors import InvalidInput
from salessprint.domain.metrics import expected_by_now, pace
from salessprint.domain.velocity import forecast
from salessprint.services.lookups import member_by_login
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store.db import Store
from salessprint.store.models import Activity, Member, Sprint, SprintItem, Target


def _completed_condition():  # type: ignore[no-untyped-def]
    return and_(
        SprintItem.removed_at.is_(None),
        SprintItem.done_on.is_not(None),
        SprintItem.done_on <= Sprint.ends_on,
    )


def velocity(store: Store, login: str, last: int = 12) -> dict[str, Any]:
    """Closed sprints (newest `last`), Jira's meanings, plus the forecast."""
    with unit_of_work(store, login, read_only=True) as uow:
        return velocity_in(uow, last)


def _velocity_statements() -> tuple[Any, Any]:
    """Per sprint and per member and sprint, built once with bind parameters
    (building and keying them cost more than running them)."""
    done = _completed_condition()
    pts = SprintItem.points
    # The newest `:last` closed sprints first, then their items: aggregating
    # every sprint of five years to keep twelve scanned all sprint items.
    newest = (
        select(Sprint.id)
        .where(Sprint.team_id == bindparam("team_id"), Sprint.state == SprintState.CLOSED.value)
        .order_by(Sprint.number.desc())
        .limit(bindparam("last"))
    )
    per_sprint = (
        select(
            Sprint.number,
            Sprint.starts_on,
            Sprint.ends_on,
            Sprint.goal,
            func.coalesce(func.sum(case((SprintItem.added_after_start.is_(False), pts), else_=0)), 0),
            func.coalesce(func.sum(case((done, pts), else_=0)), 0),
            func.coalesce(func.sum(case((SprintItem.added_after_start.is_(True), pts), else_=0)), 0),
            func.coalesce(func.sum(case((SprintItem.removed_at.is_not(None), pts), else_=0)), 0),
            func.coalesce(func.sum(case((and_(SprintItem.removed_at.is_(None), ~done), pts), else_=0)), 0),
        )
        .outerjoin(SprintItem, SprintItem.sprint_id == Sprint.id)
        .where(Sprint.id.in_(newest))
        .group_by(Sprint.id, Sprint.number, Sprint.starts_on, Sprint.ends_on, Sprint.goal)
        .order_by(Sprint.number.desc())
        .limit(bindparam("last"))
    )
    per_member = (
        select(Sprint.number, Member.login, func.sum(SprintItem.points))
        .join(SprintItem, SprintItem.sprint_id == Sprint.id)
        .join(Member, Member.id == SprintItem.member_id)
        .where(Sprint.team_id == bindparam("team_id"), Sprint.number.in_(bindparam("numbers", expanding=True)), done)
        .group_by(Sprint.number, Member.login)
    )
    return per_sprint, per_member


_VELOCITY, _VELOCITY_BY_MEMBER = _velocity_statements()


def velocity_in(uow: UnitOfWork, last: int = 12) -> dict[str, Any]:
    """`velocity` inside an open unit of work (the dashboard and review share it)."""
    team_id = uow.actor.team_id
    rows = uow.rows(_VELOCITY, {"team_id": team_id, "last": last}).all()
    numbers = [r[0] for r in rows]
    by_member: dict[int, dict[str, int]] = {n: {} for n in numbers}
    if numbers:
        member_rows = uow.rows(_VELOCITY_BY_MEMBER, {"team_id": team_id, "numbers": numbers})
        for number, member_login, points in member_rows:
            by_member[number][member_login] = int(points)
    sprints = [
        {
            "number": number,
            "starts_on": starts,
            "ends_on": ends,
            "goal": goal,
            "committed_points": int(c),
            "completed_points": int(d),
            "added_points": int(a),
            "removed_points": int(r),
            "carried_points": int(k),
            "velocity": int(d),
            "by_member": dict(sorted(by_member[number].items())),
        }
        for number, starts, ends, goal, c, d, a, r, k in reversed(rows)
    ]
    fc = forecast([s["velocity"] for s in sprints])
    logins = sorted({login for s in sprints for login in s["by_member"]})
    recent = sprints[-3:]
    by_member_fc = {login: forecast([s["by_member"].get(login, 0) for s in recent]) for login in logins}
    return {"sprints": sprints, "forecast": fc, "forecast_by_member": by_member_fc}


_RECENT_SPRINT_IDS = (
    select(Sprint.id)
    .where(Sprint.team_id == bindparam("team_id"), Sprint.state == SprintState.CLOSED.value)
    .order_by(Sprint.number.desc())
    .limit(3)
)
_ACTIVE_LOGINS = select(Member.login).where(Member.team_id == bindparam("team_id"), Member.active.is_(True))
_POINTS_PER_LOGIN = (
    select(Member.login, func.sum(SprintItem.points))
    .join(SprintItem, SprintItem.member_id == Member.id)
    .join(Sprint, Sprint.id == SprintItem.sprint_id)
    .where(Sprint.id.in_(bindparam("ids", expanding=True)), _completed_condition())
    .group_by(Member.login)
)


def member_forecasts(store: Store, login: str) -> dict[str, Decimal | None]:
    """Each active member's forecast velocity: mean of their last three closed sprints."""
    with unit_of_work(store, login, read_only=True) as uow:
        team_id = uow.actor.team_id
        recent = list(uow.rows(_RECENT_SPRINT_IDS, {"team_id": team_id}).scalars())
        members = list(uow.rows(_ACTIVE_LOGINS, {"team_id": team_id}).scalars())
        if not recent:
            return dict.fromkeys(members)
        rows = dict(uow.rows(_POINTS_PER_LOGIN, {"ids": recent}).all())
        return {m: Decimal(str(round(float(rows.get(m, 0) or 0) / len(recent), 1))) for m in members}


def default_range(week_start: int = 0) -> tuple[date, date]:
    start = week_start_on_or_before(clock.today(), week_start)
    return start, date.fromordinal(start.toordinal() + 6)


def activity(
    store: Store,
    login: str,
    *,
    member: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any]:
    """Activities done against target per member and kind, for a date range,
    with each member's pacing: where they should be by now versus where they are."""
    with unit_of_work(store, login, read_only=True) as uow:
        team = uow.team()
        if (start is None) != (end is None):
            raise InvalidInput("Give both --from and --to, or neither (this sprint week).", field="from")
        if start is None or end is None:
            start, end = default_range(team.week_start)
        if end < start:
            raise InvalidInput("--to is before --from.", field="to")
        if member:
            one = member_by_login(uow.session, team.id, member)
            members = [one] if one.active else []
        else:
            members = list(uow.session.scalars(_ACTIVE_MEMBERS, {"team_id": team.id}))
        return {"from": start, "to": end, "members": activity_in(uow, members, start, end)}


_ACTIVE_MEMBERS = (
    select(Member).where(Member.team_id == bindparam("team_id"), Member.active.is_(True)).order_by(Member.login)
)

_KIND_METRICS = [(kind.value, METRIC_FOR_ACTIVITY[kind].value) for kind in ActivityKind]
_PERIODS = [(period, period.value) for period in Period]


_ACTIVITY_COUNTS = (
    select(Activity.member_id, Activity.kind, func.count())
    .where(
        Activity.team_id == bindparam("team_id"),
        Activity.member_id.in_(bindparam("ids", expanding=True)),
        Activity.occurred_at >= bindparam("lo"),
        Activity.occurred_at < bindparam("hi"),
    )
    .group_by(Activity.member_id, Activity.kind)
)


def activity_in(uow: UnitOfWork, members: list[Member], start: date, end: date) -> list[dict[str, Any]]:
    """Per member: done/target per kind, and the pacing inside [start, end]."""
    team = uow.team()
    lo, hi = utc_bounds(start, end, team.timezone)
    ids = [m.id for m in members]
    counts: dict[tuple[int, str], int] = {}
    if ids:
        for member_id, kind, n in uow.rows(_ACTIVITY_COUNTS, {"team_id": team.id, "ids": ids, "lo": lo, "hi": hi}):
            counts[(member_id, kind)] = int(n)
    targets = _targets_in_force(uow.session, ids, end) if ids else {}
    today = clock.today()
    # Fifty reps share a handful of target amounts: each amount's target for
    # the range, and each target's share due by now, is worked out once.
    in_range: dict[tuple[Decimal, Period], int] = {}
    due: dict[int, Decimal] = {}
    paces: dict[tuple[int, Decimal], str] = {}
    out = []
    for m in members:
        per_kind: dict[str, dict[str, Any]] = {}
        mine = targets.get(m.id, {})
        done_total, target_total, expected_total = 0, 0, Decimal(0)
        for kind, metric in _KIND_METRICS:
            target = None
            # With targets for several periods, the shortest period rules.
            for period, period_value in _PERIODS:
                if (metric, period_value) in mine:
                    amount = mine[(metric, period_value)]
                    target = in_range.get((amount, period))
                    if target is None:
                        target = round(target_for_range(float(amount), period, start, end, team.week_start))
                        in_range[(amount, period)] = target
                    break
            done = counts.get((m.id, kind), 0)
            entry: dict[str, Any] = {"done": done, "target": target}
            if target is not None:
                expected = due.get(target)
                if expected is None:
                    expected = due[target] = expected_by_now(target, start, end, today)
                entry["expected_by_now"] = expected
                status = paces.get((done, expected))
                if status is None:
                    status = paces[(done, expected)] = pace(done, expected)
                entry["pace"] = status
                done_total += done
                target_total += target
                expected_total += expected
            per_kind[kind] = entry
        pacing = None
        if target_total:
            pacing = {
                "done": done_total,
                "target": target_total,
                "expected_by_now": expected_total,
                "status": pace(done_total, expected_total),
            }
        out.append({"login": m.login, "name": m.name, "activities": per_kind, "pacing": pacing})
    return out


@lru_cache(maxsize=2)
def _targets_statement(one_metric: bool) -> Any:
    """Targets in force for members `:ids` on `:on` (of metric `:metric`).
    Statements that reports run on every call are built once with bind
    parameters: building and keying them cost more than running them."""
    conditions = [Target.member_id.in_(bindparam("ids", expanding=True)), Target.effective_from <= bindparam("on")]
    if one_metric:
        conditions.append(Target.metric == bindparam("metric"))
    latest = (
        select(Target.member_id, Target.metric, Target.period, func.max(Target.effective_from).label("eff"))
        .where(*conditions)
        .group_by(Target.member_id, Target.metric, Target.period)
        .subquery()
    )
    return select(Target.member_id, Target.metric, Target.period, Target.amount).join(
        latest,
        and_(
            Target.member_id == latest.c.member_id,
            Target.metric == latest.c.metric,
            Target.period == latest.c.period,
            Target.effective_from == latest.c.eff,
        ),
    )


def _targets_in_force(
    session,
    member_ids: list[int],
    on: date,  # type: ignore[no-untyped-def]
    metric: str | None = None,
) -> dict[int, dict[tuple[str, str], Decimal]]:
    """The newest target per member, metric and period effective on `on`
    (only `metric`'s when given: quota reports need revenue targets alone)."""
    rows = session.connection().execute(
        _targets_statement(metric is not None), {"ids": member_ids, "on": on, "metric": metric}
    )
    out: dict[int, dict[tuple[str, str], Decimal]] = {}
    for member_id, metric, period, amount in rows:
        out.setdefault(member_id, {})[(metric, period)] = amount
    return out
