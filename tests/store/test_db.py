"""store/db.py: the timeouts of a PostgreSQL link, and a write on a stalled
link that fails within its deadline and is never committed afterwards.

The stall is real from the client's side: the store talks to PostgreSQL
through a proxy in a subprocess that the test stops with SIGSTOP (its
kernel still accepts connections and acknowledges data, so neither TCP
keepalives nor a connect refusal notice anything) and resumes with SIGCONT.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import event

from salessprint.domain.errors import StoreUnavailable
from salessprint.services import open_store
from salessprint.services.deals import add_deal, list_deals
from salessprint.store.db import LinkSettings, Store, parse_url
from tests.team_helpers import StallProxy
from tests.templates import team_copy


def test_link_defaults_and_what_a_url_sets() -> None:
    link = LinkSettings.from_url(parse_url("postgresql://u@db.example/sales"))
    assert link == LinkSettings()
    assert link.answer_within == link.statement_timeout + link.answer_margin
    args = link.connect_args({})
    assert args["keepalives"] == 1
    assert (args["keepalives_idle"], args["keepalives_interval"], args["keepalives_count"]) == (10, 3, 3)
    assert (args["connect_timeout"], args["tcp_user_timeout"]) == (5, 10_000)
    assert args["options"] == "-c statement_timeout=15000 -c idle_in_transaction_session_timeout=15000"

    url = parse_url("postgresql://u@db.example/sales?statement_timeout=2.5&connect_timeout=9&options=-c%20work_mem=8MB")
    link = LinkSettings.from_url(url)
    assert (link.statement_timeout, link.connect_timeout, link.answer_within) == (2.5, 9, 4.5)
    args = link.connect_args(url.difference_update_query(LinkSettings.OWN_KEYS).query)
    assert "statement_timeout" not in args  # salessprint's own key never reaches libpq
    assert args["connect_timeout"] == "9"  # the URL's own value, as libpq reads it
    # the URL's options come last, so they can override ours
    assert args["options"] == "-c statement_timeout=2500 -c idle_in_transaction_session_timeout=2500 -c work_mem=8MB"


@pytest.mark.parametrize("bad", ["statement_timeout=soon", "heartbeat=0", "keepalives_idle=-1"])
def test_a_wrong_link_setting_is_one_plain_line(bad: str) -> None:
    with pytest.raises(StoreUnavailable, match=r"^The database URL's \w+ must be"):
        LinkSettings.from_url(parse_url(f"postgresql://u@db.example/sales?{bad}"))


@pytest.fixture
def stall_proxy() -> Iterator[StallProxy]:
    proxy = StallProxy()
    yield proxy
    proxy.close()


def _sessions_named(direct: Store, name: str) -> int:
    with psycopg.connect(direct.url.render_as_string(hide_password=False).replace("+psycopg", "")) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [name]).fetchone()
        assert row is not None
        return int(row[0])


@pytest.mark.postgres
def test_a_write_whose_commit_stalls_fails_in_time_and_is_never_committed(
    pg_url: str, stall_proxy: StallProxy, frozen: object
) -> None:
    direct = team_copy(pg_url)
    name = f"stall-{uuid.uuid4().hex[:8]}"
    remote = open_store(f"{stall_proxy.url_for(pg_url)}?statement_timeout=2&connect_timeout=2&application_name={name}")
    try:
        add_deal(remote, "rita", title="Before", account="Acme", value="10")  # the link works

        # The link stalls just as the COMMIT is sent: the worst moment.
        event.listen(remote.engine, "commit", lambda _conn: stall_proxy.pause(), once=True)
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match=r"stopped answering while confirming the save .*not saved"):
            add_deal(remote, "rita", title="Stalled", account="Acme", value="20")
        took = time.monotonic() - started
        assert took < remote.link.answer_within + 1.5, took  # 4 s: 2 s statement timeout + 2 s margin

        # The server gave up on the silent transaction (idle in transaction
        # for longer than statement_timeout) and rolled it back, so the
        # COMMIT still queued in the proxy has no session left to commit.
        deadline = time.monotonic() + 10
        while _sessions_named(direct, name) and time.monotonic() < deadline:
            pass
        assert _sessions_named(direct, name) == 0

        stall_proxy.resume()
        assert [d.title for d in list_deals(direct, "max")] == ["Before"]
        # Back again: the same store handle writes without a restart.
        add_deal(remote, "rita", title="After", account="Acme", value="30")
        assert sorted(d.title for d in list_deals(direct, "max")) == ["After", "Before"]
    finally:
        remote.dispose()
        direct.dispose()


@pytest.mark.postgres
def test_a_write_on_a_link_already_stalled_fails_within_its_timeout(
    pg_url: str, stall_proxy: StallProxy, frozen: object
) -> None:
    direct = team_copy(pg_url)
    remote = open_store(f"{stall_proxy.url_for(pg_url)}?statement_timeout=2&connect_timeout=2&heartbeat=1")
    try:
        add_deal(remote, "rita", title="Before", account="Acme", value="10")  # a pooled connection
        stall_proxy.pause()
        started = time.monotonic()
        # The pooled connection's ping goes unanswered (1 s), then a new connection cannot log in (2 s).
        with pytest.raises(StoreUnavailable, match=r"^Cannot reach the database"):
            add_deal(remote, "rita", title="Stalled", account="Acme", value="20")
        took = time.monotonic() - started
        assert took < remote.link.heartbeat + remote.link.connect_timeout + 2, took
        stall_proxy.resume()
        assert [d.title for d in list_deals(remote, "max")] == ["Before"]
    finally:
        remote.dispose()
        direct.dispose()


@pytest.mark.postgres
def test_a_statement_past_its_timeout_is_busy_and_admin_work_may_take_long(pg_url: str) -> None:
    from sqlalchemy.exc import OperationalError

    from salessprint.store.db import describe_failure

    store = Store(f"{pg_url}?statement_timeout=0.3")
    try:
        with store.engine.connect() as conn, pytest.raises(OperationalError) as slow:
            conn.exec_driver_sql("SELECT pg_sleep(1)")
        assert describe_failure(store.url, slow.value) == "The store is busy; try again."  # 57014, not an outage
        with store.engine.connect() as conn, conn.begin(), store.without_deadlines(conn):
            assert conn.exec_driver_sql("SELECT pg_sleep(1), 7").one()[1] == 7
        with store.engine.connect() as conn, pytest.raises(OperationalError):
            conn.exec_driver_sql("SELECT pg_sleep(1)")  # lifted for that transaction only
    finally:
        store.dispose()


@pytest.mark.parametrize(
    ("said", "message"),
    [
        (
            "the database did not answer in time (17 s)",
            r"stopped answering \(the link looks stalled\); nothing was saved",
        ),
        (
            "the database did not confirm the commit in time (17 s)",
            r"stopped answering while confirming the save .*: it was not saved, unless the server got it",
        ),
        ("terminating connection due to idle-in-transaction timeout", r"stopped answering .*nothing was saved"),
    ],
)
def test_a_stall_is_told_as_one_and_a_commit_in_doubt_says_so(said: str, message: str) -> None:
    from sqlalchemy.exc import OperationalError

    from salessprint.store.db import describe_failure

    failure = OperationalError("COMMIT", {}, Exception(said))
    text = describe_failure(parse_url("postgresql://u:secret@db.example/sales"), failure)
    assert re.search(message, text), text
    assert "secret" not in text
