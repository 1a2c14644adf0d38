"""What several reports share: the result base class, range checks, the reps
read, quotas, won value per rep, sprint history and the rotting deals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from pydantic import ConfigDict
from sqlalchemy import bindparam, select

from salessprint.domain import clock
from salessprint.domain.enums import Metric, Period
from salessprint.domain.errors import InvalidInput
from salessprint.domain.metrics import Ramp, TargetChange, money, quota_in_force, ramp_of
from salessprint.domain.values import Value
from salessprint.services.uow import UnitOfWork
from salessprint.store import queries
from salessprint.store.lookups import member_by_login, sprint_by_number
from salessprint.store.models import Member, Sprint, Team

LIST_LIMIT = 20
"""Lists of deals are capped at this many rows (biggest or oldest first); their counts and values cover every deal."""
HISTORY_SPRINTS = 12


class Report(Value):
    """A report's frozen result; field names (or their aliases) are the JSON keys."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    def to_json(self) -> dict[str, Any]:
        """What `--format json` prints (aliases as keys, decimals as strings, dates ISO)."""
        return self.model_dump(mode="json", by_alias=True)


class Rep(Protocol):
    """What reports read of a rep: an ORM Member or a row of queries.REPS."""

    @property
    def id(self) -> int: ...
    @property
    def login(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def started_on(self) -> date | None: ...


class SprintHeader(Report):
    """The sprint a report is about."""

    number: int
    goal: str | None
    starts_on: date
    ends_on: date
    state: str
    """planned, active or closed."""

    @classmethod
    def of(cls, sprint: Sprint) -> SprintHeader:
        return cls(
            number=sprint.number,
            goal=sprint.goal,
            starts_on=sprint.starts_on,
            ends_on=sprint.ends_on,
            state=sprint.state,
        )


class FlagLine(Report):
    """One coaching flag."""

    code: str
    """Stable identifier, e.g. under_quota."""
    message: str
    """The sentence a manager reads."""


class RottingDeal(Report):
    id: int
    title: str
    owner: str
    """The owner's login."""
    stage: str
    value: Decimal
    days_in_stage: int


class Rotting(Report):
    """Open deals with no stage change for longer than the team's limit."""

    limit_days: int
    """The team's rotting limit."""
    count: int
    """All rotting deals (the list holds the oldest LIST_LIMIT)."""
    value: Decimal
    deals: list[RottingDeal]


def check_range(start: date | None, end: date | None, default: tuple[date, date]) -> tuple[date, date]:
    """Both ends or neither (then `default`), and not backwards."""
    if (start is None) != (end is None):
        raise InvalidInput("Give both --from and --to, or neither.", field="from")
    if start is None or end is None:
        return default
    if end < start:
        raise InvalidInput("--to is before --from.", field="to")
    return start, end


def reps(uow: UnitOfWork, login: str | None = None) -> list[Rep]:
    """Active reps of the team (or the one named), by login."""
    if login:
        member = member_by_login(uow.session, uow.actor.team_id, login)
        return [member] if member.active else []
    # The dashboard and the review compose several reports over the same reps.
    if "reps" not in uow.memo:
        uow.memo["reps"] = list(uow.rows(queries.REPS, {"team_id": uow.actor.team_id}).all())
    return list(uow.memo["reps"])


def sprint_for_report(uow: UnitOfWork, number: int | None) -> Sprint | None:
    """Sprint `number`, else the sprint under review (the active one, else the last closed)."""
    if number is not None:
        return sprint_by_number(uow.session, uow.actor.team_id, number)
    return queries.sprint_under_review(uow.session, uow.actor.team_id)


def revenue_quota(
    mine: Sequence[TargetChange],
    start: date,
    end: date,
    prefer: Period | None,
    week_start: int,
    ramp: Ramp | None = None,
) -> Decimal | None:
    """The quota for [start, end] from a member's revenue targets
    (queries.target_history): on each day the preferred period's target in
    force, else the shortest period's, pro rata; a range that spans a change
    of target is the sum of its parts; a new rep's ramp (`quota_ramps`)
    scales each day (domain.metrics.quota_in_force)."""
    return quota_in_force(mine, start, end, prefer, week_start, ramp)


_RAMPS = (
    select(
        Member.id,
        Member.started_on,
        Member.quota_ramp,
        Member.quota_ramp_months,
        Team.quota_ramp,
        Team.quota_ramp_months,
    )
    .join(Team, Team.id == Member.team_id)
    .where(Member.team_id == bindparam("team_id"), Member.id.in_(bindparam("ids", expanding=True)))
)


def quota_ramps(uow: UnitOfWork, ids: list[int]) -> dict[int, Ramp]:
    """The quota ramp of each member who has one (their own, else the team's;
    one statement, read once per unit of work for the same members)."""
    if not ids:
        return {}
    key = "ramps:" + ",".join(map(str, sorted(ids)))
    if key not in uow.memo:
        out: dict[int, Ramp] = {}
        for mid, started, own, own_months, team, team_months in uow.rows(
            _RAMPS, {"team_id": uow.actor.team_id, "ids": ids}
        ):
            ramp = ramp_of(started, own, own_months, team, team_months)
            if ramp is not None:
                out[mid] = ramp
        uow.memo[key] = out
    return dict(uow.memo[key])


MonthKey = tuple[int, int, int]
"""(member id, year, month)."""


def read_won_months(uow: UnitOfWork, ids: list[int], start: date, end: date) -> None:
    """Read the won value and count per member and month of the whole months
    [start, end] once, for the reports composed after it in this unit of work:
    `won_by_member` and `won_per_month` answer from it for whole months inside
    the range (the dashboard's attainment and coaching asked four times)."""
    uow.memo["won_months"] = (tuple(ids), start, end, _won_months_read(uow, ids, start, end))


def _won_months_read(uow: UnitOfWork, ids: list[int], start: date, end: date) -> dict[MonthKey, tuple[Decimal, int]]:
    rows = uow.rows(
        queries.won_per_month_statement(), {"team_id": uow.actor.team_id, "ids": ids, "start": start, "end": end}
    )
    return {(mid, int(y), int(mo)): (money(v), int(n)) for mid, y, mo, v, n in rows}


def _whole_months(start: date, end: date) -> bool:
    return start.day == 1 and (end + timedelta(days=1)).day == 1 and start <= end


def _months_read(uow: UnitOfWork, ids: list[int], start: date, end: date) -> dict[MonthKey, tuple[Decimal, int]] | None:
    """The months of [start, end] from `read_won_months`, when it read them (whole months, the same members)."""
    found = uow.memo.get("won_months")
    if found is None or not _whole_months(start, end):
        return None
    read_ids, lo, hi, months = found
    if read_ids != tuple(ids) or start < lo or end > hi:
        return None
    first, last = (start.year, start.month), (end.year, end.month)
    return {key: figures for key, figures in months.items() if first <= key[1:] <= last}


def won_per_month(uow: UnitOfWork, ids: list[int], start: date, end: date) -> dict[MonthKey, tuple[Decimal, int]]:
    """Won value and count per (member id, year, month), for deals won in [start, end] (one GROUP BY)."""
    if not ids:
        return {}
    found = _months_read(uow, ids, start, end)
    return found if found is not None else _won_months_read(uow, ids, start, end)


def won_by_member(uow: UnitOfWork, ids: list[int], start: date, end: date) -> dict[int, tuple[Decimal, int]]:
    """Won value and count per member id, for deals won in [start, end]."""
    months = _months_read(uow, ids, start, end)
    if months is not None:
        out: dict[int, tuple[Decimal, int]] = {}
        for (mid, _y, _mo), (v, n) in sorted(months.items()):
            before = out.get(mid)
            out[mid] = (v, n) if before is None else (before[0] + v, before[1] + n)
        return out
    rows = uow.rows(
        queries.won_by_member_statement(), {"team_id": uow.actor.team_id, "ids": ids, "start": start, "end": end}
    )
    return {mid: (money(v), int(n)) for mid, v, n in rows}


def read_targets(uow: UnitOfWork, ids: list[int], until: date) -> None:
    """Read every target of the members starting on or before `until` once,
    for the reports composed after it: `target_histories_in` and
    `revenue_targets` answer from it for any day up to `until` (the
    dashboard's attainment, coaching and activity read them three times)."""
    uow.memo["targets"] = (tuple(ids), until, queries.target_histories(uow.session, ids, until))


def target_histories_in(
    uow: UnitOfWork, ids: list[int], until: date, metric: Metric | None = None
) -> dict[int, dict[Metric, list[TargetChange]]]:
    """`queries.target_histories` in this unit of work (from `read_targets` when it read them)."""
    found = uow.memo.get("targets")
    if found is None or found[0] != tuple(ids) or until > found[1]:
        return queries.target_histories(uow.session, ids, until, metric)
    out: dict[int, dict[Metric, list[TargetChange]]] = {}
    for member_id, mine in found[2].items():
        for metric_, changes in mine.items():
            if metric is not None and metric_ != metric:
                continue
            kept = [c for c in changes if c.effective_from <= until]
            if kept:
                out.setdefault(member_id, {})[metric_] = kept
    return out


def revenue_targets(uow: UnitOfWork, ids: list[int], until: date) -> dict[int, list[TargetChange]]:
    """The members' revenue targets (their quotas), as `queries.target_history` reads them."""
    return {
        member_id: mine[Metric.REVENUE]
        for member_id, mine in target_histories_in(uow, ids, until, Metric.REVENUE).items()
    }


def closed_sprints(uow: UnitOfWork, last: int = HISTORY_SPRINTS) -> list[Sprint]:
    """The newest `last` closed sprints, oldest first (read once per unit of work)."""
    key = f"closed_sprints_{last}"
    if key not in uow.memo:
        rows = uow.session.scalars(queries.CLOSED_SPRINTS, {"team_id": uow.actor.team_id, "last": last})
        uow.memo[key] = list(reversed(list(rows)))
    return list(uow.memo[key])


def points_history(uow: UnitOfWork, sprints: list[Sprint]) -> dict[int, list[int]]:
    """Completed points per member per closed sprint they had items in, oldest first."""
    if not sprints:
        return {}
    # The dashboard and the review read it for the velocity, the coaching flags and the forecast.
    key = "points_history:" + ",".join(str(sp.id) for sp in sprints)
    if key not in uow.memo:
        out: dict[int, list[int]] = {}
        for member_id, _number, points in uow.rows(
            queries.points_history_statement(), {"ids": [sp.id for sp in sprints]}
        ):
            out.setdefault(member_id, []).append(int(points))
        uow.memo[key] = out
    return {member_id: list(points) for member_id, points in uow.memo[key].items()}


def rotting_in(uow: UnitOfWork, owner_ids: list[int] | None = None) -> Rotting:
    """Open deals with no stage change for longer than the team's limit (of `owner_ids`, else everyone's)."""
    team = uow.team()
    limit = clock.now() - timedelta(days=team.rotting_days)
    rows = uow.rows(
        queries.rotting_statement(owner_ids is not None, LIST_LIMIT),
        {"team_id": team.id, "limit": limit, "ids": owner_ids},
    ).all()
    n, v = (rows[0][6], rows[0][7]) if rows else (0, None)
    today = clock.team_today(team.timezone)
    deals = [
        RottingDeal(id=i, title=t, owner=o, stage=st, value=money(val), days_in_stage=(today - at.date()).days)
        for i, t, o, st, val, at, _n, _v in rows
    ]
    return Rotting(limit_days=team.rotting_days, count=int(n), value=money(v), deals=deals)


def rotting_counts(uow: UnitOfWork, ids: list[int]) -> dict[int, int]:
    """How many rotting deals each owner has (one GROUP BY; none when the
    pipeline read every owner's open deals in this unit of work)."""
    counted: dict[int, int] | None = uow.memo.get("rotting_counts")
    if counted is not None:
        return {owner: counted[owner] for owner in ids if owner in counted}
    team = uow.team()
    limit = clock.now() - timedelta(days=team.rotting_days)
    return {
        owner: int(n)
        for owner, n in uow.rows(queries.rotting_counts_statement(), {"team_id": team.id, "ids": ids, "limit": limit})
    }
