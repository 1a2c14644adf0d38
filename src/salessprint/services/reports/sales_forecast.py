"""The sales forecast by category, as a VP of Sales reads it: per rep and
team, for this month and quarter, closed won, commit, best case, pipeline,
quota, gap and pipeline coverage; what moved week over week; and forecast
accuracy (the commit called at each sprint close and month end against what
was won).

History comes from the audit log (`changes`): every write of a deal (the
services, imports, undo) is logged there with the whole row before and
after, so a deal as it stood at any moment is the `before` of its first
change after that moment, or the deal as it is now if it has not changed
since. The figures then are today's SQL sums with each deal that changed
since taken out and put back as it was (domain `sums_at`).

The rules (category defaults, roll-up, movements) are in
domain/forecast_categories.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, bindparam, case, func, select

from salessprint.domain import clock
from salessprint.domain.calendar import period_range
from salessprint.domain.enums import Period, StageKind
from salessprint.domain.forecast_categories import (
    BEST_CASE_FROM,
    COMMIT_FROM,
    MOVEMENTS,
    PUSH_FLAG_AT,
    CategorySums,
    DealState,
    ForecastCategory,
    Movement,
    RollUp,
    accuracy,
    coverage_reason,
    effective_category,
    movement_sums,
    push_message,
    roll_up,
    sums_at,
)
from salessprint.domain.metrics import money, period_label
from salessprint.services.deals import push_changes
from salessprint.services.reports._shared import FlagLine, Rep, Report, reps, revenue_quota, won_by_member
from salessprint.services.uow import UnitOfWork, retrying, unit_of_work
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.models import Change, Deal, ForecastSnapshot, Member, Stage

WEEK = timedelta(days=7)

# --- statements -------------------------------------------------------------------


def category_expression() -> Any:
    """The deal's forecast category in SQL, for an open deal joined to its
    stage: the owner's if set, else the stage's (domain `default_category`)."""
    return case(
        (Deal.forecast_category.is_not(None), Deal.forecast_category),
        (Stage.probability >= COMMIT_FROM, ForecastCategory.COMMIT.value),
        (Stage.probability >= BEST_CASE_FROM, ForecastCategory.BEST_CASE.value),
        (Stage.probability > 0, ForecastCategory.PIPELINE.value),
        else_=ForecastCategory.OMITTED.value,
    )


def _open_sums_statement() -> Select[int, str, Decimal]:
    category = category_expression()
    return (
        select(Deal.owner_id, category, func.sum(Deal.value))
        .join(Stage, Stage.id == Deal.stage_id)
        .where(
            queries.open_deals_in_open_stage(queries.TEAM),
            Deal.owner_id.in_(queries.IDS),
            Deal.expected_close >= bindparam("start"),
            Deal.expected_close <= bindparam("end"),
        )
        .group_by(Deal.owner_id, category)
    )


OPEN_SUMS = _open_sums_statement()
"""Open deals of owners `:ids` expected to close in [`:start`, `:end`], summed per owner and category."""

_FIELDS = ("owner_id", "value", "stage_id", "forecast_category", "expected_close", "closed_on")
"""What week over week and the month-end call read of a deal."""
_REQUIRED = ("owner_id", "value", "stage_id")
"""Never empty in a deal row, so empty in the log means the row logged was partial."""


def _first_changes_statement() -> Select[Any]:
    firsts = (
        select(func.min(Change.id))
        .where(Change.team_id == queries.TEAM, Change.entity == "deal", Change.at > bindparam("since"))
        .group_by(Change.entity_id)
    )
    # The few fields read out of `before` in SQL: decoding whole rows of JSON
    # cost ~45 µs a deal in Python, most of the report on a big week.
    then = [Change.before[f].as_string().label(f"then_{f}") for f in _FIELDS]
    now = [getattr(Deal, f).label(f"now_{f}") for f in _FIELDS]
    return (
        select(Change.entity_id, Change.action, *then, Deal.id.label("now_id"), *now)
        .outerjoin(Deal, Deal.id == Change.entity_id)
        .where(Change.id.in_(firsts))
    )


FIRST_CHANGES = _first_changes_statement()
"""Per deal changed after `:since`, its first change there (whose `before` is
the deal at `:since`) beside the deal as it is now (NULLs once deleted)."""

STAGES = select(Stage.id, Stage.kind, Stage.probability).where(Stage.team_id == queries.TEAM)


# --- the deals as they were -------------------------------------------------------


def _day(raw: object) -> date | None:
    if raw is None or raw == "":
        return None
    return raw if isinstance(raw, date) else date.fromisoformat(str(raw))


def _state(row: dict[str, Any], stages: dict[int, tuple[str, int]]) -> DealState | None:
    stage = stages.get(int(row["stage_id"])) if row.get("stage_id") is not None else None
    if stage is None:
        return None
    kind, probability = stage
    return DealState(
        owner_id=int(row["owner_id"]),
        value=Decimal(str(row["value"])),
        open=kind == StageKind.OPEN,
        category=effective_category(kind, probability, row.get("forecast_category")),
        expected_close=_day(row.get("expected_close")),
        won=kind == StageKind.WON,
        closed_on=_day(row.get("closed_on")),
    )


def changed_since(uow: UnitOfWork, since: datetime) -> list[tuple[DealState | None, DealState | None]]:
    """(then, now) for every deal of the team written after `since`: then is
    None for a deal created since, now is None for a deal deleted since."""
    team_id = uow.actor.team_id
    rows = uow.rows(FIRST_CHANGES, {"team_id": team_id, "since": since}).all()
    if not rows:
        return []
    stages = {int(i): (str(k), int(p)) for i, k, p in uow.rows(STAGES, {"team_id": team_id})}
    out: list[tuple[DealState | None, DealState | None]] = []
    for row in rows:
        fields = row._asdict()
        now_row = {f: fields[f"now_{f}"] for f in _FIELDS}
        now = _state(now_row, stages) if fields["now_id"] is not None else None
        then_row = {f: fields[f"then_{f}"] for f in _FIELDS}
        if fields["action"] == "create":
            then = None
        elif any(then_row[f] is None for f in _REQUIRED):
            # Not a whole deal row (none of salessprint's own writes log one):
            # nothing to read the past from, so the deal counts as unchanged.
            then = now
        else:
            then = _state(then_row, stages)
        out.append((then, now))
    return out


def sums_now(uow: UnitOfWork, ids: list[int], start: date, end: date) -> dict[int, CategorySums]:
    """Each owner's closed won in [start, end] and open deals expected in it, by category."""
    if not ids:
        return {}
    parts: dict[int, dict[str, Decimal]] = {}
    params = {"team_id": uow.actor.team_id, "ids": ids, "start": start, "end": end}
    for owner, category, value in uow.rows(OPEN_SUMS, params):
        parts.setdefault(int(owner), {})[str(category)] = Decimal(value)
    won = won_by_member(uow, ids, start, end)
    out: dict[int, CategorySums] = {}
    for owner in set(parts) | set(won):
        mine = parts.get(owner, {})
        out[owner] = CategorySums(
            closed_won=won.get(owner, (Decimal(0), 0))[0],
            commit=mine.get(ForecastCategory.COMMIT.value, Decimal(0)),
            best_case=mine.get(ForecastCategory.BEST_CASE.value, Decimal(0)),
            pipeline=mine.get(ForecastCategory.PIPELINE.value, Decimal(0)),
        )
    return out


