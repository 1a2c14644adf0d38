"""Time off and capacity: record, list and remove members' days off and the
team's holidays; count each member's available working days in a sprint
(in SQL: one COUNT(DISTINCT day) per member), for planning and the reports.

A rep records their own days; a manager or admin anyone's and the team's
holidays (domain/permissions.py; on PostgreSQL row-level security says the
same, migration 0010).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, bindparam, distinct, func, or_, select

from salessprint.domain.calendar import working_days
from salessprint.domain.capacity import TimeOffIn, days_to_record, stretch_end
from salessprint.domain.errors import NotFound
from salessprint.domain.inputs import validate
from salessprint.domain.permissions import Action
from salessprint.domain.values import Value
from salessprint.services.uow import UnitOfWork, retrying, snapshot, unit_of_work
from salessprint.store.db import Store
from salessprint.store.lookups import member_by_login
from salessprint.store.models import Change, Member, Sprint, SprintItem, TimeOff


class TimeOffView(Value):
    """One recorded day off (login None: a team holiday)."""

    id: int
    day: date
    login: str | None
    name: str | None
    note: str | None


class TimeOffAdded(Value):
    """What `add_time_off` recorded, and the days that were already there."""

    added: list[TimeOffView]
    already: list[date]
    """Days of the stretch recorded before (left as they were)."""
    who: str
    """The member's name, or "the team" for a holiday."""


class SprintDays(Value):
    """The working days of a sprint's dates and each active member's available ones."""

    starts_on: date
    ends_on: date
    normal: int
    """Monday-to-Friday days of the sprint."""
    holidays: int
    """Team holidays on those days."""
    available: dict[str, int]
    """Per active member login: working days neither off nor a team holiday."""


def _whose(uow: UnitOfWork, member: str | None, team: bool) -> Member | None:
    """The member the days are for (None: the team), the permission checked."""
    if team:
        uow.require(Action.TEAM_HOLIDAY)
        return None
    target = member_by_login(uow.session, uow.actor.team_id, member) if member else None
    if target is None:
        target = uow.session.get(Member, uow.actor.member_id)
        assert target is not None
    uow.require(Action.TIME_OFF, owns=target.id == uow.actor.member_id)
    return target


def _mine(uow: UnitOfWork, member: Member | None) -> ColumnElement[bool]:
    """The rows of this member (or the team's holidays), in the actor's team."""
    owner = TimeOff.member_id.is_(None) if member is None else TimeOff.member_id == member.id
    return and_(TimeOff.team_id == uow.actor.team_id, owner)


@retrying
def add_time_off(
    store: Store,
    login: str,
    /,
    day: object,
    last_day: object = None,
    member: str | None = None,
    note: str | None = None,
    team: bool = False,
) -> TimeOffAdded:
    """Record a day off (to `last_day`: each working day of the stretch) for
    `member` (default: me), or a team holiday with `team`. Days recorded
    before are left and named; weekends are skipped."""
    raw = {"day": day, "last_day": last_day, "member": member, "note": note or None}
    data = validate(TimeOffIn, **{k: v for k, v in raw.items() if v is not None})
    days = days_to_record(data.day, data.last_day)
    with unit_of_work(store, login) as uow:
        whom = _whose(uow, data.member, team)
        taken = set(
            uow.session.scalars(select(TimeOff.day).where(_mine(uow, whom), TimeOff.day.between(days[0], days[-1])))
        )
        added: list[TimeOffView] = []
        first: Change | None = None
        for d in days:
            if d in taken:
                continue
            row = TimeOff(team_id=uow.actor.team_id, member_id=whom.id if whom else None, day=d, note=data.note)
            uow.session.add(row)
            uow.session.flush()
            # One undo takes back the whole stretch: the later days follow from the first.
            change = uow.record("time_off", row.id, "create", None, snapshot(row), cause=first)
            first = first or change
            added.append(_view(row, whom))
        return TimeOffAdded(added=added, already=sorted(taken & set(days)), who=whom.name if whom else "the team")


def _view(row: TimeOff, member: Member | None) -> TimeOffView:
    return TimeOffView(
        id=row.id,
        day=row.day,
        login=member.login if member else None,
        name=member.name if member else None,
        note=row.note,
    )


@retrying
def remove_time_off(
    store: Store,
    login: str,
    /,
    day: object,
    last_day: object = None,
    member: str | None = None,
    team: bool = False,
) -> list[TimeOffView]:
    """Take back the recorded days off from `day` to `last_day` (default: that
    day) of `member` (default: me), or the team's holidays with `team`."""
    data = validate(TimeOffIn, **{k: v for k, v in {"day": day, "last_day": last_day, "member": member}.items() if v})
    end = stretch_end(data.day, data.last_day)
    with unit_of_work(store, login) as uow:
        whom = _whose(uow, data.member, team)
        rows = list(
            uow.session.scalars(
                select(TimeOff).where(_mine(uow, whom), TimeOff.day.between(data.day, end)).order_by(TimeOff.day)
            )
        )
        if not rows:
            who = whom.name if whom else "the team"
            span = f"on {data.day}" if end == data.day else f"from {data.day} to {end}"
            raise NotFound(f"No time off recorded for {who} {span}.")
        removed = [_view(r, whom) for r in rows]
        first: Change | None = None
        for row in rows:
            before = snapshot(row)
            uow.session.delete(row)
            change = uow.record("time_off", row.id, "delete", before, None, cause=first)
            first = first or change
        uow.session.flush()
        return removed


