"""Deleting a deal archives it: undo or `deal restore` brings all of it back; an admin may purge it.

What refers to a deal is read from the schema (every foreign key to
`deals.id`), so a table added later is archived with its deal without an
edit here:

- rows that belong to the deal (ON DELETE CASCADE: notes, collaborators,
  stage history, sprint cards) move into the archive whole, and come back
  with their ids;
- rows that only point at it (ON DELETE SET NULL: tasks, activities) stay
  where they are and lose the link; the archive keeps their ids, and
  restoring links them again.

The archive row (`DealArchive`) holds the cells as the backup writes them
(`store/codec.column_to_json`), so a restore puts back exactly what was
there: ids, links, backlog order, versions. Every row the delete changes is
in the change log: the deal's `delete`, then one `archive` (a moved row) or
`update` (a task or activity unlinked) per row, each following from the
deal's change (`cause_id`), so undo takes back the whole. A restore logs
the same way (`undo` or `restore`), and a purge logs one `purge` naming
what went, never the notes' text.

A deal's number comes back with it when it is free. PostgreSQL never hands
out a number twice; SQLite reuses the highest number when that row is gone,
so a deal added after the newest deal was archived may hold its number:
the archived deal then comes back under a new number, and says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Table, delete, func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from salessprint.domain import clock
from salessprint.domain.enums import SprintState
from salessprint.domain.errors import Conflict, NotFound
from salessprint.domain.permissions import Action
from salessprint.domain.values import Value
from salessprint.services.uow import UnitOfWork, snapshot, unit_of_work
from salessprint.store.codec import JSONRow, JSONValue, column_from_json, column_to_json
from salessprint.store.db import Store
from salessprint.store.lookups import deal_by_id
from salessprint.store.models import Account, Base, Change, Deal, DealArchive, Member, Sprint, Stage

ENTITIES = {
    "deals": "deal",
    "notes": "note",
    "deal_collaborators": "deal_collaborator",
    "deal_events": "deal_event",
    "sprint_items": "sprint_item",
    "tasks": "task",
    "activities": "activity",
}
"""Table -> the entity name the change log uses."""

LABELS = {
    "notes": ("note", "notes"),
    "deal_collaborators": ("collaborator", "collaborators"),
    "tasks": ("task", "tasks"),
    "sprint_items": ("sprint card", "sprint cards"),
    "activities": ("activity", "activities"),
    "deal_events": ("stage change", "stage changes"),
}
"""What a person calls the rows of each table, one and many."""


class ArchivedDeal(Value):
    """A deal in the archive (or about to be): what went with it."""

    deal_id: int
    """The deal's number when it was deleted."""
    title: str
    owner: str | None
    archived_at: datetime | None
    """None for a preview of a delete not yet done."""
    archived_by: str | None
    rows: dict[str, int]
    """Table -> rows archived with the deal or unlinked from it."""
    summary: str
    """The rows in words: "2 notes, 1 collaborator, 1 task"."""


class RestoredDeal(Value):
    """What a restore (undo or `deal restore`) put back."""

    deal_id: int
    """The deal's number now (its old one unless SQLite had reused it)."""
    old_id: int
    title: str
    rows: dict[str, int]
    summary: str
    also: list[str]
    """What could not come back as it was (a task deleted since), or a new number."""


def references() -> list[tuple[Table, Column[Any], bool]]:
    """Every column that refers to a deal: (table, column, moved). A row of
    a `moved` table cannot outlive its deal (ON DELETE CASCADE, or no rule
    at all); the others only lose the link (ON DELETE SET NULL)."""
    deal_id = Base.metadata.tables["deals"].c.id
    out = []
    for table in Base.metadata.sorted_tables:
        if table.name == "deals":
            continue
        for fk in sorted(table.foreign_keys, key=lambda k: k.parent.name):
            if fk.column is deal_id:
                out.append((table, fk.parent, fk.ondelete != "SET NULL"))
    return out


def summary(rows: dict[str, int]) -> str:
    parts = []
    ordered = [n for n in LABELS if n in rows] + [n for n in rows if n not in LABELS]
    for name in ordered:
        count = rows[name]
        if count:
            one, many = LABELS.get(name, (name, name))
            parts.append(f"{count} {one if count == 1 else many}")
    return ", ".join(parts) or "nothing else"


def _cells(table: Table, row: Any) -> JSONRow:
    return {c.name: column_to_json(c, getattr(row, c.name)) for c in table.columns}


def _values(table: Table, cells: dict[str, Any]) -> dict[str, Any]:
    try:
        return {c.name: column_from_json(c, cells.get(c.name)) for c in table.columns if c.name in cells}
    except ValueError as exc:
        raise Conflict(
            f"Not restored: the archive's copy of a row does not fit {table.name} any more ({exc})."
        ) from None