# --- the report -------------------------------------------------------------------


class MovementFigure(Report):
    count: int
    value: Decimal
    """Today's value of the deals (a deleted deal's value when deleted)."""


class ForecastLine(Report):
    """One rep's (or the team's) forecast call for the period."""

    login: str
    """The rep's login, or "team"."""
    name: str
    closed_won: Decimal
    """Won deals with their won date in the period."""
    commit: Decimal
    """Open deals in commit expected to close in the period."""
    best_case: Decimal
    """Open deals in best case (commit not included) expected in the period."""
    pipeline: Decimal
    """Open deals in pipeline expected in the period."""
    commit_forecast: Decimal
    """Closed won + commit."""
    best_case_forecast: Decimal
    """Closed won + commit + best case."""
    open_pipeline: Decimal
    """Commit + best case + pipeline (omitted deals aside)."""
    quota: Decimal | None
    """The quota in force over the period (each day's target); None without one."""
    gap: Decimal | None
    """Quota - commit forecast; None without a quota."""
    remaining_quota: Decimal | None
    """Quota - closed won, not below 0."""
    coverage: Decimal | None
    """Open pipeline / remaining quota (3.00 = three times); None when unknown."""
    coverage_reason: str | None = None
    """Why coverage is unknown ("no quota in force", "quota already won"); None when known."""
    week_over_week: dict[str, MovementFigure]
    """newly_committed, pulled_in, pushed, slipped: deals and value, today against 7 days ago."""

    @classmethod
    def of(
        cls, login: str, name: str, figures: RollUp, moves: dict[Movement, tuple[int, Decimal]], closed: Decimal
    ) -> ForecastLine:
        return cls(
            login=login,
            name=name,
            closed_won=figures.closed_won,
            commit=figures.commit,
            best_case=figures.best_case,
            pipeline=figures.pipeline,
            commit_forecast=figures.commit_forecast,
            best_case_forecast=figures.best_case_forecast,
            open_pipeline=figures.open_pipeline,
            quota=figures.quota,
            gap=figures.gap,
            remaining_quota=figures.remaining_quota,
            coverage=figures.coverage,
            coverage_reason=coverage_reason(figures.quota, closed) if figures.coverage is None else None,
            week_over_week={
                m.value: MovementFigure(count=moves.get(m, (0, Decimal(0)))[0], value=money(moves.get(m, (0, 0))[1]))
                for m in MOVEMENTS
            },
        )


