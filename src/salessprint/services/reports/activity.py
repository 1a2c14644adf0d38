"""The activity report: activities done against target per member and kind
for a date range, with each member's pacing (where they should be by now)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from salessprint.domain import clock
from salessprint.domain.calendar import utc_bounds, week_start_on_or_before
from salessprint.domain.enums import METRIC_FOR_ACTIVITY, ActivityKind
from salessprint.domain.errors import InvalidInput
from salessprint.domain.metrics import TENTH, TargetChange, expected_exact, pace, target_in_force
from salessprint.services.reports._shared import Rep, Report, target_histories_in
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.lookups import member_by_login


class KindFigures(Report):
    """One kind of activity of one member."""

    done: int
    target: int | None
    """None: no target for this kind (then the two below are left out of the JSON)."""
    expected_by_now: Decimal | None = None
    """The share of the target due by today."""
    pace: str | None = None
    """ahead, on pace or behind."""

    @model_serializer(mode="wrap")
    def _without_pace_when_no_target(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out: dict[str, Any] = handler(self)
        if self.target is None:
            out.pop("expected_by_now", None)
            out.pop("pace", None)
        return out


class Pacing(Report):
    """A member's activities with a target, all kinds together."""

    done: int
    target: int
    expected_by_now: Decimal
    status: str
    """ahead, on pace or behind."""


class MemberActivity(Report):
    login: str
    name: str
    activities: dict[str, KindFigures]
    """Per activity kind, in ActivityKind order."""
    pacing: Pacing | None
    """None when the member has no activity target."""


class ActivityReport(Report):
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    members: list[MemberActivity]


def default_range(week_start: int = 0, timezone: str = "UTC") -> tuple[date, date]:
    """This sprint week (of the team's calendar)."""
    start = week_start_on_or_before(clock.team_today(timezone), week_start)
    return start, date.fromordinal(start.toordinal() + 6)


def activity(
    store: Store,
    login: str,
    *,
    member: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> ActivityReport:
    """Activities done against target per member and kind, for a date range,
    with each member's pacing: where they should be by now versus where they are."""
    with unit_of_work(store, login, read_only=True) as uow:
        team = uow.team()
        if (start is None) != (end is None):
            raise InvalidInput("Give both --from and --to, or neither (this sprint week).", field="from")
        if start is None or end is None:
            start, end = default_range(team.week_start, team.timezone)
        if end < start:
            raise InvalidInput("--to is before --from.", field="to")
        members: list[Rep]
        if member:
            one = member_by_login(uow.session, team.id, member)
            members = [one] if one.active else []
        else:
            members = list(uow.session.scalars(queries.ACTIVE_MEMBERS, {"team_id": team.id}))
        return ActivityReport(start=start, end=end, members=activity_in(uow, members, start, end))


_KIND_METRICS = [(kind, METRIC_FOR_ACTIVITY[kind]) for kind in ActivityKind]


def activity_in(uow: UnitOfWork, members: Sequence[Rep], start: date, end: date) -> list[MemberActivity]:
    """Per member: done/target per kind, and the pacing inside [start, end]."""
    team = uow.team()
    lo, hi = utc_bounds(start, end, team.timezone)
    ids = [m.id for m in members]
    counts: dict[tuple[int, ActivityKind], int] = {}
    if ids:
        for member_id, kind, n in uow.rows(
            queries.ACTIVITY_COUNTS, {"team_id": team.id, "ids": ids, "lo": lo, "hi": hi}
        ):
            counts[(member_id, kind)] = int(n)
    targets = target_histories_in(uow, ids, end)
    today = clock.team_today(team.timezone)
    # Fifty reps share a handful of targets: each target history's figure for
    # the range, and each target's share due by now, is worked out once.
    in_range: dict[tuple[TargetChange, ...], Decimal | None] = {}
    due: dict[Decimal, Decimal] = {}
    paces: dict[tuple[int, Decimal], str] = {}
    out = []
    for m in members:
        per_kind: dict[str, KindFigures] = {}
        mine = targets.get(m.id, {})
        done_total, target_total, expected_total = 0, Decimal(0), Decimal(0)
        for kind, metric in _KIND_METRICS:
            # The target in force on each day of the range (the shortest
            # period's, with targets for several), summed over the range.
            changes = tuple(mine.get(metric, ()))
            if changes not in in_range:
                in_range[changes] = target_in_force(changes, start, end, None, team.week_start) if changes else None
            target = in_range[changes]
            done = counts.get((m.id, kind), 0)
            if target is None:
                per_kind[kind] = KindFigures(done=done, target=None)
                continue
            # Exact figures throughout; each is rounded once, for the report.
            expected = due.get(target)
            if expected is None:
                expected = due[target] = expected_exact(target, start, end, today)
            status = paces.get((done, expected))
            if status is None:
                status = paces[(done, expected)] = pace(done, expected)
            per_kind[kind] = KindFigures(
                done=done, target=_whole(target), expected_by_now=_tenth(expected), pace=status
            )
            done_total += done
            target_total += target
            expected_total += expected
        pacing = None
        if _whole(target_total):
            pacing = Pacing(
                done=done_total,
                target=_whole(target_total),
                expected_by_now=_tenth(expected_total),
                status=pace(done_total, expected_total),
            )
        out.append(MemberActivity(login=m.login, name=m.name, activities=per_kind, pacing=pacing))
    return out


def _whole(exact: Decimal) -> int:
    """A target as the whole activities shown, half up."""
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _tenth(exact: Decimal) -> Decimal:
    return exact.quantize(TENTH, rounding=ROUND_HALF_UP)
