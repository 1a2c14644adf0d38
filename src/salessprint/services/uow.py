"""The unit of work: a session, the acting member, commit-or-rollback, audit.

Every service function opens one `UnitOfWork`; the block commits when it ends
normally and rolls back on any error, so a failed use case leaves the store
exactly as it was. `record()` writes the change log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
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
from salessprint.store.db import WRITE_LOCK, Store, describe_failure
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


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(row: Any) -> dict[str, Any]:
    """A row's column values as JSON-ready data, for the change log."""
    mapper = sa_inspect(row).mapper
    return {col.key: jsonable(getattr(row, col.key)) for col in mapper.column_attrs}


class UnitOfWork:
    """One transaction on behalf of one actor (or nobody, for init/restore)."""

    def __init__(self, session: Session, actor: Actor | None) -> None:
        self.session = session
        self._actor = actor

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            raise SalesSprintError("Say who you are with --as LOGIN or SALESSPRINT_USER.")
        return self._actor

    def require(self, action: Action, owns: bool = False) -> None:
        require(self.actor.role, action, owns)

    def team(self) -> Team:
        team = self.session.get(Team, self.actor.team_id)
        assert team is not None
        return team

    def record(
        self,
        entity: str,
        entity_id: int,
        action: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        team_id: int | None = None,
    ) -> None:
        """Append to the change log in this transaction."""
        self.session.add(
            Change(
                team_id=team_id if team_id is not None else self.actor.team_id,
                actor_id=self._actor.member_id if self._actor else None,
                at=clock.now(),
                entity=entity,
                entity_id=entity_id,
                action=action,
                before=before,
                after=after,
            )
        )

    def add(self, entity: str, row: Any) -> Any:
        """Insert a row and log its creation."""
        self.session.add(row)
        self.session.flush()
        self.record(entity, row.id, "create", None, snapshot(row))
        return row

    def check_version(self, row: Any, expected: int | None, what: str) -> None:
        """Refuse a write based on an older version of the row."""
        if expected is not None and row.version != expected:
            raise StaleWrite(
                f"Someone else changed this {what} since you opened it "
                f"(now version {row.version}); review the fresh values and try again.",
                current=snapshot(row),
            )


def resolve_actor(session: Session, login: str | None) -> Actor | None:
    if login is None:
        return None
    member = session.scalar(select(Member).where(Member.login == login))
    if member is None or not member.active:
        raise NotFound(
            f"'{login}' is not a member of this team; check --as or SALESSPRINT_USER "
            "('salessprint member list' shows the logins)."
        )
    return Actor(member.id, member.login, member.name, Role(member.role), member.team_id)


@contextmanager
def unit_of_work(store: Store, login: str | None, *, need_actor: bool = True) -> Iterator[UnitOfWork]:
    """Run a use case in one transaction as `login`; commit or roll back."""
    try:
        with store.sessions() as session:
            if store.backend == "sqlite":
                session.connection(execution_options={WRITE_LOCK: True})
            actor = resolve_actor(session, login)
            if need_actor and actor is None:
                raise SalesSprintError(
                    "Say who you are with --as LOGIN or SALESSPRINT_USER "
                    "(or run 'salessprint init' to make yourself the admin)."
                )
            uow = UnitOfWork(session, actor)
            try:
                yield uow
                session.commit()
            except BaseException:
                session.rollback()
                raise
    except StaleDataError:
        raise StaleWrite(
            "Someone else changed this row at the same moment; reload and try again."
        ) from None
    except IntegrityError as exc:
        raise Conflict(f"That would break a rule of the store: {_integrity_reason(exc)}") from None
    except OperationalError as exc:
        raise StoreUnavailable(describe_failure(store.url, exc)) from None


def _integrity_reason(exc: IntegrityError) -> str:
    text = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
    return text[:200]
