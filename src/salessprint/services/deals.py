"""Deals: add, list, show, edit, move between stages, collaborators."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Row, Select, func, or_, select
from sqlalchemy.orm import Session

from salessprint.domain import clock
from salessprint.domain.enums import StageKind, TaskStatus
from salessprint.domain.errors import Conflict, InvalidInput, NotFound
from salessprint.domain.forecast_categories import effective_category, parse_category, push_flag
from salessprint.domain.inputs import DealIn, DealPatch, validate
from salessprint.domain.permissions import Action
from salessprint.domain.values import DealView
from salessprint.services.archive import ArchivedDeal, archive_deal
from salessprint.services.deals_core import (
    WON_CARD_TOLD,
    stage_event_values,
    stage_move_values,
    stage_named,
    won_card_values,
)
from salessprint.services.tasks_core import OPEN_SPRINTS
from salessprint.services.uow import UnitOfWork, retrying, snapshot, unit_of_work
from salessprint.services.views import deal_view
from salessprint.store.db import Store
from salessprint.store.lookups import (
    account_named,
    deal_by_id,
    first_stage,
    member_by_login,
    stage_by_name,
)
from salessprint.store.models import (
    Account,
    Change,
    Deal,
    DealCollaborator,
    DealEvent,
    Member,
    Sprint,
    SprintItem,
    Stage,
    Task,
)


def collaborators_of(session: Session, deal_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Member.login)
            .join(DealCollaborator, DealCollaborator.member_id == Member.id)
            .where(DealCollaborator.deal_id == deal_id)
            .order_by(Member.login)
        )
    )


def full_view(uow: UnitOfWork, deal: Deal) -> DealView:
    """The deal with its collaborators and close-date pushes."""
    pushes = close_pushes_of(uow.session, uow.actor.team_id, [deal.id]).get(deal.id, 0)
    return deal_view(deal, collaborators_of(uow.session, deal.id), pushes)


def push_changes() -> Select[int]:
    """The audit log's deal changes that moved a set expected close later.

    Every write of a deal (the services, imports, undo) is in the change log
    with the whole row before and after, so it is the complete history of
    close dates. A change later undone does not count, nor does the undo
    itself: an undone push never happened as far as the forecast goes."""
    before = Change.before["expected_close"].as_string()
    after = Change.after["expected_close"].as_string()
    return select(Change.entity_id).where(
        Change.entity == "deal",
        Change.action == "update",
        Change.undone.is_(False),
        before.is_not(None),
        after.is_not(None),
        after > before,  # ISO dates sort as text
    )


def close_pushes_of(session: Session, team_id: int, deal_ids: list[int]) -> dict[int, int]:
    """How many times each deal's expected close was moved later (deals never pushed are left out)."""
    if not deal_ids:
        return {}
    inner = push_changes().where(Change.team_id == team_id, Change.entity_id.in_(deal_ids)).subquery()
    rows = session.execute(select(inner.c.entity_id, func.count()).group_by(inner.c.entity_id))
    return {int(deal_id): int(n) for deal_id, n in rows}


def owns_deal(uow: UnitOfWork, deal: Deal) -> bool:
    if deal.owner_id == uow.actor.member_id:
        return True
    return bool(
        uow.session.scalar(
            select(DealCollaborator.deal_id).where(
                DealCollaborator.deal_id == deal.id,
                DealCollaborator.member_id == uow.actor.member_id,
            )
        )
    )


def next_rank(session: Session, model: type[Deal] | type[Task], team_id: int) -> float:
    top = session.scalar(select(func.max(model.backlog_rank)).where(model.team_id == team_id))
    return float(top or 0) + 1.0


@retrying
def add_deal(store: Store, login: str, **fields: object) -> DealView:
    data = validate(DealIn, **fields)
    with unit_of_work(store, login) as uow:
        team_id = uow.actor.team_id
        owner = member_by_login(uow.session, team_id, data.owner) if data.owner else None
        owner_id = owner.id if owner else uow.actor.member_id
        uow.require(Action.CREATE_DEAL, owns=owner_id == uow.actor.member_id)
        stage = stage_by_name(uow.session, team_id, data.stage) if data.stage else first_stage(uow.session, team_id)
        now = clock.now()
        today = clock.team_today(uow.team().timezone)
        deal = Deal(
            team_id=team_id,
            account_id=account_named(uow.session, team_id, data.account, owner_id).id,
            title=data.title,
            value=data.value,
            stage_id=stage.id,
            expected_close=data.expected_close,
            owner_id=owner_id,
            next_step=data.next_step,
            points=data.points,
            started_on=today,
            stage_entered_at=now,
            closed_on=today if stage.kind != StageKind.OPEN else None,
            backlog_rank=next_rank(uow.session, Deal, team_id),
        )
        uow.add("deal", deal)
        uow.session.refresh(deal)
        return deal_view(deal)