def _entity(table: Table) -> str:
    return ENTITIES.get(table.name, table.name)


def _entity_id(table: Table, cells: JSONRow, deal_id: int) -> int:
    ident = cells.get("id")
    return ident if isinstance(ident, int) else deal_id


def _logged(table: Table, cells: JSONRow, session: Session) -> JSONRow:
    """A row as the change log shows it (a collaborator names the member)."""
    if table.name == "deal_collaborators":
        login = session.scalar(select(Member.login).where(Member.id == cells.get("member_id")))
        return {**cells, "member": login}
    return cells


def _counts(session: Session, deal_id: int) -> dict[str, int]:
    rows: dict[str, int] = {}
    for table, column, _moved in references():
        found = session.scalar(select(func.count()).select_from(table).where(column == deal_id))
        rows[table.name] = rows.get(table.name, 0) + int(found or 0)
    return rows


def preview_delete(store: Store, login: str, deal_id: int) -> ArchivedDeal:
    """What deleting the deal would archive (for the confirmation)."""
    with unit_of_work(store, login, read_only=True) as uow:
        deal = deal_by_id(uow.session, uow.actor.team_id, deal_id)
        rows = _counts(uow.session, deal.id)
        return ArchivedDeal(
            deal_id=deal.id,
            title=deal.title,
            owner=deal.owner.login,
            archived_at=None,
            archived_by=None,
            rows=rows,
            summary=summary(rows),
        )


def archive_deal(uow: UnitOfWork, deal: Deal) -> ArchivedDeal:
    """Move the deal and every row that refers to it into the archive, in
    `uow`, logging each row; the deal should be locked (nobody may add a
    note to it meanwhile, which the delete would take with it unlogged)."""
    session = uow.session
    deal_id = deal.id
    change = uow.record("deal", deal_id, "delete", snapshot(deal), None)
    session.flush()
    moved: dict[str, list[JSONValue]] = {}
    linked: dict[str, dict[str, JSONValue]] = {}
    rows: dict[str, int] = {}
    for table, column, is_moved in references():
        order = list(table.primary_key.columns)
        found = session.execute(select(table).where(column == deal_id).order_by(*order)).all()
        rows[table.name] = rows.get(table.name, 0) + len(found)
        if not found:
            continue
        if table.name == "sprint_items":
            # A card on the board (planned or active sprint) goes with its
            # deal; a closed sprint's card stays, as that sprint's snapshot
            # (unlinked, keeping the deal's title), and is linked again on restore.
            open_sprints = set(
                session.scalars(select(Sprint.id).where(Sprint.state.in_([SprintState.PLANNED, SprintState.ACTIVE])))
            )
            _move(uow, table, [r for r in found if r.sprint_id in open_sprints], deal_id, change, moved)
            _unlink(uow, table, column, [r for r in found if r.sprint_id not in open_sprints], deal, change, linked)
        elif is_moved:
            _move(uow, table, list(found), deal_id, change, moved)
        else:
            _unlink(uow, table, column, list(found), deal, change, linked)
    deals = Base.metadata.tables["deals"]
    archived = DealArchive(
        team_id=deal.team_id,
        deal_id=deal_id,
        title=deal.title,
        owner_id=deal.owner_id,
        archived_by=uow.actor.member_id,
        archived_at=clock.now(),
        rows={
            "change_id": change.id if change is not None else None,
            "deal": _cells(deals, deal),
            "moved": moved,
            "linked": linked,
        },
    )
    owner = deal.owner.login
    session.delete(deal)
    session.add(archived)
    session.flush()
    return ArchivedDeal(
        deal_id=deal_id,
        title=archived.title,
        owner=owner,
        archived_at=archived.archived_at,
        archived_by=uow.actor.login,
        rows=rows,
        summary=summary(rows),
    )


def _by_key(table: Table, found: list[Any]) -> Any:
    key = list(table.primary_key.columns)
    if len(key) == 1:
        return key[0].in_([getattr(r, key[0].name) for r in found])
    return tuple_(*key).in_([tuple(getattr(r, c.name) for c in key) for r in found])


def _move(
    uow: UnitOfWork,
    table: Table,
    found: list[Any],
    deal_id: int,
    change: Change | None,
    moved: dict[str, list[JSONValue]],
) -> None:
    """Rows that cannot outlive their deal: into the archive whole, logged."""
    if not found:
        return
    kept = moved.setdefault(table.name, [])
    for row in found:
        cells = _cells(table, row)
        kept.append(cells)
        uow.record(
            _entity(table),
            _entity_id(table, cells, deal_id),
            "archive",
            _logged(table, cells, uow.session),
            None,
            cause=change,
        )
    uow.session.execute(delete(table).where(_by_key(table, found)))


