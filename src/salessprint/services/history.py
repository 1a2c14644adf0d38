"""History and undo: reading the change log, and reverting my own last change.

Every write records a `Change` (who, when, which entity, the row before and
after). `history()` lists them newest first, filtered by entity or member.
`undo()` reverts the acting member's newest change that is not yet undone,
but only when nobody changed that row since; the revert is itself a change
(action `undo`) so that the log tells the whole story and screens refresh.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, and_, delete, or_, select
from sqlalchemy.orm import Session, aliased

from salessprint.domain import clock
from salessprint.domain.enums import SprintState, StageKind, TaskStatus
from salessprint.domain.errors import Conflict, InvalidInput, NotFound
from salessprint.domain.permissions import Action
from salessprint.domain.values import Value
from salessprint.services.lookups import member_by_login
from salessprint.services.uow import UnitOfWork, snapshot, unit_of_work
from salessprint.store.db import Store
from salessprint.store.models import (
    Account,
    Activity,
    Change,
    Deal,
    DealCollaborator,
    DealEvent,
    Member,
    Note,
    RetroEntry,
    Sprint,
    SprintItem,
    Stage,
    Target,
    Task,
)
from salessprint.store.types import Money, UTCDateTime

# The entities a change can be undone on, and their tables.
UNDOABLE: dict[str, type] = {
    "deal": Deal,
    "task": Task,
    "activity": Activity,
    "note": Note,
    "retro_entry": RetroEntry,
    "target": Target,
    "sprint_item": SprintItem,
    "sprint": Sprint,
    "member": Member,
}
EDITABLE_ACTIONS = ("create", "update", "delete")
# Columns that are bookkeeping, not something a person changed.
QUIET_FIELDS = {"version", "stage_entered_at"}


class FieldChange(Value):
    field: str
    before: Any = None
    after: Any = None


class ChangeView(Value):
    """One line of the change log."""

    id: int
    at: datetime
    login: str | None
    name: str | None
    entity: str
    entity_id: int
    action: str
    summary: str
    fields: list[FieldChange]
    undone: bool
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class UndoResult(Value):
    change_id: int
    entity: str
    entity_id: int
    action: str
    message: str


def parse_entity(raw: str) -> tuple[str, int]:
    """'deal:12' -> ('deal', 12); the entity filter of `history`."""
    kind, sep, ident = raw.strip().partition(":")
    kind = kind.strip().lower().replace("-", "_")
    if not sep or not kind or not ident.strip().isdigit():
        raise InvalidInput(f"'{raw}' is not an entity like deal:12 or task:7.", field="entity")
    return kind, int(ident)


Names = dict[str, dict[int, str]]
"""For id columns (stage_id, owner_id, ...): id -> the name people know."""


def team_names(session: Session, team_id: int) -> Names:
    """Stage, member and account names of a team, to show ids as words."""
    stages = dict(session.execute(select(Stage.id, Stage.name).where(Stage.team_id == team_id)).all())
    people = dict(session.execute(select(Member.id, Member.login).where(Member.team_id == team_id)).all())
    accounts = dict(session.execute(select(Account.id, Account.name).where(Account.team_id == team_id)).all())
    return {
        "stage_id": stages,
        "owner_id": people,
        "assignee_id": people,
        "member_id": people,
        "author_id": people,
        "account_id": accounts,
    }


def describe(
    entity: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    names: Names | None = None,
) -> str:
    """A short sentence for a change: what it was about and what moved."""
    row = after or before or {}
    label = row.get("title") or row.get("name") or row.get("login") or row.get("text") or row.get("kind")
    what = entity.replace("_", " ")
    if entity == "deal_collaborator":
        return f"{'added' if action == 'create' else 'removed'} {row.get('member')} on deal #{row.get('deal_id')}"
    name = f"{what} '{_short(str(label))}'" if label else what
    if action == "undo" and after is None:
        return f"undo: removed {name}"
    if action == "undo" and before is None:
        return f"undo: brought back {name}"
    if action == "create":
        return f"created {name}"
    if action == "delete":
        return f"deleted {name}"
    fields = field_changes(before, after, names)
    verb = "undo: restored" if action == "undo" else "changed"
    if not fields:
        return f"{verb} {name}"
    return f"{verb} {name}: " + ", ".join(
        f"{f.field} {_short(_text(f.before))} → {_short(_text(f.after))}" for f in fields[:4]
    )


def field_changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None, names: Names | None = None
) -> list[FieldChange]:
    """The fields that differ; id columns become names (stage_id 3 -> stage Qualified)."""
    if before is None or after is None:
        return []
    keys = [k for k in after if k not in QUIET_FIELDS and before.get(k) != after.get(k)]
    keys += [k for k in before if k not in after and k not in QUIET_FIELDS]
    out = []
    for k in keys:
        old, new = before.get(k), after.get(k)
        if names and k in names:
            lookup = names[k]
            old, new = (
                lookup.get(old, old) if old is not None else None,
                lookup.get(new, new) if new is not None else None,
            )
            k = k.removesuffix("_id")
        out.append(FieldChange(field=k, before=old, after=new))
    return out


def _text(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def _short(value: str, width: int = 40) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"


def history(
    store: Store,
    login: str,
    *,
    entity: str | None = None,
    member: str | None = None,
    limit: int = 50,
    before_id: int | None = None,
) -> list[ChangeView]:
    """The team's changes, newest first; `entity` like 'deal:12', `member` a login."""
    if limit < 1:
        raise InvalidInput("limit: ask for at least one change", field="limit")
    with unit_of_work(store, login, read_only=True) as uow:
        uow.require(Action.READ_TEAM)
        team_id = uow.actor.team_id
        actor = aliased(Member)
        query = (
            select(Change, actor.login, actor.name)
            .outerjoin(actor, actor.id == Change.actor_id)
            .where(Change.team_id == team_id)
            .order_by(Change.id.desc())
            .limit(limit)
        )
        if entity:
            kind, ident = parse_entity(entity)
            if kind == "deal":
                # A deal's story includes its collaborators.
                query = query.where(Change.entity_id == ident, Change.entity.in_(["deal", "deal_collaborator"]))
            else:
                query = query.where(Change.entity == kind, Change.entity_id == ident)
        if member:
            query = query.where(Change.actor_id == member_by_login(uow.session, team_id, member).id)
        if before_id is not None:
            query = query.where(Change.id < before_id)
        names = team_names(uow.session, team_id)
        return [change_view(c, who, name, names) for c, who, name in uow.session.execute(query)]