def list_deals(
    store: Store,
    login: str,
    *,
    mine: bool = False,
    text: str | None = None,
    open_only: bool = False,
    stage: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[DealView]:
    """Deals in backlog order; `text` matches title, account, owner or stage."""
    with unit_of_work(store, login, read_only=True) as uow:
        # The list's columns only, no ORM objects: a page of 50 deals with
        # their account, stage and owner cost ~7 ms of object loading and
        # validation for 0.4 ms of SQL (issue 7).
        query = (
            deal_query(uow, mine=mine, text=text, open_only=open_only, stage=stage)
            .with_only_columns(*_LIST_COLUMNS, maintain_column_froms=False)
            .select_from(Deal)
            .join(Account, Account.id == Deal.account_id)
            .join(Stage, Stage.id == Deal.stage_id)
            .join(Member, Member.id == Deal.owner_id)
            .order_by(Deal.backlog_rank, Deal.id)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        rows = uow.session.execute(query).all()
        collab = _collaborators_for(uow.session, [r.id for r in rows])
        pushes = close_pushes_of(uow.session, uow.actor.team_id, [r.id for r in rows])
        return [_listed_deal(r, collab.get(r.id, []), pushes.get(r.id, 0)) for r in rows]


_LIST_COLUMNS = (
    Deal.id,
    Deal.title,
    Account.name.label("account"),
    Deal.value,
    Stage.name.label("stage"),
    Stage.kind.label("stage_kind"),
    func.coalesce(Deal.probability, Stage.probability).label("probability"),
    Deal.expected_close,
    Member.login.label("owner"),
    Member.name.label("owner_name"),
    Deal.next_step,
    Deal.points,
    Deal.started_on,
    Deal.stage_entered_at,
    Deal.closed_on,
    Deal.lost_reason,
    Deal.backlog_rank,
    Deal.version,
    Deal.forecast_category.label("category_set"),
    Stage.probability.label("stage_probability"),
)


def _listed_deal(row: Row[*tuple[object, ...]], collaborators: list[str], pushes: int) -> DealView:
    """A DealView from a row of the store's own typed columns (what deal_view
    gives for the same deal, without validating trusted values again)."""
    fields = row._asdict()
    chosen, stage_probability = fields.pop("category_set"), fields.pop("stage_probability")
    category = effective_category(str(fields["stage_kind"]), int(str(stage_probability)), chosen)
    return DealView.model_construct(
        **fields,
        collaborators=collaborators,
        forecast_category=category.value,
        forecast_category_set=chosen is not None,
        close_pushes=pushes,
        pushed_flag=push_flag(pushes),
    )


def deal_query(uow: UnitOfWork, *, mine: bool, text: str | None, open_only: bool, stage: str | None) -> Select[Deal]:
    query = select(Deal).where(Deal.team_id == uow.actor.team_id)
    if mine:
        query = query.where(Deal.owner_id == uow.actor.member_id)
    if open_only:
        # closed_on IS NULL (open deals have no close date) lets the page
        # walk ix_deals_open_rank; the stage's kind stays the definition.
        query = query.where(Deal.closed_on.is_(None), Deal.stage.has(Stage.kind == StageKind.OPEN))
    if stage:
        query = query.where(Deal.stage_id == stage_by_name(uow.session, uow.actor.team_id, stage).id)
    if text and text.strip():
        like = f"%{text.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Deal.title).like(like),
                Deal.account.has(func.lower(Account.name).like(like)),
                Deal.owner.has(or_(func.lower(Member.login).like(like), func.lower(Member.name).like(like))),
                Deal.stage.has(func.lower(Stage.name).like(like)),
            )
        )
    return query