def _unlink(
    uow: UnitOfWork,
    table: Table,
    column: Column[Any],
    found: list[Any],
    deal: Deal,
    change: Change | None,
    linked: dict[str, dict[str, JSONValue]],
) -> None:
    """Rows that only point at the deal: they stay and lose the link (logged);
    the archive keeps their ids to link them again."""
    if not found:
        return
    ids = linked.setdefault(table.name, {}).setdefault(column.name, [])
    assert isinstance(ids, list)
    values: dict[str, Any] = {column.name: None}
    if "version" in table.c:
        values["version"] = table.c.version + 1
    if "title" in table.c and table.name == "sprint_items":
        values["title"] = func.coalesce(table.c.title, deal.title[:300])
    for row in found:
        cells = _cells(table, row)
        after = {**cells, column.name: None}
        if "version" in table.c:
            after["version"] = int(row.version) + 1
        if "title" in values and cells.get("title") is None:
            after["title"] = deal.title[:300]
        ids.append(cells["id"])
        uow.record(_entity(table), _entity_id(table, cells, deal.id), "update", cells, after, cause=change)
    uow.session.execute(update(table).where(_by_key(table, found)).values(**values))


def archived_deal(session: Session, team_id: int, deal_id: int) -> DealArchive:
    """The newest archive entry of deal #`deal_id`, or NotFound."""
    found = session.scalar(
        select(DealArchive)
        .where(DealArchive.team_id == team_id, DealArchive.deal_id == deal_id)
        .order_by(DealArchive.id.desc())
        .limit(1)
    )
    if found is None:
        raise NotFound(f"No deal #{deal_id} in the archive ('salessprint deal archived' lists it).")
    return found


def _archived_view(session: Session, row: DealArchive) -> ArchivedDeal:
    people = dict(session.execute(select(Member.id, Member.login).where(Member.team_id == row.team_id)).all())
    counts = _archived_counts(row)
    return ArchivedDeal(
        deal_id=row.deal_id,
        title=row.title,
        owner=people.get(row.owner_id) if row.owner_id is not None else None,
        archived_at=row.archived_at,
        archived_by=people.get(row.archived_by) if row.archived_by is not None else None,
        rows=counts,
        summary=summary(counts),
    )


def _archived_counts(row: DealArchive) -> dict[str, int]:
    payload = row.rows
    counts: dict[str, int] = {}
    for name, kept in _mapping(payload.get("moved")).items():
        counts[name] = counts.get(name, 0) + len(kept if isinstance(kept, list) else [])
    for name, columns in _mapping(payload.get("linked")).items():
        for ids in _mapping(columns).values():
            counts[name] = counts.get(name, 0) + len(ids if isinstance(ids, list) else [])
    return counts


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def list_archived(store: Store, login: str) -> list[ArchivedDeal]:
    """The team's archived deals, newest first."""
    with unit_of_work(store, login, read_only=True) as uow:
        uow.require(Action.READ_TEAM)
        found = uow.session.scalars(
            select(DealArchive).where(DealArchive.team_id == uow.actor.team_id).order_by(DealArchive.id.desc())
        )
        return [_archived_view(uow.session, row) for row in found]


def _owns_archived(uow: UnitOfWork, row: DealArchive) -> bool:
    if row.owner_id == uow.actor.member_id:
        return True
    collaborators = _mapping(row.rows.get("moved")).get("deal_collaborators") or []
    return any(_mapping(c).get("member_id") == uow.actor.member_id for c in collaborators)


