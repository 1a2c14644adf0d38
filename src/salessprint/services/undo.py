"""Undo: reverting my own last change, when nobody changed that row since.

`undo()` reverts the acting member's newest change that is not yet undone;
the revert is itself a change (action `undo`) so that the log tells the whole
story and screens refresh. A later change by anyone else to the same row, or
a row that no longer holds what my change left, refuses the undo.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from salessprint.domain.enums import SprintState, TaskStatus
from salessprint.domain.errors import Conflict, NotFound
from salessprint.domain.permissions import Action
from salessprint.domain.values import Value
from salessprint.services.archive import restore_archived
from salessprint.services.deals import log_stage_move
from salessprint.services.history import QUIET_FIELDS, ChangeView, change_view, describe, team_names
from salessprint.services.tasks import set_task_status
from salessprint.services.uow import UnitOfWork, snapshot, unit_of_work
from salessprint.store.codec import JSONRow, row_from_json
from salessprint.store.db import Store
from salessprint.store.models import (
    Activity,
    Base,
    Change,
    Deal,
    DealArchive,
    DealCollaborator,
    Member,
    Note,
    RetroEntry,
    Sprint,
    SprintItem,
    Stage,
    Target,
    Task,
    TimeOff,
)

# The entities a change can be undone on, and their tables.
UNDOABLE: dict[str, type[Base]] = {
    "deal": Deal,
    "task": Task,
    "activity": Activity,
    "note": Note,
    "retro_entry": RetroEntry,
    "target": Target,
    "sprint_item": SprintItem,
    "sprint": Sprint,
    "member": Member,
    "time_off": TimeOff,
}
EDITABLE_ACTIONS = ("create", "update", "delete")


class UndoResult(Value):
    change_id: int
    entity: str
    entity_id: int
    action: str
    message: str


def last_undoable(store: Store, login: str) -> ChangeView | None:
    """My newest change that undo would revert (None if I have none)."""
    with unit_of_work(store, login, read_only=True) as uow:
        change = _my_last_change(uow)
        if change is None:
            return None
        return change_view(change, uow.actor.login, uow.actor.name, team_names(uow.session, uow.actor.team_id))


def _my_last_change(uow: UnitOfWork) -> Change | None:
    return uow.session.scalar(
        select(Change)
        .where(
            Change.team_id == uow.actor.team_id,
            Change.actor_id == uow.actor.member_id,
            Change.action.in_(EDITABLE_ACTIONS),
            Change.undone.is_(False),
            Change.cause_id.is_(None),  # what followed from a change is undone with it
        )
        .order_by(Change.id.desc())
        .limit(1)
    )


def undo(store: Store, login: str) -> UndoResult:
    """Revert my newest change if nobody changed that row since."""
    with unit_of_work(store, login) as uow:
        uow.require(Action.UNDO)
        change = _my_last_change(uow)
        if change is None:
            raise NotFound("You have no change left to undo.")
        what = f"{change.entity.replace('_', ' ')} #{change.entity_id}"
        _refuse_if_changed_since(uow, change, what)
        archived = _archive_of(uow, change, what) if change.entity == "deal" and change.action == "delete" else None
        extra = ""
        if archived is not None:
            restored = restore_archived(uow, archived, "undo")  # logs each row it puts back
            extra = f" Back with it: {restored.summary}." + "".join(f" {line}" for line in restored.also)
        else:
            if change.entity == "deal_collaborator":
                before, after = _undo_collaborator(uow, change)
            else:
                before, after = _undo_row(uow, change, what)
            reverted = uow.record(change.entity, change.entity_id, "undo", before, after)
            extra = _undo_followers(uow, change, reverted)
        change.undone = True
        return UndoResult(
            change_id=change.id,
            entity=change.entity,
            entity_id=change.entity_id,
            action=change.action,
            message=f"Undone: you {describe(change.entity, change.action, change.before, change.after, team_names(uow.session, uow.actor.team_id))}.{extra}",
        )


def _archive_of(uow: UnitOfWork, change: Change, what: str) -> DealArchive | None:
    """The archive entry a deal's delete made (None: a delete from before
    the archive, which brought back only the deal row)."""
    entries = uow.session.scalars(
        select(DealArchive).where(DealArchive.team_id == uow.actor.team_id, DealArchive.deal_id == change.entity_id)
    )
    for entry in entries:
        if entry.rows.get("change_id") == change.id:
            return entry
    purged = uow.session.execute(
        select(Change.at, Member.login)
        .outerjoin(Member, Member.id == Change.actor_id)
        .where(
            Change.team_id == uow.actor.team_id,
            Change.entity == "deal",
            Change.entity_id == change.entity_id,
            Change.action == "purge",
            Change.id > change.id,
        )
        .limit(1)
    ).first()
    if purged is not None:
        raise Conflict(
            f"Not undone: {purged[1] or 'an admin'} purged {what} for good ({purged[0]:%Y-%m-%d %H:%M} UTC)."
        )
    return None


def _undo_followers(uow: UnitOfWork, change: Change, reverted: Change | None) -> str:
    """Take back what followed from `change` (a won deal's card marked
    done), newest first, each logged as following from the undo; a row
    someone changed since refuses the whole undo. Returns words for the user."""
    followers = uow.session.scalars(
        select(Change).where(Change.cause_id == change.id, Change.undone.is_(False)).order_by(Change.id.desc())
    ).all()
    taken_back = []
    for follower in followers:
        what = f"{follower.entity.replace('_', ' ')} #{follower.entity_id}"
        taken_back.append(what)
        _refuse_if_changed_since(uow, follower, what)
        before, after = _undo_row(uow, follower, what)
        uow.record(follower.entity, follower.entity_id, "undo", before, after, cause=reverted)
        follower.undone = True
    if not taken_back:
        return ""
    return f" With it, {', '.join(reversed(taken_back))} as before."


def _refuse_if_changed_since(uow: UnitOfWork, change: Change, what: str) -> None:
    """Anyone's later change to the row blocks undo; my own undone pairs do not."""
    mine_cancelled = and_(
        Change.actor_id == uow.actor.member_id,
        or_(Change.undone.is_(True), Change.action == "undo"),
    )
    later = uow.session.execute(
        select(Change, Member.login)
        .outerjoin(Member, Member.id == Change.actor_id)
        .where(
            Change.team_id == uow.actor.team_id,
            Change.entity == change.entity,
            Change.entity_id == change.entity_id,
            Change.id > change.id,
            ~mine_cancelled,
        )
        .order_by(Change.id.desc())
        .limit(1)
    ).first()
    if later is not None:
        newer, who = later
        raise Conflict(
            f"Not undone: {who or 'someone'} changed {what} after you "
            f"({newer.at:%Y-%m-%d %H:%M} UTC, "
            f"{describe(newer.entity, newer.action, newer.before, newer.after, team_names(uow.session, uow.actor.team_id))})."
        )


