"""The unit of work: a session, the acting member, commit-or-rollback, audit.

Every service function opens one `UnitOfWork`; the block commits when it ends
normally and rolls back on any error, so a failed use case leaves the store
exactly as it was. `record()` writes the change log in the same transaction.

Races. A transaction that PostgreSQL aborts as a deadlock (SQLSTATE 40P01)
or a serialization failure (40001), and one that loses a race for a unique
rule of the store (two cards of one deal in a sprint, a second planned
sprint, a second team; see migration 0004), has done nothing: the right
answer is to run the use case again from the start, which then sees the
winner's rows and answers as it would have without the race ("Deal #1 is
already in sprint 13."). A context manager cannot run its block twice, so
the retry is `@retrying` on the service function, the one place that holds
the whole use case; `unit_of_work` turns those failures into `RaceLost` or
`StoreBusy`, which `@retrying` catches, and which, when the tries run out
(or for a function without it), carry a plain message.

The parts that need no ORM (the actor, the change row's values, the race
rules and failure mapping, `@retrying`, `open_store`) live in
`services/core_uow.py`, which the command line's Core writes use too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar, TypeVarTuple, cast

from sqlalchemy import CursorResult, Select, bindparam, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from salessprint.domain.errors import SalesSprintError, StaleWrite, StoreUnavailable
from salessprint.domain.permissions import Action, require
from salessprint.services.core_uow import (
    NO_ACTOR,
    OFFLINE_REFUSAL,
    Actor,
    ChangedMeanwhile,
    actor_of,
    change_values,
    open_store,
    plain_error,
    retrying,
)
from salessprint.store.codec import JSONRow, row_to_json
from salessprint.store.db import WRITE_LOCK, Store
from salessprint.store.feed import notify_change
from salessprint.store.models import Change, Member, Team
from salessprint.store.replace import kill_point
from salessprint.store.roles import identity

__all__ = [
    "OFFLINE_REFUSAL",
    "Actor",
    "ChangedMeanwhile",
    "UnitOfWork",
    "open_store",
    "retrying",
    "snapshot",
    "unit_of_work",
]


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
        *,
        cause: Change | None = None,
    ) -> Change | None:
        """Append to the change log in this transaction (not inside `unlogged()`);
        `cause`: the change this one follows from (undo reverts them together)."""
        self._refuse_if_read_only()
        if not self._logging:
            return None
        if cause is not None and cause.id is None:
            self.session.flush()
        change = Change(
            **change_values(
                team_id if team_id is not None else self.actor.team_id,
                self._actor,
                entity,
                entity_id,
                action,
                before,
                after,
                cause.id if cause is not None else None,
            )
        )
        self.session.add(change)
        self.last_change = change
        return change

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

    def _lock_fresh(self, row: Identified, what: str) -> None:
        """Lock the row, then re-read it. The lock is taken on the row alone:
        PostgreSQL re-checks a locking SELECT's joins against the row as a
        concurrent writer left it, so `refresh(with_for_update=...)` through
        the eager joins (a deal's stage) found no row when the stage had just
        changed ("Could not refresh instance")."""
        table = sa_inspect(row).mapper.local_table
        if self.session.get_bind().dialect.name == "sqlite":
            # SQLite has no row locks: a no-op UPDATE takes the database's
            # write lock now, so no one can commit between check and write.
            touched = self.session.execute(update(table).where(table.c.id == row.id).values(version=table.c.version))
            found = cast(CursorResult[Any], touched).rowcount
        else:
            found = len(self.session.execute(select(table.c.id).where(table.c.id == row.id).with_for_update()).all())
        try:
            if found:
                self.session.refresh(row)
        except InvalidRequestError:
            found = 0
        if not found:
            raise StaleWrite(f"Someone else deleted {what} #{row.id} since you opened it; reload and carry on.")

    def add(self, entity: str, row: RowT) -> RowT:
        """Insert a row and log its creation."""
        self._refuse_if_read_only()
        self.session.add(row)
        self.session.flush()
        self.record(entity, row.id, "create", None, snapshot(row))
        return row

    def check_version(self, row: Versioned, expected: int | None, what: str) -> None:
        """Refuse a write based on an older version of the row (`expected`;
        None: apply it to the newest).

        The row is first locked and re-read, so two clients that both saw
        version N cannot both pass: the second waits for the first to commit
        and then sees (and is shown) the row as the first left it.
        """
        if expected is None:
            # No version to hold it to (a command-line edit): the write applies
            # to the row as the last writer left it. On PostgreSQL that means
            # locking and re-reading it now; otherwise concurrent writers all
            # read one version and every one but the first matched no row.
            # (SQLite's writers are queued already: nothing to do there.)
            if self.session.get_bind().dialect.name != "sqlite":
                self._lock_fresh(row, what)
            return
        self._lock_fresh(row, what)
        if row.version != expected:
            raise StaleWrite(
                f"Someone else changed {what} #{row.id} since you opened it "
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
    actor = actor_of(login, row[0] if row is not None else None)
    assert row is not None
    return actor, row[1]


@contextmanager
def unit_of_work(
    store: Store, login: str | None, *, need_actor: bool = True, read_only: bool = False
) -> Iterator[UnitOfWork]:
    """Run a use case in one transaction as `login`; commit or roll back.

    On PostgreSQL `login` must be the connection's own (store/roles.py): a
    member acts as themselves, whatever `--as` says; only the session that
    set the store up may act as anyone. `login=None` there means "as whom I
    am connected".

    `read_only` (reports and what screens read): nothing may be written. On SQLite the read then
    does not take the write lock (writers are not kept waiting by a report);
    on PostgreSQL it runs without BEGIN/COMMIT round trips, which changes
    nothing for reads under READ COMMITTED (each statement has its own
    snapshot either way).

    A deadlock or serialization failure becomes `StoreBusy`, a lost race for
    a unique rule `RaceLost`: `@retrying` runs the use case again on either.

    While the store is known to be offline (`store.offline`, set by the
    app's live refresh when its heartbeat goes unanswered), a write is
    refused at once: on a stalled link it would only hang until its
    deadline.
    """
    if not read_only and store.offline is not None:
        raise StoreUnavailable(OFFLINE_REFUSAL)
    with store.session() as session:
        try:
            if read_only:
                # Nothing is flushed behind our back (PostgreSQL would commit
                # it at once); changes left in the session are refused below.
                session.autoflush = False
                if store.backend != "sqlite":
                    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            elif store.backend == "sqlite":
                session.connection(execution_options={WRITE_LOCK: True})
            who = identity(store, session.connection())
            if who is not None and (login is not None or need_actor):
                login = who.acting_login(login)
            found = resolve_actor(session, login)
            actor, team = found if found is not None else (None, None)
            if need_actor and actor is None:
                raise SalesSprintError(NO_ACTOR)
            uow = UnitOfWork(session, actor, read_only=read_only, team=team)
            yield uow
            if read_only and (session.new or session.dirty or session.deleted):
                raise SalesSprintError("A read-only request tried to change the store; nothing was saved.")
            if uow.last_change is not None:
                _announce(uow)
            kill_point("uow:before-commit")
            session.commit()
        except BaseException as exc:
            session.rollback()
            plain = _plain_error(store, exc)
            if plain is None:
                raise
            raise plain from None


_ROW_NAMES = {
    "deals": "deal",
    "tasks": "task",
    "sprints": "sprint",
    "sprint_items": "sprint card",
    "retro_entries": "retro entry",
    "members": "member",
    "teams": "team",
}
"""Tables with a version counter, as a user names their rows."""


def _plain_error(store: Store, exc: BaseException) -> SalesSprintError | None:
    """What a user is told about a driver's failure (None: pass it on as it is)."""
    if isinstance(exc, StaleDataError):
        found = re.search(r"on table '(\w+)'", str(exc))
        what = _ROW_NAMES.get(found.group(1), "row") if found else "row"
        return ChangedMeanwhile(f"Someone else changed this {what} at the same moment; reload and try again.")
    return plain_error(store, exc)


def _announce(uow: UnitOfWork) -> None:
    """Tell listening screens about this transaction's changes, on commit."""
    change = uow.last_change
    assert change is not None
    uow.session.flush()
    notify_change(uow.session, change.team_id, change.id)