def list_time_off(
    store: Store,
    login: str,
    /,
    start: date | None = None,
    end: date | None = None,
    member: str | None = None,
    team: bool = False,
) -> list[TimeOffView]:
    """Recorded days off and team holidays, by day: everyone's, or one
    member's (with the team's holidays), or only the holidays with `team`."""
    with unit_of_work(store, login, read_only=True) as uow:
        query = (
            select(TimeOff.id, TimeOff.day, Member.login, Member.name, TimeOff.note)
            .outerjoin(Member, Member.id == TimeOff.member_id)
            .where(TimeOff.team_id == uow.actor.team_id)
            .order_by(TimeOff.day, Member.login.is_not(None), Member.login)
        )
        if team:
            query = query.where(TimeOff.member_id.is_(None))
        elif member:
            who = member_by_login(uow.session, uow.actor.team_id, member)
            query = query.where(or_(TimeOff.member_id == who.id, TimeOff.member_id.is_(None)))
        if start is not None:
            query = query.where(TimeOff.day >= start)
        if end is not None:
            query = query.where(TimeOff.day <= end)
        return [
            TimeOffView(id=i, day=d, login=m_login, name=name, note=note)
            for i, d, m_login, name, note in uow.rows(query)
        ]


# --- available days -----------------------------------------------------------

_DAYS_OFF = (
    select(Member.login, func.count(distinct(TimeOff.day)))
    .join(
        TimeOff,
        and_(TimeOff.team_id == Member.team_id, or_(TimeOff.member_id == Member.id, TimeOff.member_id.is_(None))),
    )
    .where(
        Member.team_id == bindparam("team_id"),
        Member.active.is_(True),
        TimeOff.day.between(bindparam("start"), bindparam("end")),
    )
    .group_by(Member.login)
)
"""Per active member: distinct days in [start, end] off or a team holiday
(time off is stored on working days only)."""

_ACTIVE = select(Member.login).where(Member.team_id == bindparam("team_id"), Member.active.is_(True))

_HOLIDAYS = select(func.count(TimeOff.id)).where(
    TimeOff.team_id == bindparam("team_id"),
    TimeOff.member_id.is_(None),
    TimeOff.day.between(bindparam("start"), bindparam("end")),
)


def sprint_days_in(uow: UnitOfWork, start: date, end: date) -> SprintDays:
    """`sprint_days` inside an open unit of work."""
    params = {"team_id": uow.actor.team_id, "start": start, "end": end}
    normal = len(working_days(start, end))
    off = dict(uow.rows(_DAYS_OFF, params).all())
    logins = uow.rows(_ACTIVE, params).scalars().all()
    return SprintDays(
        starts_on=start,
        ends_on=end,
        normal=normal,
        holidays=int(uow.rows(_HOLIDAYS, params).scalar_one()),
        available={m: max(0, normal - int(off.get(m, 0))) for m in logins},
    )


def sprint_days(store: Store, login: str, start: date, end: date) -> SprintDays:
    """The working days from start to end and each active member's available ones."""
    with unit_of_work(store, login, read_only=True) as uow:
        return sprint_days_in(uow, start, end)


_PEOPLE_DAYS_OFF = (
    select(Sprint.number, Member.login, func.count(distinct(TimeOff.day)))
    .join(SprintItem, SprintItem.sprint_id == Sprint.id)
    .join(Member, Member.id == SprintItem.member_id)
    .outerjoin(
        TimeOff,
        and_(
            TimeOff.team_id == Sprint.team_id,
            or_(TimeOff.member_id == Member.id, TimeOff.member_id.is_(None)),
            TimeOff.day.between(Sprint.starts_on, Sprint.ends_on),
        ),
    )
    .where(
        Sprint.team_id == bindparam("team_id"),
        Sprint.number.in_(bindparam("numbers", expanding=True)),
        SprintItem.removed_at.is_(None),
    )
    .group_by(Sprint.number, Member.login)
)
"""Per sprint, the members with cards in it (not taken out) and their days off there."""


def available_by_sprint(uow: UnitOfWork, windows: dict[int, tuple[date, date]]) -> dict[int, dict[str, int]]:
    """For each sprint number (its dates given): the available working days
    of each member with cards in it, from one query."""
    out: dict[int, dict[str, int]] = {n: {} for n in windows}
    if not windows:
        return out
    rows = uow.rows(_PEOPLE_DAYS_OFF, {"team_id": uow.actor.team_id, "numbers": list(windows)})
    for number, member_login, off in rows:
        normal = len(working_days(*windows[number]))
        out[number][member_login] = max(0, normal - int(off))
    return out
