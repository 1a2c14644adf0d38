"""One rep on the dashboard: attainment this month, activity this week,
velocity, rotting deals and (for a manager) the coaching flags."""

from __future__ import annotations

from salessprint.domain import clock
from salessprint.domain.calendar import period_range
from salessprint.domain.enums import Period
from salessprint.domain.permissions import Action, allowed
from salessprint.services.reports._shared import FlagLine, Report, Rotting, closed_sprints, points_history, rotting_in
from salessprint.services.reports.activity import MemberActivity, activity_in
from salessprint.services.reports.attainment import MemberAttainment, attainment_in
from salessprint.services.reports.coaching import coaching_figures, flag_lines
from salessprint.services.uow import unit_of_work
from salessprint.store.db import Store
from salessprint.store.lookups import member_by_login


class RepDetail(Report):
    login: str
    name: str
    currency: str
    attainment: MemberAttainment
    """This month."""
    activity: MemberActivity
    """This week."""
    velocities: list[int]
    """Completed points per closed sprint, oldest first."""
    flags: list[FlagLine] | None
    """None for anyone but a manager."""
    rotting: Rotting


def rep_detail(store: Store, login: str, member: str) -> RepDetail:
    """One rep on the dashboard: attainment, activity this week, velocity, and
    (for a manager; None for others) the coaching flags."""
    with unit_of_work(store, login, read_only=True) as uow:
        team = uow.team()
        rep = member_by_login(uow.session, team.id, member)
        today = clock.team_today(team.timezone)
        month = period_range(Period.MONTH, today)
        week = period_range(Period.WEEK, today, team.week_start)
        flags: list[FlagLine] | None = None
        rotting: Rotting | None
        if allowed(uow.actor.role, Action.COACHING):
            # The coaching figures already hold this week's activity, the
            # velocity history and the rotting deals: read them once.
            read = coaching_figures(uow, [rep])
            flags = flag_lines(read.figures[0], today, team.rotting_days)
            history = read.history.get(rep.id, [])
            activity = read.activity[rep.login]
            rotting = read.rotting
        else:
            history = points_history(uow, closed_sprints(uow)).get(rep.id, [])
            activity = activity_in(uow, [rep], *week)[0]
            rotting = rotting_in(uow, [rep.id])
        assert rotting is not None  # coaching_figures lists one rep's rotting deals
        return RepDetail(
            login=rep.login,
            name=rep.name,
            currency=team.currency,
            attainment=attainment_in(uow, *month, rep.login).members[0],
            activity=activity,
            velocities=history,
            flags=flags,
            rotting=rotting,
        )
