"""What screens ask about the change feed: my team's newest change, and a feed to wait on.

The feed itself (NOTIFY/LISTEN on PostgreSQL, a poll on SQLite) lives in
`store.feed`; here it is opened on behalf of a member, who must still
belong to the team each time it (re)connects.
"""

from __future__ import annotations

import threading

from salessprint.services.uow import unit_of_work
from salessprint.store.db import Store
from salessprint.store.feed import ChangeFeed, newest_change_id

__all__ = ["ChangeFeed", "change_feed", "latest_change_id"]


def latest_change_id(store: Store, login: str) -> int:
    """The newest change id of my team (0 for none): the poll's counter."""
    with unit_of_work(store, login, read_only=True) as uow:
        return newest_change_id(uow.session, uow.actor.team_id)


def change_feed(
    store: Store, login: str, *, poll_seconds: float = 1.0, stop: threading.Event | None = None
) -> ChangeFeed:
    """A feed of my team's committed changes; `connect()` it, then `wait()`."""

    def my_team() -> int:
        with unit_of_work(store, login, read_only=True) as uow:
            return uow.actor.team_id

    return ChangeFeed(store, my_team, poll_seconds=poll_seconds, stop=stop)