def _undo_row(uow: UnitOfWork, change: Change, what: str) -> tuple[JSONRow | None, JSONRow | None]:
    model = UNDOABLE.get(change.entity)
    if model is None:
        raise Conflict(f"A change to the {change.entity.replace('_', ' ')} cannot be undone here.")
    if change.entity == "sprint" and change.action == "update" and _state_changed(change):
        raise Conflict(
            "Starting or closing a sprint is not undone here: it moved many cards at once. "
            "Ask your manager to fix the sprint instead."
        )
    session = uow.session
    row = session.get(model, change.entity_id, populate_existing=True)
    if change.action == "delete":
        if row is not None:
            raise Conflict(f"Not undone: {what} exists again.")
        assert change.before is not None
        restored = model(**_decoded(model, change.before))
        session.add(restored)
        session.flush()
        return None, snapshot(restored)
    if row is None:
        raise Conflict(f"Not undone: {what} no longer exists.")
    _require_unchanged(row, change.after, what)
    current = snapshot(row)
    if change.action == "create":
        _refuse_if_used(session, row, change.entity_id, what)
        session.delete(row)
        session.flush()
        return current, None
    assert change.before is not None
    values = {k: v for k, v in _decoded(model, change.before).items() if k not in ("id", "version")}
    if isinstance(row, Task) and values.get("status") != row.status and not _has_followers(session, change):
        # A change logged before its side effects were (migration 0008):
        # through the task's own rule, so the activity a finished task logged
        # goes (or comes back) and its sprint card follows. A newer change
        # has them as followers, which `_undo_followers` puts back exactly.
        with uow.unlogged():
            set_task_status(uow, row, TaskStatus(values["status"]))
    old_stage = row.stage if isinstance(row, Deal) else None
    for key, value in values.items():
        setattr(row, key, value)
    if isinstance(row, Deal) and old_stage is not None and row.stage_id != old_stage.id:
        _deal_stage_restored(uow, row, old_stage)
    session.flush()
    return current, snapshot(row)