def change_view(c: Change, login: str | None, name: str | None, names: Names | None = None) -> ChangeView:
    return ChangeView(
        id=c.id,
        at=c.at,
        login=login,
        name=name,
        entity=c.entity,
        entity_id=c.entity_id,
        action=c.action,
        summary=describe(c.entity, c.action, c.before, c.after, names),
        fields=field_changes(c.before, c.after, names),
        undone=c.undone,
        before=c.before,
        after=c.after,
    )


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
        if change.entity == "deal_collaborator":
            before, after = _undo_collaborator(uow, change)
        else:
            before, after = _undo_row(uow, change, what)
        change.undone = True
        uow.record(change.entity, change.entity_id, "undo", before, after)
        return UndoResult(
            change_id=change.id,
            entity=change.entity,
            entity_id=change.entity_id,
            action=change.action,
            message=f"Undone: you {describe(change.entity, change.action, change.before, change.after, team_names(uow.session, uow.actor.team_id))}.",
        )


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


def _undo_row(uow: UnitOfWork, change: Change, what: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
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
        restored = model(**_from_json(model, change.before))
        session.add(restored)
        session.flush()
        return None, snapshot(restored)
    if row is None:
        raise Conflict(f"Not undone: {what} no longer exists.")
    _require_unchanged(row, change.after, what)
    current = snapshot(row)
    if change.action == "create":
        _refuse_if_used(session, row, what)
        session.delete(row)
        session.flush()
        return current, None
    assert change.before is not None
    restored = {k: v for k, v in _from_json(model, change.before).items() if k not in ("id", "version")}
    if isinstance(row, Task) and restored.get("status") != row.status:
        # Through the task's own rule, so the activity a finished task logged
        # goes (or comes back) and its sprint card follows.
        from salessprint.services.tasks import set_task_status

        set_task_status(_Unlogged(session), row, TaskStatus(restored["status"]))  # type: ignore[arg-type]
    old_stage = row.stage if isinstance(row, Deal) else None
    for key, value in restored.items():
        setattr(row, key, value)
    if isinstance(row, Deal) and old_stage is not None and row.stage_id != old_stage.id:
        _deal_stage_restored(uow, row, old_stage)
    session.flush()
    return current, snapshot(row)


def _refuse_if_used(session: Session, row: Any, what: str) -> None:
    """Taking back a creation must not sweep away other work hanging off it."""
    checks: list[tuple[str, Any]] = []
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
    used = [label for label, col in checks if session.scalar(select(col).where(col == row.id).limit(1)) is not None]
    if used:
        raise Conflict(f"Not undone: {what} already has {' and '.join(used)}; remove those first or edit it by hand.")


class _Unlogged:
    """A stand-in unit of work for side effects whose change undo records itself."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, *args: Any, **kwargs: Any) -> None:
        return None


def _deal_stage_restored(uow: UnitOfWork, deal: Deal, old_stage: Stage) -> None:
    """A deal moved back to its earlier stage: log the move, sync its sprint card."""
    from salessprint.services.deals import _sync_sprint_item

    stage = uow.session.get(Stage, deal.stage_id)
    assert stage is not None
    deal.stage = stage
    uow.session.add(
        DealEvent(
            deal_id=deal.id,
            member_id=uow.actor.member_id,
            at=clock.now(),
            kind="stage",
            old=old_stage.name,
            new=stage.name,
        )
    )
    _sync_sprint_item(uow.session, deal.id, stage.kind == StageKind.WON.value)


def _state_changed(change: Change) -> bool:
    return (change.before or {}).get("state") != (change.after or {}).get("state") and (
        (change.after or {}).get("state") in (SprintState.ACTIVE.value, SprintState.CLOSED.value)
    )


def _require_unchanged(row: Any, after: dict[str, Any] | None, what: str) -> None:
    """The row must still hold what my change left (a write the log missed counts too)."""
    model = type(row)
    now = _from_json(model, snapshot(row))
    then = _from_json(model, after or {})
    differs = [k for k, v in then.items() if k not in QUIET_FIELDS and now.get(k) != v]
    if differs:
        raise Conflict(
            f"Not undone: {what} changed since your change ({', '.join(sorted(differs)[:4])} differ); "
            "look at 'salessprint history' and edit it by hand."
        )


def _from_json(model: type, data: dict[str, Any]) -> dict[str, Any]:
    """Turn a JSON snapshot back into column values of `model`."""
    out: dict[str, Any] = {}
    columns = {c.key: c for c in model.__mapper__.column_attrs}  # type: ignore[attr-defined]
    for key, value in data.items():
        prop = columns.get(key)
        if prop is None:
            continue
        out[key] = _column_value(prop.columns[0].type, value)
    return out


def _column_value(col_type: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(col_type, Money):
        return Decimal(str(value))
    if isinstance(col_type, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(col_type, Date):
        return date.fromisoformat(value)
    return value


def _undo_collaborator(uow: UnitOfWork, change: Change) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
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


class TimelineEntry(Value):
    """One event in a deal's story: an edit, a note or a logged activity."""

    at: datetime
    login: str | None
    name: str | None
    kind: str  # "change" | "note" | "activity"
    text: str


def deal_timeline(store: Store, login: str, deal_id: int, limit: int = 100) -> list[TimelineEntry]:
    """Who did what on a deal, newest first: edits, collaborators, notes, activities."""
    from salessprint.services.lookups import deal_by_id

    with unit_of_work(store, login, read_only=True) as uow:
        uow.require(Action.READ_TEAM)
        team_id = uow.actor.team_id
        deal = deal_by_id(uow.session, team_id, deal_id)
        who = aliased(Member)
        entries: list[TimelineEntry] = []
        names = team_names(uow.session, team_id)
        for c, lg, nm in uow.session.execute(
            select(Change, who.login, who.name)
            .outerjoin(who, who.id == Change.actor_id)
            .where(
                Change.team_id == team_id, Change.entity_id == deal.id, Change.entity.in_(["deal", "deal_collaborator"])
            )
            .order_by(Change.id.desc())
            .limit(limit)
        ):
            entries.append(
                TimelineEntry(
                    at=c.at,
                    login=lg,
                    name=nm,
                    kind="change",
                    text=describe(c.entity, c.action, c.before, c.after, names),
                )
            )
        for n, lg, nm in uow.session.execute(
            select(Note, who.login, who.name)
            .join(who, who.id == Note.author_id)
            .where(Note.deal_id == deal.id)
            .order_by(Note.id.desc())
            .limit(limit)
        ):
            entries.append(TimelineEntry(at=n.created_at, login=lg, name=nm, kind="note", text=n.text))
        for a, lg, nm in uow.session.execute(
            select(Activity, who.login, who.name)
            .join(who, who.id == Activity.member_id)
            .where(Activity.deal_id == deal.id)
            .order_by(Activity.occurred_at.desc())
            .limit(limit)
        ):
            detail = f": {a.outcome}" if a.outcome else ""
            entries.append(
                TimelineEntry(
                    at=a.occurred_at,
                    login=lg,
                    name=nm,
                    kind="activity",
                    text=f"logged {'an' if a.kind[:1] in 'aeiou' else 'a'} {a.kind}{detail}",
                )
            )
        entries.sort(key=lambda e: e.at, reverse=True)
        return entries[:limit]
