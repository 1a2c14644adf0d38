"""The sprint report: Jira's committed, completed, added, removed and
carried over in items and points, plus the sales view of the sprint: deals
won, advanced a stage, slipped, untouched, with values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import SerializerFunctionWrapHandler, model_serializer
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import aliased

from salessprint.domain.calendar import utc_bounds
from salessprint.domain.enums import SprintState, StageKind
from salessprint.domain.metrics import money
from salessprint.services.reports._shared import LIST_LIMIT, Report, SprintHeader, sprint_for_report
from salessprint.services.reports.closed_sprints import kept_figures
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.models import Activity, Deal, DealEvent, Member, Sprint, Stage


class ItemFigure(Report):
    items: int
    points: int


class DealLine(Report):
    id: int
    title: str
    owner: str
    """The owner's login."""
    value: Decimal


class DealSet(Report):
    """A set of deals: all of them counted, the biggest LIST_LIMIT listed."""

    count: int
    value: Decimal
    deals: list[DealLine]


class SprintReport(Report):
    """Without a sprint, only `sprint` (None) is set, and the JSON is {"sprint": null}."""

    sprint: SprintHeader | None
    currency: str | None = None
    committed: ItemFigure | None = None
    completed: ItemFigure | None = None
    """Done in the sprint, whenever before its close (after the end date
    too); work done before it joined the sprint is not in it."""
    added: ItemFigure | None = None
    """Added after the start."""
    removed: ItemFigure | None = None
    """Taken out of the sprint after its start."""
    carried_over: ItemFigure | None = None
    """Closed sprint: not completed and moved into the next sprint (closed with
    carry-over). Active sprint: not completed yet (neither done nor removed)."""
    dropped: ItemFigure | None = None
    """Not completed and left behind: the sprint was closed without carry-over."""
    completed_outside: ItemFigure | None = None
    """Already done when it joined the sprint (Jira's "completed outside this
    sprint"): not in completed, nor in velocity."""
    not_completed: ItemFigure | None = None
    """Neither completed (in or outside the sprint) nor removed: carried over plus dropped."""
    won: DealSet | None = None
    advanced: DealSet | None = None
    """Moved to a later open stage during the sprint."""
    slipped: DealSet | None = None
    """Expected close moved later during the sprint."""
    untouched: DealSet | None = None
    """Open through the sprint with no activity and no change."""

    @model_serializer(mode="wrap")
    def _only_sprint_when_none(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {"sprint": None} if self.sprint is None else handler(self)

    def item_figures(self) -> list[tuple[str, ItemFigure]]:
        """(name, figure) of each of SPRINT_FIGURES: committed, completed, added, removed,
        carried_over, dropped, completed_outside, not_completed (empty without a sprint)."""
        named = [(name, getattr(self, name)) for name in queries.SPRINT_FIGURES]
        return [(name, figure) for name, figure in named if figure is not None]

    def deal_sets(self) -> list[tuple[str, DealSet]]:
        """(name, deals) of won, advanced, slipped, untouched (empty without a sprint)."""
        named = [(name, getattr(self, name)) for name in DEAL_SETS]
        return [(name, deals) for name, deals in named if deals is not None]


DEAL_SETS = ("won", "advanced", "slipped", "untouched")


def sprint_report(store: Store, login: str, number: int | None = None) -> SprintReport:
    """Jira's sprint report in items and points, plus the sales view of the
    sprint: deals won, advanced a stage, slipped, untouched, with values."""
    with unit_of_work(store, login, read_only=True) as uow:
        return sprint_report_in(uow, number)


def sprint_report_in(uow: UnitOfWork, number: int | None = None) -> SprintReport:
    sprint = sprint_for_report(uow, number)
    if sprint is None:
        return SprintReport(sprint=None)
    team = uow.team()
    closed = sprint.state == SprintState.CLOSED
    row = kept_figures(  # a closed sprint's figures are read once (services/reports/closed_sprints.py)
        uow,
        sprint,
        "sprint figures",
        lambda: tuple(
            uow.rows(
                queries.sprint_figures_statement(closed),
                {"sprint_id": sprint.id} if closed else {"sprint_id": sprint.id, "started_at": sprint.started_at},
            ).one()
        ),
    )
    figures = {
        name: ItemFigure(items=int(row[2 * i]), points=int(row[2 * i + 1]))
        for i, name in enumerate(queries.SPRINT_FIGURES)
    }
    return SprintReport(sprint=SprintHeader.of(sprint), currency=team.currency, **figures, **_sales_view(uow, sprint))


def _sales_view(uow: UnitOfWork, sprint: Sprint) -> dict[str, DealSet]:
    team = uow.team()
    lo, hi = utc_bounds(sprint.starts_on, sprint.ends_on, team.timezone)
    owner = select(Member.login).where(Member.id == Deal.owner_id).scalar_subquery()

    def summary(condition: ColumnElement[bool]) -> DealSet:
        # One statement: the biggest LIST_LIMIT deals, each carrying the
        # count and value of the whole set (window aggregates run before LIMIT).
        rows = uow.rows(
            select(Deal.id, Deal.title, owner, Deal.value, func.count().over(), func.sum(Deal.value).over())
            .where(condition)
            .order_by(Deal.value.desc(), Deal.id)
            .limit(LIST_LIMIT)
        ).all()
        count, value = (rows[0][4], rows[0][5]) if rows else (0, None)
        deals = [DealLine(id=i, title=t, owner=o, value=money(v)) for i, t, o, v, _n, _s in rows]
        return DealSet(count=int(count), value=money(value), deals=deals)

    # Each set of deals comes from the window's events or activities (a range
    # scan on their time index) rather than a correlated lookup per open deal:
    # fast with 100,000 deals and 1,000,000 activities. The events' deal ids
    # drive the read (by primary key); the team is then checked on each deal
    # through the planner hint (12 -> 0.5 ms a statement on the large store).
    def team_deal_ids(query: Any) -> ColumnElement[bool]:
        return and_(Deal.id.in_(query), queries.sqlite_hint(Deal.team_id) == team.id)

    old_stage, new_stage = aliased(Stage), aliased(Stage)
    in_window = and_(DealEvent.at >= lo, DealEvent.at < hi)
    advanced = team_deal_ids(
        select(DealEvent.deal_id)
        .join(old_stage, and_(old_stage.team_id == team.id, old_stage.name == DealEvent.old))
        .join(new_stage, and_(new_stage.team_id == team.id, new_stage.name == DealEvent.new))
        .where(
            in_window,
            DealEvent.kind == "stage",
            new_stage.position > old_stage.position,
            new_stage.kind == StageKind.OPEN,
        )
    )
    slipped = team_deal_ids(
        select(DealEvent.deal_id).where(
            in_window,
            DealEvent.kind == "expected_close",
            DealEvent.old.is_not(None),
            DealEvent.new.is_not(None),
            DealEvent.new > DealEvent.old,
        )
    )
    # Open at the sprint's end: not closed yet, or closed after it. Each side
    # of the OR names team_id and closed_on, so both backends read it from
    # ix_deals_team_closed (two ranges) instead of every deal of the team.
    open_in_sprint = and_(
        or_(
            queries.open_deals(team.id),
            and_(Deal.team_id == team.id, Deal.closed_on > sprint.ends_on),
        ),
        Deal.started_on <= sprint.ends_on,
    )
    untouched = and_(
        open_in_sprint,
        Deal.id.not_in(
            select(Activity.deal_id).where(
                Activity.team_id == team.id,
                Activity.occurred_at >= lo,
                Activity.occurred_at < hi,
                Activity.deal_id.is_not(None),
            )
        ),
        Deal.id.not_in(select(DealEvent.deal_id).where(in_window)),
    )
    won_stages = select(Stage.id).where(Stage.team_id == team.id, Stage.kind == StageKind.WON)
    won = and_(
        Deal.team_id == team.id,
        Deal.closed_on >= sprint.starts_on,
        Deal.closed_on <= sprint.ends_on,
        Deal.stage_id.in_(won_stages),
    )
    return {
        "won": summary(won),
        "advanced": summary(advanced),
        "slipped": summary(slipped),
        "untouched": summary(untouched),
    }
