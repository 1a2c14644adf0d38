"""History: reading the change log.

Every write records a `Change` (who, when, which entity, the row before and
after). `history()` lists them newest first, filtered by entity or member;
`describe()` and `field_changes()` put a change into words, and
`deal_timeline()` tells one deal's story. Undo lives in `services.undo`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from salessprint.domain.clock import team_time
from salessprint.domain.errors import InvalidInput
from salessprint.domain.inputs import check_id
from salessprint.domain.permissions import Action
from salessprint.domain.values import Value
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store.db import Store
from salessprint.store.lookups import member_by_login
from salessprint.store.models import Account, Activity, Change, Deal, Member, Note, Stage, Team

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
    cause_id: int | None = None
    """The change this one followed from (a task's card moved with it), if any."""
    timezone: str = "UTC"
    """The team's time zone, to show `at` as the team reads its clock."""


def parse_entity(raw: str) -> tuple[str, int]:
    """'deal:12' -> ('deal', 12); the entity filter of `history`."""
    kind, sep, ident = raw.strip().partition(":")
    kind = kind.strip().lower().replace("-", "_")
    ident = ident.strip()
    if not sep or not kind or not (ident.isascii() and ident.isdigit()):
        raise InvalidInput(f"'{raw}' is not an entity like deal:12 or task:7.", field="entity")
    return kind, check_id(int(ident), kind.replace("_", " "))


class Names(dict[str, dict[int, str]]):
    """For id columns (stage_id, owner_id, ...): id -> the name people know;
    `timezone` is the team's, for the times a change moved (done_at ...)."""

    timezone: str = "UTC"


def team_names(session: Session, team_id: int) -> Names:
    """Stage, member and account names of a team, to show ids as words."""
    stages = dict(session.execute(select(Stage.id, Stage.name).where(Stage.team_id == team_id)).all())
    people = dict(session.execute(select(Member.id, Member.login).where(Member.team_id == team_id)).all())
    accounts = dict(session.execute(select(Account.id, Account.name).where(Account.team_id == team_id)).all())
    names = Names(
        stage_id=stages,
        owner_id=people,
        assignee_id=people,
        member_id=people,
        author_id=people,
        account_id=accounts,
    )
    names.timezone = session.execute(select(Team.timezone).where(Team.id == team_id)).scalar_one_or_none() or "UTC"
    return names


def _moment(value: Any, timezone: str) -> Any:
    """A stored ISO time ('2026-12-01T14:05:00+00:00') as people read it, on
    the team's clock ('2026-12-01 15:05 CET'); anything else as it is."""
    if not isinstance(value, str) or "T" not in value:
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{team_time(moment, timezone):%Y-%m-%d %H:%M %Z}"


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
        verb = "archived" if action == "archive" else "added" if action == "create" or before is None else "removed"
        return f"{verb} {row.get('member')} on deal #{row.get('deal_id')}"
    name = f"{what} '{_short(str(label))}'" if label else what
    if action == "undo" and after is None:
        return f"undo: removed {name}"
    if action == "undo" and before is None:
        return f"undo: brought back {name}"
    if action == "create":
        return f"created {name}"
    if action == "delete":
        return f"deleted {name}" + (" (archived)" if entity == "deal" else "")
    if action == "archive":
        return f"archived {name} with its deal"
    if action == "restore":
        return f"restored {name} from the archive"
    if action == "purge":
        return f"purged {name} for good"
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
        elif k.endswith("_at"):
            zone = names.timezone if isinstance(names, Names) else "UTC"
            old, new = _moment(old, zone), _moment(new, zone)
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
        cause_id=c.cause_id,
        timezone=names.timezone if isinstance(names, Names) else "UTC",
    )


class TimelineEntry(Value):
    """One event in a deal's story: an edit, a note or a logged activity."""

    at: datetime
    login: str | None
    name: str | None
    kind: str  # "change" | "note" | "activity"
    text: str


def deal_timeline(store: Store, login: str, deal_id: int, limit: int = 100) -> list[TimelineEntry]:
    """Who did what on a deal, newest first: edits, collaborators, notes, activities."""
    from salessprint.store.lookups import deal_by_id

    with unit_of_work(store, login, read_only=True) as uow:
        uow.require(Action.READ_TEAM)
        return timeline_of(uow, deal_by_id(uow.session, uow.actor.team_id, deal_id), limit)


def timeline_of(uow: UnitOfWork, deal: Deal, limit: int = 100) -> list[TimelineEntry]:
    """`deal_timeline` inside a unit of work that has the deal already (the deal room)."""
    team_id = uow.actor.team_id
    who = aliased(Member)
    entries: list[TimelineEntry] = []
    names = team_names(uow.session, team_id)
    for c, lg, nm in uow.session.execute(
        select(Change, who.login, who.name)
        .outerjoin(who, who.id == Change.actor_id)
        .where(Change.team_id == team_id, Change.entity_id == deal.id, Change.entity.in_(["deal", "deal_collaborator"]))
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
