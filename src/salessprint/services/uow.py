"""The unit of work: a session, the acting member, commit-or-rollback, audit.

Every service function opens one `UnitOfWork`; the block commits when it ends
normally and rolls back on any error, so a failed use case leaves the store
exactly as it was. `record()` writes the change log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, TypeVarTuple

from sqlalchemy import CursorResult, Select, bindparam, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from salessprint.domain import clock
from salessprint.domain.enums import Role
from salessprint.domain.errors import (
    Conflict,
    NotFound,
    SalesSprintError,
    StaleWrite,
    StoreUnavailable,
)
from salessprint.domain.permissions import Action, require
from salessprint.store.codec import JSONRow, row_to_json
from salessprint.store.db import WRITE_LOCK, Store, describe_failure
from salessprint.store.feed import notify_change
from salessprint.store.models import Change, Member, Team


def open_store(url: str, *, check_schema: bool = True) -> Store:
    """Open a store by URL; with check_schema, refuse an empty or old schema."""
    store = Store(url)
    if check_schema:
        store.require_current_schema()
    return store


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: a member's id, login, role and team."""

    member_id: int
    login: str
    name: str
    role: Role
    team_id: int


snapshot = row_to_json
"""A row's column values as JSON-ready data, for the change log."""


class Identified(Protocol):
    """A model row with an integer primary key `id`."""

    id: int


class Versioned(Identified, Protocol):
    """A model row with a version counter (see store.models.Versioned)."""

    version: int


RowT = TypeVar("RowT", bound=Identified)
Ts = TypeVarTuple("Ts")


class UnitOfWork:
    """One transaction on behalf of one actor (or nobody, for init/restore)."""

    def __init__(
        self, session: Session, actor: Actor | None, *, read_only: bool = False, team: Team | None = None
    ) -> None:
        self.session = session
        self._actor = actor
        self._team = team
        """The actor's team as loaded with them (held here: the session's
        identity map keeps rows only while someone refers to them)."""
        self.read_only = read_only
        """A read (report or screen): `record`, `add` and flushes of changes are refused."""
        self.memo: dict[str, Any] = {}
        """Lookups shared by the reports composed in this transaction (the
        dashboard and the review read the reps and sprints once)."""
        self.last_change: Change | None = None
        """The newest change recorded in this transaction (for NOTIFY)."""
        self._logging = True
        """False inside `unlogged()`: `record` writes nothing."""

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            raise SalesSprintError("Say who you are with --as LOGIN or SALESSPRINT_USER.")
        return self._actor

    def require(self, action: Action, owns: bool = False) -> None:
        require(self.actor.role, action, owns)

    def rows(self, statement: Select[*Ts], params: Mapping[str, object] | None = None) -> CursorResult[*Ts]:
        """Run a query of columns (not ORM objects) in this transaction and
        return its plain result: the ORM's result machinery costs ~1.5 µs a
        row, more than SQLite takes to produce it."""
        return self.session.connection().execute(statement, params)

    def team(self) -> Team:
        if self._team is None:
            self._team = self.session.get(Team, self.actor.team_id)
        assert self._team is not None
        return self._team

    def record(
        self,
        entity: str,
        entity_id: int,
        action: str,
        before: JSONRow | None,
        after: JSONRow | None,
        team_id: int | None = None,
    ) -> None:
        """Append to the change log in this transaction (not inside `unlogged()`)."""
        self._refuse_if_read_only()
        if not self._logging:
            return
        change = Change(
            team_id=team_id if team_id is not None else self.actor.team_id,
            actor_id=self._actor.member_id if self._actor else None,
            at=clock.now(),
            entity=entity,
            entity_id=entity_id,
            action=action,
            before=before,
            after=after,
        )
        self.session.add(change)
        self.last_change = change

    @contextmanager
    def unlogged(self) -> Iterator[None]:
        """Changes made inside the block are not logged: for the side effects
        of a change whose caller logs it itself (undo logs one `undo`)."""
        self._logging = False
        try:
            yield
        finally:
            self._logging = True

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise SalesSprintError("A read-only request tried to change the store; nothing was saved.")

    def _lock_fresh(self, row: Identified) -> None:
        if self.session.get_bind().dialect.name == "sqlite":
            # SQLite has no row locks: a no-op UPDATE takes the database's
            # write lock now, so no one can commit between check and write.
            table = sa_inspect(row).mapper.local_table
            self.session.execute(update(table).where(table.c.id == row.id).values(version=table.c.version))
            self.session.refresh(row)
        else:
            self.session.refresh(row, with_for_update={"of": type(row)})

    def add(self, entity: str, row: RowT) -> RowT:
        """Insert a row and log its creation."""
        self._refuse_if_read_only()
        self.session.add(row)
        self.session.flush()
        self.record(entity, row.id, "create", None, snapshot(row))
        return row

    def check_version(self, row: Versioned, expected: int | None, what: str) -> None:
        """Refuse a write based on an older version of the row.

        The row is first locked and re-read, so two clients that both saw
        version N cannot both pass: the second waits for the first to commit
        and then sees (and is shown) the row as the first left it.
        """
        if expected is None:
            return
        self._lock_fresh(row)
        if row.version != expected:
            raise StaleWrite(
                f"Someone else changed this {what} since you opened it "
                f"(now version {row.version}); review the fresh values and try again.",
                current=snapshot(row),
            )


