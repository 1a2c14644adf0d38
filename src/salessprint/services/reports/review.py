"""Everything the weekly review's slides show, in one round trip, for the
sprint under review (the active one, else the last closed)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import distinct, func, select

from salessprint.domain.capacity import per_available_day
from salessprint.services.capacity import available_by_sprint
from salessprint.services.reports._shared import HISTORY_SPRINTS, Report, reps
from salessprint.services.reports.activity import MemberActivity, activity_in
from salessprint.services.reports.forecast import PointsRange, next_sprint_in
from salessprint.services.reports.sales_forecast import PushedDeal, pushed_deals_in
from salessprint.services.reports.sprint import SprintReport, sprint_report_in
from salessprint.services.reports.velocity import VelocityReport, velocity_in
from salessprint.services.uow import unit_of_work
from salessprint.store.db import Store
from salessprint.store.models import RetroEntry, RetroVote, Sprint


class RetroLine(Report):
    text: str
    votes: int
    """Members who voted for it."""


class NextSprint(Report):
    """The forecast the review shows: the team's points next sprint (the
    forecast report's `next_sprint`; the reps' quota chances are not read)."""

    next_sprint: PointsRange | None
    """None while unknown: fewer closed sprints than a forecast needs."""
    next_sprint_reason: str | None = None
    """Why next_sprint is unknown; None when known."""


class Review(Report):
    report: SprintReport
    velocity: VelocityReport
    forecast: NextSprint
    activity: list[MemberActivity]
    """Each rep's activity over the sprint (empty without a sprint)."""
    retro: dict[str, list[RetroLine]]
    """Per column (went_well, to_improve, action), most voted first; empty without a sprint."""
    pushed_deals: list[PushedDeal]
    """Open deals whose expected close was pushed three times or more, most pushed first."""
    available_days: int | None = None
    """Person-days available in the sprint under review (its members' working
    days less days off and team holidays); None without a sprint."""
    velocity_per_available_day: Decimal | None = None
    """Completed points of that sprint / its available days, to a hundredth."""


def review(store: Store, login: str) -> Review:
    """Everything the weekly review's slides show, for the sprint under review
    (the active one, else the last closed)."""
    with unit_of_work(store, login, read_only=True) as uow:
        report = sprint_report_in(uow)
        velocity = velocity_in(uow, HISTORY_SPRINTS)
        next_sprint, reason = next_sprint_in(uow)
        forecast = NextSprint(next_sprint=next_sprint, next_sprint_reason=reason)
        sprint = report.sprint
        if sprint is None:
            return Review(
                report=report,
                velocity=velocity,
                forecast=forecast,
                activity=[],
                retro={},
                pushed_deals=pushed_deals_in(uow),
            )
        activity = activity_in(uow, reps(uow), sprint.starts_on, sprint.ends_on)
        sprint_id = (
            select(Sprint.id)
            .where(Sprint.team_id == uow.actor.team_id, Sprint.number == sprint.number)
            .scalar_subquery()
        )
        votes = (
            select(func.count(distinct(RetroVote.member_id)))
            .where(RetroVote.entry_id == RetroEntry.id)
            .scalar_subquery()
        )
        retro: dict[str, list[RetroLine]] = {"went_well": [], "to_improve": [], "action": []}
        for column, text, n in uow.rows(
            select(RetroEntry.column, RetroEntry.text, votes)
            .where(RetroEntry.sprint_id == sprint_id)
            .order_by(RetroEntry.column, votes.desc(), RetroEntry.id)
        ):
            retro.setdefault(column, []).append(RetroLine(text=text, votes=int(n)))
        days = sum(
            available_by_sprint(uow, {sprint.number: (sprint.starts_on, sprint.ends_on)})[sprint.number].values()
        )
        completed = report.completed.points if report.completed is not None else 0
        return Review(
            report=report,
            velocity=velocity,
            forecast=forecast,
            activity=activity,
            retro=retro,
            pushed_deals=pushed_deals_in(uow),
            available_days=days,
            velocity_per_available_day=per_available_day(completed, days),
        )
