"""The unit of work without the ORM: one Core connection, one transaction.

`salessprint log call` is a whole process for one insert, and the ORM
(`sqlalchemy.orm` and the mappers of `store/models.py`) took most of its
time. `core_unit_of_work` gives the same guarantees as `services/uow.py`'s
`unit_of_work` on a SQLAlchemy Core connection: the acting member looked up
afresh (on PostgreSQL the connection's own login, `store/roles.py`), the
permission check, the change log row (`record`: what history and undo read)
and the change feed's NOTIFY in the same transaction, one commit or a full
rollback, driver failures in a user's words, and `@retrying` for lost races.

What both units of work share lives here and `services/uow.py` imports it,
so there is one copy: the actor and its lookup's refusal, the change row's
values, the refusal while offline, the race rules, the failure mapping and
`@retrying`. Importing this module loads no ORM
(`tests/perf/test_cli_imports.py`).
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from salessprint.domain import clock
from salessprint.domain.enums import Role
from salessprint.domain.errors import (
    Conflict,
    NotFound,
    SalesSprintError,
    StaleWrite,
    StoreBusy,
    StoreUnavailable,
)
from salessprint.domain.permissions import Action, require
from salessprint.store.codec import JSONRow, to_json
from salessprint.store.db import BUSY, STORE_BUSY, WRITE_LOCK, Store, describe_failure, sqlstate
from salessprint.store.feed import notify_change
from salessprint.store.replace import kill_point
from salessprint.store.roles import identity
from salessprint.store.tables import changes, members, teams


def open_store(url: str, *, check_schema: bool = True) -> Store:
    """Open a store by URL; with check_schema, refuse an empty or old schema."""
    store = Store(url)
    if check_schema:
        store.require_current_schema()
    return store


def connected_login(store: Store) -> str | None:
    """On PostgreSQL, the login this connection acts as (None on SQLite, and
    for the session that set the store up, which says whom it acts as)."""
    if store.backend == "sqlite":
        return None
    try:
        with store.engine.connect() as conn:
            who = identity(store, conn)
    except OperationalError as exc:
        raise StoreUnavailable(describe_failure(store.url, exc)) from None
    return None if who is None or who.privileged else who.user


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: a member's id, login, role and team."""

    member_id: int
    login: str
    name: str
    role: Role
    team_id: int


def actor_of(login: str, member: Any) -> Actor:
    """The actor from a member row (`id`, `login`, `name`, `role`, `team_id`,
    `active`; None: no such login), or NotFound for a login that is not an
    active member of the team."""
    if member is None or not member.active:
        raise NotFound(
            f"'{login}' is not a member of this team; check --as or SALESSPRINT_USER "
            "('salessprint member list' shows the logins)."
        )
    return Actor(member.id, member.login, member.name, Role(member.role), member.team_id)


NO_ACTOR = "Say who you are with --as LOGIN or SALESSPRINT_USER (or run 'salessprint init' to make yourself the admin)."


def change_values(
    team_id: int,
    actor: Actor | None,
    entity: str,
    entity_id: int,
    action: str,
    before: JSONRow | None,
    after: JSONRow | None,
    cause_id: int | None,
) -> dict[str, Any]:
    """The change log row of one change (both units of work write exactly this)."""
    return {
        "team_id": team_id,
        "actor_id": actor.member_id if actor else None,
        "at": clock.now(),
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "before": before,
        "after": after,
        "cause_id": cause_id,
    }


def row_json(table: Table, values: dict[str, Any]) -> JSONRow:
    """A row about to be (or just) inserted as the change log keeps it: every
    column of `table` in its order, as `codec.row_to_json` writes a model row."""
    return {column.key: to_json(values.get(column.key)) for column in table.columns}


OFFLINE_REFUSAL = "Not saved: the database is offline (it does not answer). Try again once it is back."


class ChangedMeanwhile(StaleWrite):
    """A write with no version of its own to check (not from a form that
    showed one) found the row at a newer version when it wrote: another
    writer committed in between. Nothing was done; run again, the use case
    applies to the row as the other left it."""


class RaceLost(Conflict):
    """Another transaction just wrote the row a unique rule allows once (the
    card, the planned sprint, the team, the account): this one did nothing,
    and running the use case again gives the true answer."""


