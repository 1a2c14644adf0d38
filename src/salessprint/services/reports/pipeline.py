"""The pipeline report: win rate, averages and pipeline velocity for deals
closed in a range, and the open pipeline and rotting deals at the range's
end (today for a range that reaches today), for the team, one rep, or per
rep, territory or manager."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import Select, bindparam, case, func, select, true, type_coerce
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from salessprint.domain import clock
from salessprint.domain.calendar import period_range, utc_bounds
from salessprint.domain.enums import Period, StageKind
from salessprint.domain.metrics import money
from salessprint.domain.pipeline import (
    DealRecord,
    PipelineFigures,
    PipelineSums,
    StageInfo,
    deal_on,
    open_on_day,
)
from salessprint.services.reports._shared import LIST_LIMIT, Report, Rotting, RottingDeal, check_range, rotting_in
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store import queries
from salessprint.store.codec import JSONRow
from salessprint.store.db import Store
from salessprint.store.lookups import member_by_login
from salessprint.store.models import Change, Deal, DealEvent, Member, Stage
from salessprint.store.types import Money

GroupBy = Literal["member", "territory", "manager"]
NO_TERRITORY = "(no territory)"
NO_MANAGER = "(no manager)"


class PipelineGroup(Report):
    """The pipeline figures of one rep, territory or manager's team."""

    key: str
    """The rep's or manager's login, or the territory's name."""
    name: str
    """The rep's or manager's name, or the territory's name."""
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
    weighted_value: Decimal
    pipeline_velocity: Decimal | None
    rotting_deals: int
    rotting_value: Decimal


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
    """Money per day: qualified open deals × win rate × average won value / cycle days,
    from the exact sums, rounded once."""
    rotting: Rotting
    member: str | None = None
    """The one rep reported on (--member), else None for the team."""
    by: GroupBy | None = None
    """How `groups` splits the figures: member, territory, manager, or None."""
    groups: list[PipelineGroup] = Field(default_factory=list)
    """One entry per rep, territory or manager (empty without `by`)."""
    open_as_of: date
    """The day the open pipeline and rotting figures describe: the range's end, or today."""
    open_as_of_today: bool
    """True when the open figures are today's (a range reaching today, or a past
    range whose history cannot be rebuilt: see `open_note`); False when they
    were rebuilt as of the range's end."""
    open_note: str | None = None
    """Why the open figures of a past range are today's, in words."""


def pipeline(
    store: Store,
    login: str,
    *,
    start: date | None = None,
    end: date | None = None,
    member: str | None = None,
    by: GroupBy | None = None,
) -> PipelineReport:
    """Win rate, averages and pipeline velocity for deals closed in a range
    (default: this quarter), the open pipeline and rotting deals at the
    range's end; for the team or one rep (`member`), split `by` rep,
    territory or manager."""
    with unit_of_work(store, login, read_only=True) as uow:
        start, end = check_range(start, end, period_range(Period.QUARTER, clock.team_today(uow.team().timezone)))
        return pipeline_in(uow, start, end, member=member, by=by)


def _days_between(uow: UnitOfWork, later: Any, earlier: Any) -> Any:
    """Whole days from `earlier` to `later` (two DATE columns) on either backend."""
    if uow.session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier


@dataclass(frozen=True, slots=True)
class _Owner:
    login: str
    name: str
    territory: str | None
    manager_id: int | None
    rep: bool


def _owners(uow: UnitOfWork) -> dict[int, _Owner]:
    rows = uow.rows(
        select(Member.id, Member.login, Member.name, Member.territory, Member.manager_id, Member.role, Member.active)
        .where(Member.team_id == uow.actor.team_id)
        .order_by(Member.login)
    )
    return {i: _Owner(lg, n, t, m, role == "rep" and bool(active)) for i, lg, n, t, m, role, active in rows}


def _owner_filter(owner_id: int | None) -> ColumnElement[bool]:
    return Deal.owner_id == owner_id if owner_id is not None else true()