def _has_followers(session: Session, change: Change) -> bool:
    return session.scalar(select(Change.id).where(Change.cause_id == change.id).limit(1)) is not None


def _refuse_if_used(session: Session, row: Base, row_id: int, what: str) -> None:
    """Taking back a creation must not sweep away other work hanging off it."""
    checks: list[tuple[str, InstrumentedAttribute[Any]]] = []  # foreign keys, nullable or not
    if isinstance(row, Deal):
        checks = [
            ("notes", Note.deal_id),
            ("activities", Activity.deal_id),
            ("tasks", Task.deal_id),
            ("sprint cards", SprintItem.deal_id),
            ("collaborators", DealCollaborator.deal_id),
        ]
    elif isinstance(row, Task):
        checks = [("sprint cards", SprintItem.task_id), ("activities", Activity.task_id)]
    elif isinstance(row, Member):
        checks = [
            ("deals", Deal.owner_id),
            ("tasks", Task.assignee_id),
            ("activities", Activity.member_id),
            ("changes of their own", Change.actor_id),
            ("notes", Note.author_id),
        ]
    elif isinstance(row, Sprint):
        checks = [("cards", SprintItem.sprint_id), ("retro entries", RetroEntry.sprint_id)]
    used = [label for label, col in checks if session.scalar(select(col).where(col == row_id).limit(1)) is not None]
    if used:
        raise Conflict(f"Not undone: {what} already has {' and '.join(used)}; remove those first or edit it by hand.")


def _deal_stage_restored(uow: UnitOfWork, deal: Deal, old_stage: Stage) -> None:
    """A deal moved back to its earlier stage: log the move (its cards are
    the followers' business: `_undo_followers`)."""
    stage = uow.session.get(Stage, deal.stage_id)
    assert stage is not None
    deal.stage = stage
    log_stage_move(uow, deal, old_stage.name, stage)


def _state_changed(change: Change) -> bool:
    return (change.before or {}).get("state") != (change.after or {}).get("state") and (
        (change.after or {}).get("state") in (SprintState.ACTIVE, SprintState.CLOSED)
    )


def _require_unchanged(row: Base, after: JSONRow | None, what: str) -> None:
    """The row must still hold what my change left (a write the log missed counts too)."""
    model = type(row)
    now = _decoded(model, snapshot(row))
    then = _decoded(model, after or {})
    differs = [k for k, v in then.items() if k not in QUIET_FIELDS and now.get(k) != v]
    if differs:
        raise Conflict(
            f"Not undone: {what} changed since your change ({', '.join(sorted(differs)[:4])} differ); "
            "look at 'salessprint history' and edit it by hand."
        )


def _undo_collaborator(uow: UnitOfWork, change: Change) -> tuple[JSONRow | None, JSONRow | None]:
    session: Session = uow.session
    data = change.after if change.action == "create" else change.before
    assert data is not None
    member = session.scalar(select(Member).where(Member.team_id == uow.actor.team_id, Member.login == data["member"]))
    if member is None:
        raise Conflict(f"Not undone: member {data['member']} is gone.")
    if change.action == "create":
        session.execute(
            delete(DealCollaborator).where(
                DealCollaborator.deal_id == change.entity_id, DealCollaborator.member_id == member.id
            )
        )
        return dict(data), None
    session.add(DealCollaborator(deal_id=change.entity_id, member_id=member.id))
    session.flush()
    return None, dict(data)


def _decoded(model: type[Base], data: JSONRow) -> dict[str, Any]:
    """A logged row back as column values; a log entry that no longer fits refuses the undo."""
    try:
        return row_from_json(model, data)
    except ValueError as exc:
        raise Conflict(f"Not undone: the change log's copy of the row does not fit it any more ({exc}).") from None