class PeriodForecast(Report):
    period: str
    """2026-11 or 2026-Q4."""
    kind: str
    """month or quarter."""
    start: date
    end: date
    members: list[ForecastLine]
    team: ForecastLine
    """The sum over the reps; coverage from the team's quota and closed won."""


class SalesForecastReport(Report):
    date: date
    """Today."""
    week_ago: datetime
    """The moment week over week compares with (now - 7 days)."""
    currency: str
    periods: list[PeriodForecast]
    """This month, then this quarter."""


def sales_forecast(store: Store, login: str) -> SalesForecastReport:
    """The forecast by category for this month and quarter, per rep and team."""
    with unit_of_work(store, login, read_only=True) as uow:
        return sales_forecast_in(uow)


def sales_forecast_in(uow: UnitOfWork) -> SalesForecastReport:
    team = uow.team()
    now = clock.now()
    today = clock.team_today(team.timezone)
    members = reps(uow)
    ids = [m.id for m in members]
    week_ago = now - WEEK
    pairs = changed_since(uow, week_ago)
    bounds = {p: period_range(p, today, team.week_start) for p in (Period.MONTH, Period.QUARTER)}
    targets = queries.target_history(uow.session, ids, max(hi for _lo, hi in bounds.values())) if ids else {}
    periods = []
    for period, (lo, hi) in bounds.items():
        sums = sums_now(uow, ids, lo, hi)
        moves = movement_sums(pairs, lo, hi)
        lines = []
        total, total_quota, any_quota = CategorySums(), Decimal(0), False
        team_moves: dict[Movement, tuple[int, Decimal]] = {}
        for m in members:
            mine = sums.get(m.id, CategorySums())
            quota = revenue_quota(targets.get(m.id, []), lo, hi, period, team.week_start)
            lines.append(ForecastLine.of(m.login, m.name, roll_up(mine, quota), moves.get(m.id, {}), mine.closed_won))
            total += mine
            if quota is not None:
                total_quota, any_quota = total_quota + quota, True
            for move, (n, v) in moves.get(m.id, {}).items():
                tn, tv = team_moves.get(move, (0, Decimal(0)))
                team_moves[move] = (tn + n, tv + v)
        team_quota = total_quota if any_quota else None
        team_line = ForecastLine.of("team", team.name, roll_up(total, team_quota), team_moves, total.closed_won)
        periods.append(
            PeriodForecast(
                period=period_label(period, lo), kind=period.value, start=lo, end=hi, members=lines, team=team_line
            )
        )
    return SalesForecastReport(date=today, week_ago=week_ago, currency=team.currency, periods=periods)


# --- recording the commit call ------------------------------------------------------


def _team_midnight(day: date, timezone: str) -> datetime:
    """The start of `day` in the team's time zone, in UTC."""
    if timezone == "UTC":
        return datetime.combine(day, time(), tzinfo=UTC)
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def _write_snapshots(
    uow: UnitOfWork,
    members: Sequence[Rep],
    sums: dict[int, CategorySums],
    *,
    occasion: str,
    key: str,
    sprint_number: int | None,
    bounds: tuple[date, date],
    as_of: datetime,
) -> int:
    lo, hi = bounds
    have = set(
        uow.session.scalars(
            select(ForecastSnapshot.member_id).where(
                ForecastSnapshot.team_id == uow.actor.team_id, ForecastSnapshot.occasion_key == key
            )
        )
    )
    written = 0
    for m in members:
        if m.id in have:
            continue
        mine = sums.get(m.id, CategorySums())
        uow.session.add(
            ForecastSnapshot(
                team_id=uow.actor.team_id,
                member_id=m.id,
                occasion=occasion,
                occasion_key=key,
                sprint_number=sprint_number,
                period=period_label(Period.MONTH, lo),
                period_start=lo,
                period_end=hi,
                as_of=as_of,
                closed_won=money(mine.closed_won),
                commit_value=money(mine.closed_won + mine.commit),
                best_case_value=money(mine.closed_won + mine.commit + mine.best_case),
                recorded_at=clock.now(),
            )
        )
        written += 1
    uow.session.flush()
    return written


