"""The change feed: how an open screen learns that someone else wrote.

Every unit of work that records a change also sends
`NOTIFY salessprint_changes, '<team_id>:<change_id>'` on PostgreSQL
(`notify_change`); the notification is transactional, so listeners hear of a
change only once it is committed (and never of one rolled back). On SQLite
there is no such channel; the feed polls the team's highest change id, which
the `(team_id, id)` index answers without reading any rows.

`ChangeFeed.wait()` blocks for at most `timeout` seconds and returns the
newest change id when something new was committed, else None. A lost server
raises `StoreUnavailable`; the caller backs off and calls `connect()` again.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from salessprint.domain.errors import StoreUnavailable
from salessprint.store.db import Store, describe_failure
from salessprint.store.tables import changes

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.orm import Session

CHANNEL = "salessprint_changes"

_NEWEST = select(func.max(changes.c.id)).where(changes.c.team_id == bindparam("team_id"))


def notify_change(db: Session | Connection, team_id: int, change_id: int) -> None:
    """Queue a notification that is delivered when this transaction commits
    (on an ORM session or a Core connection)."""
    dialect = db.dialect if isinstance(db, Connection) else db.get_bind().dialect
    if dialect.name != "postgresql":
        return
    db.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": CHANNEL, "payload": f"{team_id}:{change_id}"},
    )


def newest_change_id(db: Session | Connection, team_id: int) -> int:
    """The newest change id of a team (0 for none)."""
    return int(db.scalar(_NEWEST, {"team_id": team_id}) or 0)


class ChangeFeed:
    """Waits for committed changes of one team (LISTEN on PostgreSQL, poll on SQLite).

    `team_of` answers whose team to watch; it is asked on every `connect()`,
    so a member who lost access stops the feed by raising.
    """

    def __init__(
        self,
        store: Store,
        team_of: Callable[[], int],
        *,
        poll_seconds: float = 1.0,
        stop: threading.Event | None = None,
    ) -> None:
        self.store = store
        self._team_of = team_of
        self._stop = stop or threading.Event()
        """Set by the owner to cut a poll's pause short when it shuts down."""
        self.poll_seconds = poll_seconds
        self.team_id: int | None = None
        self.last_seen = 0
        self._conn: psycopg.Connection[Any] | None = None

    @property
    def connected(self) -> bool:
        """True once `connect()` succeeded and no failure has closed the feed since."""
        return self.team_id is not None and (not self.listening or self._conn is not None)

    @property
    def listening(self) -> bool:
        """True on PostgreSQL, where changes are pushed rather than polled."""
        return self.store.backend == "postgresql"

    def connect(self) -> int:
        """(Re)open the feed; returns the newest change id right now."""
        self.close()
        team_id = self._team_of()
        newest = self._newest(team_id)
        if self.listening:
            # A change committed between the query above and LISTEN is caught by the second query.
            self._conn = self._listen()
            newest = max(newest, self._newest(team_id))
        self.team_id = team_id
        self.last_seen = newest
        return newest

    def _listen(self) -> psycopg.Connection[Any]:
        import psycopg

        url = self.store.url
        try:
            # The heartbeat (`SELECT 1` after each wait) must answer within
            # `link.heartbeat`: a stalled link is noticed in seconds.
            conn: psycopg.Connection[Any] = self.store.raw_connection(
                answer_within=self.store.link.heartbeat, autocommit=True, application_name="salessprint-live"
            )
            conn.execute(f"LISTEN {CHANNEL}")
            return conn
        except psycopg.Error as exc:
            raise StoreUnavailable(describe_failure(url, exc)) from None

    def _newest(self, team_id: int) -> int:
        try:
            with self.store.engine.connect() as conn:
                return newest_change_id(conn, team_id)
        except SQLAlchemyError as exc:
            raise StoreUnavailable(describe_failure(self.store.url, exc)) from None

    def wait(self, timeout: float | None = None) -> int | None:
        """Block up to `timeout` seconds; the newest change id if one arrived."""
        timeout = self.poll_seconds if timeout is None else timeout
        if self.team_id is None:
            self.connect()
        if self.listening:
            return self._wait_notify(timeout)
        return self._poll(timeout)

    def _wait_notify(self, timeout: float) -> int | None:
        import psycopg

        if self._conn is None:
            self.connect()
        assert self._conn is not None
        newest = 0
        try:
            for note in self._conn.notifies(timeout=timeout, stop_after=1):
                newest = max(newest, _ours(note.payload, self.team_id))
            # Drain whatever else queued up, then prove the server still answers.
            for note in self._conn.notifies(timeout=0.01):
                newest = max(newest, _ours(note.payload, self.team_id))
            self._conn.execute("SELECT 1")
        except psycopg.Error as exc:
            self.close()
            raise StoreUnavailable(describe_failure(self.store.url, exc)) from None
        return self._seen(newest)

    def _poll(self, timeout: float) -> int | None:
        if self._stop.wait(timeout):
            return None
        assert self.team_id is not None
        return self._seen(self._newest(self.team_id))

    def _seen(self, newest: int) -> int | None:
        if newest > self.last_seen:
            self.last_seen = newest
            return newest
        return None

    def close(self) -> None:
        self.team_id = None
        if self._conn is not None:
            with contextlib.suppress(Exception):  # closing a dead link may fail; it is gone either way
                self._conn.close()
            self._conn = None


def _ours(payload: str, team_id: int | None) -> int:
    team, _, change = payload.partition(":")
    try:
        return int(change) if int(team) == team_id else 0
    except ValueError:
        return 0
