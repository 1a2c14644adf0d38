"""The history panel (H) and undo (ctrl+z) in the app, checked on screen and in the store."""

from __future__ import annotations

import asyncio

from textual.widgets import DataTable

from salessprint.domain.enums import TaskStatus
from salessprint.services import open_store
from salessprint.services.history import ChangeView, history
from salessprint.services.tasks import list_tasks, move_task
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.modals.history import HistoryModal
from salessprint.tui.screens.board import BoardScreen
from tests.tui.harness import sprint_team, toasts, until


def _status(store, title: str) -> str:
    return next(t.status for t in list_tasks(store, "max") if t.title == title)


async def select_card(pilot, board, lane: str, title: str) -> None:
    """Focus a lane and highlight the card with this title (the board's own keys do the rest)."""
    await until(pilot, lambda: title in [c.title for c in board.cards[lane]])
    cards = board.query_one(f"#cards-{lane}")
    cards.focus()
    cards.highlighted = [c.title for c in board.cards[lane]].index(title)
    await pilot.pause()


def test_undo_key_and_history_panel(tmp_path, frozen) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    sprint_team(url).dispose()
    store = open_store(url)

    async def scenario() -> None:
        app = SalesSprintApp(store=store, login="rita")
        async with app.run_test(size=(130, 40), notifications=True) as pilot:
            await until(pilot, lambda: app.current_mode == "today")  # a rep's first screen
            await pilot.press("3")
            await until(pilot, lambda: isinstance(app.screen, BoardScreen))
            board = app.screen
            assert isinstance(board, BoardScreen)
            await until(pilot, lambda: len(board.cards[TaskStatus.TODO]) == 3)
            title = board.cards[TaskStatus.TODO][0].title

            await pilot.press("shift+right")
            await until(pilot, lambda: _status(store, title) == "doing")
            await pilot.press("ctrl+z")
            await until(pilot, lambda: _status(store, title) == "todo")
            await until(
                pilot, lambda: any(f"Undone: you changed task '{title}': status todo → doing" in t for t in toasts(app))
            )
            await until(pilot, lambda: title in [c.title for c in board.cards[TaskStatus.TODO]])

            # Nothing of mine left: said in words, nothing changes.
            before = len(history(store, "max"))
            await pilot.press("ctrl+z")
            await until(pilot, lambda: any("no change left to undo" in t for t in toasts(app)))
            assert len(history(store, "max")) == before

            # Someone else touched the card after me: undo refuses and says who.
            await select_card(pilot, board, "todo", title)
            await pilot.press("shift+right")
            await until(pilot, lambda: _status(store, title) == "doing")
            task_id = next(t.id for t in list_tasks(store, "max") if t.title == title)
            move_task(store, "max", task_id, "done")
            await pilot.press("ctrl+z")
            await until(pilot, lambda: any(f"Not undone: max changed task #{task_id}" in t for t in toasts(app)))
            assert _status(store, title) == "done"

            # The panel: the whole team's changes, then only mine.
            await pilot.press("H")
            await until(pilot, lambda: isinstance(app.screen, HistoryModal) and bool(app.screen.changes))
            panel = app.screen
            assert isinstance(panel, HistoryModal)
            assert len(panel.changes) == len(history(store, "rita", limit=200))
            assert panel.changes[0].login == "max"
            table = panel.query_one("#history-table", DataTable)
            assert table.row_count == len(panel.changes)
            detail = str(panel.query_one("#history-detail").render())
            assert "Max Manager" in detail and "status: doing → done" in detail
            await pilot.press("m")
            await until(pilot, lambda: {c.login for c in panel.changes} == {"rita"})
            named = [c for c in panel.changes if c.cause_id is None]
            assert [c.action for c in named] == ["update", "undo", "update"]
            assert named[2].undone and not named[0].undone
            # Each move's card is listed too, as following from the task's change.
            followers = [c for c in panel.changes if c.cause_id is not None]
            assert [(c.entity, c.action) for c in followers] == [
                ("sprint_item", "update"),
                ("sprint_item", "undo"),
                ("sprint_item", "update"),
            ]
            assert {c.cause_id for c in followers} <= {c.id for c in named}
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, BoardScreen))

    try:
        asyncio.run(scenario())
    finally:
        store.dispose()


def test_history_times_are_the_teams_not_utc() -> None:
    """10:30 UTC on 26 November is 11:30 in Berlin and 02:30 in Los Angeles, as Activity shows them."""
    from datetime import UTC, datetime

    from salessprint.tui.modals.history import change_detail, change_row

    change = ChangeView(
        id=1,
        at=datetime(2026, 11, 26, 10, 30, tzinfo=UTC),
        login="rita",
        name="Rita Rep",
        entity="deal",
        entity_id=7,
        action="update",
        summary="changed deal 'Acme'",
        fields=[],
        undone=False,
        before=None,
        after=None,
    )
    assert str(change_row(change, "Europe/Berlin")[0]) == "Thu 26 Nov 11:30"
    assert str(change_row(change, "America/Los_Angeles")[0]) == "Thu 26 Nov 02:30"
    assert "2026-11-26 11:30 Europe/Berlin" in str(change_detail(change, "Europe/Berlin"))
    assert str(change_row(change, "Mars/Base")[0]) == "Thu 26 Nov 10:30"  # an unknown zone reads as UTC