def _closed_sums(uow: UnitOfWork, start: date, end: date, owner_id: int | None) -> dict[int, PipelineSums]:
    """Won and lost deals with their close date in [start, end], per owner."""
    out: dict[int, PipelineSums] = {}
    rows = uow.rows(
        select(
            Deal.owner_id,
            Stage.kind,
            func.count(),
            func.sum(Deal.value),
            func.sum(_days_between(uow, Deal.closed_on, Deal.started_on)),
        )
        .join(Stage, Stage.id == Deal.stage_id)
        .where(
            Deal.team_id == uow.actor.team_id,
            Stage.kind.in_([StageKind.WON, StageKind.LOST]),
            Deal.closed_on >= start,
            Deal.closed_on <= end,
            _owner_filter(owner_id),
        )
        .group_by(Deal.owner_id, Stage.kind)
    )
    for owner, kind, n, v, d in rows:
        part = (
            PipelineSums(won=int(n), won_value=money(v), won_days=int(Decimal(str(d or 0))))
            if kind == StageKind.WON
            else PipelineSums(lost=int(n))
        )
        out[owner] = out.get(owner, PipelineSums()) + part
    return out


def _open_sums_today(uow: UnitOfWork, owner_id: int | None) -> dict[int, PipelineSums]:
    """Today's open deals per owner: count, value, weighted, qualified, rotting."""
    team = uow.team()
    first_position = select(func.min(Stage.position)).where(Stage.team_id == team.id).scalar_subquery()
    probability = func.coalesce(Deal.probability, Stage.probability)
    rots = Deal.stage_entered_at < bindparam("limit")
    rows = uow.rows(
        select(
            Deal.owner_id,
            func.count(),
            func.sum(Deal.value),
            type_coerce(func.sum(Deal.value * probability), Money()),
            func.coalesce(func.sum(case((Stage.position > first_position, 1), else_=0)), 0),
            func.coalesce(func.sum(case((rots, 1), else_=0)), 0),
            func.sum(case((rots, Deal.value), else_=0)),
        )
        .select_from(Deal)
        .join(Stage, Stage.id == Deal.stage_id)
        .where(queries.open_deals_in_open_stage(team.id), _owner_filter(owner_id))
        .group_by(Deal.owner_id),
        {"limit": clock.now() - timedelta(days=team.rotting_days)},
    )
    out = {
        owner: PipelineSums(
            open=int(n),
            open_value=money(v),
            weighted=Decimal(str(w or 0)),
            qualified=int(q),
            rotting=int(r),
            rotting_value=money(rv),
        )
        for owner, n, v, w, q, r, rv in rows
    }
    if owner_id is None:
        # Every owner's rotting deals: the coaching flags composed after it count them from here.
        uow.memo["rotting_counts"] = {owner: s.rotting for owner, s in out.items() if s.rotting}
    return out


# --- the open pipeline at the end of a past day -------------------------------------


def _newest_first(cutoff_side: ColumnElement[bool], newest: bool) -> Select[int, JSONRow | None, JSONRow | None]:
    """Per deal, its newest change before the cutoff (or its first one after)."""
    order = (Change.at.desc(), Change.id.desc()) if newest else (Change.at.asc(), Change.id.asc())
    ranked = (
        select(
            Change.entity_id,
            Change.before,
            Change.after,
            func.row_number().over(partition_by=Change.entity_id, order_by=order).label("rn"),
        )
        .where(Change.team_id == bindparam("team_id"), Change.entity == "deal", cutoff_side)
        .subquery()
    )
    return select(ranked.c.entity_id, ranked.c.before, ranked.c.after).where(ranked.c.rn == 1)


_CUTOFF: BindParameter[datetime] = bindparam("cutoff")
_LOGGED = _newest_first(Change.at < _CUTOFF, newest=True)
_FIRST_AFTER = _newest_first(Change.at >= _CUTOFF, newest=False)
_DEAL_ROWS = select(
    Deal.id,
    Deal.title,
    Deal.value,
    Deal.owner_id,
    Deal.stage_id,
    Deal.probability,
    Deal.started_on,
    Deal.closed_on,
    Deal.stage_entered_at,
).where(Deal.team_id == bindparam("team_id"))
_ranked_events = (
    select(
        DealEvent.deal_id,
        DealEvent.new,
        DealEvent.at,
        func.row_number()
        .over(partition_by=DealEvent.deal_id, order_by=(DealEvent.at.desc(), DealEvent.id.desc()))
        .label("rn"),
    )
    .join(Deal, Deal.id == DealEvent.deal_id)
    .where(Deal.team_id == bindparam("team_id"), DealEvent.kind == "stage", DealEvent.at < _CUTOFF)
    .subquery()
)
_STAGE_EVENTS = select(_ranked_events.c.deal_id, _ranked_events.c.new, _ranked_events.c.at).where(
    _ranked_events.c.rn == 1
)
_LATER_STAGE_EVENTS = (
    select(DealEvent.deal_id)
    .join(Deal, Deal.id == DealEvent.deal_id)
    .where(Deal.team_id == bindparam("team_id"), DealEvent.kind == "stage", DealEvent.at >= _CUTOFF)
    .distinct()
)


