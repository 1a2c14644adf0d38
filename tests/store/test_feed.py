"""The change feed: NOTIFY on commit (never on rollback) and the SQLite poll."""

from __future__ import annotations

import threading

import psycopg
import pytest

from salessprint.domain.errors import SalesSprintError
from salessprint.services.changes import change_feed, latest_change_id
from salessprint.services.deals import add_deal
from salessprint.services.uow import unit_of_work
from salessprint.store.feed import CHANNEL
from tests.templates import team_copy


def _listener(url: str) -> psycopg.Connection:
    raw = url.replace("postgresql+psycopg://", "postgresql://")
    conn = psycopg.connect(raw, autocommit=True)
    conn.execute(f"LISTEN {CHANNEL}")
    return conn


@pytest.fixture
def pg_team(pg_url, frozen):
    store = team_copy(pg_url)
    yield store
    store.dispose()


@pytest.mark.postgres
def test_a_committed_change_is_announced_with_team_and_id(pg_team, pg_url) -> None:
    conn = _listener(pg_url)
    try:
        add_deal(pg_team, "rita", title="Acme", account="Acme", value="1")
        payloads = [n.payload for n in conn.notifies(timeout=2, stop_after=1)]
        newest = latest_change_id(pg_team, "rita")
        assert payloads == [f"{_team_id(pg_team)}:{newest}"]
    finally:
        conn.close()


def _team_id(store) -> int:
    with unit_of_work(store, "ada") as uow:
        return uow.actor.team_id


@pytest.mark.postgres
def test_a_rolled_back_write_is_not_announced(pg_team, pg_url) -> None:
    conn = _listener(pg_url)
    try:
        with pytest.raises(SalesSprintError):
            add_deal(pg_team, "rita", title="Bad", account="Acme", value="1", owner="max")  # rep may not
        with pytest.raises(SalesSprintError), unit_of_work(pg_team, "rita") as uow:
            uow.record("deal", 1, "update", {}, {})
            raise SalesSprintError("changed my mind")
        assert list(conn.notifies(timeout=0.5)) == []
    finally:
        conn.close()


def test_the_feed_wakes_on_another_clients_write(team_store) -> None:
    feed = change_feed(team_store, "max", poll_seconds=0.2)
    start = feed.connect()
    assert feed.wait(0.2) is None  # nothing new yet
    threading.Timer(0.1, lambda: add_deal(team_store, "rita", title="Acme", account="Acme", value="1")).start()
    seen = None
    for _ in range(20):
        seen = feed.wait(0.3)
        if seen is not None:
            break
    feed.close()
    assert seen is not None and seen > start
    assert seen == latest_change_id(team_store, "max")


def test_a_lost_feed_names_the_server_but_never_the_password(pg_server, frozen) -> None:
    import socket

    from salessprint.domain.errors import StoreUnavailable
    from salessprint.store.db import Store

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    feed = change_feed(Store(f"postgresql+psycopg://rita:Sup3rS3cret@127.0.0.1:{port}/team"), "rita")
    with pytest.raises(StoreUnavailable) as lost:
        feed.connect()
    assert "Sup3rS3cret" not in lost.value.message
    assert f"rita:***@127.0.0.1:{port}/team" in lost.value.message