def restore_archived(uow: UnitOfWork, row: DealArchive, action: str) -> RestoredDeal:
    """Put the archived deal and its rows back, in `uow`, logging each row
    as `action` ("undo" or "restore"); the delete's change and what followed
    from it are marked undone. The archive entry goes."""
    session = uow.session
    payload = row.rows
    deals = Base.metadata.tables["deals"]
    values = _values(deals, _mapping(payload.get("deal")))
    old_id = int(values["id"])
    also: list[str] = []
    _require_parents(session, values, old_id)
    if session.get(Deal, old_id) is not None:
        del values["id"]
        new_id = int(session.execute(insert(deals).values(**values).returning(deals.c.id)).scalar_one())
        also.append(f"Deal #{old_id} came back as deal #{new_id}: a newer deal holds its number.")
    else:
        session.execute(insert(deals).values(**values))
        new_id = old_id
    deal = session.get(Deal, new_id, populate_existing=True)
    assert deal is not None
    change = uow.record("deal", new_id, action, None, snapshot(deal))
    rows: dict[str, int] = {}
    by_name = {table.name: (table, column) for table, column, _m in references()}
    for name, kept in _mapping(payload.get("moved")).items():
        if name not in by_name:
            raise Conflict(f"Not restored: the archive holds rows of {name}, which this store no longer has.")
        table, column = by_name[name]
        for cells in kept if isinstance(kept, list) else []:
            cells = {**_mapping(cells), column.name: new_id}
            values = _values(table, cells)
            pk = [c.name for c in table.primary_key.columns]
            if pk == ["id"] and session.execute(select(table.c.id).where(table.c.id == values["id"])).first():
                del values["id"]  # its number was reused (SQLite): a new one
                values["id"] = session.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()
            else:
                session.execute(insert(table).values(**values))
            shown = {c.name: column_to_json(c, values.get(c.name)) for c in table.columns}
            uow.record(
                _entity(table),
                _entity_id(table, shown, new_id),
                action,
                None,
                _logged(table, shown, session),
                cause=change,
            )
            rows[name] = rows.get(name, 0) + 1
    for name, columns in _mapping(payload.get("linked")).items():
        if name not in Base.metadata.tables:
            continue
        table = Base.metadata.tables[name]
        for column_name, ids in _mapping(columns).items():
            if column_name not in table.c:
                continue
            for ident in ids if isinstance(ids, list) else []:
                found = session.execute(select(table).where(table.c.id == ident)).first()
                one = LABELS.get(name, (name, name))[0]
                if found is None:
                    also.append(f"The {one} #{ident} was deleted since; it is not linked again.")
                    continue
                if getattr(found, column_name) is not None:
                    also.append(f"The {one} #{ident} was linked to another deal since; it is left there.")
                    continue
                before = _cells(table, found)
                change_values: dict[str, Any] = {column_name: new_id}
                if "version" in table.c:
                    change_values["version"] = table.c.version + 1
                session.execute(update(table).where(table.c.id == ident).values(**change_values))
                after = _cells(table, session.execute(select(table).where(table.c.id == ident)).one())
                uow.record(_entity(table), int(ident), action, before, after, cause=change)
                rows[name] = rows.get(name, 0) + 1
    delete_change = payload.get("change_id")
    if isinstance(delete_change, int):
        session.execute(
            update(Change)
            .where(Change.team_id == row.team_id, (Change.id == delete_change) | (Change.cause_id == delete_change))
            .values(undone=True)
        )
    session.delete(row)
    session.flush()
    return RestoredDeal(deal_id=new_id, old_id=old_id, title=deal.title, rows=rows, summary=summary(rows), also=also)


def _require_parents(session: Session, values: dict[str, Any], deal_id: int) -> None:
    """The deal's stage, account and owner must still be there (a plain line, not a constraint)."""
    if session.get(Stage, values.get("stage_id")) is None:
        raise Conflict(f"Not restored: deal #{deal_id}'s stage no longer exists; add the stage back first.")
    if session.get(Account, values.get("account_id")) is None:
        raise Conflict(f"Not restored: deal #{deal_id}'s account no longer exists.")
    if session.get(Member, values.get("owner_id")) is None:
        raise Conflict(f"Not restored: deal #{deal_id}'s owner is no longer a member.")


def restore_deal(store: Store, login: str, deal_id: int) -> RestoredDeal:
    """Bring an archived deal back with everything archived with it."""
    with unit_of_work(store, login) as uow:
        row = archived_deal(uow.session, uow.actor.team_id, deal_id)
        uow.require(Action.EDIT_DEAL, owns=_owns_archived(uow, row))
        return restore_archived(uow, row, "restore")


def check_purge(store: Store, login: str, deal_id: int) -> ArchivedDeal:
    """What `purge_deal` would remove, or its refusal (to ask before purging)."""
    with unit_of_work(store, login, read_only=True) as uow:
        uow.require(Action.PURGE_DEAL)
        return _archived_view(uow.session, archived_deal(uow.session, uow.actor.team_id, deal_id))


def purge_deal(store: Store, login: str, deal_id: int) -> ArchivedDeal:
    """Remove an archived deal and what was archived with it for good (an
    admin's action). The change log keeps one `purge` naming the deal and
    counting its rows, not their text."""
    with unit_of_work(store, login) as uow:
        uow.require(Action.PURGE_DEAL)
        row = archived_deal(uow.session, uow.actor.team_id, deal_id)
        view = _archived_view(uow.session, row)
        uow.record(
            "deal",
            row.deal_id,
            "purge",
            {
                "title": row.title,
                "owner_id": row.owner_id,
                "archived_at": row.archived_at.isoformat(),
                "rows": dict(view.rows),
            },
            None,
        )
        uow.session.delete(row)
        uow.session.flush()
        return view