RACE_RULES = {
    "uq_sprint_items_open_task": "That task was just added to this sprint by someone else.",
    "uq_sprint_items_open_deal": "That deal was just added to this sprint by someone else.",
    "uq_sprints_one_planned": "Someone else just planned a sprint; there can be one planned sprint at a time.",
    "uq_sprints_one_active": "Someone else just started a sprint; there can be one active sprint at a time.",
    "uq_sprints_team_id": "Someone else just planned a sprint with that number.",
    "uq_teams_one_per_store": "This store already holds a team; use another --db for a new one.",
    "uq_accounts_team_id": "Someone else just added an account of that name.",
    "uq_members_login": "That login is already taken.",
    "uq_forecast_snapshots_member_id": "Someone else just recorded that commit call.",
    "uq_time_off_team_id": "Someone else just recorded that day off.",
    "uq_time_off_team_holiday": "Someone else just recorded that team holiday.",
    "sprints.team_id": "Someone else just planned or started a sprint; there can be one of each at a time.",
}
"""Unique rules a race can break, and what the loser is told when retrying
does not settle it. PostgreSQL names the rule; SQLite names the index (an
expression) or the columns, hence the second table."""

_SQLITE_COLUMNS = {
    "sprint_items.sprint_id, sprint_items.task_id": "uq_sprint_items_open_task",
    "sprint_items.sprint_id, sprint_items.deal_id": "uq_sprint_items_open_deal",
    "sprints.team_id, sprints.number": "uq_sprints_team_id",
    "accounts.team_id, accounts.name": "uq_accounts_team_id",
    "members.login": "uq_members_login",
    "forecast_snapshots.member_id, forecast_snapshots.occasion_key": "uq_forecast_snapshots_member_id",
    "time_off.team_id, time_off.member_id, time_off.day": "uq_time_off_team_id",
    "time_off.team_id, time_off.day": "uq_time_off_team_holiday",
    "sprints.team_id": "sprints.team_id",  # a partial index: planned or active
}


def race_rule(exc: IntegrityError) -> str | None:
    """The unique rule of RACE_RULES this failure broke, if any."""
    orig = exc.orig
    name = getattr(getattr(orig, "diag", None), "constraint_name", None)
    if name is None:
        text = str(orig)
        if text.startswith("UNIQUE constraint failed: "):
            what = text.removeprefix("UNIQUE constraint failed: ")
            name = what.removeprefix("index ").strip("'") if what.startswith("index ") else _SQLITE_COLUMNS.get(what)
    return name if name in RACE_RULES else None


def plain_error(store: Store, exc: BaseException) -> SalesSprintError | None:
    """What a user is told about a driver's failure (None: pass it on as it is).
    `services/uow.py` adds the ORM's stale-row failure in front of this."""
    if isinstance(exc, IntegrityError):
        rule = race_rule(exc)
        if rule is not None:
            return RaceLost(RACE_RULES[rule])
        return Conflict(f"That would break a rule of the store: {_integrity_reason(exc)}")
    if isinstance(exc, DBAPIError) and sqlstate(exc) in BUSY:
        return StoreBusy(STORE_BUSY)
    if isinstance(exc, OperationalError):
        return StoreUnavailable(describe_failure(store.url, exc))
    return None


ATTEMPTS = 4
"""Runs of a use case that keeps losing races before the user is told."""
PAUSE = 0.05
"""Seconds: the longest first pause between runs; it doubles each time, and
each pause is drawn at random below it, so racers do not collide again."""

P = ParamSpec("P")
R = TypeVar("R")
_running: ContextVar[bool] = ContextVar("salessprint_use_case_running", default=False)


def retrying(use_case: Callable[P, R]) -> Callable[P, R]:
    """Run the decorated use case again (a few times, after a random pause)
    when its transaction lost a race (`RaceLost`), was aborted by a
    deadlock or serialization failure (`StoreBusy`), or found the row it
    wrote without a version check changed meanwhile (`ChangedMeanwhile`);
    then let the plain error through. A use case called from inside another is run once: the
    outer one retries the whole."""

    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if _running.get():
            return use_case(*args, **kwargs)
        token = _running.set(True)
        try:
            for attempt in range(ATTEMPTS):
                try:
                    return use_case(*args, **kwargs)
                except (RaceLost, StoreBusy, ChangedMeanwhile):
                    if attempt == ATTEMPTS - 1:
                        raise
                time.sleep(random.uniform(0, PAUSE * 2**attempt))
            raise AssertionError("unreachable")
        finally:
            _running.reset(token)

    return run


def _integrity_reason(exc: IntegrityError) -> str:
    text = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
    return text[:200]


_ACTOR_AND_ZONE = (
    select(
        members.c.id,
        members.c.login,
        members.c.name,
        members.c.role,
        members.c.team_id,
        members.c.active,
        teams.c.timezone,
    )
    .join(teams, teams.c.id == members.c.team_id)
    .where(members.c.login == bindparam("login"))
)


