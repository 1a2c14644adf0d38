"""The server goes away mid-session: the TUI says it is offline, refuses
writes in plain words (none half-done), and recovers when the server is back.

The outage is real from the client's side: the app talks to PostgreSQL
through a local TCP proxy that the test cuts (every connection dropped, new
ones refused) and then restores on the same port. The shared server itself
keeps running for everyone else. A stalled link is a proxy in a subprocess
stopped with SIGSTOP: nothing is refused or closed, nothing answers.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from salessprint.domain.enums import TaskStatus
from salessprint.services import open_store
from salessprint.services.sprints import move_card, sprint_items
from salessprint.services.uow import OFFLINE_REFUSAL
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.screens.board import BoardScreen
from tests.team_helpers import StallProxy, TcpProxy
from tests.tui.harness import notified, sprint_team, toasts, until

pytestmark = pytest.mark.postgres


@pytest.fixture
def proxy() -> TcpProxy:  # type: ignore[misc]
    p = TcpProxy().start()
    yield p
    p.cut()


def test_offline_then_back_online(pg_url: str, proxy: TcpProxy, connected_feeds, frozen) -> None:
    direct = sprint_team(pg_url)
    via_proxy = open_store(proxy.url_for(pg_url))

    async def scenario() -> None:
        app = SalesSprintApp(store=via_proxy, login="rita")
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await until(pilot, lambda: app.current_mode == "today")  # a rep's first screen
            await pilot.press("3")
            await until(pilot, lambda: isinstance(app.screen, BoardScreen))
            board = app.screen
            assert isinstance(board, BoardScreen)
            await until(pilot, lambda: len(board.cards[TaskStatus.TODO]) == 3)
            await until(pilot, lambda: bool(connected_feeds))  # the watcher listens through the proxy
            first, second = board.cards[TaskStatus.TODO][0], board.cards[TaskStatus.TODO][1]

            proxy.cut()
            await until(pilot, lambda: not app.store_online, timeout=8)
            await until(pilot, lambda: any("Offline" in t for t in toasts(app)))
            assert any("Cannot reach the database" in t and "Retrying" in t for t in toasts(app))
            assert app.sub_title == "OFFLINE"

            # A write while offline is refused in words and leaves nothing behind.
            await pilot.press("shift+right")
            await until(pilot, lambda: any("Not done" in t for t in toasts(app)), timeout=8)
            assert {c.id: c.status for c in sprint_items(direct, "max")}[first.id] == "todo"

            # Meanwhile a colleague (still connected) moves another card.
            move_card(direct, "max", second.id, "done")

            proxy.restore()
            await until(pilot, lambda: app.store_online, timeout=10)
            await until(pilot, lambda: any("Back online" in t for t in toasts(app)))
            assert not any("Offline" in t for t in toasts(app))
            assert app.sub_title == ""
            await until(pilot, lambda: [c.id for c in board.cards[TaskStatus.DONE]] == [second.id])

            # And writing works again.
            board.query_one("#cards-todo").focus()
            await pilot.press("shift+right")
            await until(pilot, lambda: {c.id: c.status for c in sprint_items(direct, "max")}[first.id] == "doing")

    try:
        asyncio.run(scenario())
    finally:
        via_proxy.dispose()
        direct.dispose()


def test_a_stalled_link_shows_offline_within_5_s_and_refuses_writes_at_once(
    pg_url: str, connected_feeds, frozen
) -> None:
    direct = sprint_team(pg_url)
    stall = StallProxy()
    # The default heartbeat (2 s); short server timeouts so reads in flight give up quickly.
    via_proxy = open_store(f"{stall.url_for(pg_url)}?statement_timeout=2&connect_timeout=2")

    async def scenario() -> None:
        app = SalesSprintApp(store=via_proxy, login="rita")
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await until(pilot, lambda: app.current_mode == "today")  # a rep's first screen
            await pilot.press("3")
            await until(pilot, lambda: isinstance(app.screen, BoardScreen))
            board = app.screen
            assert isinstance(board, BoardScreen)
            await until(pilot, lambda: len(board.cards[TaskStatus.TODO]) == 3)
            await until(pilot, lambda: bool(connected_feeds))
            first = board.cards[TaskStatus.TODO][0]

            stall.pause()
            took = await until(pilot, lambda: not app.store_online, timeout=5, what="Offline within 5 s")
            assert took < 5
            assert app.sub_title == "OFFLINE"
            # The toast is posted as the state flips; it is on screen a message or two later.
            await until(
                pilot,
                lambda: any("stopped answering" in t and "Retrying" in t for t in toasts(app)),
                timeout=5,
                what="the offline toast",
            )

            # A card move now is refused at once, in words; it is not left waiting on the link.
            board.query_one("#cards-todo").focus()
            pressed = time.monotonic()
            await pilot.press("shift+right")
            await until(pilot, lambda: OFFLINE_REFUSAL in notified(app), timeout=1, what="refused at once")
            assert time.monotonic() - pressed < 1

            stall.resume()
            await until(pilot, lambda: app.store_online, timeout=15, what="back online")
            await until(pilot, lambda: any("Back online" in t for t in toasts(app)))
            assert app.sub_title == ""
            # The refused move never reached the store, then or after the link came back.
            assert {c.id: c.status for c in sprint_items(direct, "max")}[first.id] == "todo"

            # And writing works again.
            await until(pilot, lambda: len(board.cards[TaskStatus.TODO]) == 3)
            board.query_one("#cards-todo").focus()
            await pilot.press("shift+right")
            await until(pilot, lambda: {c.id: c.status for c in sprint_items(direct, "max")}[first.id] == "doing")

    try:
        asyncio.run(scenario())
    finally:
        stall.close()
        via_proxy.dispose()
        direct.dispose()
