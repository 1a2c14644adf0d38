"""The server goes away mid-session: the TUI says it is offline, refuses
writes in plain words (none half-done), and recovers when the server is back.

The outage is real from the client's side: the app talks to PostgreSQL
through a local TCP proxy that the test cuts (every connection dropped, new
ones refused) and then restores on the same port. The shared server itself
keeps running for everyone else.
"""

from __future__ import annotations

import asyncio

import pytest

from salessprint.domain.enums import TaskStatus
from salessprint.services import open_store
from salessprint.services.sprints import move_card, sprint_items
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.screens.board import BoardScreen
from tests.team_helpers import TcpProxy
from tests.tui.harness import sprint_team, toasts, until

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