def _collaborators_for(session: Session, deal_ids: list[int]) -> dict[int, list[str]]:
    if not deal_ids:
        return {}
    out: dict[int, list[str]] = {}
    rows = session.execute(
        select(DealCollaborator.deal_id, Member.login)
        .join(Member, Member.id == DealCollaborator.member_id)
        .where(DealCollaborator.deal_id.in_(deal_ids))
        .order_by(Member.login)
    )
    for deal_id, member_login in rows:
        out.setdefault(deal_id, []).append(member_login)
    return out


def get_deal(store: Store, login: str, deal_id: int) -> DealView:
    with unit_of_work(store, login, read_only=True) as uow:
        deal = deal_by_id(uow.session, uow.actor.team_id, deal_id)
        return full_view(uow, deal)


@retrying
def move_deal(
    store: Store,
    login: str,
    deal_id: int,
    stage_name: str,
    *,
    lost_reason: str | None = None,
    expected_version: int | None = None,
) -> DealView:
    """Move a deal to another stage; Won/Lost close it (Lost wants a reason)."""
    with unit_of_work(store, login) as uow:
        team_id = uow.actor.team_id
        deal = deal_by_id(uow.session, team_id, deal_id)
        uow.require(Action.EDIT_DEAL, owns=owns_deal(uow, deal))
        uow.check_version(deal, expected_version, "deal")
        stage: Stage = stage_named(uow.session.scalars(select(Stage).where(Stage.team_id == team_id)).all(), stage_name)
        if stage.id == deal.stage_id:
            return full_view(uow, deal)
        before = snapshot(deal)
        today = clock.team_today(uow.team().timezone)
        old_stage = deal.stage.name
        for key, value in stage_move_values(stage, lost_reason, today).items():
            setattr(deal, key, value)
        deal.stage = stage
        log_stage_move(uow, deal, old_stage, stage)
        uow.session.flush()
        change = uow.record("deal", deal.id, "update", before, snapshot(deal))
        also = _won_cards_done(uow, deal.id, today, change) if stage.kind == StageKind.WON else []
        return full_view(uow, deal).model_copy(update={"also": also})


def log_stage_move(uow: UnitOfWork, deal: Deal, old_stage: str, stage: Stage) -> None:
    """A deal moved from `old_stage` to `stage`: log the move in its stage history."""
    uow.session.add(DealEvent(**stage_event_values(deal.id, uow.actor.member_id, old_stage, stage.name)))


def _won_cards_done(uow: UnitOfWork, deal_id: int, today: date, cause: Change | None) -> list[str]:
    """A won deal's cards in the planned or active sprint are done (on the
    team's `today`); each card changed is logged as following from the win
    (undo of the win takes it back) and named in what the user is told.

    No other stage change touches a card: reopening a won deal, or losing
    one, leaves its card where it is (it used to put a done card back to
    "doing", unlogged). Moving the card is the card's own write. The rules
    are `services/deals_core.py`'s (the command line's Core path)."""
    rows = uow.session.execute(
        select(SprintItem, Sprint.number)
        .join(Sprint, Sprint.id == SprintItem.sprint_id)
        .where(
            SprintItem.deal_id == deal_id,
            SprintItem.removed_at.is_(None),
            SprintItem.status != TaskStatus.DONE,
            Sprint.state.in_(OPEN_SPRINTS),
        )
        .order_by(SprintItem.id)
    ).all()
    told = []
    for item, number in rows:
        before = snapshot(item)
        for key, value in won_card_values(today).items():
            setattr(item, key, value)
        uow.session.flush()
        uow.record("sprint_item", item.id, "update", before, snapshot(item), cause=cause)
        told.append(WON_CARD_TOLD.format(number=number))
    return told