def _records(uow: UnitOfWork, cutoff: datetime) -> list[DealRecord]:
    """What the audit log, the deals and their stage history say of each deal around `cutoff`."""
    params = {"team_id": uow.actor.team_id, "cutoff": cutoff}
    logged = {i: after for i, _before, after in uow.rows(_LOGGED, params)}
    first = {i: (before, after) for i, before, after in uow.rows(_FIRST_AFTER, params)}
    keys = _DEAL_ROWS.selected_columns.keys()
    today_rows: dict[int, Mapping[str, Any]] = {
        r[0]: dict(zip(keys, r, strict=True)) for r in uow.rows(_DEAL_ROWS, params)
    }
    events = {i: (str(new), at) for i, new, at in uow.rows(_STAGE_EVENTS, params)}
    later = {i for (i,) in uow.rows(_LATER_STAGE_EVENTS, params)}
    out: list[DealRecord] = []
    for deal_id in sorted(set(logged) | set(first) | set(today_rows)):
        first_after: Mapping[str, Any] | None
        if deal_id in first and first[deal_id][0] is not None:
            first_after, created_after = first[deal_id][0], False
        elif deal_id in first:
            first_after, created_after = first[deal_id][1], True
        else:
            first_after, created_after = today_rows.get(deal_id), True
        in_log = deal_id in logged
        out.append(
            DealRecord(
                deal_id=deal_id,
                logged=logged[deal_id] if in_log and logged[deal_id] is not None else None,
                deleted=in_log and logged[deal_id] is None,
                first_after=first_after if not in_log else None,
                created_after=created_after,
                stage_event=events.get(deal_id),
                later_stage_events=deal_id in later,
            )
        )
    return out


def _stages(uow: UnitOfWork) -> dict[int, StageInfo]:
    rows = uow.rows(
        select(Stage.id, Stage.name, Stage.kind, Stage.position, Stage.probability).where(
            Stage.team_id == uow.actor.team_id
        )
    )
    return {i: StageInfo(i, n, StageKind(k), p, pr) for i, n, k, p, pr in rows}


@dataclass(frozen=True, slots=True)
class _OpenFigures:
    sums: dict[int, PipelineSums]
    rotting: Rotting
    as_of: date
    as_of_today: bool
    note: str | None


def _open_today(uow: UnitOfWork, owner_id: int | None, today: date, note: str | None = None) -> _OpenFigures:
    rotting = rotting_in(uow, [owner_id] if owner_id is not None else None)
    return _OpenFigures(_open_sums_today(uow, owner_id), rotting, today, True, note)


def _open_on(uow: UnitOfWork, day: date, today: date, owner_id: int | None, owners: dict[int, _Owner]) -> _OpenFigures:
    """The open pipeline and rotting deals at the end of `day`, rebuilt from the
    deals' history; today's, with the reason, where the history cannot tell."""
    team = uow.team()
    cutoff = utc_bounds(day, day, team.timezone)[1]
    stages = _stages(uow)
    states = [deal_on(r, day, cutoff, stages) for r in _records(uow, cutoff)]
    if owner_id is not None:
        states = [s for s in states if s is None or s.owner_id in (owner_id, None)]
    first_position = min((s.position for s in stages.values()), default=0)
    found = open_on_day(states, cutoff, team.rotting_days, first_position)
    if found.unknown:
        n = len(found.unknown)
        example = found.unknown[0]
        note = (
            f"Open pipeline and rotting deals are as of today ({today}), not {day}: the history of "
            f"{n} deal{'s' if n != 1 else ''} cannot tell how {'they' if n != 1 else 'it'} stood then "
            f"(deal #{example.deal_id}: {example.reason})."
        )
        return _open_today(uow, owner_id, today, note)
    deals = [
        RottingDeal(
            id=d.deal_id,
            title=d.title,
            owner=owners[d.owner_id].login if d.owner_id in owners else "?",
            stage=d.stage.name,
            value=money(d.value),
            days_in_stage=(day - d.entered_at.date()).days,
        )
        for d in found.rotting[:LIST_LIMIT]
    ]
    total = sum((s for s in found.sums.values()), PipelineSums())
    rotting = Rotting(limit_days=team.rotting_days, count=total.rotting, value=money(total.rotting_value), deals=deals)
    return _OpenFigures(found.sums, rotting, day, False, None)


