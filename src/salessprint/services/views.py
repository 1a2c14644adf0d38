"""Turn ORM rows into the frozen values of `salessprint.domain.values`."""

from __future__ import annotations

from salessprint.domain.forecast_categories import effective_category, push_flag
from salessprint.domain.values import (
    DealView,
    MemberView,
    SprintView,
    StageView,
    TaskView,
    TeamView,
)
from salessprint.store.models import Deal, Member, Sprint, Stage, Task, Team


def team_view(team: Team) -> TeamView:
    return TeamView(
        id=team.id,
        name=team.name,
        currency=team.currency,
        timezone=team.timezone,
        week_start=team.week_start,
        sprint_weeks=team.sprint_weeks,
        rotting_days=team.rotting_days,
        wip_todo=team.wip_todo,
        wip_doing=team.wip_doing,
        stages=[stage_view(s) for s in team.stages],
    )


def stage_view(stage: Stage) -> StageView:
    return StageView(
        id=stage.id,
        name=stage.name,
        position=stage.position,
        probability=stage.probability,
        kind=stage.kind,
    )


def member_view(m: Member) -> MemberView:
    return MemberView(
        id=m.id,
        login=m.login,
        name=m.name,
        role=m.role,
        sales_role=m.sales_role,
        territory=m.territory,
        started_on=m.started_on,
        active=m.active,
    )


def deal_view(d: Deal, collaborators: list[str] | None = None, close_pushes: int = 0) -> DealView:
    return DealView(
        id=d.id,
        title=d.title,
        account=d.account.name,
        value=d.value,
        stage=d.stage.name,
        stage_kind=d.stage.kind,
        probability=d.probability if d.probability is not None else d.stage.probability,
        expected_close=d.expected_close,
        owner=d.owner.login,
        owner_name=d.owner.name,
        collaborators=collaborators or [],
        next_step=d.next_step,
        points=d.points,
        started_on=d.started_on,
        stage_entered_at=d.stage_entered_at,
        closed_on=d.closed_on,
        lost_reason=d.lost_reason,
        backlog_rank=d.backlog_rank,
        version=d.version,
        forecast_category=effective_category(d.stage.kind, d.stage.probability, d.forecast_category),
        forecast_category_set=d.forecast_category is not None,
        close_pushes=close_pushes,
        pushed_flag=push_flag(close_pushes),
    )


def task_view(t: Task, deal_title: str | None = None) -> TaskView:
    return TaskView(
        id=t.id,
        title=t.title,
        kind=t.kind,
        status=t.status,
        assignee=t.assignee.login,
        assignee_name=t.assignee.name,
        points=t.points,
        due_on=t.due_on,
        deal_id=t.deal_id,
        deal_title=deal_title,
        backlog_rank=t.backlog_rank,
        done_at=t.done_at,
        version=t.version,
    )


def sprint_view(s: Sprint) -> SprintView:
    return SprintView(
        id=s.id,
        number=s.number,
        goal=s.goal,
        starts_on=s.starts_on,
        ends_on=s.ends_on,
        state=s.state,
        version=s.version,
    )