@retrying
def update_deal(
    store: Store, login: str, deal_id: int, expected_version: int | None = None, **fields: object
) -> DealView:
    category_given = "forecast_category" in fields
    raw_category = fields.pop("forecast_category", None)
    category = parse_category(raw_category) if isinstance(raw_category, str) else raw_category
    patch = validate(DealPatch, **fields)
    with unit_of_work(store, login) as uow:
        team_id = uow.actor.team_id
        deal = deal_by_id(uow.session, team_id, deal_id)
        uow.require(Action.EDIT_DEAL, owns=owns_deal(uow, deal))
        uow.check_version(deal, expected_version, "deal")
        before = snapshot(deal)
        if category_given:
            _set_category(uow, deal, category)
        changes = patch.model_dump(exclude_unset=True)
        if changes.get("owner"):
            new_owner = member_by_login(uow.session, team_id, changes.pop("owner"))
            if new_owner.id != deal.owner_id:
                uow.require(Action.REASSIGN)
                deal.owner_id = new_owner.id
                deal.owner = new_owner
        changes.pop("owner", None)
        if changes.get("account"):
            account = account_named(uow.session, team_id, changes.pop("account"), deal.owner_id)
            deal.account_id = account.id
            deal.account = account
        changes.pop("account", None)
        if "expected_close" in changes and changes["expected_close"] != deal.expected_close:
            old: date | None = deal.expected_close
            new: date | None = changes["expected_close"]
            uow.session.add(
                DealEvent(
                    deal_id=deal.id,
                    member_id=uow.actor.member_id,
                    at=clock.now(),
                    kind="expected_close",
                    old=old.isoformat() if old else None,
                    new=new.isoformat() if new else None,
                )
            )
        if "title" in changes and changes["title"] is None:
            raise InvalidInput("title: a deal needs a title", field="title")
        if "value" in changes and changes["value"] is None:
            raise InvalidInput("value: a deal needs a value", field="value")
        for key, value in changes.items():
            setattr(deal, key, value)
        uow.session.flush()
        uow.record("deal", deal.id, "update", before, snapshot(deal))
        return full_view(uow, deal)


def _set_category(uow: UnitOfWork, deal: Deal, category: object) -> None:
    """The owner's (or a manager's) forecast category for an open deal; None follows the stage."""
    uow.require(Action.SET_FORECAST_CATEGORY, owns=deal.owner_id == uow.actor.member_id)
    if category is not None and deal.stage.kind != StageKind.OPEN:
        shown = "closed" if deal.stage.kind == StageKind.WON else "omitted"
        raise Conflict(f"Deal #{deal.id} is {deal.stage.kind}: its forecast category is {shown}.")
    deal.forecast_category = category  # type: ignore[assignment]


@retrying
def add_collaborator(store: Store, login: str, deal_id: int, member: str) -> DealView:
    with unit_of_work(store, login) as uow:
        deal = deal_by_id(uow.session, uow.actor.team_id, deal_id)
        uow.require(Action.EDIT_DEAL, owns=owns_deal(uow, deal))
        who = member_by_login(uow.session, uow.actor.team_id, member)
        if who.id != deal.owner_id and who.login not in collaborators_of(uow.session, deal.id):
            uow.session.add(DealCollaborator(deal_id=deal.id, member_id=who.id))
            uow.session.flush()
            uow.record("deal_collaborator", deal.id, "create", None, {"deal_id": deal.id, "member": who.login})
        return full_view(uow, deal)


@retrying
def remove_collaborator(store: Store, login: str, deal_id: int, member: str) -> DealView:
    with unit_of_work(store, login) as uow:
        deal = deal_by_id(uow.session, uow.actor.team_id, deal_id)
        uow.require(Action.EDIT_DEAL, owns=owns_deal(uow, deal))
        who = member_by_login(uow.session, uow.actor.team_id, member)
        row = uow.session.get(DealCollaborator, (deal.id, who.id))
        if row is None:
            raise NotFound(f"{who.name} is not a collaborator on deal #{deal.id}.")
        uow.session.delete(row)
        uow.session.flush()
        uow.record("deal_collaborator", deal.id, "delete", {"deal_id": deal.id, "member": who.login}, None)
        return full_view(uow, deal)


@retrying
def delete_deal(store: Store, login: str, deal_id: int, expected_version: int | None = None) -> ArchivedDeal:
    """Archive the deal with its notes, collaborators, cards and links
    (services/archive.py); undo or `deal restore` brings all of it back."""
    with unit_of_work(store, login) as uow:
        # Locked (its row alone, not through the eager joins: see
        # UnitOfWork._lock_fresh): a note added meanwhile would go with the
        # deal unlogged; now it waits, then hears the deal is gone.
        uow.session.execute(select(Deal.id).where(Deal.id == deal_id).with_for_update())
        deal = deal_by_id(uow.session, uow.actor.team_id, deal_id)
        uow.require(Action.EDIT_DEAL, owns=owns_deal(uow, deal))
        uow.check_version(deal, expected_version, "deal")
        return archive_deal(uow, deal)