_ACTOR_AND_TEAM = select(Member, Team).join(Team, Team.id == Member.team_id).where(Member.login == bindparam("login"))
"""Built once: every use case runs it, and building and keying a statement
costs more than SQLite takes to answer it."""


def resolve_actor(session: Session, login: str | None) -> tuple[Actor, Team] | None:
    """The acting member, looked up afresh in this transaction (so a role
    change or deactivation counts at once), and their team, loaded by the
    same statement: nearly every use case needs it."""
    if login is None:
        return None
    row = session.execute(_ACTOR_AND_TEAM, {"login": login}).first()
    member = row[0] if row is not None else None
    if row is None or member is None or not member.active:
        raise NotFound(
            f"'{login}' is not a member of this team; check --as or SALESSPRINT_USER "
            "('salessprint member list' shows the logins)."
        )
    return Actor(member.id, member.login, member.name, Role(member.role), member.team_id), row[1]


@contextmanager
def unit_of_work(
    store: Store, login: str | None, *, need_actor: bool = True, read_only: bool = False
) -> Iterator[UnitOfWork]:
    """Run a use case in one transaction as `login`; commit or roll back.

    `read_only` (reports and what screens read): nothing may be written. On SQLite the read then
    does not take the write lock (writers are not kept waiting by a report);
    on PostgreSQL it runs without BEGIN/COMMIT round trips, which changes
    nothing for reads under READ COMMITTED (each statement has its own
    snapshot either way).
    """
    try:
        with store.session() as session:
            if read_only:
                # Nothing is flushed behind our back (PostgreSQL would commit
                # it at once); changes left in the session are refused below.
                session.autoflush = False
                if store.backend != "sqlite":
                    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            elif store.backend == "sqlite":
                session.connection(execution_options={WRITE_LOCK: True})
            found = resolve_actor(session, login)
            actor, team = found if found is not None else (None, None)
            if need_actor and actor is None:
                raise SalesSprintError(
                    "Say who you are with --as LOGIN or SALESSPRINT_USER "
                    "(or run 'salessprint init' to make yourself the admin)."
                )
            uow = UnitOfWork(session, actor, read_only=read_only, team=team)
            try:
                yield uow
                if read_only and (session.new or session.dirty or session.deleted):
                    raise SalesSprintError("A read-only request tried to change the store; nothing was saved.")
                if uow.last_change is not None:
                    _announce(uow)
                session.commit()
            except BaseException:
                session.rollback()
                raise
    except StaleDataError:
        raise StaleWrite("Someone else changed this row at the same moment; reload and try again.") from None
    except IntegrityError as exc:
        raise Conflict(f"That would break a rule of the store: {_integrity_reason(exc)}") from None
    except OperationalError as exc:
        raise StoreUnavailable(describe_failure(store.url, exc)) from None


def _announce(uow: UnitOfWork) -> None:
    """Tell listening screens about this transaction's changes, on commit."""
    change = uow.last_change
    assert change is not None
    uow.session.flush()
    notify_change(uow.session, change.team_id, change.id)


def _integrity_reason(exc: IntegrityError) -> str:
    text = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
    return text[:200]
