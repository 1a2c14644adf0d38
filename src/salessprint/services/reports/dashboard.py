"""The dashboard in one round trip: velocity, attainment this month, the
burndown, this quarter's pipeline per rep, territory or manager, and (for
managers) the coaching flags."""

from __future__ import annotations

from salessprint.domain import clock
from salessprint.domain.calendar import period_range
from salessprint.domain.enums import Period
from salessprint.domain.permissions import Action, allowed
from salessprint.services.reports._shared import HISTORY_SPRINTS, Report, read_targets, read_won_months, reps
from salessprint.services.reports.attainment import AttainmentReport, attainment_in
from salessprint.services.reports.burndown import BurndownReport, burndown_in
from salessprint.services.reports.coaching import CoachingReport, coaching_in, won_months
from salessprint.services.reports.pipeline import GroupBy, PipelineReport, pipeline_in
from salessprint.services.reports.velocity import VelocityReport, velocity_in
from salessprint.services.uow import unit_of_work
from salessprint.store.db import Store


class Dashboard(Report):
    velocity: VelocityReport
    """The last HISTORY_SPRINTS closed sprints."""
    attainment: AttainmentReport
    """This month."""
    burndown: BurndownReport
    """The sprint under review."""
    coaching: CoachingReport | None
    """None for anyone but a manager."""
    pipeline: PipelineReport
    """This quarter, split by rep, territory or manager (`pipeline.by`)."""


def dashboard(store: Store, login: str, pipeline_by: GroupBy = "member") -> Dashboard:
    """Velocity, attainment this month, burndown, this quarter's pipeline split
    `pipeline_by` rep, territory or manager, and (for managers) coaching flags."""
    with unit_of_work(store, login, read_only=True) as uow:
        team = uow.team()
        today = clock.team_today(team.timezone)
        month = period_range(Period.MONTH, today)
        coaches = allowed(uow.actor.role, Action.COACHING)
        ids = [m.id for m in reps(uow)]
        if ids:
            # Attainment and the coaching flags read the same reps' won deals
            # and targets over neighbouring months: each is read once, here.
            read_won_months(uow, ids, won_months(today)[0] if coaches else month[0], month[1])
            if coaches:
                week_end = period_range(Period.WEEK, today, team.week_start)[1]
                read_targets(uow, ids, max(month[1], week_end))
        # The pipeline first: the coaching flags count the rotting deals it read.
        pipeline = pipeline_in(uow, *period_range(Period.QUARTER, today), by=pipeline_by)
        return Dashboard(
            velocity=velocity_in(uow, HISTORY_SPRINTS),
            attainment=attainment_in(uow, *month),
            burndown=burndown_in(uow),
            coaching=coaching_in(uow) if coaches else None,
            pipeline=pipeline,
        )