def record_sprint_commit(uow: UnitOfWork, sprint_number: int) -> int:
    """At a sprint close (inside its transaction): each rep's commit call for
    the month of the close day as it stands now; and the month end before it,
    if nobody recorded it yet. Returns the rows written."""
    written = record_month_end_in(uow)
    team = uow.team()
    today = clock.team_today(team.timezone)
    members = reps(uow)
    bounds = period_range(Period.MONTH, today)
    sums = sums_now(uow, [m.id for m in members], *bounds)
    return written + _write_snapshots(
        uow,
        members,
        sums,
        occasion="sprint_close",
        key=f"sprint {sprint_number}",
        sprint_number=sprint_number,
        bounds=bounds,
        as_of=clock.now(),
    )


def _month_end_due(uow: UnitOfWork) -> tuple[list[Rep], date, date, datetime] | None:
    """The reps whose call for last month is not recorded yet, the month and
    the moment it ended; None when there is nothing to record."""
    team = uow.team()
    today = clock.team_today(team.timezone)
    lo, hi = period_range(Period.MONTH, today.replace(day=1) - timedelta(days=1))
    as_of = _team_midnight(hi + timedelta(days=1), team.timezone)
    if team.created_at is not None and team.created_at >= as_of:
        return None
    have = set(
        uow.session.scalars(
            select(ForecastSnapshot.member_id).where(
                ForecastSnapshot.team_id == team.id,
                ForecastSnapshot.occasion_key == f"month {period_label(Period.MONTH, lo)}",
            )
        )
    )
    members = [m for m in reps(uow) if m.id not in have]
    return (members, lo, hi, as_of) if members else None


def record_month_end_in(uow: UnitOfWork) -> int:
    """Each rep's commit call for last month as it stood at the end of its last
    day (the team's midnight), read back from the audit log; once per month
    (later calls write nothing). Nothing for a month that ended before the
    team existed. Returns the rows written."""
    due = _month_end_due(uow)
    if due is None:
        return 0
    members, lo, hi, as_of = due
    ids = [m.id for m in members]
    sums = sums_at(sums_now(uow, ids, lo, hi), changed_since(uow, as_of), lo, hi)
    return _write_snapshots(
        uow,
        members,
        sums,
        occasion="month_end",
        key=f"month {period_label(Period.MONTH, lo)}",
        sprint_number=None,
        bounds=(lo, hi),
        as_of=as_of,
    )


@retrying
def record_month_end(store: Store, login: str) -> int:
    """`record_month_end_in` in a unit of work of its own (the forecast report
    runs it first); a read finds it already done on every other run, without
    taking the store's write lock."""
    with unit_of_work(store, login, read_only=True) as probe:
        if _month_end_due(probe) is None:
            return 0
    with unit_of_work(store, login) as uow:
        return record_month_end_in(uow)


# --- forecast accuracy ----------------------------------------------------------------


class AccuracyLine(Report):
    login: str
    name: str
    period: str
    """The month called, e.g. 2026-11."""
    occasion: str
    """sprint_close or month_end."""
    sprint: int | None
    """The sprint whose close recorded it (None at a month end)."""
    as_of: datetime
    """When the call stood so."""
    commit: Decimal
    """Closed won + commit at that moment."""
    best_case: Decimal
    """Closed won + commit + best case at that moment."""
    actual: Decimal
    """Won in the month, as the store says now."""
    accuracy: Decimal | None
    """Actual / commit in %, one decimal; None when nothing was committed."""
    final: bool
    """The month is over (else actual is won so far)."""


class AccuracyReport(Report):
    date: date
    currency: str
    lines: list[AccuracyLine]
    """Per rep, oldest call first."""


SNAPSHOTS = (
    select(ForecastSnapshot)
    .where(ForecastSnapshot.team_id == queries.TEAM, ForecastSnapshot.member_id.in_(queries.IDS))
    .order_by(ForecastSnapshot.member_id, ForecastSnapshot.as_of, ForecastSnapshot.id)
)