# --- putting it together -------------------------------------------------------------


def _group_key(by: GroupBy, owner_id: int, owners: dict[int, _Owner]) -> tuple[str, str]:
    owner = owners.get(owner_id)
    if owner is None:
        return ("?", "?")
    if by == "member":
        return (owner.login, owner.name)
    if by == "territory":
        name = owner.territory or NO_TERRITORY
        return (name, name)
    boss = owners.get(owner.manager_id) if owner.manager_id is not None else None
    return (boss.login, boss.name) if boss else (NO_MANAGER, NO_MANAGER)


def _figures(s: PipelineSums) -> dict[str, Any]:
    """The figures a group and the whole report share, from exact sums, rounded once."""
    f = PipelineFigures.of(s)
    return {
        "won_deals": s.won,
        "lost_deals": s.lost,
        "won_value": money(s.won_value),
        "win_rate": f.win_rate,
        "average_won_value": f.average_won_value,
        "average_cycle_days": f.average_cycle_days,
        "open_deals": s.open,
        "open_value": money(s.open_value),
        "qualified_open_deals": s.qualified,
        "weighted_value": f.weighted_value,
        "pipeline_velocity": f.pipeline_velocity,
    }


def _group(key: str, name: str, s: PipelineSums) -> PipelineGroup:
    return PipelineGroup(
        key=key,
        name=name,
        **_figures(s),
        rotting_deals=s.rotting,
        rotting_value=money(s.rotting_value),
    )


def _groups(
    by: GroupBy, per_owner: dict[int, PipelineSums], owners: dict[int, _Owner], only: int | None
) -> list[PipelineGroup]:
    """The figures summed per group; every active rep (or the one asked for) has its group."""
    keys: dict[str, str] = {}
    sums: dict[str, PipelineSums] = {}
    shown: Iterable[int] = [only] if only is not None else set(per_owner) | {i for i, o in owners.items() if o.rep}
    for owner_id in shown:
        key, name = _group_key(by, owner_id, owners)
        keys[key] = name
        sums[key] = sums.get(key, PipelineSums()) + per_owner.get(owner_id, PipelineSums())
    return [_group(k, keys[k], sums[k]) for k in sorted(keys, key=lambda k: (k.startswith("("), k.lower()))]


def pipeline_in(
    uow: UnitOfWork, start: date, end: date, *, member: str | None = None, by: GroupBy | None = None
) -> PipelineReport:
    team = uow.team()
    today = clock.team_today(team.timezone)
    owner_id = member_by_login(uow.session, team.id, member).id if member else None
    owners = _owners(uow) if by or end < today else {}
    closed = _closed_sums(uow, start, end, owner_id)
    if end < today:
        opened = _open_on(uow, end, today, owner_id, owners)
    else:
        opened = _open_today(uow, owner_id, today)
    per_owner: dict[int, PipelineSums] = {}
    for part in (closed, opened.sums):
        for owner, s in part.items():
            per_owner[owner] = per_owner.get(owner, PipelineSums()) + s
    total = sum(per_owner.values(), PipelineSums())
    return PipelineReport(
        start=start,
        end=end,
        currency=team.currency,
        **_figures(total),
        rotting=opened.rotting,
        member=member,
        by=by,
        groups=_groups(by, per_owner, owners, owner_id) if by else [],
        open_as_of=opened.as_of,
        open_as_of_today=opened.as_of_today,
        open_note=opened.note,
    )