class CoreUnitOfWork:
    """One transaction on a Core connection on behalf of one actor."""

    def __init__(self, conn: Connection, actor: Actor, timezone: str) -> None:
        self.conn = conn
        self.actor = actor
        self.timezone = timezone
        """The actor's team's time zone (read with the actor)."""
        self.last_change: tuple[int, int] | None = None
        """(team id, change id) of the newest change recorded (for NOTIFY)."""

    def require(self, action: Action, owns: bool = False) -> None:
        require(self.actor.role, action, owns)

    def record(
        self,
        entity: str,
        entity_id: int,
        action: str,
        before: JSONRow | None,
        after: JSONRow | None,
        *,
        cause_id: int | None = None,
    ) -> int:
        """Append to the change log in this transaction; returns the change's id."""
        values = change_values(self.actor.team_id, self.actor, entity, entity_id, action, before, after, cause_id)
        change_id = self._insert(changes, values)
        self.last_change = (self.actor.team_id, change_id)
        return change_id

    def check_version(self, table: Table, row: dict[str, Any], expected: int | None, what: str) -> dict[str, Any]:
        """`UnitOfWork.check_version` on Core: the row (a dict of every
        column of `table`) as it stands now, refusing a write based on an
        older version (`expected`; None: apply it to the newest).

        On PostgreSQL, and whenever a version is to be checked, the row is
        locked and re-read first (its row alone, as the ORM path does), so
        two writers that both read version N cannot both pass. On SQLite
        the transaction holds the write lock from its start already."""
        if expected is None and self.conn.dialect.name == "sqlite":
            return row
        fresh_query = select(table).where(table.c.id == row["id"])
        if self.conn.dialect.name != "sqlite":
            fresh_query = fresh_query.with_for_update()
        fresh = self.conn.execute(fresh_query).first()
        if fresh is None:
            raise StaleWrite(f"Someone else deleted {what} #{row['id']} since you opened it; reload and carry on.")
        now_row = dict(fresh._mapping)
        if expected is not None and now_row["version"] != expected:
            raise StaleWrite(
                f"Someone else changed {what} #{row['id']} since you opened it "
                f"(now version {now_row['version']}); review the fresh values and try again.",
                current=row_json(table, now_row),
            )
        return now_row

    def update(self, table: Table, row: dict[str, Any], values: dict[str, Any], what: str) -> dict[str, Any]:
        """Write `values` to a versioned row read in this transaction (`row`:
        every column) and return it as it now stands, its version counted
        up, as the ORM's versioned UPDATE does. ChangedMeanwhile when another
        writer committed a newer version in between."""
        done = self.conn.execute(
            update(table)
            .where(table.c.id == row["id"], table.c.version == row["version"])
            .values(**values, version=row["version"] + 1)
        )
        if done.rowcount != 1:
            raise ChangedMeanwhile(f"Someone else changed this {what} at the same moment; reload and try again.")
        return {**row, **values, "version": row["version"] + 1}

    def _insert(self, table: Table, values: dict[str, Any]) -> int:
        key = self.conn.execute(insert(table), values).inserted_primary_key
        assert key is not None
        return int(key[0])

    def add(self, entity: str, table: Table, values: dict[str, Any], *, cause_id: int | None = None) -> int:
        """Insert a row and log its creation (`cause_id`: the change it
        follows from); returns its id. Python-side
        column defaults (`created_at`) are filled first, so the logged row is
        the stored one."""
        row = dict(values)
        for column in table.columns:
            if column.key not in row and column.default is not None and not column.primary_key:
                default: Any = column.default
                row[column.key] = default.arg(None) if default.is_callable else default.arg
        row_id = self._insert(table, row)
        row["id"] = row_id
        self.record(entity, row_id, "create", None, row_json(table, row), cause_id=cause_id)
        return row_id


@contextmanager
def core_unit_of_work(store: Store, login: str | None) -> Iterator[CoreUnitOfWork]:
    """Run a write use case in one Core transaction as `login`; commit or roll
    back. The same rules as `services/uow.unit_of_work` (see there): refused
    while offline, on PostgreSQL the connection's own login, a member looked
    up afresh, the change feed told in the transaction, failures in plain words."""
    if store.offline is not None:
        raise StoreUnavailable(OFFLINE_REFUSAL)
    try:
        conn = store.engine.connect()
    except OperationalError as exc:
        raise StoreUnavailable(describe_failure(store.url, exc)) from None
    with conn:
        try:
            if store.backend == "sqlite":
                conn = conn.execution_options(**{WRITE_LOCK: True})
            conn.begin()
            who = identity(store, conn)
            if who is not None:
                login = who.acting_login(login)
            if login is None:
                raise SalesSprintError(NO_ACTOR)
            row = conn.execute(_ACTOR_AND_ZONE, {"login": login}).first()
            uow = CoreUnitOfWork(conn, actor_of(login, row), row.timezone if row is not None else "UTC")
            yield uow
            if uow.last_change is not None:
                team_id, change_id = uow.last_change
                notify_change(conn, team_id, change_id)
            kill_point("uow:before-commit")
            conn.commit()
        except BaseException as exc:
            conn.rollback()
            plain = plain_error(store, exc)
            if plain is None:
                raise
            raise plain from None