def forecast_accuracy(store: Store, login: str, member: str | None = None) -> AccuracyReport:
    """Each rep's commit calls against what was won in the month called."""
    with unit_of_work(store, login, read_only=True) as uow:
        team = uow.team()
        today = clock.team_today(team.timezone)
        members = reps(uow, member)
        by_id = {m.id: m for m in members}
        rows = list(uow.session.scalars(SNAPSHOTS, {"team_id": team.id, "ids": list(by_id)})) if by_id else []
        actual = _won_per_month(uow, list(by_id), rows)
        lines = [
            AccuracyLine(
                login=by_id[s.member_id].login,
                name=by_id[s.member_id].name,
                period=s.period,
                occasion=s.occasion,
                sprint=s.sprint_number,
                as_of=s.as_of,
                commit=s.commit_value,
                best_case=s.best_case_value,
                actual=actual.get((s.member_id, s.period_start), Decimal("0.00")),
                accuracy=accuracy(actual.get((s.member_id, s.period_start), Decimal(0)), s.commit_value),
                final=s.period_end < today,
            )
            for s in rows
        ]
        return AccuracyReport(date=today, currency=team.currency, lines=lines)


def _won_per_month(
    uow: UnitOfWork, ids: list[int], rows: Iterable[ForecastSnapshot]
) -> dict[tuple[int, date], Decimal]:
    """Won value per (member, first day of month) over the months the calls name (one statement)."""
    starts = [s.period_start for s in rows]
    if not ids or not starts:
        return {}
    ends = period_range(Period.MONTH, max(starts))[1]
    params = {"team_id": uow.actor.team_id, "ids": ids, "start": min(starts), "end": ends}
    return {
        (int(owner), date(int(year), int(month), 1)): money(value)
        for owner, year, month, value, _n in uow.rows(queries.won_per_month_statement(), params)
    }


# --- deals pushed again and again -------------------------------------------------------


class PushedDeal(Report):
    """An open deal whose expected close was moved later three times or more."""

    id: int
    title: str
    owner: str
    """The owner's login."""
    value: Decimal
    expected_close: date | None
    pushes: int


def _pushed_statement() -> Select[int, str, str, Decimal, date | None, int]:
    # Only the open deals' changes: their ids drive the read through the changes'
    # entity index, so the JSON of a tenth of the log is decoded, not all of it
    # (the closed deals' pushes could never be listed).
    open_ids = select(Deal.id).where(queries.open_deals(queries.TEAM))
    pushes = push_changes().where(Change.team_id == queries.TEAM, Change.entity_id.in_(open_ids)).subquery()
    counted = (
        select(pushes.c.entity_id.label("deal_id"), func.count().label("n"))
        .group_by(pushes.c.entity_id)
        .having(func.count() >= PUSH_FLAG_AT)
        .subquery()
    )
    return (
        select(Deal.id, Deal.title, Member.login, Deal.value, Deal.expected_close, counted.c.n)
        .join(counted, counted.c.deal_id == Deal.id)
        .join(Stage, Stage.id == Deal.stage_id)
        .join(Member, Member.id == Deal.owner_id)
        .where(queries.open_deals_in_open_stage(queries.TEAM))
        .order_by(counted.c.n.desc(), Deal.id)
    )


PUSHED = _pushed_statement()
"""Open deals of team `:team_id` pushed PUSH_FLAG_AT times or more, most pushed first."""


def pushed_deals_in(uow: UnitOfWork) -> list[PushedDeal]:
    """The team's open deals pushed three times or more, most pushed first."""
    if "pushed_deals" not in uow.memo:
        uow.memo["pushed_deals"] = [
            PushedDeal(id=i, title=t, owner=o, value=money(v), expected_close=ec, pushes=int(n))
            for i, t, o, v, ec, n in uow.rows(PUSHED, {"team_id": uow.actor.team_id})
        ]
    return list(uow.memo["pushed_deals"])


def pushed_deals(store: Store, login: str) -> list[PushedDeal]:
    with unit_of_work(store, login, read_only=True) as uow:
        return pushed_deals_in(uow)


def pushed_flag_lines(uow: UnitOfWork) -> dict[str, list[FlagLine]]:
    """A coaching flag per rep with deals pushed three times or more (by login)."""
    mine: dict[str, list[PushedDeal]] = {}
    for d in pushed_deals_in(uow):
        mine.setdefault(d.owner, []).append(d)
    return {
        login: [
            FlagLine(
                code="close_date_pushed",
                message=push_message([(d.id, d.title, d.pushes) for d in deals]),
            )
        ]
        for login, deals in mine.items()
    }
